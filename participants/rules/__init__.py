"""Participants' pure rules: plain values in, plain values out, no database."""
