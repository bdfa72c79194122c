"""Scoring rules as pure functions over plain values (no database): ranking, best attempt,
collective prize order. Services and selectors call them; each has a table-driven test."""
