"""The separable convolutions SeparableConv1D and SeparableConv2D and their functional forms:
a depthwise convolution per input channel, then a 1x1 convolution (`tf.nn.separable_conv2d`).
"""

from __future__ import annotations

from ndflow.framework import tensor_shape
from ndflow.layers import arguments
from ndflow.layers import base
from ndflow.layers.convolutional import conv
from ndflow.ops import array
from ndflow.ops import initializers
from ndflow.ops import nn

InputSpec = conv.InputSpec
_ZEROS = initializers.zeros_initializer()


class _SeparableConv(conv._Conv):
    """Keras's `SeparableConv`: a depthwise then a pointwise convolution."""

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer=None,
        pointwise_initializer=None,
        bias_initializer=_ZEROS,
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = arguments.get_initializer(depthwise_initializer)
        self.pointwise_initializer = arguments.get_initializer(pointwise_initializer)
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape) -> None:
        input_shape = tensor_shape.TensorShape(input_shape)
        input_dim = self._get_input_channel(input_shape)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._get_channel_axis(): input_dim})
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=self.kernel_size + (input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            trainable=True,
            dtype=self._dtype,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (self.depth_multiplier * input_dim, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
            trainable=True,
            dtype=self._dtype,
        )
        self._add_bias()
        self.built = True

    def _bias_4d(self, outputs):
        if not self.use_bias:
            return outputs
        data_format = arguments.convert_data_format(self.data_format, 4)
        return nn.bias_add(outputs, self.bias, data_format=data_format)


class SeparableConv1D(_SeparableConv):
    """Mirrors `tf.compat.v1.layers.SeparableConv1D`: `separable_conv2d` on the inputs with
    a unit height axis inserted.

    Variables: `<name>/depthwise_kernel` [k, in, depth_multiplier], `<name>/pointwise_kernel`
    [1, in * depth_multiplier, filters] and `<name>/bias` [filters].

    >>> y = SeparableConv1D(8, 3)(sequences)
    """

    _rank = 1
    _supports_causal = True

    def call(self, inputs):
        if self.padding == "causal":
            inputs = array.pad(inputs, self._compute_causal_padding(inputs))
        if self.data_format == "channels_last":
            strides, spatial_start_dim = (1, *self.strides * 2, 1), 1
        else:
            strides, spatial_start_dim = (1, 1, *self.strides * 2), 2
        inputs = array.expand_dims(inputs, spatial_start_dim)
        depthwise_kernel = array.expand_dims(self.depthwise_kernel, 0)
        pointwise_kernel = array.expand_dims(self.pointwise_kernel, 0)
        padding = "valid" if self.padding == "causal" else self.padding
        outputs = nn.separable_conv2d(
            inputs,
            depthwise_kernel,
            pointwise_kernel,
            strides=strides,
            padding=padding.upper(),
            rate=(1, *self.dilation_rate),
            data_format=arguments.convert_data_format(self.data_format, 4),
        )
        outputs = array.squeeze(self._bias_4d(outputs), [spatial_start_dim])
        return self._activate(outputs)


class SeparableConv2D(_SeparableConv):
    """Mirrors `tf.compat.v1.layers.SeparableConv2D`: a depthwise convolution (each input
    channel with `depth_multiplier` filters) followed by a 1x1 convolution.

    Variables: `<name>/depthwise_kernel` [kh, kw, in, depth_multiplier],
    `<name>/pointwise_kernel` [1, 1, in * depth_multiplier, filters], `<name>/bias`.

    >>> y = SeparableConv2D(32, 3, depth_multiplier=2)(images)
    """

    _rank = 2

    def call(self, inputs):
        if self.data_format == "channels_last":
            strides = (1, *self.strides, 1)
        else:
            strides = (1, 1, *self.strides)
        outputs = nn.separable_conv2d(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=strides,
            padding=self.padding.upper(),
            rate=self.dilation_rate,
            data_format=arguments.convert_data_format(self.data_format, 4),
        )
        return self._activate(self._bias_4d(outputs))


def separable_conv1d(
    inputs,
    filters,
    kernel_size,
    strides=1,
    padding="valid",
    data_format="channels_last",
    dilation_rate=1,
    depth_multiplier=1,
    activation=None,
    use_bias=True,
    depthwise_initializer=None,
    pointwise_initializer=None,
    bias_initializer=_ZEROS,
    depthwise_regularizer=None,
    pointwise_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    depthwise_constraint=None,
    pointwise_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """Mirrors `tf.compat.v1.layers.separable_conv1d`: a SeparableConv1D layer applied to
    `inputs` (3-D).

    Returns:
      The output tensor.

    >>> y = separable_conv1d(sequences, 8, 3)
    """
    return base.build_and_call(SeparableConv1D, locals())


def separable_conv2d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1),
    depth_multiplier=1,
    activation=None,
    use_bias=True,
    depthwise_initializer=None,
    pointwise_initializer=None,
    bias_initializer=_ZEROS,
    depthwise_regularizer=None,
    pointwise_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    depthwise_constraint=None,
    pointwise_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """Mirrors `tf.compat.v1.layers.separable_conv2d`: a SeparableConv2D layer applied to
    `inputs` (4-D).

    Returns:
      The output tensor.

    >>> y = separable_conv2d(images, 32, 3, depth_multiplier=2)
    """
    return base.build_and_call(SeparableConv2D, locals())


# TF1's aliases.
SeparableConvolution2D = SeparableConv2D
separable_convolution2d = separable_conv2d
