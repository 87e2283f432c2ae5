"""Benchmarks of tutoria-cms: ``python -m bench`` (or ``make bench``) runs them all.

Each builds its data in a throwaway database and prints figures and ratios; none is a test.
"""
