"""Benchmarks (not timed tests): ``python -m benchmarks engine|sync [options]``."""
