"""Layer 1: dtypes, shapes, errors, the op registry and the Graph."""
