"""Independent NumPy references, written differently from the kernels (JAX's lax_reference)."""
