"""Layer 1: TensorFlow's file formats as plain codecs, usable without a graph."""
