"""tf.data's ops: dataset ops whose kernels build DatasetValues, and iterator ops.

Each module registers one group of TF's dataset ops with the runtime dataset it builds.
"""

from ndflow.ops.data import batching
from ndflow.ops.data import caching
from ndflow.ops.data import combining
from ndflow.ops.data import csv_dataset
from ndflow.ops.data import filtering
from ndflow.ops.data import generator
from ndflow.ops.data import iterators
from ndflow.ops.data import mapping
from ndflow.ops.data import nested
from ndflow.ops.data import passthrough
from ndflow.ops.data import prefetch
from ndflow.ops.data import readers
from ndflow.ops.data import reduction
from ndflow.ops.data import repeat
from ndflow.ops.data import runtime
from ndflow.ops.data import shuffling
from ndflow.ops.data import sources
from ndflow.ops.data import sparse_components

__all__ = [
    "batching",
    "caching",
    "combining",
    "csv_dataset",
    "filtering",
    "generator",
    "iterators",
    "mapping",
    "nested",
    "passthrough",
    "prefetch",
    "readers",
    "reduction",
    "repeat",
    "runtime",
    "shuffling",
    "sources",
    "sparse_components",
]
