"""Analyses of scored results: uncertainty, sensitivity and a statistical audit.

The public entry points are ``mi.uncertainty``, ``mi.sensitivity`` and ``mi.audit``; each
lives in its own module and is imported on first use.
"""
