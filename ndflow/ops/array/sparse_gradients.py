"""IndexedSlices gradients made dense, for array-op gradients that need a Tensor.

Gather's gradient is an IndexedSlices; an op upstream of a gather whose own gradient reshapes
or transposes (Reshape, ExpandDims, GatherV2 on another axis...) first sums it into a dense
Tensor, as TF's `_IndexedSlicesToTensorNoWarning` does. UnsortedSegmentSum belongs to the
math family and is built by type name.
"""

from __future__ import annotations

from ndflow.framework import indexed_slices
from ndflow.framework import op_builder

apply_op = op_builder.apply_op
IndexedSlices = indexed_slices.IndexedSlices


def to_tensor(grad):
    """TF's `_IndexedSlicesToTensorNoWarning`: a Tensor gradient passes through; an
    IndexedSlices becomes `UnsortedSegmentSum(values, indices, dense_shape[0])`.

    Raises:
      ValueError: for an IndexedSlices without a dense shape.
    """
    if not isinstance(grad, IndexedSlices):
        return grad
    if grad.dense_shape is None:
        raise ValueError(
            f"Tensor conversion requested for IndexedSlices without dense_shape: {grad}"
        )
    # dense_shape[0], built as TF's `_slice_helper` builds it.
    rows = apply_op(
        "StridedSlice", grad.dense_shape, [0], [1], [1], shrink_axis_mask=1, name="strided_slice"
    )
    return apply_op("UnsortedSegmentSum", grad.values, grad.indices, rows)
