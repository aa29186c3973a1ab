"""The arguments tf.layers normalize, as Keras's `conv_utils`, `activations.get`,
`initializers.get` and `smart_cond` do: integer tuples, padding and data-format strings,
convolution output lengths, activation and initializer names, and the `training` flag that is
either a Python bool (branch chosen now) or a boolean tensor (a `tf.cond`).
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import tensor_util
from ndflow.ops import control_flow
from ndflow.ops import initializers
from ndflow.ops import math
from ndflow.ops import nn
from ndflow.ops import state

# ---------------------------------------------------------------------- shapes and formats


def normalize_tuple(value, n, name, allow_zero=False) -> tuple:
    """An int or an iterable of `n` ints as a tuple of `n` ints (Keras's wording on errors).

    >>> normalize_tuple(3, 2, "kernel_size")
    (3, 3)
    """
    error_msg = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, int):
        value_tuple = (value,) * n
    else:
        value_tuple = _int_tuple(value, n, error_msg)
    if allow_zero:
        unqualified, requirement = {v for v in value_tuple if v < 0}, ">= 0"
    else:
        unqualified, requirement = {v for v in value_tuple if v <= 0}, "> 0"
    if unqualified:
        raise ValueError(
            f"{error_msg} including {unqualified} that does not satisfy the requirement "
            f"`{requirement}`."
        )
    return value_tuple


def _int_tuple(value, n, error_msg) -> tuple:
    try:
        value_tuple = tuple(value)
    except TypeError as error:
        raise ValueError(error_msg) from error
    if len(value_tuple) != n:
        raise ValueError(error_msg)
    for single_value in value_tuple:
        try:
            int(single_value)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"{error_msg}including element {single_value} of type {type(single_value)}"
            ) from error
    return value_tuple


def normalize_padding(value):
    """'valid', 'same' or 'causal' in lower case (a list/tuple passes through)."""
    if isinstance(value, (list, tuple)):
        return value
    padding = value.lower()
    if padding not in {"valid", "same", "causal"}:
        raise ValueError(
            'The `padding` argument must be a list/tuple or one of "valid", "same" (or '
            f'"causal", only for `Conv1D). Received: {padding}'
        )
    return padding


def normalize_data_format(value) -> str:
    """'channels_last' (the default for None) or 'channels_first'."""
    if value is None:
        value = "channels_last"
    data_format = value.lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            'The `data_format` argument must be one of "channels_first", "channels_last". '
            f"Received: {value}"
        )
    return data_format


def convert_data_format(data_format, ndim) -> str:
    """TF's data-format string ("NHWC", "NCDHW"...) for a Keras one and an input rank."""
    formats = {
        "channels_last": {3: "NWC", 4: "NHWC", 5: "NDHWC"},
        "channels_first": {3: "NCW", 4: "NCHW", 5: "NCDHW"},
    }
    if data_format not in formats:
        raise ValueError(f"Invalid data_format: {data_format}")
    if ndim not in formats[data_format]:
        raise ValueError(f"Input rank not supported: {ndim}")
    return formats[data_format][ndim]


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """The output length of a convolution or pooling window along one axis (None if unknown)."""
    if input_length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        length = input_length
    elif padding == "valid":
        length = input_length - dilated + 1
    else:  # "full"
        length = input_length + dilated - 1
    return (length + stride - 1) // stride


def deconv_output_length(
    input_length, filter_size, padding, output_padding=None, stride=0, dilation=1
):
    """The output length of a transposed convolution along one axis; `input_length` may be
    an int, None (unknown) or a scalar tensor (the ops then compute it at run time)."""
    if input_length is None:
        return None
    filter_size = filter_size + (filter_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return input_length * stride + max(filter_size - stride, 0)
        if padding == "full":
            return input_length * stride - (stride + filter_size - 2)
        return input_length * stride
    pad = {"same": filter_size // 2, "valid": 0, "full": filter_size - 1}[padding]
    return (input_length - 1) * stride + filter_size - 2 * pad + output_padding


# ---------------------------------------------------------------------- activations


def _linear(x):
    return x


_ACTIVATIONS = {
    "linear": _linear,
    "relu": nn.relu,
    "relu6": nn.relu6,
    "elu": nn.elu,
    "selu": nn.selu,
    "softplus": nn.softplus,
    "softsign": nn.softsign,
    "softmax": nn.softmax,
    "sigmoid": math.sigmoid,
    "tanh": math.tanh,
}


def get_activation(identifier):
    """Keras's `activations.get`: None -> identity, a name -> its function, a callable as is."""
    if identifier is None:
        return _linear
    if isinstance(identifier, str):
        if identifier not in _ACTIVATIONS:
            raise ValueError(f"Unknown activation function: '{identifier}'.")
        return _ACTIVATIONS[identifier]
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier}")


# ---------------------------------------------------------------------- initializers

# Keras's TF1 (`initializers_v1`) meaning of each name: the random ones default to 0.05.
_INITIALIZERS = {
    "zeros": initializers.Zeros,
    "ones": initializers.Ones,
    "glorot_uniform": initializers.GlorotUniform,
    "glorot_normal": initializers.GlorotNormal,
    "orthogonal": initializers.Orthogonal,
    "identity": initializers.Identity,
    "he_normal": initializers.he_normal,
    "he_uniform": initializers.he_uniform,
    "lecun_normal": initializers.lecun_normal,
    "lecun_uniform": initializers.lecun_uniform,
    "random_normal": lambda: initializers.RandomNormal(0.0, 0.05),
    "random_uniform": lambda: initializers.RandomUniform(-0.05, 0.05),
    "truncated_normal": lambda: initializers.TruncatedNormal(0.0, 0.05),
}


def get_initializer(identifier):
    """Keras's `initializers.get`: None stays None, a name or class becomes an instance."""
    if identifier is None or not isinstance(identifier, (str, type)):
        return identifier
    if isinstance(identifier, type):
        return identifier()
    if identifier not in _INITIALIZERS:
        raise ValueError(f"Unknown initializer: '{identifier}'.")
    return _INITIALIZERS[identifier]()


def default_initializer(name, dtype: dtypes.DType, layer_name):
    """Keras's default for `add_weight`: glorot_uniform for floats, zeros for ints/bools."""
    if dtype.is_floating:
        return initializers.GlorotUniform()
    if dtype.is_integer or dtype.is_unsigned or dtype.base_dtype == dtypes.bool:
        return initializers.Zeros()
    raise ValueError(
        f"An initializer for variable {name} of type {dtype.base_dtype} is required for layer "
        f"{layer_name}"
    )


# ---------------------------------------------------------------------- training flag


def constant_value(pred):
    """The static value of a `training` flag: True/False, or None when only known at run
    time (a tensor without a constant value, or a variable)."""
    if isinstance(pred, state.Variable):
        return None
    if isinstance(pred, graph_lib.Tensor):
        value = tensor_util.constant_value(pred)
        return None if value is None else bool(value)
    if isinstance(pred, bool) or pred in (0, 1):
        return bool(pred)
    raise TypeError(
        "`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: " + str(type(pred))
    )


def smart_cond(pred, true_fn, false_fn, name=None):
    """TF's `smart_cond`: calls one branch now when `pred` is static, else builds `tf.cond`.

    >>> smart_cond(True, lambda: 1, lambda: 2)
    1
    """
    value = constant_value(pred)
    if value is None:
        return control_flow.cond(pred, true_fn, false_fn, name=name)
    return true_fn() if value else false_fn()
