"""The variable store behind `tf.get_variable`: TF's `_VariableStore` (every variable made
by `get_variable` in a graph, by full name), its reuse checks and error messages, default
initializers, regularization losses, and `tf.AUTO_REUSE`, `tf.VariableSynchronization`,
`tf.VariableAggregation`, `tf.no_regularizer`.
"""

from __future__ import annotations

import enum
import functools
import inspect
import traceback

from ndflow.framework import behavior
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import tensor_shape
from ndflow.ops import initializers
from ndflow.ops import state

GraphKeys = graph_lib.GraphKeys


# Defined with tf.Variable, which records them in its VariableDef.
VariableSynchronization = state.VariableSynchronization
VariableAggregation = state.VariableAggregation


class _ReuseMode(enum.Enum):
    """The reuse mode behind `tf.AUTO_REUSE`."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


def no_regularizer(_):
    """Mirrors `tf.compat.v1.no_regularizer`: turns a scope's regularizer off for a variable.

    >>> get_variable("b", [3], regularizer=no_regularizer)
    """
    return None


def _validate_sync_aggregation_trainable(synchronization, aggregation, trainable, name):
    """TF's `validate_synchronization_aggregation_trainable`."""
    if aggregation is None:
        aggregation = VariableAggregation.NONE
    try:
        aggregation = VariableAggregation(aggregation)
    except ValueError:
        raise ValueError(
            f"Invalid variable aggregation mode: {aggregation} for variable: {name}"
        ) from None
    try:
        synchronization = VariableSynchronization(
            VariableSynchronization.AUTO if synchronization is None else synchronization
        )
    except ValueError:
        raise ValueError(
            f"Invalid variable synchronization mode: {synchronization} for variable: {name}"
        ) from None
    if trainable is None:
        trainable = synchronization != VariableSynchronization.ON_READ
    return synchronization, aggregation, trainable


def _accepts(fn, name: str) -> bool:
    """Whether `fn` takes a keyword `name` (or **kwargs)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in parameters)


def _needs_no_arguments(fn) -> bool:
    """Whether `fn` can be called with no arguments (TF's `_needs_no_arguments`)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return all(p.default is not p.empty for p in parameters if p.kind in positional)


# ---------------------------------------------------------------------- the variable store


class VariableStore:
    """TF's `VariableStore`: the variables `get_variable` made in a graph, by full name."""

    def __init__(self):
        self._vars: dict = {}

    def get_variable(
        self,
        name,
        shape=None,
        dtype=dtypes.float32,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        custom_getter=None,
        constraint=None,
        synchronization=VariableSynchronization.AUTO,
        aggregation=VariableAggregation.NONE,
    ):
        """Gets or creates variable `name`, through `custom_getter` when one is given."""
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        dtype = getattr(dtype, "base_dtype", dtype)
        synchronization, aggregation, trainable = _validate_sync_aggregation_trainable(
            synchronization, aggregation, trainable, name
        )
        kwargs = dict(
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            reuse=reuse,
            trainable=trainable,
            collections=collections,
            caching_device=caching_device,
            partitioner=partitioner,
            validate_shape=validate_shape,
            use_resource=use_resource,
            synchronization=synchronization,
            aggregation=aggregation,
        )
        if custom_getter is None:
            return self._true_getter(name, constraint=constraint, **kwargs)
        if _accepts(custom_getter, "constraint"):
            kwargs["constraint"] = constraint
        return custom_getter(getter=self._true_getter, name=name, **kwargs)

    def _true_getter(
        self,
        name,
        shape=None,
        dtype=dtypes.float32,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        constraint=None,
        synchronization=VariableSynchronization.AUTO,
        aggregation=VariableAggregation.NONE,
    ):
        is_scalar = isinstance(shape, (list, tuple)) and not shape
        if partitioner is not None and not is_scalar:
            raise ValueError(
                f"Partitioned variables are not supported yet by ndflow: variable {name} was "
                f"requested with partitioner={partitioner!r}. Create it without a partitioner "
                "(and without a variable_scope partitioner)."
            )
        return self._get_single_variable(
            name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            reuse=reuse,
            trainable=trainable,
            collections=collections,
            caching_device=caching_device,
            validate_shape=validate_shape,
            use_resource=use_resource,
            constraint=constraint,
            synchronization=synchronization,
            aggregation=aggregation,
        )

    def _get_single_variable(
        self,
        name,
        shape=None,
        dtype=dtypes.float32,
        initializer=None,
        regularizer=None,
        reuse=None,
        use_resource=None,
        **variable_kwargs,
    ):
        """TF's `_get_single_variable`: reuse checks, then a new variable."""
        from_value = initializer is not None and not callable(initializer)
        if shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        if shape is not None:
            shape = tensor_shape.as_shape(shape)
        if name in self._vars:
            return self._existing(name, shape, dtype, reuse)
        if reuse is True:
            raise ValueError(
                f"Variable {name} does not exist, or was not created with tf.get_variable(). "
                "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
            )
        if initializer is None:
            if shape is None:
                raise ValueError(
                    f"Variable {name} did not get an initializer, so its `shape` argument "
                    "must be specified."
                )
            initializer = _default_initializer(name, dtype)
        initial_value, variable_dtype = _initial_value(initializer, from_value, shape, dtype)
        if use_resource is None:
            use_resource = behavior.resource_variables_enabled()
        variable = state.Variable(
            initial_value=initial_value,
            name=name,
            dtype=variable_dtype,
            use_resource=use_resource,
            shape=shape,
            **variable_kwargs,
        )
        self._vars[name] = variable
        if regularizer:
            _add_regularization_loss(variable, name, regularizer)
        return variable

    def _existing(self, name, shape, dtype, reuse):
        found = self._vars[name]
        if reuse is False:
            message = (
                f"Variable {name} already exists, disallowed. Did you mean to set reuse=True "
                "or reuse=tf.AUTO_REUSE in VarScope?"
            )
            if getattr(found, "_is_resource_variable", False):
                raise ValueError(message)
            origin = "".join(traceback.format_list(found.op.traceback[::-1][:5]))
            raise ValueError(f"{message} Originally defined at:\n\n{origin}")
        if shape is not None and not shape.is_compatible_with(found.get_shape()):
            raise ValueError(
                f"Trying to share variable {name}, but specified shape {shape} and found "
                f"shape {found.get_shape()}."
            )
        if not dtype.is_compatible_with(found.dtype):
            raise ValueError(
                f"Trying to share variable {name}, but specified dtype {dtype.name} and found "
                f"dtype {found.dtype.name}."
            )
        return found


def _default_initializer(name, dtype):
    """TF's default: glorot_uniform for floats, zeros for ints, bools and strings."""
    if dtype.is_floating:
        return initializers.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype == dtypes.string:
        return initializers.zeros_initializer()
    raise ValueError(f"An initializer for variable {name} of {dtype.base_dtype} is required")


def _initial_value(initializer, from_value, shape, dtype):
    """The Variable's initial value (a value, or a callable building it) and its dtype."""
    if from_value:
        return initializer, None
    if inspect.isclass(initializer):
        initializer = initializer()
    if shape is not None and shape.is_fully_defined():
        if _accepts(initializer, "partition_info"):
            value = functools.partial(
                initializer, shape.as_list(), dtype=dtype, partition_info=None
            )
        else:
            value = functools.partial(initializer, shape.as_list(), dtype=dtype)
        return value, dtype.base_dtype
    if _needs_no_arguments(initializer):
        return initializer, None
    raise ValueError(
        "The initializer passed is not valid. It should be a callable with no arguments and "
        "the shape should not be provided or an instance of `tf.keras.initializers.*' and "
        "`shape` should be fully defined."
    )


def _add_regularization_loss(variable, name, regularizer):
    """TF1: the regularizer's tensor, built in "<name>/Regularizer/" next to the variable,
    joins GraphKeys.REGULARIZATION_LOSSES (None adds nothing)."""
    graph = variable.graph
    with graph.colocate_with(variable.op), graph.name_scope(name + "/Regularizer/"):
        with graph.control_dependencies(None):
            loss = regularizer(variable)
    if loss is not None:
        graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
