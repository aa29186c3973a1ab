"""Matrix products: MatMul and BatchMatMulV2 (broadcasting batch dims) with their gradients,
and `tf.matmul` (MatMul for two matrices, else BatchMatMulV2, as TF picks).

Half types multiply in float32 and round back (TF accumulates them in float32 too);
integer products wrap like TF's.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.math import complex as complex_lib

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims
conj = elementwise.conj

_HALF = frozenset({"float16", "bfloat16"})


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _product(a, b):
    """a @ b with NumPy's batch broadcasting, half types through float32."""
    dtype = np.asarray(a).dtype
    if dtype.name in _HALF:
        return np.matmul(a.astype(np.float32), b.astype(np.float32)).astype(dtype)
    return np.matmul(a, b)


def _adjoint(x):
    x = np.swapaxes(x, -1, -2)
    return np.conj(x) if x.dtype.kind == "c" else x


# ---------------------------------------------------------------------- MatMul


def _matmul_shape(op):
    a = shape_errors.require_rank(op.inputs[0].shape, 2).as_list()
    b = shape_errors.require_rank(op.inputs[1].shape, 2).as_list()
    if op.attrs["transpose_a"]:
        a = a[::-1]
    if op.attrs["transpose_b"]:
        b = b[::-1]
    shape_errors.merge_dims(a[1], b[0])
    return [tensor_shape.TensorShape([a[0], b[1]])]


def _matmul_kernel(ctx, a, b, transpose_a, transpose_b):
    for index, value in enumerate((a, b)):
        if np.ndim(value) < 2:
            raise _invalid(f"In[{index}] ndims must be >= 2")
        if np.ndim(value) > 2:
            raise _invalid(
                f"In[{index}] is not a matrix. Instead it has shape {format_dims(np.shape(value))}"
            )
    left = a.T if transpose_a else a
    right = b.T if transpose_b else b
    if left.shape[1] != right.shape[0]:
        raise _invalid(
            f"Matrix size-incompatible: In[0]: {format_dims(np.shape(a))}, In[1]: "
            f"{format_dims(np.shape(b))}"
        )
    return _product(left, right)


# (transpose_a, transpose_b) -> the products giving a's and b's gradients, each as
# (left, right, transpose left, transpose right); TF's `_MatMulGrad` (and BatchMatMulV2's,
# with adjoints for transposes).
_PRODUCT_GRADS = {
    (False, False): (("grad", "b", False, True), ("a", "grad", True, False)),
    (False, True): (("grad", "b", False, False), ("grad", "a", True, False)),
    (True, False): (("b", "grad", False, True), ("a", "grad", False, False)),
    (True, True): (("b", "grad", True, True), ("grad", "a", True, True)),
}


def _matmul_grad(op, grad):
    """TF's `_MatMulGrad`: products of grad with the conjugated other operand."""
    operands = {"a": conj(op.inputs[0]), "b": conj(op.inputs[1]), "grad": grad}
    plans = _PRODUCT_GRADS[(op.attrs["transpose_a"], op.attrs["transpose_b"])]
    result = []
    for (left, right, t_left, t_right), flag in zip(plans, ("grad_a", "grad_b")):
        result.append(
            apply_op(
                "MatMul",
                operands[left],
                operands[right],
                transpose_a=t_left,
                transpose_b=t_right,
                **{flag: True},
            )
        )
    return result


registry.register_op(
    "MatMul",
    inputs=["a: T", "b: T"],
    outputs=["product: T"],
    attrs=[
        "transpose_a: bool = false",
        "transpose_b: bool = false",
        "T: {bfloat16, half, float, double, int32, int64, uint8, uint16, uint32, uint64, "
        "complex64, complex128}",
        "grad_a: bool = false",
        "grad_b: bool = false",
    ],
    shape=_matmul_shape,
    kernel=_matmul_kernel,
    grad=_matmul_grad,
)


# ---------------------------------------------------------------------- BatchMatMulV2


def _batch_matmul_shape(op):
    a = shape_errors.require_rank_at_least(op.inputs[0].shape, 2)
    b = shape_errors.require_rank_at_least(op.inputs[1].shape, 2)
    if a.rank is None or b.rank is None:
        return [tensor_shape.unknown_shape()]
    a_dims, b_dims = a.as_list(), b.as_list()
    rows = a_dims[-1] if op.attrs["adj_x"] else a_dims[-2]
    cols = b_dims[-2] if op.attrs["adj_y"] else b_dims[-1]
    shape_errors.merge_dims(
        a_dims[-2] if op.attrs["adj_x"] else a_dims[-1],
        b_dims[-1] if op.attrs["adj_y"] else b_dims[-2],
    )
    batch = shape_errors.broadcast_shapes(
        tensor_shape.TensorShape(a_dims[:-2]), tensor_shape.TensorShape(b_dims[:-2])
    )
    return [batch.concatenate([rows, cols])]


def _batch_matmul_kernel(ctx, x, y, adj_x, adj_y):
    for index, value in enumerate((x, y)):
        if np.ndim(value) < 2:
            raise _invalid(f"In[{index}] ndims must be >= 2: {np.ndim(value)}")
    try:
        np.broadcast_shapes(np.shape(x)[:-2], np.shape(y)[:-2])
    except ValueError:
        raise _invalid(
            "In[0] and In[1] must have compatible batch dimensions: "
            f"{format_dims(np.shape(x))} vs. {format_dims(np.shape(y))}"
        ) from None
    left = _adjoint(x) if adj_x else np.asarray(x)
    right = _adjoint(y) if adj_y else np.asarray(y)
    if left.shape[-1] != right.shape[-2]:
        raise _invalid(
            f"Matrix size-incompatible: In[0]: {format_dims(np.shape(x))}, In[1]: "
            f"{format_dims(np.shape(y))} {int(adj_x)} {int(adj_y)}"
        )
    return _product(left, right)


def _batch_shapes_match(x, y) -> bool:
    """Whether no batch dims were broadcast, as far as the static shapes tell."""
    sx, sy = x.shape, y.shape
    if (sx.rank is not None and sx.rank <= 2) and (sy.rank is not None and sy.rank <= 2):
        return True
    if sx.rank is None or sy.rank is None:
        return False
    bx, by = sx[:-2], sy[:-2]
    return bx.is_fully_defined() and by.is_fully_defined() and bx.as_list() == by.as_list()


def _batch_matmul_grad(op, grad):
    """TF's `_BatchMatMulV2`: adjoint products of grad, then summed over the batch dims
    each input was broadcast along."""
    x, y = op.inputs
    operands = {"a": x, "b": y, "grad": grad}
    plans = _PRODUCT_GRADS[(op.attrs["adj_x"], op.attrs["adj_y"])]
    grads = []
    for (left, right, adj_left, adj_right), flag in zip(plans, ("grad_a", "grad_b")):
        grads.append(
            matmul(
                operands[left],
                operands[right],
                adjoint_a=adj_left,
                adjoint_b=adj_right,
                **{flag: True},
            )
        )
    if _batch_shapes_match(x, y):
        return grads
    sx, sy = apply_op("Shape", x), apply_op("Shape", y)
    rx, ry = apply_op("BroadcastGradientArgs", sx[:-2], sy[:-2])
    return [
        apply_op("Reshape", apply_op("Sum", grads[0], rx), sx),
        apply_op("Reshape", apply_op("Sum", grads[1], ry), sy),
    ]


registry.register_op(
    "BatchMatMulV2",
    inputs=["x: T", "y: T"],
    outputs=["output: T"],
    attrs=[
        "T: {bfloat16, half, float, double, int16, int32, int64, uint8, uint16, uint32, "
        "uint64, complex64, complex128}",
        "adj_x: bool = false",
        "adj_y: bool = false",
        "grad_x: bool = false",
        "grad_y: bool = false",
    ],
    shape=_batch_matmul_shape,
    kernel=_batch_matmul_kernel,
    grad=_batch_matmul_grad,
)


def _one_of(transpose, adjoint, side):
    if transpose and adjoint:
        raise ValueError(
            f"Only one of `transpose_{side}` and `adjoint_{side}` can be True. Received "
            f"`transpose_{side}`={transpose}, `adjoint_{side}`={adjoint}."
        )


def _is_matrix(x) -> bool:
    return x.shape.rank is not None and x.shape.rank <= 2


def matmul(
    a,
    b,
    transpose_a=False,
    transpose_b=False,
    adjoint_a=False,
    adjoint_b=False,
    a_is_sparse=False,
    b_is_sparse=False,
    output_type=None,
    grad_a=False,
    grad_b=False,
    name=None,
):
    """Mirrors `tf.matmul`: a @ b, with batch dims broadcast for rank > 2 inputs.

    Two matrices build `MatMul`; anything else (or an unknown rank) builds `BatchMatMulV2`,
    where transposes become adjoints of the conjugate, as TF does. The sparsity hints are
    accepted and ignored (the dense product is the same).

    Args:
      a: a Tensor of rank >= 2.
      b: a Tensor of a's type and rank >= 2.
      transpose_a: multiply by a's transpose.
      transpose_b: multiply by b's transpose.
      adjoint_a: multiply by a's conjugate transpose.
      adjoint_b: multiply by b's conjugate transpose.
      a_is_sparse: a hint, ignored.
      b_is_sparse: a hint, ignored.
      output_type: must be None (TF's int8 -> int32 products are not supported).
      grad_a: marks a product computing a gradient of `a` (an attr TF records).
      grad_b: marks a product computing a gradient of `b`.
      name: the op name (default "MatMul").

    Returns:
      A Tensor of a's type.

    Raises:
      ValueError: when both transpose_x and adjoint_x are set, or the shapes disagree.

    >>> matmul(constant([[1.0, 2.0]]), constant([[3.0], [4.0]]))  # [[11.]]
    <tf.Tensor 'MatMul:0' shape=(1, 1) dtype=float32>
    """
    with graph_lib.name_scope(name, "MatMul", [a, b]) as scope:
        _one_of(transpose_a, adjoint_a, "a")
        _one_of(transpose_b, adjoint_b, "b")
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, preferred_dtype=a.dtype.base_dtype, name="b")
        if output_type is not None and dtypes.as_dtype(output_type) != a.dtype.base_dtype:
            raise NotImplementedError("matmul with a different output_type is not supported")
        if not (_is_matrix(a) and _is_matrix(b)):
            return apply_op(
                "BatchMatMulV2",
                complex_lib.conj(a) if transpose_a else a,
                complex_lib.conj(b) if transpose_b else b,
                adj_x=transpose_a or adjoint_a,
                adj_y=transpose_b or adjoint_b,
                grad_x=grad_a,
                grad_y=grad_b,
                name=scope,
            )
        return apply_op(
            "MatMul",
            complex_lib.conj(a) if adjoint_a else a,
            complex_lib.conj(b) if adjoint_b else b,
            transpose_a=transpose_a or adjoint_a,
            transpose_b=transpose_b or adjoint_b,
            grad_a=grad_a,
            grad_b=grad_b,
            name=scope,
        )
