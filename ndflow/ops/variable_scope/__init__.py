"""Variable sharing: `tf.get_variable`, `tf.variable_scope`, `tf.get_variable_scope`,
`tf.AUTO_REUSE` and custom getters, with TF1's semantics and error messages.

As in TensorFlow, a graph holds its variable store (every variable made by `get_variable`, by
full name) and its variable-scope store (the current `VariableScope` per thread and how often
each scope name was opened) in two collections keyed `("__variable_store",)` and
`("__varscope",)`. `variable_scope` opens a name scope too, so the ops get TF's names
("dense/kernel/Initializer/random_uniform"); regularizer losses land in
`GraphKeys.REGULARIZATION_LOSSES` as "<scope>/<var>/Regularizer/..." tensors (TF1's rule: one
tensor per variable). Partitioned variables are not supported yet: a partitioner is a clear
ValueError.
"""

from __future__ import annotations

from ndflow.ops.variable_scope import scopes
from ndflow.ops.variable_scope import variable_store

# variable_store.py
AUTO_REUSE = variable_store.AUTO_REUSE
VariableSynchronization = variable_store.VariableSynchronization
VariableAggregation = variable_store.VariableAggregation
no_regularizer = variable_store.no_regularizer

# scopes.py
VariableScope = scopes.VariableScope
get_variable_scope = scopes.get_variable_scope
get_variable = scopes.get_variable
get_local_variable = scopes.get_local_variable
variable_scope = scopes.variable_scope
variable_op_scope = scopes.variable_op_scope
