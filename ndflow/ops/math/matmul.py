"""Matrix products: MatMul, BatchMatMulV2 (broadcasting batch dims) and Einsum, with
`tf.matmul` (MatMul for two matrices, else BatchMatMulV2, as TF picks) and `tf.einsum`.

Half types multiply in float32 and round back (TF accumulates them in float32 too);
integer products wrap like TF's.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.math import cwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

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
        if not (_is_matrix(a) and _is_matrix(b)):
            return apply_op(
                "BatchMatMulV2",
                cwise.conj(a) if transpose_a else a,
                cwise.conj(b) if transpose_b else b,
                adj_x=transpose_a or adjoint_a,
                adj_y=transpose_b or adjoint_b,
                name=scope,
            )
        return apply_op(
            "MatMul",
            cwise.conj(a) if adjoint_a else a,
            cwise.conj(b) if adjoint_b else b,
            transpose_a=transpose_a or adjoint_a,
            transpose_b=transpose_b or adjoint_b,
            name=scope,
        )


# ---------------------------------------------------------------------- Einsum


def _parse_equation(equation: str):
    """(input subscripts, output subscripts) of an explicit "ab,bc->ac" equation."""
    if equation.count("->") != 1:
        raise shape_errors.ShapeError(f"Expecting exactly one '->' in einsum equation: {equation}")
    inputs, output = equation.split("->")
    subscripts = inputs.split(",")
    for part in [*subscripts, output]:
        periods = part.count(".")
        if periods not in (0, 3) or (periods == 3 and "..." not in part):
            raise shape_errors.ShapeError(
                f"Expected at most one ellipsis (...), but found {periods} periods (.) in the "
                f"input subscript: {part}"
            )
    return subscripts, output


def _einsum_input_dims(labels: str, shape, found: dict):
    """Records each label's dim in `found`; returns the dims the ellipsis covers (or None
    when the rank is unknown)."""
    named = labels.replace("...", "")
    if shape.rank is None:
        for label in named:
            found.setdefault(label, None)
        return None if "..." in labels else []
    dims = shape.as_list()
    if "..." not in labels:
        shape_errors.require_rank(shape, len(named))
    shape_errors.require_rank_at_least(shape, len(named))
    head, _, tail = labels.partition("...")
    covered = dims[len(head) : len(dims) - len(tail)] if "..." in labels else []
    label_dims = dims[: len(head)] + (dims[len(dims) - len(tail) :] if tail else [])
    for label, dim in zip(named, label_dims):
        found[label] = shape_errors.merge_dims(found.get(label), dim)
    return covered


def _einsum_shape(op):
    subscripts, output = _parse_equation(op.attrs["equation"])
    if len(subscripts) != len(op.inputs):
        raise shape_errors.ShapeError(
            f"Expected {len(subscripts)} inputs for equation "
            f"{op.attrs['equation']} but got: {len(op.inputs)}"
        )
    found: dict = {}
    batch = tensor_shape.TensorShape([])
    for labels, tensor in zip(subscripts, op.inputs):
        covered = _einsum_input_dims(labels, tensor.shape, found)
        part = (
            tensor_shape.unknown_shape() if covered is None else tensor_shape.TensorShape(covered)
        )
        batch = shape_errors.broadcast_shapes(batch, part)
    if "..." in output and batch.rank is None:
        return [tensor_shape.unknown_shape()]
    head, _, tail = output.partition("...")
    for label in head + tail:
        if label not in found and label.isalpha():
            raise shape_errors.ShapeError(
                f"Einsum output subscripts for equation '{op.attrs['equation']}' has label "
                f"'{label}' which is not present in the input subscripts"
            )
    dims = [found[label] for label in head]
    if "..." in output:
        dims += batch.as_list()
    return [tensor_shape.TensorShape(dims + [found[label] for label in tail])]


def _einsum_kernel(ctx, inputs, equation):
    dtype = np.asarray(inputs[0]).dtype
    operands = [np.asarray(v, dtype=np.float32) for v in inputs] if dtype.name in _HALF else inputs
    try:
        result = np.einsum(equation, *operands)
    except ValueError as err:
        raise _invalid(
            f"Einsum {equation!r} cannot apply to input shapes "
            f"{[format_dims(np.shape(v)) for v in inputs]}: {err}"
        ) from None
    return np.asarray(result).astype(dtype, copy=False)


registry.register_op(
    "Einsum",
    inputs=["inputs: N * T"],
    outputs=["output: T"],
    attrs=["equation: string", "N: int >= 1", "T: type"],
    shape=_einsum_shape,
    kernel=_einsum_kernel,
)


def _implicit_output(subscripts) -> str:
    """NumPy's and TF's implicit output: the ellipsis, then labels seen once, sorted."""
    letters = "".join(subscripts).replace(".", "")
    once = sorted(label for label in set(letters) if letters.count(label) == 1)
    ellipsis = "..." if any("..." in part for part in subscripts) else ""
    return ellipsis + "".join(once)


def _pairwise_equations(subscripts, output):
    """Left-to-right contractions for more than two operands: each step keeps the labels a
    later operand or the output still needs."""
    steps, current = [], subscripts[0]
    for index, following in enumerate(subscripts[1:], start=1):
        later = "".join(subscripts[index + 1 :]) + output
        kept = "".join(
            dict.fromkeys(
                label for label in (current + following).replace(".", "") if label in later
            )
        )
        ellipsis = "..." if "..." in current + following else ""
        result = output if index == len(subscripts) - 1 else ellipsis + kept
        steps.append(f"{current},{following}->{result}")
        current = result
    return steps


def einsum(equation, *inputs, **kwargs):
    """Mirrors `tf.einsum`: a tensor contraction in Einstein notation (`Einsum` op).

    Explicit ("ij,jk->ik") and implicit ("ij,jk") outputs and one ellipsis per subscript
    are supported. More than two operands are contracted left to right, two at a time.

    Args:
      equation: the subscripts, e.g. "bij,bjk->bik".
      *inputs: the operand Tensors.
      **kwargs: only `name` (default scope "einsum").

    Returns:
      A Tensor.

    Raises:
      TypeError: for other keyword arguments.

    >>> einsum("ij,jk->ik", constant([[1.0, 2.0]]), constant([[3.0], [4.0]]))
    <tf.Tensor 'einsum/Einsum:0' shape=(1, 1) dtype=float32>
    """
    name = kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(
            f"Invalid keyword arguments for this function: "
            f"{', '.join(sorted(kwargs))}. Expected: name, optimize."
        )
    with graph_lib.name_scope(name, "einsum", list(inputs)):
        equation = equation.replace(" ", "")
        left, arrow, output = equation.partition("->")
        subscripts = left.split(",")
        if not arrow:
            output = _implicit_output(subscripts)
        if len(subscripts) <= 2:
            return apply_op("Einsum", list(inputs), equation=f"{left}->{output}")
        result = inputs[0]
        for step, operand in zip(_pairwise_equations(subscripts, output), inputs[1:]):
            result = apply_op("Einsum", [result, operand], equation=step)
        return result
