"""Element-wise arithmetic on SparseTensors: SparseAdd (with its threshold, and the gradient
op SparseAddGrad), SparseTensorDenseAdd (sparse + dense), SparseSparseMaximum/Minimum, and the
builders `tf.sparse.add`, `tf.sparse.maximum`, `tf.sparse.minimum` as TF's sparse_ops.py
builds them. Gradients are TF's (sparse_grad.py).

The sparse-sparse kernels follow TF's merge walk over two canonically ordered operands:
entries present in both are combined, the others kept (paired with an implicit zero).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops.array import indexing
from ndflow.ops.array import shapes
from ndflow.ops.sparse import coordinates

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = coordinates.format_dims
invalid = coordinates.invalid
TensorShape = tensor_shape.TensorShape
SparseTensor = sparse_tensor.SparseTensor


def _check_same_shapes(a_shape, b_shape) -> None:
    a_shape, b_shape = np.asarray(a_shape), np.asarray(b_shape)
    if a_shape.shape != b_shape.shape:
        raise invalid(
            "Operands do not have the same ranks; got shapes: "
            f"{' '.join(map(str, a_shape.ravel()))} and {' '.join(map(str, b_shape.ravel()))}"
        )
    differs = a_shape != b_shape
    if differs.any():
        dim = int(np.argmax(differs))
        raise invalid(
            f"Operands' shapes do not match: got {a_shape[dim]} and {b_shape[dim]} for "
            f"dimension {dim}"
        )


def _union(a_indices, a_values, b_indices, b_values):
    """The merge walk: (output indices, a's values or 0, b's values or 0, in both), all in
    a's value type."""
    a_indices, b_indices = np.asarray(a_indices, np.int64), np.asarray(b_indices, np.int64)
    a_values, b_values = np.asarray(a_values), np.asarray(b_values)
    from_a, from_b = coordinates.merge_sorted(a_indices, b_indices)
    in_a, in_b = from_a >= 0, from_b >= 0
    indices = np.empty((from_a.size, a_indices.shape[1]), dtype=np.int64)
    indices[in_a] = a_indices[from_a[in_a]]
    indices[~in_a] = b_indices[from_b[~in_a]]
    a_part = np.zeros(from_a.size, dtype=a_values.dtype)
    b_part = np.zeros(from_b.size, dtype=a_values.dtype)
    a_part[in_a] = a_values[from_a[in_a]]
    b_part[in_b] = b_values[from_b[in_b]]
    return indices, a_part, b_part, in_a & in_b


# ---------------------------------------------------------------------- SparseAdd


def _add_shape(op):
    a_shape = shape_errors.require_rank(op.inputs[2].shape, 1)
    return [TensorShape([None, coordinates.dim(a_shape, 0)]), TensorShape([None]), a_shape]


def _check_add_entries(a_indices, a_values, b_indices, b_values) -> int:
    """TF's checks of both operands' indices and values; the number of dimensions."""
    if np.ndim(a_indices) != 2 or np.ndim(b_indices) != 2:
        raise invalid(
            "Input indices should be matrices but received shapes: "
            f"{format_dims(np.shape(a_indices))} and {format_dims(np.shape(b_indices))}"
        )
    ndims = np.shape(a_indices)[1]
    if np.shape(b_indices)[1] != ndims:
        raise invalid(
            f"Input indices must have the same dimension, got {ndims} and {np.shape(b_indices)[1]}"
        )
    if np.ndim(a_values) != 1 or np.ndim(b_values) != 1:
        raise invalid(
            "Input values should be vectors but received shapes: "
            f"{format_dims(np.shape(a_values))} and {format_dims(np.shape(b_values))}"
        )
    counts = (np.shape(a_indices)[0], np.shape(b_indices)[0])
    sizes = (np.size(a_values), np.size(b_values))
    if counts != sizes:
        raise invalid(
            f"Expected {counts[0]} and {counts[1]} non-empty input values, got {sizes[0]} and "
            f"{sizes[1]}"
        )
    return ndims


def _check_add_inputs(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    ndims = _check_add_entries(a_indices, a_values, b_indices, b_values)
    if np.ndim(a_shape) != 1 or np.ndim(b_shape) != 1:
        raise invalid(
            "Input shapes should be a vector but received shapes "
            f"{format_dims(np.shape(a_shape))} and {format_dims(np.shape(b_shape))}"
        )
    if np.size(a_shape) != ndims:
        raise invalid(
            "Second dimension of a_indices and length of a_shape must match, got "
            f"{ndims} and {np.size(a_shape)}"
        )
    if ndims == 0:
        raise invalid("Tesors must not be empty")
    _check_same_shapes(a_shape, b_shape)
    if np.ndim(thresh) != 0:
        raise invalid(
            f"The magnitude threshold must be a scalar: got shape {format_dims(np.shape(thresh))}"
        )


def _add_kernel(ctx, a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    _check_add_inputs(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh)
    indices, a_part, b_part, in_both = _union(a_indices, a_values, b_indices, b_values)
    sums = (a_part + b_part).astype(np.asarray(a_values).dtype)
    # TF drops only summed entries whose magnitude is below the threshold.
    keep = ~in_both | (np.abs(sums) >= thresh)
    return indices[keep], sums[keep], np.asarray(a_shape)


def _add_grad(op, *grads):
    """TF's `_SparseAddGrad`: SparseAddGrad routes the sum's value gradient to the entries
    of A and B it came from."""
    a_grad, b_grad = apply_op("SparseAddGrad", grads[1], op.inputs[0], op.inputs[3], op.outputs[0])
    a_grad.set_shape(op.inputs[1].shape)
    b_grad.set_shape(op.inputs[4].shape)
    return [None, a_grad, None, None, b_grad, None, None]


register_op(
    "SparseAdd",
    inputs=[
        "a_indices: int64",
        "a_values: T",
        "a_shape: int64",
        "b_indices: int64",
        "b_values: T",
        "b_shape: int64",
        "thresh: Treal",
    ],
    outputs=["sum_indices: int64", "sum_values: T", "sum_shape: int64"],
    attrs=["T: numbertype", "Treal: realnumbertype"],
    shape=_add_shape,
    kernel=_add_kernel,
    grad=_add_grad,
)


# ---------------------------------------------------------------------- SparseAddGrad


def _add_grad_shape(op):
    a_indices = shape_errors.require_rank(op.inputs[1].shape, 2)
    b_indices = shape_errors.require_rank(op.inputs[2].shape, 2)
    return [
        TensorShape([coordinates.dim(a_indices, 0)]),
        TensorShape([coordinates.dim(b_indices, 0)]),
    ]


def _check_add_grad(backprop_val_grad, a_indices, b_indices, sum_indices) -> None:
    matrices = (a_indices, b_indices, sum_indices)
    if any(np.ndim(m) != 2 for m in matrices):
        described = " and ".join(format_dims(np.shape(m)) for m in matrices)
        raise invalid(f"Input indices should be matrices but received shapes: {described}")
    if np.ndim(backprop_val_grad) != 1:
        raise invalid(
            "Input backprop_val_grad should be a vector but received shape: "
            f"{format_dims(np.shape(backprop_val_grad))}"
        )
    ndims = [np.shape(m)[1] for m in matrices]
    if len(set(ndims)) != 1:
        raise invalid(
            "The densified operands should have the same ndims; for A, B, sum got: "
            + "".join(str(n) for n in ndims)
        )
    if np.size(backprop_val_grad) != np.shape(sum_indices)[0]:
        raise invalid(
            "# elements of backprop_val_grad and # rows of sum_indices should match (#nnz of "
            f"sum): got {np.size(backprop_val_grad)} and {np.shape(sum_indices)[0]}"
        )


def _add_grad_kernel(ctx, backprop_val_grad, a_indices, b_indices, sum_indices):
    _check_add_grad(backprop_val_grad, a_indices, b_indices, sum_indices)
    grad = np.asarray(backprop_val_grad)
    sum_indices = np.asarray(sum_indices, np.int64)
    outputs = []
    for operand in (a_indices, b_indices):
        positions = coordinates.match_rows(np.asarray(operand, np.int64), sum_indices)
        values = np.zeros(positions.size, dtype=grad.dtype)
        found = positions >= 0
        values[found] = grad[positions[found]]
        outputs.append(values)
    return tuple(outputs)


register_op(
    "SparseAddGrad",
    inputs=[
        "backprop_val_grad: T",
        "a_indices: int64",
        "b_indices: int64",
        "sum_indices: int64",
    ],
    outputs=["a_val_grad: T", "b_val_grad: T"],
    attrs=["T: numbertype"],
    shape=_add_grad_shape,
    kernel=_add_grad_kernel,
)
registry.not_differentiable("SparseAddGrad", "TF declares it NotDifferentiable (sparse_grad.py)")


# ---------------------------------------------------------------------- SparseTensorDenseAdd


def _dense_add_shape(op):
    return [op.inputs[3].shape]


def _check_dense_add(a_indices, a_values, a_shape, b) -> None:
    if np.ndim(a_indices) != 2:
        raise invalid(
            f"Input a_indices should be a matrix but received shape: "
            f"{format_dims(np.shape(a_indices))}"
        )
    if np.ndim(a_values) != 1 or np.ndim(a_shape) != 1:
        raise invalid(
            "Inputs a_values and a_shape should be vectors but received shapes: "
            f"{format_dims(np.shape(a_values))} and {format_dims(np.shape(a_shape))}"
        )
    nnz, ndims = np.shape(a_indices)
    for want, got in ((nnz, np.size(a_values)), (ndims, np.size(a_shape))):
        if want != got:
            raise invalid(f"Dimensions {want} and {got} are not compatible")
    if np.size(a_shape) != np.ndim(b):
        raise invalid(
            f"Two operands have different ranks; received: {np.size(a_shape)} and {np.ndim(b)}"
        )
    differs = np.asarray(a_shape, np.int64) != np.shape(b)
    if differs.any():
        dim = int(np.argmax(differs))
        raise invalid(
            f"Dimension {dim} does not equal (no broadcasting is supported): sparse side "
            f"{int(np.ravel(a_shape)[dim])} vs dense side {np.shape(b)[dim]}"
        )


def _check_dense_add_indices(indices, dims) -> None:
    bad = (indices < 0) | (indices >= dims)
    if not bad.any():
        return
    row, dim = divmod(int(np.argmax(bad.ravel())), indices.shape[1])
    raise invalid(
        f"Sparse tensor has an invalid index on dimension {dim}: a_indices({row},{dim}) = "
        f"{indices[row, dim]}, dense tensor shape: {' '.join(str(d) for d in dims)}"
    )


def _dense_add_kernel(ctx, a_indices, a_values, a_shape, b):
    _check_dense_add(a_indices, a_values, a_shape, b)
    indices = np.asarray(a_indices, np.int64)
    _check_dense_add_indices(indices, np.asarray(a_shape, np.int64))
    if not 1 <= indices.shape[1] <= 5:
        raise invalid(
            "Only tensors with ranks between 1 and 5 are currently supported.  Tensor rank: "
            f"{indices.shape[1]}"
        )
    output = np.array(b, copy=True)
    np.add.at(output, tuple(indices.T), np.asarray(a_values, dtype=output.dtype))
    return output


def _dense_add_grad(op, grad):
    """TF's `_SparseTensorDenseAddGrad`: the sparse values read the gradient at their
    indices; the dense operand gets it whole."""
    return [None, indexing.gather_nd(grad, op.inputs[0]), None, grad]


register_op(
    "SparseTensorDenseAdd",
    inputs=["a_indices: Tindices", "a_values: T", "a_shape: Tindices", "b: T"],
    outputs=["output: T"],
    attrs=["T: numbertype", "Tindices: {int32, int64}"],
    shape=_dense_add_shape,
    kernel=_dense_add_kernel,
    grad=_dense_add_grad,
)


def sparse_add_v2(a, b, threshold=0):
    """Mirrors `tf.sparse.add` of TF2 (see `sparse_add`)."""
    if not (coordinates.is_sparse(a) or coordinates.is_sparse(b)):
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add()?")
    if not (coordinates.is_sparse(a) and coordinates.is_sparse(b)):
        sparse, dense = (a, b) if coordinates.is_sparse(a) else (b, a)
        sparse = coordinates.convert_to_sparse_tensor(sparse)
        return apply_op(
            "SparseTensorDenseAdd", sparse.indices, sparse.values, sparse.dense_shape, dense
        )
    a = coordinates.convert_to_sparse_tensor(a)
    b = coordinates.convert_to_sparse_tensor(b)
    threshold = op_builder.convert_to_tensor(
        threshold, dtype=a.values.dtype.real_dtype.base_dtype, name="threshold"
    )
    indices, values, output_shape = apply_op(
        "SparseAdd",
        a.indices,
        a.values,
        a.dense_shape,
        b.indices,
        b.values,
        b.dense_shape,
        threshold,
    )
    a.shape.assert_is_compatible_with(b.shape)
    static_shape = shapes.broadcast_static_shape(a.shape, b.shape)
    if static_shape.is_fully_defined():
        output_shape = static_shape.as_list()
    return SparseTensor(indices, values, output_shape)


def sparse_add(a, b, threshold=None, thresh=None):
    """Mirrors TF1 `tf.sparse.add` (`tf.sparse_add`): A + B where at least one operand is a
    SparseTensor. Sparse + sparse is a SparseTensor (entries whose sum has a magnitude below
    `threshold` are dropped); sparse + dense is a dense Tensor. No broadcasting.

    Args:
      a: a SparseTensor or a Tensor.
      b: a SparseTensor or a Tensor.
      threshold: the magnitude threshold (default 0: keep everything).
      thresh: the deprecated name of `threshold`.

    Returns:
      A SparseTensor, or a Tensor when one operand is dense.

    Raises:
      TypeError: when both operands are dense.
      ValueError: when the static dense shapes are incompatible.

    >>> sparse_add(SparseTensor([[0]], [1.0], [2]), SparseTensor([[1]], [2.0], [2])).values
    """
    threshold = coordinates.deprecated_lookup("threshold", threshold, "thresh", thresh)
    return sparse_add_v2(a, b, 0 if threshold is None else threshold)


# ---------------------------------------------------------------------- SparseSparseMaximum/Minimum


def _min_or_max_shape(op):
    for index, rank in zip(range(6), (2, 1, 1, 2, 1, 1)):
        shape_errors.require_rank(op.inputs[index].shape, rank)
    return [TensorShape([None, None]), TensorShape([None])]


def _min_or_max_kernel(choose):
    def kernel(ctx, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        coordinates.check_sparse_tensor(a_indices, a_values, a_shape)
        coordinates.check_sparse_tensor(b_indices, b_values, b_shape)
        _check_same_shapes(a_shape, b_shape)
        indices, a_part, b_part, _ = _union(a_indices, a_values, b_indices, b_values)
        return indices, choose(a_part, b_part).astype(np.asarray(a_values).dtype)

    return kernel


def _min_or_max_grad(op_type: str):
    def grad(op, *grads):
        raise NotImplementedError(f"Gradient for {op_type} is not implemented.")

    return grad


for _op_type, _choose, _types in (
    ("SparseSparseMaximum", np.maximum, "realnumbertype"),
    # TF's op def allows every number type for the minimum (its kernels are real types only).
    ("SparseSparseMinimum", np.minimum, "numbertype"),
):
    register_op(
        _op_type,
        inputs=[
            "a_indices: int64",
            "a_values: T",
            "a_shape: int64",
            "b_indices: int64",
            "b_values: T",
            "b_shape: int64",
        ],
        outputs=["output_indices: int64", "output_values: T"],
        attrs=[f"T: {_types}"],
        shape=_min_or_max_shape,
        kernel=_min_or_max_kernel(_choose),
        grad=_min_or_max_grad(_op_type),
    )


def _sparse_sparse(op_type: str, sp_a, sp_b, name):
    sp_a = coordinates.convert_to_sparse_tensor(sp_a)
    sp_b = coordinates.convert_to_sparse_tensor(sp_b)
    values = [sp_a.indices, sp_a.values, sp_b.indices, sp_b.values]
    with graph_lib.name_scope(name, op_type, values) as scope:
        indices, out_values = apply_op(
            op_type,
            sp_a.indices,
            sp_a.values,
            sp_a.dense_shape,
            sp_b.indices,
            sp_b.values,
            sp_b.dense_shape,
            name=scope,
        )
    return SparseTensor(indices, out_values, sp_a.dense_shape)


def sparse_maximum(sp_a, sp_b, name=None):
    """Mirrors `tf.sparse.maximum` (`tf.sparse_maximum`): the element-wise maximum of two
    canonically ordered SparseTensors of the same shape; an entry missing on one side counts
    as zero.

    Args:
      sp_a: a SparseTensor of a real type.
      sp_b: a SparseTensor of the same type and dense shape.
      name: the op name (default "SparseSparseMaximum").

    Returns:
      A SparseTensor on the union of the entries.

    >>> sparse_maximum(SparseTensor([[0]], [-1.0], [2]), SparseTensor([[1]], [2.0], [2])).values
    """
    return _sparse_sparse("SparseSparseMaximum", sp_a, sp_b, name)


def sparse_minimum(sp_a, sp_b, name=None):
    """Mirrors `tf.sparse.minimum` (`tf.sparse_minimum`): the element-wise minimum of two
    canonically ordered SparseTensors of the same shape; an entry missing on one side counts
    as zero.

    Args:
      sp_a: a SparseTensor of a real type.
      sp_b: a SparseTensor of the same type and dense shape.
      name: the op name (default "SparseSparseMinimum").

    Returns:
      A SparseTensor on the union of the entries.

    >>> sparse_minimum(SparseTensor([[0]], [-1.0], [2]), SparseTensor([[1]], [2.0], [2])).values
    """
    return _sparse_sparse("SparseSparseMinimum", sp_a, sp_b, name)
