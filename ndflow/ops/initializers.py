"""Variable initializers: TF1's `tf.zeros_initializer`, `tf.glorot_uniform_initializer`,
`tf.variance_scaling_initializer`... and the `tf.initializers.*` names.

An initializer is an object called as `init(shape, dtype=None, partition_info=None)` that
builds the ops making a variable's initial value; `tf.get_variable` calls it inside
"<var>/Initializer", so the ops get TF's names ("dense/kernel/Initializer/random_uniform").
Each has `get_config()` and `from_config(config)`, as TF's do. The random ones build the random
ops of `ndflow.ops.random` with the initializer's op seed.
"""

from __future__ import annotations

import math as pymath

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import random

apply_op = op_builder.apply_op

# 1 / stddev of a standard normal truncated to [-2, 2] (TF's constant in VarianceScaling).
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def _assert_float_dtype(dtype: dtypes.DType) -> dtypes.DType:
    if not dtype.is_floating:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dtype}.")
    return dtype


def _dims(shape) -> list:
    """A shape argument as a list of ints (TensorShape, list or tuple)."""
    if isinstance(shape, tensor_shape.TensorShape):
        return shape.as_list()
    return [tensor_shape.dimension_value(d) for d in shape]


def _compute_fans(shape) -> tuple:
    """TF's (fan_in, fan_out): receptive field times input/output channels for kernels."""
    shape = _dims(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive_field = int(np.prod(shape[:-2], dtype=np.int64))
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class Initializer:
    """Mirrors TF1's `tf.keras.initializers.Initializer` base (`init_ops.Initializer`)."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """An initializer from `get_config()`'s dict."""
        return cls(**config)


class Zeros(Initializer):
    """Mirrors `tf.compat.v1.zeros_initializer`: a tensor of zeros.

    >>> Zeros()([2, 3])
    <tf.Tensor 'zeros:0' shape=(2, 3) dtype=float32>
    """

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array.zeros(shape, self.dtype if dtype is None else dtype)

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """Mirrors `tf.compat.v1.ones_initializer`: a tensor of ones.

    >>> Ones()([2])
    <tf.Tensor 'ones:0' shape=(2,) dtype=float32>
    """

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array.ones(shape, self.dtype if dtype is None else dtype)

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """Mirrors `tf.compat.v1.constant_initializer`: a constant, TF1's `tf.constant` rules
    (a scalar fills the shape; a shorter list is padded with its last value).

    >>> Constant([1.0, 2.0])([2, 2])
    <tf.Tensor 'Const:0' shape=(2, 2) dtype=float32>
    """

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value={value} of type: {type(value).__name__}. "
                "Expected Python scalar, list or tuple of values, or numpy.ndarray."
            )
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        if verify_shape is None:
            verify_shape = self._verify_shape
        return array.constant(
            self.value,
            dtype=self.dtype if dtype is None else dtype,
            shape=shape,
            verify_shape=verify_shape,
        )

    def get_config(self) -> dict:
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Mirrors `tf.compat.v1.random_uniform_initializer`: uniform values in [minval, maxval).

    >>> RandomUniform(-0.1, 0.1, seed=1)([3])
    <tf.Tensor 'random_uniform:0' shape=(3,) dtype=float32>
    """

    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        return random.random_uniform(shape, self.minval, self.maxval, dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "minval": self.minval,
            "maxval": self.maxval,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class RandomNormal(Initializer):
    """Mirrors `tf.compat.v1.random_normal_initializer`: normal values.

    >>> RandomNormal(stddev=0.1)([3])
    <tf.Tensor 'random_normal:0' shape=(3,) dtype=float32>
    """

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        return random.random_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "mean": self.mean,
            "stddev": self.stddev,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class TruncatedNormal(Initializer):
    """Mirrors `tf.compat.v1.truncated_normal_initializer`: normal values re-drawn beyond
    two standard deviations.

    >>> TruncatedNormal(stddev=0.1)([3])
    <tf.Tensor 'truncated_normal:0' shape=(3,) dtype=float32>
    """

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        return random.truncated_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "mean": self.mean,
            "stddev": self.stddev,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class UniformUnitScaling(Initializer):
    """Mirrors the deprecated `tf.compat.v1.uniform_unit_scaling_initializer`: uniform in
    +-sqrt(3 / input_size) * factor, input_size the product of all dims but the last.

    >>> UniformUnitScaling()([4, 3])
    <tf.Tensor 'random_uniform:0' shape=(4, 3) dtype=float32>
    """

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor = factor
        self.seed = seed
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        scale_shape = _dims(shape if partition_info is None else partition_info.full_shape)
        input_size = max(float(np.prod(scale_shape[:-1], dtype=np.float64)), 1.0)
        max_val = pymath.sqrt(3 / input_size) * self.factor
        return random.random_uniform(shape, -max_val, max_val, dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")


class VarianceScaling(Initializer):
    """Mirrors `tf.compat.v1.variance_scaling_initializer`: values with variance
    scale / n, n = fan_in, fan_out or their mean.

    "truncated_normal" (and its deprecated alias "normal") divides the stddev by TF's
    0.8796..., the stddev of a unit normal truncated at two; "uniform" draws in
    +-sqrt(3 * scale / n).

    >>> VarianceScaling(2.0, distribution="uniform")([4, 3])
    <tf.Tensor 'random_uniform:0' shape=(4, 3) dtype=float32>
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        dtype=dtypes.float32,
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be a positive float. Received: {scale}")
        if mode not in _MODES:
            raise ValueError(
                "Argument `mode` should be one of ('fan_in', 'fan_out', 'fan_avg'). "
                f"Received: {mode}"
            )
        distribution = distribution.lower()
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(
                "Argument `distribution` should be one of ('normal', uniform', "
                f"'truncated_normal', 'untruncated_normal'). Received: {distribution}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def _scale_for(self, shape) -> float:
        fan_in, fan_out = _compute_fans(shape)
        if self.mode == "fan_in":
            return self.scale / max(1.0, fan_in)
        if self.mode == "fan_out":
            return self.scale / max(1.0, fan_out)
        return self.scale / max(1.0, (fan_in + fan_out) / 2.0)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        scale = self._scale_for(shape if partition_info is None else partition_info.full_shape)
        if self.distribution in ("normal", "truncated_normal"):
            stddev = pymath.sqrt(scale) / _TRUNCATED_NORMAL_STDDEV
            return random.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random.random_normal(shape, 0.0, pymath.sqrt(scale), dtype, seed=self.seed)
        limit = pymath.sqrt(3.0 * scale)
        return random.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class GlorotUniform(VarianceScaling):
    """Mirrors `tf.compat.v1.glorot_uniform_initializer` (Xavier): uniform in
    +-sqrt(6 / (fan_in + fan_out)). As in TF, the `dtype` argument is not kept.

    >>> GlorotUniform()([4, 3])
    <tf.Tensor 'random_uniform:0' shape=(4, 3) dtype=float32>
    """

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Mirrors `tf.compat.v1.glorot_normal_initializer`: truncated normal with stddev
    sqrt(2 / (fan_in + fan_out)). As in TF, the `dtype` argument is not kept.

    >>> GlorotNormal()([4, 3])
    <tf.Tensor 'truncated_normal:0' shape=(4, 3) dtype=float32>
    """

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


class Orthogonal(Initializer):
    """Mirrors `tf.compat.v1.orthogonal_initializer`: the Q of a QR decomposition of a
    normal matrix (signs fixed by diag(R)), reshaped to `shape` and times `gain`.

    Builds TF's ops (RandomStandardNormal, Qr, DiagPart, Sign...), so it needs the Qr and
    DiagPart ops registered.

    >>> Orthogonal()([3, 3])
    <tf.Tensor 'mul_1:0' shape=(3, 3) dtype=float32>
    """

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))
        self.seed = seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        shape = _dims(shape)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize, specified by argument `shape` must be at least "
                f"two-dimensional. Received shape={shape}"
            )
        num_rows = int(np.prod(shape[:-1], dtype=np.int64))
        num_cols = int(shape[-1])
        flat_shape = (num_cols, num_rows) if num_rows < num_cols else (num_rows, num_cols)
        a = random.random_normal(flat_shape, dtype=dtype, seed=self.seed)
        q, r = apply_op("Qr", a, full_matrices=False)
        q *= math.sign(apply_op("DiagPart", r))
        if num_rows < num_cols:
            q = _matrix_transpose(q)
        return self.gain * array.reshape(q, shape)

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


def _matrix_transpose(matrix):
    """TF's `array_ops.matrix_transpose` of a matrix (a Transpose in "matrix_transpose")."""
    with graph_lib.name_scope(None, "matrix_transpose", [matrix]):
        return array.transpose(matrix, perm=[1, 0])


class Identity(Initializer):
    """Mirrors `tf.compat.v1.initializers.identity`: `gain` times the identity matrix
    (TF's `eye`: MatrixDiagV3 when square, MatrixSetDiagV3 on zeros otherwise).

    >>> Identity()([2, 3])
    <tf.Tensor 'mul:0' shape=(2, 3) dtype=float32>
    """

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        full_shape = _dims(shape if partition_info is None else partition_info.full_shape)
        if len(full_shape) != 2:
            raise ValueError(
                "The tensor to initialize, specified by argument `shape` must be at least "
                f"two-dimensional. Received shape={shape}"
            )
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return self.gain * _eye(int(full_shape[0]), int(full_shape[1]), dtype)

    def get_config(self) -> dict:
        return {"gain": self.gain, "dtype": self.dtype.name}


def _eye(num_rows: int, num_columns: int, dtype):
    """TF's `linalg_ops_impl.eye` for static sizes, with TF's ops and names."""
    with graph_lib.name_scope(None, "eye"):
        diag_ones = array.ones([min(num_rows, num_columns)], dtype=dtype)
        if num_rows == num_columns:
            with graph_lib.name_scope(None, "diag") as scope:
                return apply_op(
                    "MatrixDiagV3",
                    diag_ones,
                    array.constant(0, name="k"),
                    array.constant(-1, name="num_rows"),
                    array.constant(-1, name="num_cols"),
                    array.constant(0, dtype=dtype, name="padding_value"),
                    align="RIGHT_LEFT",
                    name=scope,
                )
        zeros = array.zeros([num_rows, num_columns], dtype=dtype)
        with graph_lib.name_scope(None, "set_diag") as scope:
            return apply_op(
                "MatrixSetDiagV3",
                zeros,
                diag_ones,
                array.constant(0, name="k"),
                align="RIGHT_LEFT",
                name=scope,
            )


def lecun_normal(seed=None) -> VarianceScaling:
    """Mirrors `tf.compat.v1.initializers.lecun_normal`: truncated normal, stddev
    sqrt(1 / fan_in).

    >>> lecun_normal(seed=1)([4, 3])
    <tf.Tensor 'truncated_normal:0' shape=(4, 3) dtype=float32>
    """
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=seed)


def lecun_uniform(seed=None) -> VarianceScaling:
    """Mirrors `tf.compat.v1.initializers.lecun_uniform`: uniform in +-sqrt(3 / fan_in).

    >>> lecun_uniform()([4, 3])
    <tf.Tensor 'random_uniform:0' shape=(4, 3) dtype=float32>
    """
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=seed)


def he_normal(seed=None) -> VarianceScaling:
    """Mirrors `tf.compat.v1.initializers.he_normal`: truncated normal, stddev
    sqrt(2 / fan_in).

    >>> he_normal()([4, 3])
    <tf.Tensor 'truncated_normal:0' shape=(4, 3) dtype=float32>
    """
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal", seed=seed)


def he_uniform(seed=None) -> VarianceScaling:
    """Mirrors `tf.compat.v1.initializers.he_uniform`: uniform in +-sqrt(6 / fan_in).

    >>> he_uniform()([4, 3])
    <tf.Tensor 'random_uniform:0' shape=(4, 3) dtype=float32>
    """
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=seed)


# TF1's public names for the classes.
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity
