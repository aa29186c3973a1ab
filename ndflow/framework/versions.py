"""ndflow's version, and the TensorFlow release whose formats and behaviour it follows."""

# ndflow's own release (also in pyproject.toml); `tf.__version__` and the git-version field
# of the MetaGraphs ndflow writes.
NDFLOW_VERSION = "0.1.0"

# The TensorFlow release ndflow's op definitions, GraphDef producer and goldens match. TF parses
# a MetaGraph's `tensorflow_version` on import, so what ndflow writes there must be TF's.
TENSORFLOW_VERSION = "2.21.0"
