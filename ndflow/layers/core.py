"""The core tf.layers: Dense, Dropout and Flatten, and their functional forms `dense`,
`dropout` and `flatten` (TF1's `tf.compat.v1.layers`)."""

from __future__ import annotations

import functools
import numbers
import operator

from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.layers import arguments
from ndflow.layers import base
from ndflow.ops import array
from ndflow.ops import initializers
from ndflow.ops import linalg
from ndflow.ops import math
from ndflow.ops import nn

InputSpec = base.InputSpec

# ---------------------------------------------------------------------- Dense


class Dense(base.Layer):
    """Mirrors `tf.compat.v1.layers.Dense`: `activation(inputs @ kernel + bias)`.

    Inputs of rank > 2 are contracted on their last axis (`tf.tensordot`, as TF).

    Args:
      units: the output size.
      activation: a function (or Keras name) applied to the output; None for linear.
      use_bias: whether to add a bias.
      kernel_initializer: default None, i.e. `tf.get_variable`'s glorot_uniform.
      bias_initializer: default zeros.
      kernel_regularizer, bias_regularizer: functions of the variables; their losses join
        REGULARIZATION_LOSSES.
      activity_regularizer: a function of the output, likewise.
      kernel_constraint, bias_constraint: projections optimizers apply after updates.
      trainable: whether the variables are trainable.
      name: the layer (and variable scope) name.

    Variables: `<name>/kernel` [in, units] and `<name>/bias` [units].

    >>> y = Dense(4, activation=tf.nn.relu)(x)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=initializers.zeros_initializer(),
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
        self.units = int(units) if not isinstance(units, int) else units
        if self.units < 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        self.activation = None if activation is None else arguments.get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = arguments.get_initializer(kernel_initializer)
        self.bias_initializer = arguments.get_initializer(bias_initializer)
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape) -> None:
        dtype = self._dtype or dtypes.float32
        if not (dtype.is_floating or dtype.is_complex):
            raise TypeError(
                f"A Dense layer can only be built with a floating-point dtype. Received: "
                f"dtype={dtype}"
            )
        input_shape = tensor_shape.TensorShape(input_shape)
        last_dim = tensor_shape.dimension_value(input_shape[-1])
        if last_dim is None:
            raise ValueError(
                "The last dimension of the inputs to a Dense layer should be defined. Found "
                f"None. Full input shape received: {input_shape}"
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight(
            "kernel",
            shape=[last_dim, self.units],
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            dtype=self._dtype,
            trainable=True,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=[self.units],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                dtype=self._dtype,
                trainable=True,
            )
        self.built = True

    def call(self, inputs):
        if inputs.dtype.base_dtype != self._dtype:
            inputs = math.cast(inputs, dtype=self._dtype)
        rank = inputs.shape.rank
        if rank == 2 or rank is None:
            outputs = math.matmul(a=inputs, b=self.kernel)
        else:
            outputs = linalg.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.kernel.shape[-1]])
        if self.use_bias:
            outputs = nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        input_shape = tensor_shape.TensorShape(input_shape).with_rank_at_least(2)
        if tensor_shape.dimension_value(input_shape[-1]) is None:
            raise ValueError(
                "The last dimension of the input shape of a Dense layer should be defined. "
                f"Found None. Received: input_shape={input_shape}"
            )
        return input_shape[:-1].concatenate(self.units)


def dense(
    inputs,
    units,
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=initializers.zeros_initializer(),
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """Mirrors `tf.compat.v1.layers.dense`: a Dense layer applied to `inputs`.

    Args:
      inputs: a tensor of rank >= 2 with a known last dimension.
      units, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
      bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, trainable:
        as for `Dense`.
      name: the layer's name (variables `<name>/kernel`, `<name>/bias`).
      reuse: True reuses the variables of an earlier layer of the same name.

    Returns:
      The output tensor: `inputs`' shape with the last dimension `units`.

    >>> logits = dense(x, 10, activation=tf.nn.relu, name="fc")
    """
    layer = Dense(
        units,
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
        _scope=name,
        _reuse=reuse,
    )
    return layer(inputs)


# ---------------------------------------------------------------------- Dropout


class Dropout(base.Layer):
    """Mirrors `tf.compat.v1.layers.Dropout`: zeroes a fraction `rate` of the inputs and
    scales the rest by `1 / (1 - rate)` when `training`; the identity otherwise.

    Args:
      rate: the fraction dropped, in [0, 1].
      noise_shape: the shape of the keep/drop mask (None entries take the input's size).
      seed: the op seed (incremented at each call, as Keras does).
      name: the layer name.

    `training` (a call argument, default False) is a Python bool or a boolean tensor; a
    tensor builds a `tf.cond`.

    >>> y = Dropout(0.5)(x, training=is_training)
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value {rate} received for `rate`, expected a value between 0 and 1."
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._next_seed = seed

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        concrete_inputs_shape = array.shape(inputs)
        noise_shape = [
            concrete_inputs_shape[i] if value is None else value
            for i, value in enumerate(self.noise_shape)
        ]
        return op_builder.convert_to_tensor(noise_shape)

    def _legacy_seed(self):
        seed = self._next_seed
        if seed is not None:
            self._next_seed = seed + 1
        return seed

    def call(self, inputs, training=False):
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return array.identity(inputs)

        def dropped_inputs():
            return nn.dropout(
                inputs,
                rate=self.rate,
                noise_shape=self._get_noise_shape(inputs),
                seed=self._legacy_seed(),
            )

        return arguments.smart_cond(training, dropped_inputs, lambda: array.identity(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Mirrors `tf.compat.v1.layers.dropout`: a Dropout layer applied to `inputs`.

    Args:
      inputs: the input tensor.
      rate: the fraction dropped.
      noise_shape: the mask's shape (None entries take the input's size).
      seed: the op seed.
      training: a Python bool or a boolean tensor: whether to drop (default False).
      name: the layer name.

    Returns:
      A tensor of `inputs`' shape.

    >>> h = dropout(h, rate=0.3, training=True)
    """
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer(inputs, training=training)


# ---------------------------------------------------------------------- Flatten


class Flatten(base.Layer):
    """Mirrors `tf.compat.v1.layers.Flatten`: reshapes to [batch, -1].

    Args:
      data_format: 'channels_last' (default) or 'channels_first' (channels are moved last
        first, so the order matches a channels_last model).

    >>> y = Flatten()(images)
    """

    def __init__(self, data_format="channels_last", **kwargs):
        super().__init__(**kwargs)
        self.data_format = arguments.normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs):
        rank = inputs.shape.rank
        if self._channels_first and rank and rank > 1:
            permutation = [0, *range(2, rank), 1]
            inputs = array.transpose(inputs, perm=permutation)
        if rank == 1:
            return array.expand_dims(inputs, axis=1)
        return array.reshape(inputs, self._flattened_shape(inputs))

    @staticmethod
    def _flattened_shape(inputs):
        input_shape = inputs.shape
        batch_dim = tensor_shape.dimension_value(input_shape[0]) if input_shape.rank else None
        non_batch_dims = input_shape[1:] if input_shape.rank else input_shape
        if non_batch_dims.is_fully_defined():
            last_dim = int(functools.reduce(operator.mul, non_batch_dims.as_list(), 1))
            return array.constant([-1, last_dim])
        if batch_dim is not None:
            return array.constant([int(batch_dim), -1])
        return [array.shape(inputs)[0], -1]

    def compute_output_shape(self, input_shape):
        dims = tensor_shape.TensorShape(input_shape).as_list()
        if not dims:
            return tensor_shape.TensorShape([1])
        if all(dims[1:]):
            return tensor_shape.TensorShape([dims[0], functools.reduce(operator.mul, dims[1:], 1)])
        return tensor_shape.TensorShape([dims[0], None])


def flatten(inputs, name=None, data_format="channels_last"):
    """Mirrors `tf.compat.v1.layers.flatten`: reshapes `inputs` to [batch, -1].

    Args:
      inputs: a tensor of rank >= 1.
      name: the layer name.
      data_format: 'channels_last' or 'channels_first'.

    Returns:
      A rank-2 tensor.

    >>> flat = flatten(feature_maps)
    """
    layer = Flatten(name=name, data_format=data_format)
    return layer(inputs)


# TF1's aliases.
FullyConnected = Dense
fully_connected = dense
