"""`tf.train.FtrlOptimizer`: FTRL-Proximal through ApplyFtrl, or ApplyFtrlV2 when an l2
shrinkage is set, and their Resource/Sparse versions. Slots "accum" (initialized to
`initial_accumulator_value`) and "linear" (zeros): `<var>/Ftrl`, `<var>/Ftrl_1`."""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import math
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


def _check_arguments(initial_accumulator_value, learning_rate_power, l1, l2, l2_shrinkage):
    checks = (
        (
            initial_accumulator_value < 0.0,
            "initial_accumulator_value %f needs to be positive or zero",
            initial_accumulator_value,
        ),
        (
            learning_rate_power > 0.0,
            "learning_rate_power %f needs to be negative or zero",
            learning_rate_power,
        ),
        (l1 < 0.0, "l1_regularization_strength %f needs to be positive or zero", l1),
        (l2 < 0.0, "l2_regularization_strength %f needs to be positive or zero", l2),
        (
            l2_shrinkage < 0.0,
            "l2_shrinkage_regularization_strength %f needs to be positive or zero",
            l2_shrinkage,
        ),
    )
    for failed, message, value in checks:
        if failed:
            raise ValueError(message % value)


class FtrlOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.FtrlOptimizer`.

    >>> opt = FtrlOptimizer(0.1, l1_regularization_strength=0.01)
    """

    def __init__(
        self,
        learning_rate,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        use_locking=False,
        name="Ftrl",
        accum_name=None,
        linear_name=None,
        l2_shrinkage_regularization_strength=0.0,
        beta=None,
    ):
        super().__init__(use_locking, name)
        _check_arguments(
            initial_accumulator_value,
            learning_rate_power,
            l1_regularization_strength,
            l2_regularization_strength,
            l2_shrinkage_regularization_strength,
        )
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._beta = 0.0 if beta is None else beta
        self._l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self._accum_name = accum_name
        self._linear_name = linear_name
        self._tensors = None

    def _create_slots(self, var_list):
        def accum_initializer(shape, dtype=dtypes.float32, partition_info=None):
            del partition_info
            return array.ones(shape=shape, dtype=dtype) * self._initial_accumulator_value

        for v in var_list:
            self._get_or_make_slot_with_initializer(
                v, accum_initializer, v.shape, v.dtype, "accum", self._accum_name or self._name
            )
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _prepare(self):
        convert = op_builder.convert_to_tensor
        lr = convert(self._learning_rate, name="learning_rate")
        l1 = convert(self._l1_regularization_strength, name="l1_regularization_strength")
        # TF folds beta into l2 as l2 + beta / (2 * max(lr, 1e-36)), as graph ops.
        adjusted_l2 = convert(
            self._l2_regularization_strength
            + self._beta / (2.0 * math.maximum(self._learning_rate, 1e-36)),
            name="adjusted_l2_regularization_strength",
        )
        convert(self._beta, name="beta")
        shrinkage = convert(
            self._l2_shrinkage_regularization_strength,
            name="l2_shrinkage_regularization_strength",
        )
        power = convert(self._learning_rate_power, name="learning_rate_power")
        self._tensors = {
            "lr": lr,
            "l1": l1,
            "l2": adjusted_l2,
            "shrinkage": shrinkage,
            "power": power,
        }

    def _scalars(self, dtype):
        """lr, l1, l2, [l2_shrinkage,] lr_power as `dtype`, in the op's order."""
        names = ["lr", "l1", "l2"] + (["shrinkage"] if self._v2 else []) + ["power"]
        return [cast_like(self._tensors[n], dtype.base_dtype) for n in names]

    @property
    def _v2(self) -> bool:
        return self._l2_shrinkage_regularization_strength > 0.0

    def _op(self, prefix):
        return prefix + ("ApplyFtrlV2" if self._v2 else "ApplyFtrl")

    def _slots_of(self, var):
        return self.get_slot(var, "accum"), self.get_slot(var, "linear")

    def _apply_dense(self, grad, var):
        accum, linear = self._slots_of(var)
        return apply_op(
            self._op(""),
            var,
            accum,
            linear,
            grad,
            *self._scalars(var.dtype),
            use_locking=self._use_locking,
        )

    def _resource_apply_dense(self, grad, var):
        accum, linear = self._slots_of(var)
        return apply_op(
            self._op("Resource"),
            var.handle,
            accum.handle,
            linear.handle,
            grad,
            *self._scalars(var.dtype),
            use_locking=self._use_locking,
        )

    def _apply_sparse(self, grad, var):
        accum, linear = self._slots_of(var)
        return apply_op(
            self._op("Sparse"),
            var,
            accum,
            linear,
            grad.values,
            grad.indices,
            *self._scalars(var.dtype),
            use_locking=self._use_locking,
        )

    def _resource_apply_sparse(self, grad, var, indices):
        accum, linear = self._slots_of(var)
        return apply_op(
            self._op("ResourceSparse"),
            var.handle,
            accum.handle,
            linear.handle,
            grad,
            indices,
            *self._scalars(grad.dtype),
            use_locking=self._use_locking,
        )
