"""Matching, the second step: the pieces `symbiosis/matcher.py` is built from."""
