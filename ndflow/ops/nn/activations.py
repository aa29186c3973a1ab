"""Activations: Relu, Relu6, Elu, Selu, Softplus, Softsign and LeakyRelu, the "...Grad" ops
their gradients build (ReluGrad, Relu6Grad, EluGrad, SeluGrad, SoftplusGrad, SoftsignGrad,
LeakyReluGrad) with their own gradients (TF's nn_grad.py), and the `tf.nn` builders.

A "...Grad" op takes the incoming gradient and the activation's input (or output, for Elu,
Selu, Relu and Relu6, whose gradients pass the output as TF's do) of the same shape.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

_REAL = "realnumbertype"
_FLOAT = "{half, bfloat16, float, double}"
_HALF = frozenset({"float16", "bfloat16"})
# Machine epsilon per type for Softplus's thresholds; TF computes float16 as float32 (with
# float32's threshold) but bfloat16 with its own.
_EPSILON = {"float16": 2.0**-23, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}
_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


def _in_float32(x):
    """x as computed by TF's kernels: half types in float32."""
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype.name in _HALF else x


def _zero(x):
    return np.zeros((), np.asarray(x).dtype)


# ---------------------------------------------------------------------- kernels


def _relu(x):
    # A select, not np.maximum: TF keeps -0.0 (and NaN) as they are.
    return np.where(x < 0, _zero(x), x)


def _relu_kernel(ctx, features):
    if not registry.donated(ctx, features):
        return _relu(features)
    # The dead input is rewritten in place (the select above, without a new buffer).
    np.copyto(features, _zero(features), where=features < 0)
    return features


def _relu6(x):
    return np.where(x < 0, _zero(x), np.where(x > 6, np.asarray(6, np.asarray(x).dtype), x))


def _elu(x):
    work = _in_float32(x)
    return np.where(work < 0, np.expm1(work), work).astype(np.asarray(x).dtype)


def _selu(x):
    work = _in_float32(x)
    negative = _SELU_SCALE * _SELU_ALPHA * np.expm1(work)
    return np.where(work < 0, negative, _SELU_SCALE * work).astype(np.asarray(x).dtype)


def _softplus(x):
    """TF's Softplus: x above -threshold, exp(x) below threshold, log1p(exp(x)) between,
    with threshold = log(epsilon) + 2 of the input's type."""
    dtype = np.asarray(x).dtype
    threshold = np.log(_EPSILON[dtype.name]) + 2
    work = _in_float32(x)
    middle = np.log1p(np.exp(work))
    out = np.where(work > -threshold, work, np.where(work < threshold, np.exp(work), middle))
    return out.astype(dtype)


def _softsign(x):
    work = _in_float32(x)
    return (work / (1 + np.abs(work))).astype(np.asarray(x).dtype)


# g times the boolean mask keeps g's type (and TF's NaN * 0 = NaN) without a float copy of
# the mask: one fewer activation-sized array per step.
def _relu_grad(g, f):
    return g * (f > 0)


def _relu6_grad(g, f):
    return g * ((f > 0) & (f < 6))


def _elu_grad(g, y):
    return np.where(y < 0, g * (y + 1), g)


def _selu_grad(g, y):
    return np.where(y < 0, g * (y + _SELU_SCALE * _SELU_ALPHA), g * _SELU_SCALE)


def _softplus_grad(g, f):
    work = _in_float32(f)
    return _in_float32(g) / (np.exp(-work) + 1)


def _softsign_grad(g, f):
    work = 1 + np.abs(_in_float32(f))
    return _in_float32(g) / (work * work)


# ---------------------------------------------------------------------- gradients


def _relu_family_grad(grad_op: str):
    """Relu, Relu6, Elu, Selu: `grad_op(grad, y)` of the op's output y."""

    def grad_fn(op, grad):
        return [apply_op(grad_op, grad, op.outputs[0])]

    return grad_fn


def _grad_of_masked(grad_op: str):
    """ReluGrad, Relu6Grad, LeakyReluGrad: linear in the gradient with a mask from the
    features, so (grad_op(grad, features), zeros)."""

    def grad_fn(op, grad):
        features = op.inputs[1]
        attrs = {"alpha": op.attrs["alpha"]} if "alpha" in op.attrs else {}
        return [apply_op(grad_op, grad, features, **attrs), array.zeros_like(features)]

    return grad_fn


def _exponential_grad_grad(grad_op: str):
    """EluGrad, SeluGrad: (grad_op(grad, y), grad * dy where y < 0, else 0)."""

    def grad_fn(op, grad):
        dy, y = op.inputs
        negative = apply_op("Less", y, op_builder.constant(0, dtype=y.dtype.base_dtype))
        return [
            apply_op(grad_op, grad, y),
            apply_op("Select", negative, grad * dy, array.zeros_like(y)),
        ]

    return grad_fn


def _softplus_grad_fn(op, grad):
    """TF's `_SoftplusGrad`: grad * sigmoid(x)."""
    return [grad * apply_op("Sigmoid", op.inputs[0])]


def _softplus_grad_grad(op, grad):
    """TF's `_SoftplusGradGrad` for dx = dy / (1 + exp(-x))."""
    dy, x = op.inputs
    ddy = apply_op("SoftplusGrad", grad, x)
    denominator = apply_op("Exp", -x) + 2.0 + apply_op("Exp", x)
    return [ddy, grad * dy / denominator]


def _softsign_grad_fn(op, grad):
    return [apply_op("SoftsignGrad", grad, op.inputs[0])]


def _leaky_relu_grad_fn(op, grad):
    return [apply_op("LeakyReluGrad", grad, op.inputs[0], alpha=op.attrs["alpha"])]


# ---------------------------------------------------------------------- registrations


def _activation_kernel(fn):
    def kernel(ctx, features):
        return fn(features)

    return kernel


def _alpha_as(alpha, dtype):
    """The alpha attr as TF's kernels use it: a float32, converted to the tensor's type."""
    return np.asarray(np.float32(alpha)).astype(dtype)


def _leaky_relu_kernel(ctx, features, alpha):
    x = np.asarray(features)
    return np.where(x > 0, x, x * _alpha_as(alpha, x.dtype))


def _grad_shape(op):
    return [elementwise.merge_same_shape(op.inputs[0].shape, op.inputs[1].shape)]


def _require_same_size(g, a) -> None:
    if np.shape(g) != np.shape(a):
        raise errors.InvalidArgumentError(None, None, "g and a must be the same size")


def _grad_kernel(fn):
    def kernel(ctx, gradients, second):
        _require_same_size(gradients, second)
        dtype = np.asarray(gradients).dtype
        result = np.asarray(fn(np.asarray(gradients), np.asarray(second)))
        return result.astype(dtype, copy=False)  # a copy only when fn changed the type

    return kernel


def _leaky_relu_grad_kernel(ctx, gradients, features, alpha):
    _require_same_size(gradients, features)
    g = np.asarray(gradients)
    return np.where(np.asarray(features) > 0, g, g * _alpha_as(alpha, g.dtype))


# (op type, kernel, TF's type set, gradient)
_ACTIVATIONS = [
    ("Relu", _relu, "{realnumbertype, qint8}", _relu_family_grad("ReluGrad")),
    ("Relu6", _relu6, _REAL, _relu_family_grad("Relu6Grad")),
    ("Elu", _elu, _FLOAT, _relu_family_grad("EluGrad")),
    ("Selu", _selu, _FLOAT, _relu_family_grad("SeluGrad")),
    ("Softplus", _softplus, _FLOAT, _softplus_grad_fn),
    ("Softsign", _softsign, _FLOAT, _softsign_grad_fn),
]

# (op type, kernel, TF's type set, second input's name, gradient)
_GRAD_OPS = [
    ("ReluGrad", _relu_grad, _REAL, "features", _grad_of_masked("ReluGrad")),
    ("Relu6Grad", _relu6_grad, _REAL, "features", _grad_of_masked("Relu6Grad")),
    ("EluGrad", _elu_grad, _FLOAT, "outputs", _exponential_grad_grad("EluGrad")),
    ("SeluGrad", _selu_grad, _FLOAT, "outputs", _exponential_grad_grad("SeluGrad")),
    ("SoftplusGrad", _softplus_grad, _FLOAT, "features", _softplus_grad_grad),
    ("SoftsignGrad", _softsign_grad, _FLOAT, "features", None),
]

for _name, _fn, _types, _grad in _ACTIVATIONS:
    registry.register_op(
        _name,
        inputs=["features: T"],
        outputs=["activations: T"],
        attrs=[f"T: {_types}"],
        shape=elementwise.unary_shape,
        kernel=_relu_kernel if _fn is _relu else _activation_kernel(_fn),
        grad=_grad,
        forwards_input=0 if _fn is _relu else None,
    )
for _name, _fn, _types, _second, _grad in _GRAD_OPS:
    registry.register_op(
        _name,
        inputs=["gradients: T", f"{_second}: T"],
        outputs=["backprops: T"],
        attrs=[f"T: {_types}"],
        shape=_grad_shape,
        kernel=_grad_kernel(_fn),
        grad=_grad,
    )
registry.not_differentiable("SoftsignGrad", "TF registers no gradient for it")

_LEAKY_ATTRS = ["alpha: float = 0.2", "T: {half, bfloat16, float, double} = DT_FLOAT"]
registry.register_op(
    "LeakyRelu",
    inputs=["features: T"],
    outputs=["activations: T"],
    attrs=_LEAKY_ATTRS,
    shape=elementwise.unary_shape,
    kernel=_leaky_relu_kernel,
    grad=_leaky_relu_grad_fn,
)
registry.register_op(
    "LeakyReluGrad",
    inputs=["gradients: T", "features: T"],
    outputs=["backprops: T"],
    attrs=_LEAKY_ATTRS,
    shape=_grad_shape,
    kernel=_leaky_relu_grad_kernel,
    grad=_grad_of_masked("LeakyReluGrad"),
)


# ---------------------------------------------------------------------- builders


def relu(features, name=None):
    """Mirrors `tf.nn.relu`: max(features, 0); NaN stays NaN.

    Args:
      features: a real Tensor.
      name: the op name (default "Relu").

    Returns:
      A Tensor of features' type and shape.

    >>> relu(constant([-1.0, 2.0]))  # [0., 2.]
    <tf.Tensor 'Relu:0' shape=(2,) dtype=float32>
    """
    return apply_op("Relu", features, name=name)


def relu6(features, name=None):
    """Mirrors `tf.nn.relu6`: min(max(features, 0), 6).

    Args:
      features: a real Tensor.
      name: the op name (default "Relu6").

    Returns:
      A Tensor of features' type and shape.

    >>> relu6(constant([-1.0, 7.0]))  # [0., 6.]
    <tf.Tensor 'Relu6:0' shape=(2,) dtype=float32>
    """
    with graph_lib.name_scope(name, "Relu6", [features]) as scope:
        features = convert_to_tensor(features, name="features")
        return apply_op("Relu6", features, name=scope)


def _activation_builder(op_type: str, tf_name: str, formula: str, example: str):
    def builder(features, name=None):
        return apply_op(op_type, features, name=name)

    builder.__name__ = builder.__qualname__ = tf_name
    builder.__doc__ = (
        f"Mirrors `tf.nn.{tf_name}`: {formula}, element-wise.\n\n"
        "    Args:\n      features: a half, bfloat16, float32 or float64 Tensor.\n"
        f'      name: the op name (default "{op_type}").\n\n'
        "    Returns:\n      A Tensor of features' type and shape.\n\n"
        f"    >>> {tf_name}(constant([-1.0, 2.0]))  # {example}\n"
        f"    <tf.Tensor '{op_type}:0' shape=(2,) dtype=float32>\n"
    )
    return builder


elu = _activation_builder("Elu", "elu", "exp(x) - 1 below 0, x above", "[-0.6321, 2.]")
selu = _activation_builder(
    "Selu", "selu", "scale * (alpha * (exp(x) - 1) below 0, x above)", "[-1.1113, 2.1014]"
)
softplus = _activation_builder("Softplus", "softplus", "log(exp(x) + 1)", "[0.3133, 2.1269]")
softsign = _activation_builder("Softsign", "softsign", "x / (|x| + 1)", "[-0.5, 0.6667]")


def leaky_relu(features, alpha=0.2, name=None):
    """Mirrors `tf.nn.leaky_relu`: x above 0, alpha * x below; integers are cast to float32.

    Args:
      features: a Tensor.
      alpha: the slope below 0.
      name: the op name (default "LeakyRelu").

    Returns:
      A float Tensor of features' shape.

    >>> leaky_relu(constant([-1.0, 2.0]))  # [-0.2, 2.]
    <tf.Tensor 'LeakyRelu:0' shape=(2,) dtype=float32>
    """
    with graph_lib.name_scope(name, "LeakyRelu", [features, alpha]) as scope:
        features = convert_to_tensor(features, name="features")
        if features.dtype.is_integer:
            features = apply_op("Cast", features, DstT=dtypes.float32)
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        return apply_op("LeakyRelu", features, alpha=float(alpha), name=scope)
