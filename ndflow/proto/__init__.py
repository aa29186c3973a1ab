"""Protocol buffer definitions wire-compatible with TensorFlow's, and their generated modules."""
