"""The global step: `tf.train.get_or_create_global_step` and friends, TF1's semantics.

The global step is an int64 scalar ref variable named "global_step", zero-initialized, not
trainable, in the GLOBAL_VARIABLES and GLOBAL_STEP collections, created at the root name
scope (TF builds it with `get_variable`, so its ops are "global_step/Initializer/zeros",
"global_step/Assign" and "global_step/read").
"""

from __future__ import annotations

import logging

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.ops import initializers
from ndflow.ops import state
from ndflow.ops import variable_scope

GraphKeys = graph_lib.GraphKeys


def global_step(sess, global_step_tensor) -> int:
    """Mirrors `tf.compat.v1.train.global_step`: the step's current value as an int.

    >>> global_step(sess, tf.train.get_global_step())
    0
    """
    return int(sess.run(global_step_tensor))


def get_global_step(graph=None):
    """Mirrors `tf.compat.v1.train.get_global_step`: the GLOBAL_STEP collection's single
    entry, else the tensor named "global_step:0", else None."""
    graph = graph or graph_lib.get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        logging.getLogger("ndflow").error("Multiple tensors in global_step collection.")
        return None
    if found:
        step = found[0]
    else:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """Mirrors `tf.compat.v1.train.create_global_step`.

    Raises:
      ValueError: if the graph already has a global step.
    """
    graph = graph or graph_lib.get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return variable_scope.get_variable(
            GraphKeys.GLOBAL_STEP,
            shape=[],
            dtype=dtypes.int64,
            initializer=initializers.zeros_initializer(),
            trainable=False,
            aggregation=variable_scope.VariableAggregation.ONLY_FIRST_REPLICA,
            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
        )


def get_or_create_global_step(graph=None):
    """Mirrors `tf.compat.v1.train.get_or_create_global_step`.

    >>> step = get_or_create_global_step()
    >>> step.name
    'global_step:0'
    """
    graph = graph or graph_lib.get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step


def assert_global_step(global_step_tensor) -> None:
    """Mirrors `tf.compat.v1.train.assert_global_step`: a scalar integer Variable or Tensor.

    Raises:
      TypeError: otherwise, with TF's messages.
    """
    if not isinstance(global_step_tensor, (state.Variable, graph_lib.Tensor)):
        raise TypeError(
            f'Existing "global_step" must be a Variable or Tensor: {global_step_tensor}.'
        )
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError(
            f'Existing "global_step" does not have integer type: {global_step_tensor.dtype}'
        )
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError(f'Existing "global_step" is not scalar: {shape}')
