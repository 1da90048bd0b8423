"""Benchmarks: a seeded synthetic region and the scaling runs (`python -m benchmarks.run`)."""
