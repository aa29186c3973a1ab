"""tf.layers batch normalization: `BatchNormalization` and `batch_normalization` with TF1's
semantics (`tf.compat.v1.layers`, the Keras V1 layer).

Variables `<name>/gamma`, `beta`, `moving_mean`, `moving_variance` (the moving statistics are
not trainable). With `training`, the output uses the batch statistics and the layer adds two
update ops, `<name>/AssignMovingAvg` and `AssignMovingAvg_1` (`moving -= (moving - batch) *
(1 - momentum)`), to `layer.updates` and `GraphKeys.UPDATE_OPS`; run them with the train op.
4-D and 5-D inputs normalized over their channel axis use FusedBatchNormV3 (`fused=None`, as
TF), whose batch variance for the moving average is the unbiased one; other inputs use
`tf.nn.moments` and `tf.nn.batch_normalization`. A boolean tensor `training` builds `tf.cond`s.

Batch renormalization (`renorm=True`), `virtual_batch_size` and `adjustment` are not supported
and raise NotImplementedError.
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.layers import arguments
from ndflow.layers import base
from ndflow.ops import array
from ndflow.ops import initializers
from ndflow.ops import math
from ndflow.ops import nn
from ndflow.ops import state
from ndflow.ops import variable_scope as vs

InputSpec = base.InputSpec

_FUSED_AXES = (-4, -3, -1, 1, 3, 4)
_FUSED_FORMATS = {(1, 4): "NCHW", (1, 5): "NCDHW", (3, 4): "NHWC", (4, 5): "NDHWC"}


def validate_axis(axis, input_shape) -> list:
    """Keras's `validate_axis`: the axes as a list of non-negative ints."""
    rank = tensor_shape.TensorShape(input_shape).rank
    if not rank:
        raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}")
    axis = [axis] if isinstance(axis, int) else list(axis)
    axis = [x + rank if x < 0 else x for x in axis]
    for x in axis:
        if x < 0 or x >= rank:
            raise ValueError(
                "Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
                f"inputs.rank={rank}). Received: axis={tuple(axis)}"
            )
    if len(axis) != len(set(axis)):
        raise ValueError(f"Duplicate axis: {tuple(axis)}")
    return axis


def _unsupported(argument: str) -> NotImplementedError:
    return NotImplementedError(
        f"tf.layers.BatchNormalization({argument}) is not supported by ndflow: batch "
        "renormalization, virtual batches and adjustments are out of scope."
    )


class BatchNormalization(base.Layer):
    """Mirrors `tf.compat.v1.layers.BatchNormalization`.

    Args:
      axis: the axis (or list of axes) normalized per feature, default -1 (channels last).
      momentum: the moving averages' momentum.
      epsilon: added to the variance.
      center: whether to add `beta`.
      scale: whether to multiply by `gamma`.
      beta_initializer, gamma_initializer, moving_mean_initializer,
      moving_variance_initializer: the variables' initializers (zeros, ones, zeros, ones).
      beta_regularizer, gamma_regularizer: loss functions of beta and gamma.
      beta_constraint, gamma_constraint: projections applied by optimizers.
      renorm, renorm_clipping, renorm_momentum: batch renormalization (not supported).
      fused: None or True picks the fused kernel for 4-D/5-D inputs where TF does; False
        never does.
      trainable: whether gamma and beta are trainable (an untrainable layer reports no
        updates).
      virtual_batch_size, adjustment: not supported.
      name: the layer name.

    Raises:
      TypeError: for an `axis` that is neither an int nor a list of ints.
      NotImplementedError: for renorm, virtual_batch_size or adjustment.

    >>> layer = BatchNormalization()
    >>> y = layer(x, training=True)
    >>> train_op = tf.group(minimize_op, *layer.updates)
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer=initializers.zeros_initializer(),
        gamma_initializer=initializers.ones_initializer(),
        moving_mean_initializer=initializers.zeros_initializer(),
        moving_variance_initializer=initializers.ones_initializer(),
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        fused=None,
        trainable=True,
        virtual_batch_size=None,
        adjustment=None,
        name=None,
        **kwargs,
    ):
        super().__init__(name=name, trainable=trainable, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but "
                f"received: {axis!r}"
            )
        for argument, value, default in (
            ("renorm=True", renorm, False),
            ("virtual_batch_size=...", virtual_batch_size, None),
            ("adjustment=...", adjustment, None),
        ):
            if value is not default and value != default:
                raise _unsupported(argument)
        del renorm_clipping, renorm_momentum  # only meaningful with renorm
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = arguments.get_initializer(beta_initializer)
        self.gamma_initializer = arguments.get_initializer(gamma_initializer)
        self.moving_mean_initializer = arguments.get_initializer(moving_mean_initializer)
        self.moving_variance_initializer = arguments.get_initializer(moving_variance_initializer)
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.renorm = False
        self.virtual_batch_size = None
        self.adjustment = None
        # TF1 (Keras V1) turns fused=None into True and decides at build time.
        self.fused = True if fused is None else fused

    # ------------------------------------------------------------------ build

    @property
    def _param_dtype(self):
        if self._dtype in (dtypes.float16, dtypes.bfloat16):
            return dtypes.float32
        return self._dtype or dtypes.float32

    def _fused_can_be_used(self) -> bool:
        axis = [self.axis] if isinstance(self.axis, int) else self.axis
        if len(axis) > 1 or axis[0] not in _FUSED_AXES:
            return False
        return self._dtype in (dtypes.float16, dtypes.bfloat16, dtypes.float32, None)

    def _choose_fused(self, rank: int) -> None:
        if self.fused:
            self.fused = rank in (4, 5) and self._fused_can_be_used()
        if not self.fused:
            return
        data_format = _FUSED_FORMATS.get((self.axis[0], rank))
        if data_format is not None:
            self._data_format = data_format
            return
        if rank == 5:
            self.fused = False
            return
        raise ValueError(
            "Unsupported axis. The use of `fused=True` is only possible with `axis=1` or "
            f"`axis=3` for 4D input tensors. Received: axis={tuple(self.axis)}"
        )

    def build(self, input_shape) -> None:
        input_shape = tensor_shape.TensorShape(input_shape)
        self.axis = validate_axis(self.axis, input_shape)
        rank = input_shape.rank
        self._choose_fused(rank)
        axis_to_dim = {x: tensor_shape.dimension_value(input_shape[x]) for x in self.axis}
        if any(dim is None for dim in axis_to_dim.values()):
            raise ValueError(
                "Input has undefined `axis` dimension. Received input with shape "
                f"{tuple(input_shape)} and axis={tuple(self.axis)}"
            )
        self.input_spec = InputSpec(ndim=rank, axes=axis_to_dim)
        if len(axis_to_dim) == 1:
            param_shape = (next(iter(axis_to_dim.values())),)
        else:
            param_shape = [axis_to_dim.get(i, 1) for i in range(rank)]
        self._param_shape = param_shape
        self.gamma = (
            self._param(
                "gamma", self.gamma_initializer, self.gamma_regularizer, self.gamma_constraint
            )
            if self.scale
            else None
        )
        self.beta = (
            self._param("beta", self.beta_initializer, self.beta_regularizer, self.beta_constraint)
            if self.center
            else None
        )
        self.moving_mean = self._moving("moving_mean", self.moving_mean_initializer)
        self.moving_variance = self._moving("moving_variance", self.moving_variance_initializer)
        self.built = True

    def _param(self, name, initializer, regularizer, constraint):
        return self.add_weight(
            name=name,
            shape=self._param_shape,
            dtype=self._param_dtype,
            initializer=initializer,
            regularizer=regularizer,
            constraint=constraint,
            trainable=True,
            experimental_autocast=False,
        )

    def _moving(self, name, initializer):
        return self.add_weight(
            name=name,
            shape=self._param_shape,
            dtype=self._param_dtype,
            initializer=initializer,
            synchronization=vs.VariableSynchronization.ON_READ,
            trainable=False,
            aggregation=vs.VariableAggregation.MEAN,
            experimental_autocast=False,
        )

    # ------------------------------------------------------------------ call

    def call(self, inputs, training=False):
        if inputs.dtype.base_dtype != self._dtype:
            inputs = math.cast(inputs, self._dtype)
        if self.fused:
            return self._fused_batch_norm(inputs, training)
        return self._batch_norm(inputs, training)

    def _assign_moving_average(self, variable, value, momentum):
        """`variable -= (variable - value) * (1 - momentum)`, named "AssignMovingAvg"."""
        with graph_lib.name_scope("AssignMovingAvg") as scope:
            with graph_lib.colocate_with(variable.op):
                decay = op_builder.convert_to_tensor(1.0 - momentum, name="decay")
                if decay.dtype != variable.dtype.base_dtype:
                    decay = math.cast(decay, variable.dtype.base_dtype)
                value = math.cast(value, variable.dtype.base_dtype)
                update_delta = (variable - value) * decay
                return state.assign_sub(variable, update_delta, name=scope)

    def _add_moving_average_updates(self, mean, variance, momentum) -> None:
        self.add_update(lambda: self._assign_moving_average(self.moving_mean, mean, momentum))
        self.add_update(
            lambda: self._assign_moving_average(self.moving_variance, variance, momentum)
        )

    def _momentum_for(self, training):
        """The momentum tensor of the updates: 1.0 (no change) when `training` is False at
        run time. TF1 does this for the fused kernel; for the other path TF puts the assign
        inside a Switch/Merge cond, which a functional cond cannot hold for ref variables, so
        ndflow uses the same factor there (same values)."""
        return arguments.smart_cond(training, lambda: self.momentum, lambda: 1.0)

    def _fused_batch_norm(self, inputs, training):
        param = {"dtype": self._param_dtype, "shape": self._param_shape}
        beta = self.beta if self.center else array.constant(0.0, **param)
        gamma = self.gamma if self.scale else array.constant(1.0, **param)

        def fused(is_training):
            return nn.fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=self.moving_mean,
                variance=self.moving_variance,
                epsilon=self.epsilon,
                is_training=is_training,
                data_format=self._data_format,
            )

        output, mean, variance = arguments.smart_cond(
            training, lambda: fused(True), lambda: fused(False)
        )
        training_value = arguments.constant_value(training)
        if training_value or training_value is None:
            if training_value is None:
                momentum = self._momentum_for(training)
            else:
                momentum = op_builder.convert_to_tensor(self.momentum)
            self._add_moving_average_updates(mean, variance, momentum)
        return output

    def _broadcaster(self, ndims, reduction_axes, input_shape):
        """Reshapes per-feature vectors to broadcast against the inputs when the normalized
        axis is not the last one (Keras's `_broadcast`)."""
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = tensor_shape.dimension_value(input_shape[self.axis[0]])

        def broadcast(v):
            if v is not None and len(v.shape) != ndims and reduction_axes != list(range(ndims - 1)):
                return array.reshape(v, broadcast_shape)
            return v

        return broadcast

    def _batch_norm(self, inputs, training):
        inputs_dtype = inputs.dtype.base_dtype
        if inputs_dtype in (dtypes.float16, dtypes.bfloat16):
            inputs = math.cast(inputs, dtypes.float32)
        input_shape = inputs.shape
        ndims = input_shape.rank
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        broadcast = self._broadcaster(ndims, reduction_axes, input_shape)
        scale, offset = broadcast(self.gamma), broadcast(self.beta)
        training_value = arguments.constant_value(training)
        if training_value is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            mean, variance = self._batch_moments(inputs, reduction_axes, training)
        outputs = nn.batch_normalization(
            inputs,
            broadcast(_cast_to(mean, inputs.dtype)),
            broadcast(_cast_to(variance, inputs.dtype)),
            _cast_to(offset, inputs.dtype),
            _cast_to(scale, inputs.dtype),
            self.epsilon,
        )
        if inputs_dtype in (dtypes.float16, dtypes.bfloat16):
            outputs = math.cast(outputs, inputs_dtype)
        outputs.set_shape(input_shape)
        return outputs

    def _batch_moments(self, inputs, reduction_axes, training):
        """The batch mean and variance (the moving ones when `training` is False at run
        time), and the updates of the moving statistics."""
        keep_dims = len(self.axis) > 1
        mean, variance = nn.moments(
            _cast_to(inputs, self._param_dtype), reduction_axes, keep_dims=keep_dims
        )
        moving_mean, moving_variance = self.moving_mean, self.moving_variance
        mean = arguments.smart_cond(
            training, lambda: mean, lambda: op_builder.convert_to_tensor(moving_mean)
        )
        variance = arguments.smart_cond(
            training, lambda: variance, lambda: op_builder.convert_to_tensor(moving_variance)
        )
        if arguments.constant_value(training) is None:
            momentum = self._momentum_for(training)
        else:
            momentum = self.momentum
        self._add_moving_average_updates(mean, variance, momentum)
        return mean, variance

    def compute_output_shape(self, input_shape):
        return input_shape


def _cast_to(value, dtype):
    if value is None or value.dtype.base_dtype == dtype.base_dtype:
        return value
    return math.cast(value, dtype)


def batch_normalization(
    inputs,
    axis=-1,
    momentum=0.99,
    epsilon=1e-3,
    center=True,
    scale=True,
    beta_initializer=initializers.zeros_initializer(),
    gamma_initializer=initializers.ones_initializer(),
    moving_mean_initializer=initializers.zeros_initializer(),
    moving_variance_initializer=initializers.ones_initializer(),
    beta_regularizer=None,
    gamma_regularizer=None,
    beta_constraint=None,
    gamma_constraint=None,
    training=False,
    trainable=True,
    name=None,
    reuse=None,
    renorm=False,
    renorm_clipping=None,
    renorm_momentum=0.99,
    fused=None,
    virtual_batch_size=None,
    adjustment=None,
):
    """Mirrors `tf.compat.v1.layers.batch_normalization`: a BatchNormalization layer applied
    to `inputs`.

    Args:
      inputs: the input tensor.
      training: a Python bool or a boolean tensor: normalize with the batch statistics and
        add the moving-average updates to UPDATE_OPS (default False: the moving statistics).
      reuse: True reuses the variables of the layer named `name`.
      The other arguments are `BatchNormalization`'s.

    Returns:
      The normalized tensor.

    >>> y = batch_normalization(x, training=is_training)
    >>> with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    ...     train_op = optimizer.minimize(loss)
    """
    args = dict(locals())
    del args["training"]
    return base.build_and_call(BatchNormalization, args, training=training)


# TF1's aliases.
BatchNorm = BatchNormalization
batch_norm = batch_normalization
