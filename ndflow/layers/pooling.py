"""The pooling tf.layers: MaxPooling1D/2D/3D and AveragePooling1D/2D/3D, and their functional
forms (TF1's `tf.compat.v1.layers.max_pooling2d`...). They have no variables.

As in Keras on a CPU, 1-D pooling runs as 2-D pooling on the inputs with a unit axis inserted,
and channels_first 1-D and 3-D inputs go through channels_last around the pooling op.
"""

from __future__ import annotations

from ndflow.framework import tensor_shape
from ndflow.layers import arguments
from ndflow.layers import base
from ndflow.ops import array
from ndflow.ops import nn

InputSpec = base.InputSpec


class _Pooling(base.Layer):
    """Keras's `Pooling1D/2D/3D` base: a pooling window over `rank` spatial axes."""

    _rank = 2
    _mode = "max"

    def __init__(
        self, pool_size, strides, padding="valid", data_format="channels_last", name=None, **kwargs
    ):
        if strides is None:
            raise ValueError("Argument `strides` must not be None.")
        super().__init__(name=name, **kwargs)
        rank = self._rank
        self.pool_size = arguments.normalize_tuple(pool_size, rank, "pool_size")
        self.strides = arguments.normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = arguments.normalize_padding(padding)
        self.data_format = arguments.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def compute_output_shape(self, input_shape):
        dims = list(tensor_shape.TensorShape(input_shape).as_list())
        first = 2 if self.data_format == "channels_first" else 1
        for axis in range(self._rank):
            dims[first + axis] = arguments.conv_output_length(
                dims[first + axis], self.pool_size[axis], self.padding, self.strides[axis]
            )
        return tensor_shape.TensorShape(dims)


def _pool_2d_nhwc(x, mode, pool_size, strides, padding):
    ksize, strides = (1, *pool_size, 1), (1, *strides, 1)
    pool = nn.max_pool if mode == "max" else nn.avg_pool
    return pool(x, ksize, strides, padding=padding, data_format="NHWC")


class _Pooling1D(_Pooling):
    _rank = 1

    def call(self, inputs):
        pad_axis = 2 if self.data_format == "channels_last" else 3
        x = array.expand_dims(inputs, pad_axis)
        # Keras's `backend.pool2d`: channels_first is transposed to NHWC (TF's CPU path).
        if self.data_format == "channels_first":
            x = array.transpose(x, (0, 2, 3, 1))
        padding = self.padding.upper()
        x = _pool_2d_nhwc(x, self._mode, self.pool_size + (1,), self.strides + (1,), padding)
        if self.data_format == "channels_first":
            x = array.transpose(x, (0, 3, 1, 2))
        return array.squeeze(x, [pad_axis])


class _Pooling2D(_Pooling):
    _rank = 2

    def call(self, inputs):
        if self.data_format == "channels_last":
            ksize, strides = (1, *self.pool_size, 1), (1, *self.strides, 1)
        else:
            ksize, strides = (1, 1, *self.pool_size), (1, 1, *self.strides)
        pool = nn.max_pool if self._mode == "max" else nn.avg_pool
        data_format = arguments.convert_data_format(self.data_format, 4)
        return pool(inputs, ksize, strides, padding=self.padding.upper(), data_format=data_format)


class _Pooling3D(_Pooling):
    _rank = 3

    def call(self, inputs):
        ksize, strides = (1, *self.pool_size, 1), (1, *self.strides, 1)
        if self.data_format == "channels_first":
            inputs = array.transpose(inputs, (0, 2, 3, 4, 1))
        pool = nn.max_pool3d if self._mode == "max" else nn.avg_pool3d
        outputs = pool(inputs, ksize=ksize, strides=strides, padding=self.padding.upper())
        if self.data_format == "channels_first":
            outputs = array.transpose(outputs, (0, 4, 1, 2, 3))
        return outputs


class MaxPooling1D(_Pooling1D):
    """Mirrors `tf.compat.v1.layers.MaxPooling1D`: the maximum over windows of
    [batch, steps, channels] (or channels_first).

    Args:
      pool_size: the window length (an int or a 1-tuple).
      strides: the window step (required).
      padding: "valid" or "same".
      data_format: "channels_last" (default) or "channels_first".
      name: the layer name.

    >>> y = MaxPooling1D(2, 2)(sequences)
    """

    _mode = "max"


class AveragePooling1D(_Pooling1D):
    """Mirrors `tf.compat.v1.layers.AveragePooling1D`: the mean over windows (padding
    excluded from the count).

    >>> y = AveragePooling1D(2, 2)(sequences)
    """

    _mode = "avg"


class MaxPooling2D(_Pooling2D):
    """Mirrors `tf.compat.v1.layers.MaxPooling2D`: the maximum over windows of
    [batch, height, width, channels] (or channels_first: an NCHW MaxPool).

    Args:
      pool_size: an int or a pair.
      strides: an int or a pair (required).
      padding: "valid" or "same".
      data_format: "channels_last" (default) or "channels_first".
      name: the layer name.

    >>> y = MaxPooling2D(2, 2)(feature_maps)
    """

    _mode = "max"


class AveragePooling2D(_Pooling2D):
    """Mirrors `tf.compat.v1.layers.AveragePooling2D`: the mean over windows.

    >>> y = AveragePooling2D(2, 2)(feature_maps)
    """

    _mode = "avg"


class MaxPooling3D(_Pooling3D):
    """Mirrors `tf.compat.v1.layers.MaxPooling3D`: the maximum over 3-D windows of
    [batch, depth, height, width, channels] (or channels_first).

    >>> y = MaxPooling3D(2, 2)(volumes)
    """

    _mode = "max"


class AveragePooling3D(_Pooling3D):
    """Mirrors `tf.compat.v1.layers.AveragePooling3D`: the mean over 3-D windows.

    >>> y = AveragePooling3D(2, 2)(volumes)
    """

    _mode = "avg"


def max_pooling1d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Mirrors `tf.compat.v1.layers.max_pooling1d`: a MaxPooling1D layer applied to `inputs`.

    >>> y = max_pooling1d(sequences, 2, 2)
    """
    return base.build_and_call(MaxPooling1D, locals(), scoped=False)


def average_pooling1d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Mirrors `tf.compat.v1.layers.average_pooling1d`: an AveragePooling1D layer applied to
    `inputs`.

    >>> y = average_pooling1d(sequences, 2, 2)
    """
    return base.build_and_call(AveragePooling1D, locals(), scoped=False)


def max_pooling2d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Mirrors `tf.compat.v1.layers.max_pooling2d`: a MaxPooling2D layer applied to `inputs`.

    Args:
      inputs: a 4-D tensor.
      pool_size, strides, padding, data_format, name: as for `MaxPooling2D`.

    Returns:
      The pooled tensor.

    >>> y = max_pooling2d(feature_maps, 2, 2)
    """
    return base.build_and_call(MaxPooling2D, locals(), scoped=False)


def average_pooling2d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Mirrors `tf.compat.v1.layers.average_pooling2d`: an AveragePooling2D layer applied to
    `inputs`.

    >>> y = average_pooling2d(feature_maps, 2, 2)
    """
    return base.build_and_call(AveragePooling2D, locals(), scoped=False)


def max_pooling3d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Mirrors `tf.compat.v1.layers.max_pooling3d`: a MaxPooling3D layer applied to `inputs`.

    >>> y = max_pooling3d(volumes, 2, 2)
    """
    return base.build_and_call(MaxPooling3D, locals(), scoped=False)


def average_pooling3d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Mirrors `tf.compat.v1.layers.average_pooling3d`: an AveragePooling3D layer applied to
    `inputs`.

    >>> y = average_pooling3d(volumes, 2, 2)
    """
    return base.build_and_call(AveragePooling3D, locals(), scoped=False)


# TF1's aliases.
AvgPool2D = AveragePooling2D
MaxPool2D = MaxPooling2D
max_pool2d = max_pooling2d
avg_pool2d = average_pooling2d
