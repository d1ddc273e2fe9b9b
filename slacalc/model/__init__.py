"""The domain model: contracts (and the registry that finds them), periods and money.

Imports nothing else of slacalc but :mod:`slacalc.errors`; every other layer builds on it.
"""
