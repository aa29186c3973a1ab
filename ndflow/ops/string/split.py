"""Splitting strings into SparseTensors: StringSplit (TF1's `tf.string_split`) and
StringSplitV2 (`tf.compat.v1.strings.split`, Python's `str.split` rules).

Both ops output the COO triple of a [batch, max_tokens] SparseTensor. The per-string splits
are C-level `bytes` methods mapped over the batch; indices are built with NumPy.
"""

from __future__ import annotations

import itertools
import operator

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops.string import buffers

# One bytes object per byte value, so splitting into bytes is a NumPy gather.
_SINGLE_BYTES = np.array([bytes([value]) for value in range(256)], dtype=object)


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _split_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 1)
    shape_errors.require_rank(op.inputs[1].shape, 0)
    return [
        tensor_shape.TensorShape([None, 2]),
        tensor_shape.TensorShape([None]),
        tensor_shape.TensorShape([2]),
    ]


def _check_vector_and_scalar(values, separator, separator_name):
    if np.ndim(values) != 1:
        raise errors.InvalidArgumentError(
            None, None, f"input must be a vector, got shape: {_dims(np.shape(values))}"
        )
    if np.ndim(separator) != 0:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{separator_name} must be a scalar, got shape: {_dims(np.shape(separator))}",
        )


def _sparse_from_parts(parts: list, rows: int, keep=None):
    """(indices, values, shape) of a [rows, max_tokens] SparseTensor from per-row token
    lists; `keep(values, row_ids) -> bool mask` drops tokens."""
    counts = buffers.lengths(parts)
    values = buffers.objects(itertools.chain.from_iterable(parts), int(counts.sum()))
    row_ids = np.repeat(np.arange(rows, dtype=np.int64), counts)
    if keep is not None:
        mask = keep(values, row_ids)
        values, row_ids = values[mask], row_ids[mask]
        counts = np.bincount(row_ids, minlength=rows).astype(np.int64)
    return _coo(values, row_ids, counts, rows)


def _coo(values, row_ids, counts, rows):
    firsts = np.cumsum(counts) - counts
    columns = np.arange(values.size, dtype=np.int64) - np.repeat(firsts, counts)
    indices = np.stack([row_ids, columns], axis=1).reshape(-1, 2)
    width = int(counts.max()) if rows else 0
    return indices, values, np.array([rows, width], dtype=np.int64)


def _split_into_bytes(items: list):
    packed = buffers.pack(items)
    total = int(packed.lengths.sum())
    values = _SINGLE_BYTES[packed.buffer[:total]]
    row_ids = np.repeat(np.arange(len(items), dtype=np.int64), packed.lengths)
    return _coo(values, row_ids, packed.lengths, len(items))


# ---------------------------------------------------------------------- StringSplit


def _string_split_kernel(ctx, input, delimiter, skip_empty):
    _check_vector_and_scalar(input, delimiter, "delimiter")
    items = buffers.flat(input)
    delimiter = np.asarray(delimiter, dtype=object).item()
    if not delimiter:
        return _split_into_bytes(items)
    # Every delimiter byte splits: map them all onto the first one, then split on it.
    first = delimiter[:1]
    if len(delimiter) > 1:
        table = bytes.maketrans(delimiter, first * len(delimiter))
        items = list(map(operator.methodcaller("translate", table), items))
    parts = list(map(operator.methodcaller("split", first), items))
    nonempty = buffers.lengths(items) > 0

    def keep(values, row_ids):
        # An empty string has no tokens at all, even with skip_empty=False (TF's rule).
        mask = nonempty[row_ids]
        if skip_empty:
            mask &= values != b""
        return mask

    return _sparse_from_parts(parts, len(items), keep)


registry.register_op(
    "StringSplit",
    inputs=["input: string", "delimiter: string"],
    outputs=["indices: int64", "values: string", "shape: int64"],
    attrs=["skip_empty: bool = true"],
    shape=_split_shape,
    kernel=_string_split_kernel,
)
registry.not_differentiable("StringSplit", "strings have no gradient")


def string_split(
    source, sep=None, skip_empty=True, delimiter=None, result_type="SparseTensor", name=None
):
    """Mirrors TF1's `tf.string_split`: splits each string of a vector on any delimiter byte.

    An empty delimiter splits into single bytes. Empty strings give no tokens.

    Args:
      source: a 1-D string tensor.
      sep: the delimiter bytes (each one splits); default " ".
      skip_empty: drop empty tokens.
      delimiter: deprecated alias of `sep`.
      result_type: "SparseTensor" (ndflow has no RaggedTensor).
      name: the name scope (default "StringSplit").

    Returns:
      A [len(source), max_tokens] SparseTensor of strings.

    >>> string_split(["hello world", "a b c"]).values  # [b"hello", b"world", b"a", b"b", b"c"]
    """
    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'sep' and 'delimiter'.")
    _check_result_type(result_type)
    sep = " " if sep is None and delimiter is None else sep if sep is not None else delimiter
    with graph_lib.name_scope(name, "StringSplit", [source]):
        sep = op_builder.convert_to_tensor(sep, dtype=dtypes.string)
        source = op_builder.convert_to_tensor(source, dtype=dtypes.string)
        indices, values, shape = op_builder.apply_op(
            "StringSplit", source, sep, skip_empty=skip_empty
        )
        return sparse_tensor.SparseTensor(indices, values, shape)


def _check_result_type(result_type):
    if result_type == "RaggedTensor":
        raise ValueError("result_type='RaggedTensor' is not supported: ndflow has no RaggedTensor.")
    if result_type != "SparseTensor":
        raise ValueError("result_type must be 'RaggedTensor' or 'SparseTensor'.")


# ---------------------------------------------------------------------- StringSplitV2


def _string_split_v2_kernel(ctx, input, sep, maxsplit):
    _check_vector_and_scalar(input, sep, "sep")
    items = buffers.flat(input)
    rows = len(items)
    sep = np.asarray(sep, dtype=object).item() or None
    if maxsplit == 0:
        everything = np.ones(rows, dtype=np.int64)
        return _coo(buffers.objects(items, rows), np.arange(rows, dtype=np.int64), everything, rows)
    parts = list(map(operator.methodcaller("split", sep, maxsplit), items))
    if sep is not None or maxsplit < 0:
        return _sparse_from_parts(parts, rows)
    # TF's whitespace split adds the rest of the string after the maxsplit-th token even
    # when it is empty (Python's str.split leaves it out).
    counts = buffers.lengths(parts)
    short = np.flatnonzero(counts == maxsplit)
    tokens = buffers.objects(itertools.chain.from_iterable(parts), int(counts.sum()))
    values = np.concatenate([tokens, np.full(short.size, b"", dtype=object)])
    row_ids = np.concatenate([np.repeat(np.arange(rows, dtype=np.int64), counts), short])
    order = np.argsort(row_ids, kind="stable")
    counts[short] += 1
    return _coo(values[order], row_ids[order], counts, rows)


registry.register_op(
    "StringSplitV2",
    inputs=["input: string", "sep: string"],
    outputs=["indices: int64", "values: string", "shape: int64"],
    attrs=["maxsplit: int = -1"],
    shape=_split_shape,
    kernel=_string_split_v2_kernel,
)
registry.not_differentiable("StringSplitV2", "strings have no gradient")


def string_split_v2(source, sep=None, maxsplit=-1):
    """The StringSplitV2 op on a vector: Python's `bytes.split(sep, maxsplit)` per string,
    as a [len(source), max_tokens] SparseTensor (TF's `string_ops.string_split_v2`)."""
    sep = op_builder.convert_to_tensor("" if sep is None else sep, dtype=dtypes.string)
    source = op_builder.convert_to_tensor(source, dtype=dtypes.string)
    indices, values, shape = op_builder.apply_op("StringSplitV2", source, sep, maxsplit=maxsplit)
    return sparse_tensor.SparseTensor(indices, values, shape)


def strings_split(
    input=None, sep=None, maxsplit=-1, result_type="SparseTensor", source=None, name=None
):
    """Mirrors `tf.compat.v1.strings.split`: Python's `str.split` on every string.

    With `sep` None or empty, runs of whitespace separate and no empty tokens appear; with a
    `sep`, each occurrence separates ("1<>2<><>3" gives "1", "2", "", "3").

    Args:
      input: a string tensor of rank N (a scalar counts as one string).
      sep: the separator; None splits on whitespace.
      maxsplit: at most this many splits per string when > 0.
      result_type: "SparseTensor" (ndflow has no RaggedTensor).
      source: deprecated alias of `input`.
      name: the name scope (default "StringSplit").

    Returns:
      A SparseTensor of rank N+1 (rank 2 for a scalar or vector input).

    >>> strings_split(["a b", "c"]).dense_shape  # [2, 2]
    """
    if input is not None and source is not None:
        raise ValueError("Cannot specify both 'input' and 'source'.")
    text = source if input is None else input
    _check_result_type(result_type)
    with graph_lib.name_scope(name, "StringSplit", [text]):
        text = op_builder.convert_to_tensor(text, dtype=dtypes.string, name="input")
        if text.shape.rank == 0:
            text = array.expand_dims(text, 0)
        if text.shape.rank == 1:
            return string_split_v2(text, sep=sep, maxsplit=maxsplit)
        return _split_any_rank(text, sep, maxsplit)


def _split_any_rank(input, sep, maxsplit):
    """Splits the flattened strings, then reshapes the [n, width] result to input.shape +
    [width] (what TF's RaggedTensor.to_sparse gives)."""
    flat = string_split_v2(array.reshape(input, [-1]), sep=sep, maxsplit=maxsplit)
    width = flat.dense_shape[1:]
    new_shape = array.concat([array.shape(input, out_type=dtypes.int64), width], 0)
    indices, shape = op_builder.apply_op("SparseReshape", flat.indices, flat.dense_shape, new_shape)
    return sparse_tensor.SparseTensor(indices, flat.values, shape)
