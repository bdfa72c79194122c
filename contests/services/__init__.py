"""Writes for what organisers set up, one module per area (units, contests, questions...)."""
