"""Complex numbers: Real, Imag, Angle, Complex, Conj and ComplexAbs with their gradients, and
`tf.math.real`, `tf.math.imag`, `tf.math.angle`, `tf.complex` and `tf.math.conj`.

Gradients follow TF's convention for complex inputs: the gradient of a real loss with
respect to z is dL/d(re z) + i dL/d(im z).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

_PART_ATTRS = ["T: {complex64, complex128} = DT_COMPLEX64", "Tout: {float, double} = DT_FLOAT"]


def _part_kernel(fn):
    def kernel(ctx, input, Tout):
        return np.asarray(fn(input)).astype(Tout.as_numpy_dtype)

    return kernel


def _complex_of(real, imag):
    return apply_op("Complex", real, imag, Tout=_complex_type(real.dtype.base_dtype))


def _complex_type(real_dtype):
    return dtypes.complex128 if real_dtype == dtypes.float64 else dtypes.complex64


def _real_grad(op, grad):
    """TF's `_RealGrad`: grad as the real part, 0 as the imaginary part."""
    zero = op_builder.constant(0, dtype=grad.dtype.base_dtype)
    return [_complex_of(grad, zero)]


def _imag_grad(op, grad):
    """TF's `_ImagGrad`: 0 as the real part, grad as the imaginary part."""
    zero = op_builder.constant(0, dtype=grad.dtype.base_dtype)
    return [_complex_of(zero, grad)]


def _angle_grad(op, grad):
    """TF's `_AngleGrad`: -grad / (im(x) + i re(x))."""
    x = op.inputs[0]
    re = apply_op("Real", x, Tout=grad.dtype.base_dtype)
    im = apply_op("Imag", x, Tout=grad.dtype.base_dtype)
    z = apply_op("Reciprocal", _complex_of(im, re))
    zero = op_builder.constant(0, dtype=grad.dtype.base_dtype)
    return [-_complex_of(grad, zero) * z]


for _name, _fn, _grad in [
    ("Real", np.real, _real_grad),
    ("Imag", np.imag, _imag_grad),
    ("Angle", np.angle, _angle_grad),
]:
    registry.register_op(
        _name,
        inputs=["input: T"],
        outputs=["output: Tout"],
        attrs=_PART_ATTRS,
        shape=elementwise.unary_shape,
        kernel=_part_kernel(_fn),
        grad=_grad,
    )


def real(input, name=None):  # noqa: A002 - TF's argument name
    """Mirrors `tf.math.real`: the real part; real tensors come back unchanged.

    Args:
      input: a numeric Tensor.
      name: the op name (default "Real").

    Returns:
      A float32/float64 Tensor for complex64/complex128 input, else `input`.

    Raises:
      TypeError: for a non-numeric tensor.

    >>> real(constant([1 + 2j]))
    <tf.Tensor 'Real:0' shape=(1,) dtype=float64>
    """
    with graph_lib.name_scope(name, "Real", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        dtype = x.dtype.base_dtype
        if dtype.is_complex:
            return apply_op("Real", x, Tout=dtype.real_dtype, name=scope)
        if dtype.is_floating or dtype.is_integer:
            return x
        raise TypeError(f"input must be a numeric tensor, but got tensor with dtype {dtype!r}")


def imag(input, name=None):  # noqa: A002 - TF's argument name
    """Mirrors `tf.math.imag`: the imaginary part; zeros for real tensors.

    >>> imag(constant([1 + 2j]))
    <tf.Tensor 'Imag:0' shape=(1,) dtype=float64>
    """
    with graph_lib.name_scope(name, "Imag", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return apply_op("Imag", x, Tout=x.dtype.real_dtype, name=scope)
        return array.zeros_like(x)


def angle(input, name=None):  # noqa: A002 - TF's argument name
    """Mirrors `tf.math.angle`: the argument of each element; pi or 0 for real tensors.

    >>> angle(constant([1j]))  # [1.5708]
    <tf.Tensor 'Angle:0' shape=(1,) dtype=float64>
    """
    with graph_lib.name_scope(name, "Angle", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return apply_op("Angle", x, Tout=x.dtype.real_dtype, name=scope)
        negative = apply_op("Less", x, op_builder.constant(0, dtype=x.dtype.base_dtype))
        pi = op_builder.constant(np.pi, dtype=x.dtype.base_dtype)
        return apply_op("Select", negative, pi * array.ones_like(x), array.zeros_like(x))


# ---------------------------------------------------------------------- Complex


def _complex_kernel(ctx, real, imag, Tout):
    elementwise.broadcast_or_raise(real, imag)
    out = np.empty(np.broadcast_shapes(np.shape(real), np.shape(imag)), Tout.as_numpy_dtype)
    out.real = real
    out.imag = imag
    return out


def _complex_grad(op, grad):
    """TF's `_ComplexGrad`: the real and imaginary parts of grad, summed over broadcasts."""
    real_type = op.inputs[0].dtype.base_dtype
    gx = apply_op("Real", grad, Tout=real_type)
    gy = apply_op("Imag", grad, Tout=real_type)
    return list(elementwise.reduce_gradients(op.inputs[0], op.inputs[1], gx, gy))


registry.register_op(
    "Complex",
    inputs=["real: T", "imag: T"],
    outputs=["out: Tout"],
    attrs=["T: {float, double} = DT_FLOAT", "Tout: {complex64, complex128} = DT_COMPLEX64"],
    shape=elementwise.binary_shape,
    kernel=_complex_kernel,
    grad=_complex_grad,
)


def complex(real, imag, name=None):  # noqa: A001 - TF's public name
    """Mirrors `tf.complex`: real + i * imag, element-wise with broadcasting.

    Args:
      real: a float32 or float64 Tensor.
      imag: a Tensor of the same type.
      name: the op name (default "Complex").

    Returns:
      A complex64 (float32 parts) or complex128 (float64 parts) Tensor.

    Raises:
      TypeError: when the parts' types differ or are not float32/float64.

    >>> complex(constant([1.0]), constant([2.0]))
    <tf.Tensor 'Complex:0' shape=(1,) dtype=complex64>
    """
    real = convert_to_tensor(real, name="real")
    imag = convert_to_tensor(imag, name="imag")
    with graph_lib.name_scope(name, "Complex", [real, imag]) as scope:
        kinds = (real.dtype.base_dtype, imag.dtype.base_dtype)
        if kinds not in ((dtypes.float64, dtypes.float64), (dtypes.float32, dtypes.float32)):
            raise TypeError(
                f"The `real` and `imag` components have incorrect types: {kinds[0].name} "
                f"{kinds[1].name}. They must be consistent, and one of "
                f"{[dtypes.float32, dtypes.float64]}"
            )
        return apply_op("Complex", real, imag, Tout=_complex_type(kinds[0]), name=scope)


# ---------------------------------------------------------------------- ComplexAbs, Conj


def _complex_abs_kernel(ctx, x, Tout):
    return np.abs(x).astype(Tout.as_numpy_dtype)


def _complex_abs_grad(op, grad):
    """TF's `_ComplexAbsGrad`: grad * x / |x|, and 0 where x is 0."""
    numerator = _complex_of(grad, array.zeros_like(grad)) * op.inputs[0]
    magnitude = op.outputs[0]
    return [apply_op("DivNoNan", numerator, _complex_of(magnitude, array.zeros_like(magnitude)))]


registry.register_op(
    "ComplexAbs",
    inputs=["x: T"],
    outputs=["y: Tout"],
    attrs=["T: {complex64, complex128} = DT_COMPLEX64", "Tout: {float, double} = DT_FLOAT"],
    shape=elementwise.unary_shape,
    kernel=_complex_abs_kernel,
    grad=_complex_abs_grad,
)


def _conj_kernel(ctx, input):
    return np.conj(input)


def _conj_grad(op, grad):
    """TF's `_ConjGrad`: the conjugate of grad."""
    return [elementwise.conj(grad)]


registry.register_op(
    "Conj",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["T: {complex64, complex128, variant} = DT_COMPLEX64"],
    shape=elementwise.unary_shape,
    kernel=_conj_kernel,
    grad=_conj_grad,
)


def conj(x, name=None):
    """Mirrors `tf.math.conj`: the complex conjugate; real tensors come back unchanged.

    >>> conj(constant([1 + 2j]))
    <tf.Tensor 'Conj:0' shape=(1,) dtype=complex128>
    """
    x = convert_to_tensor(x, name="x")
    if not x.dtype.is_complex:
        return x
    return apply_op("Conj", x, name=name)
