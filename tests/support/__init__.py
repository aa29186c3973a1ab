"""Shared test machinery: op checks, gradient checks, NumPy references."""
