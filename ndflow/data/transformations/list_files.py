"""`Dataset.list_files`: MatchingFiles, an Assert that something matched, TensorSliceDataset
of the names and (by default) a ShuffleDataset, as TF builds it."""

from __future__ import annotations

import numpy as np

from ndflow.data import base
from ndflow.data import structure
from ndflow.data.transformations import sequence
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops.control_flow import asserts
from ndflow.ops.string import join

apply_op = op_builder.apply_op


def list_files(file_pattern, shuffle=None, seed=None, name=None):
    """The file names matching the glob pattern(s) `file_pattern`, shuffled unless
    `shuffle=False` (`seed` fixes the order). Running it when nothing matches is TF's
    InvalidArgumentError "assertion failed: [No files matched pattern: ...]". Returns
    (variant tensor, element spec)."""
    spec = structure.TensorSpec([], dtypes.string)
    with graph_lib.name_scope("list_files"):
        pattern = op_builder.convert_to_tensor(
            file_pattern, dtype=dtypes.string, name="file_pattern"
        )
        files = apply_op("MatchingFiles", pattern)
        count = apply_op("Shape", files, out_type=dtypes.int32)[0]
        condition = _with_constant("Greater", count, 0, "match_not_empty")
        joined = join.reduce_join(pattern, separator=", ")
        message = _with_constant("Add", joined, "No files matched pattern: ", "message", True)
        check = asserts.Assert(condition, [message], summarize=1, name="assert_not_empty")
        with graph_lib.control_dependencies([check]):
            files = apply_op("Identity", files)
        variant = apply_op(
            "TensorSliceDataset",
            [files],
            output_shapes=[spec.shape],
            is_files=True,
            name=name or "TensorSliceDataset",
        )
        if shuffle is not None and not shuffle:
            return variant, spec
        length = apply_op("Shape", files, out_type=dtypes.int64)[0]
        buffer_size = _with_constant("Maximum", length, np.int64(1), "Maximum")
        return sequence.shuffle(base.DatasetV1(variant, spec), buffer_size, seed=seed, name=name)


def _with_constant(op_type, tensor, constant, name, constant_first=False):
    """`op_type(tensor, constant)` with the constant in the op's scope ("<name>/y"), as TF's
    math_ops build it."""
    with graph_lib.name_scope(name) as scope:
        value = op_builder.convert_to_tensor(constant, name="x" if constant_first else "y")
        inputs = (value, tensor) if constant_first else (tensor, value)
        return apply_op(op_type, *inputs, name=scope)
