"""The transposed convolutions Conv2DTranspose and Conv3DTranspose and their functional
forms: the output shape comes from `tf.shape(inputs)` at run time, the op is the gradient of
a convolution with respect to its input ("conv2d_transpose/conv2d_transpose"); channels_first
inputs take TensorFlow's CPU path through NHWC for 2-D.
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


class _ConvTranspose(conv._Conv):
    """The transposed convolutions' shared build: kernel [k..., filters, in_channels]."""

    def build(self, input_shape) -> None:
        input_shape = tensor_shape.TensorShape(input_shape)
        if input_shape.rank != self.rank + 2:
            raise ValueError(
                f"Inputs should have rank {self.rank + 2}. Received input_shape={input_shape}."
            )
        channel_axis = self._get_channel_axis()
        if tensor_shape.dimension_value(input_shape[channel_axis]) is None:
            raise ValueError(
                "The channel dimension of the inputs to "
                f"`{type(self).__name__}` should be defined. The input_shape received is "
                f"{input_shape}, where axis {channel_axis} (0-based) is the channel "
                "dimension, which found to be `None`."
            )
        input_dim = int(input_shape[channel_axis])
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: input_dim})
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (self.filters, input_dim),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
            dtype=self._dtype,
        )
        self._add_bias()
        self.built = True

    def _out_length(self, length, axis: int):
        return arguments.deconv_output_length(
            length,
            self.kernel_size[axis],
            padding=self.padding,
            stride=self.strides[axis],
            dilation=self.dilation_rate[axis],
        )

    def compute_output_shape(self, input_shape):
        dims = list(tensor_shape.TensorShape(input_shape).as_list())
        first_spatial = 2 if self._channels_first else 1
        dims[1 if self._channels_first else -1] = self.filters
        for axis in range(self.rank):
            dims[first_spatial + axis] = self._out_length(dims[first_spatial + axis], axis)
        return tensor_shape.TensorShape(dims)

    def _finish(self, inputs, outputs):
        if inputs.shape.rank:
            outputs.set_shape(self.compute_output_shape(inputs.shape))
        if self.use_bias:
            data_format = arguments.convert_data_format(self.data_format, 4)
            outputs = nn.bias_add(outputs, self.bias, data_format=data_format)
        return self._activate(outputs)


class Conv2DTranspose(_ConvTranspose):
    """Mirrors `tf.compat.v1.layers.Conv2DTranspose` (a "deconvolution"): the gradient of a
    Conv2D with respect to its input, plus bias and activation.

    Args: as `Conv2D` without dilation_rate. The output size is `in * stride` ("same") or
    `in * stride + max(kernel - stride, 0)` ("valid").

    Variables: `<name>/kernel` [kh, kw, filters, in] and `<name>/bias` [filters].

    >>> y = Conv2DTranspose(16, 3, strides=2, padding="same")(features)
    """

    _rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format="channels_last",
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
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
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        inputs_shape = array.shape(inputs)
        batch_size = inputs_shape[0]
        h_axis, w_axis = (2, 3) if self._channels_first else (1, 2)
        dims = inputs.shape.as_list() if inputs.shape.rank is not None else [None] * 4
        height = dims[h_axis] if dims[h_axis] is not None else inputs_shape[h_axis]
        width = dims[w_axis] if dims[w_axis] is not None else inputs_shape[w_axis]
        out_height, out_width = self._out_length(height, 0), self._out_length(width, 1)
        if self._channels_first:
            output_shape = (batch_size, self.filters, out_height, out_width)
        else:
            output_shape = (batch_size, out_height, out_width, self.filters)
        outputs = self._conv2d_transpose(inputs, array.stack(output_shape))
        return self._finish(inputs, outputs)

    def _conv2d_transpose(self, x, output_shape):
        """Keras's `backend.conv2d_transpose` on a CPU: channels_first goes through NHWC."""
        if self._channels_first:
            x = array.transpose(x, (0, 2, 3, 1))
            output_shape = array.stack(
                [output_shape[0], output_shape[2], output_shape[3], output_shape[1]]
            )
        # Keras tests `output_shape[0] is None` on the tensor, which slices it: the
        # StridedSlice stays in TF's graph, so it is in ours too.
        output_shape[0]  # noqa: B018
        strides = (1, *self.strides, 1)
        x = nn.conv2d_transpose(x, self.kernel, output_shape, strides, padding=self.padding.upper())
        if self._channels_first:
            x = array.transpose(x, (0, 3, 1, 2))
        return x


class Conv3DTranspose(_ConvTranspose):
    """Mirrors `tf.compat.v1.layers.Conv3DTranspose`: the 3-D transposed convolution.

    Variables: `<name>/kernel` [kd, kh, kw, filters, in] and `<name>/bias` [filters].

    >>> y = Conv3DTranspose(4, 3, strides=2)(volumes)
    """

    _rank = 3

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format="channels_last",
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
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
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        inputs_shape = array.shape(inputs)
        batch_size = inputs_shape[0]
        first = 2 if self._channels_first else 1
        lengths = [inputs_shape[first + axis] for axis in range(3)]
        out = [self._out_length(length, axis) for axis, length in enumerate(lengths)]
        if self._channels_first:
            output_shape = (batch_size, self.filters, *out)
            strides = (1, 1, *self.strides)
        else:
            output_shape = (batch_size, *out, self.filters)
            strides = (1, *self.strides, 1)
        outputs = nn.conv3d_transpose(
            inputs,
            self.kernel,
            array.stack(output_shape),
            strides,
            data_format=self._tf_data_format,
            padding=self.padding.upper(),
        )
        return self._finish(inputs, outputs)


def conv2d_transpose(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=_ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """Mirrors `tf.compat.v1.layers.conv2d_transpose`: a Conv2DTranspose layer applied to
    `inputs` (4-D).

    Returns:
      The output tensor.

    >>> y = conv2d_transpose(features, 16, 3, strides=2, padding="same")
    """
    return base.build_and_call(Conv2DTranspose, locals())


def conv3d_transpose(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1, 1),
    padding="valid",
    data_format="channels_last",
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=_ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """Mirrors `tf.compat.v1.layers.conv3d_transpose`: a Conv3DTranspose layer applied to
    `inputs` (5-D).

    Returns:
      The output tensor.

    >>> y = conv3d_transpose(volumes, 4, 3, strides=2)
    """
    return base.build_and_call(Conv3DTranspose, locals())


# TF1's aliases.
Convolution2DTranspose = Deconvolution2D = Deconv2D = Conv2DTranspose
Convolution3DTranspose = Deconvolution3D = Deconv3D = Conv3DTranspose
convolution2d_transpose = deconvolution2d = deconv2d = conv2d_transpose
convolution3d_transpose = deconvolution3d = deconv3d = conv3d_transpose
