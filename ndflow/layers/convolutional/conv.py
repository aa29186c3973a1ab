"""Keras's `Conv` base and the tf.layers Conv1D, Conv2D and Conv3D with their functional
forms: `tf.nn.convolution` named after the class ("conv2d/Conv2D"), a BiasAdd, the activation.
"""

from __future__ import annotations

from ndflow.framework import tensor_shape
from ndflow.layers import arguments
from ndflow.layers import base
from ndflow.ops import array
from ndflow.ops import initializers
from ndflow.ops import nn

InputSpec = base.InputSpec
_ZEROS = initializers.zeros_initializer()


class _Conv(base.Layer):
    """Keras's `Conv` base: an N-D convolution, bias and activation."""

    _rank = 2
    _supports_causal = False

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
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
            trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs
        )
        rank = self._rank
        if isinstance(filters, float):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        self.rank = rank
        self.filters = filters
        self.kernel_size = arguments.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = arguments.normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = arguments.normalize_padding(padding)
        self.data_format = arguments.normalize_data_format(data_format)
        self.dilation_rate = arguments.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.activation = None if activation is None else arguments.get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = arguments.get_initializer(kernel_initializer)
        self.bias_initializer = arguments.get_initializer(bias_initializer)
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._validate_init()
        self._channels_first = self.data_format == "channels_first"
        self._tf_data_format = arguments.convert_data_format(self.data_format, rank + 2)

    def _validate_init(self) -> None:
        if not all(self.kernel_size):
            raise ValueError(
                f"The argument `kernel_size` cannot contain 0(s). Received: {self.kernel_size}"
            )
        if not all(self.strides):
            raise ValueError(
                f"The argument `strides` cannot contains 0(s). Received: {self.strides}"
            )
        if self.padding == "causal" and not self._supports_causal:
            raise ValueError("Causal padding is only supported for `Conv1D`and `SeparableConv1D`.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    # ------------------------------------------------------------------ build

    def _get_channel_axis(self) -> int:
        return -1 - self.rank if self._channels_first else -1

    def _get_input_channel(self, input_shape) -> int:
        channel_axis = self._get_channel_axis()
        if tensor_shape.dimension_value(input_shape[channel_axis]) is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. The input_shape "
                f"received is {input_shape}, where axis {channel_axis} (0-based) is the "
                "channel dimension, which found to be `None`."
            )
        return int(input_shape[channel_axis])

    def _add_bias(self) -> None:
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
                dtype=self._dtype,
            )

    def build(self, input_shape) -> None:
        input_shape = tensor_shape.TensorShape(input_shape)
        input_channel = self._get_input_channel(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (input_channel, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
            dtype=self._dtype,
        )
        self._add_bias()
        self.input_spec = InputSpec(
            min_ndim=self.rank + 2, axes={self._get_channel_axis(): input_channel}
        )
        self.built = True

    # ------------------------------------------------------------------ call

    def _compute_causal_padding(self, inputs) -> list:
        left_pad = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        batch_rank = 1 if inputs.shape.rank is None else inputs.shape.rank - 2
        if self.data_format == "channels_last":
            return [[0, 0]] * batch_rank + [[left_pad, 0], [0, 0]]
        return [[0, 0]] * batch_rank + [[0, 0], [left_pad, 0]]

    def call(self, inputs):
        input_shape = inputs.shape
        if self.padding == "causal":
            inputs = array.pad(inputs, self._compute_causal_padding(inputs))
        padding = "VALID" if self.padding == "causal" else self.padding.upper()
        outputs = nn.convolution(
            inputs,
            self.kernel,
            strides=list(self.strides),
            padding=padding,
            dilations=list(self.dilation_rate),
            data_format=self._tf_data_format,
            name=type(self).__name__,
        )
        if self.use_bias:
            if self.rank == 1 and self._channels_first:
                outputs += array.reshape(self.bias, (1, self.filters, 1))
            else:
                outputs = nn.bias_add(outputs, self.bias, data_format=self._tf_data_format)
        if input_shape.rank:
            outputs.set_shape(self.compute_output_shape(input_shape))
        return self._activate(outputs)

    def _activate(self, outputs):
        return outputs if self.activation is None else self.activation(outputs)

    def _spatial_output_shape(self, spatial_input_shape) -> list:
        return [
            arguments.conv_output_length(
                length,
                self.kernel_size[i],
                padding=self.padding,
                stride=self.strides[i],
                dilation=self.dilation_rate[i],
            )
            for i, length in enumerate(spatial_input_shape)
        ]

    def compute_output_shape(self, input_shape):
        dims = tensor_shape.TensorShape(input_shape).as_list()
        batch_rank = len(dims) - self.rank - 1
        if self.data_format == "channels_last":
            spatial = self._spatial_output_shape(dims[batch_rank:-1])
            shape = dims[:batch_rank] + spatial + [self.filters]
        else:
            spatial = self._spatial_output_shape(dims[batch_rank + 1 :])
            shape = dims[:batch_rank] + [self.filters] + spatial
        if any(d is not None and d < 0 for d in spatial):
            raise ValueError(
                f"One of the dimensions in the output is <= 0 due to downsampling in "
                f"{self.name}. Consider increasing the input size. Received input shape "
                f"{dims} which would produce output shape with a zero or negative value in a "
                "dimension."
            )
        return tensor_shape.TensorShape(shape)


class Conv1D(_Conv):
    """Mirrors `tf.compat.v1.layers.Conv1D`: a 1-D convolution over [batch, steps, channels]
    (or channels_first), with "causal" padding allowed.

    Args: as `Conv2D`, with one-element kernel_size, strides and dilation_rate.

    >>> y = Conv1D(16, 3, padding="causal")(sequences)
    """

    _rank = 1
    _supports_causal = True


class Conv2D(_Conv):
    """Mirrors `tf.compat.v1.layers.Conv2D`: a 2-D convolution, bias and activation.

    Args:
      filters: the number of output channels.
      kernel_size: an int or a pair.
      strides: an int or a pair (default 1).
      padding: "valid" or "same".
      data_format: "channels_last" (NHWC, default) or "channels_first" (NCHW).
      dilation_rate: an int or a pair (not with strides > 1).
      activation: a function (or Keras name) applied last; None for linear.
      use_bias: whether to add a bias.
      kernel_initializer: default None, i.e. `tf.get_variable`'s glorot_uniform.
      bias_initializer: default zeros.
      kernel_regularizer, bias_regularizer, activity_regularizer: loss functions.
      kernel_constraint, bias_constraint: projections applied by optimizers.
      trainable: whether the variables are trainable.
      name: the layer name.

    Variables: `<name>/kernel` [kh, kw, in, filters] and `<name>/bias` [filters].

    >>> y = Conv2D(32, 3, activation=tf.nn.relu)(images)
    """

    _rank = 2


class Conv3D(_Conv):
    """Mirrors `tf.compat.v1.layers.Conv3D`: a 3-D convolution over
    [batch, depth, height, width, channels] (or channels_first).

    >>> y = Conv3D(8, 3)(volumes)
    """

    _rank = 3


def conv1d(
    inputs,
    filters,
    kernel_size,
    strides=1,
    padding="valid",
    data_format="channels_last",
    dilation_rate=1,
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
    """Mirrors `tf.compat.v1.layers.conv1d`: a Conv1D layer applied to `inputs`.

    Args: `inputs` [batch, steps, channels] (or channels_first), `reuse` to reuse the
    variables of the layer named `name`, and the arguments of `Conv1D`.

    Returns:
      The output tensor.

    >>> y = conv1d(sequences, 16, 3, activation=tf.nn.relu)
    """
    return base.build_and_call(Conv1D, locals())


def conv2d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1),
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
    """Mirrors `tf.compat.v1.layers.conv2d`: a Conv2D layer applied to `inputs`.

    Args: `inputs` [batch, height, width, channels] (or channels_first), `reuse` to reuse
    the variables of the layer named `name`, and the arguments of `Conv2D`.

    Returns:
      The output tensor.

    >>> y = conv2d(images, 32, 3, activation=tf.nn.relu)
    """
    return base.build_and_call(Conv2D, locals())


def conv3d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1, 1),
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
    """Mirrors `tf.compat.v1.layers.conv3d`: a Conv3D layer applied to `inputs`.

    Args: `inputs` [batch, depth, height, width, channels] (or channels_first), `reuse`,
    and the arguments of `Conv3D`.

    Returns:
      The output tensor.

    >>> y = conv3d(volumes, 8, 3)
    """
    return base.build_and_call(Conv3D, locals())


# TF1's aliases.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
convolution1d = conv1d
convolution2d = conv2d
convolution3d = conv3d
