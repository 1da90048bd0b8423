"""Solving the model: solver back-ends, the lexicographic stages, and the fast paths for large regions."""
