"""`tf.initializers` (TF1's `tf.compat.v1.initializers`): re-exports only (the classes live
in ndflow/ops/initializers.py)."""

from ndflow.ops import initializers as _initializers
from ndflow.ops import lookup as _lookup
from ndflow.ops import state as _state

constant = _initializers.Constant
global_variables = _state.global_variables_initializer
glorot_normal = _initializers.GlorotNormal
glorot_uniform = _initializers.GlorotUniform
he_normal = _initializers.he_normal
he_uniform = _initializers.he_uniform
identity = _initializers.Identity
lecun_normal = _initializers.lecun_normal
lecun_uniform = _initializers.lecun_uniform
local_variables = _state.local_variables_initializer
ones = _initializers.Ones
orthogonal = _initializers.Orthogonal
random_normal = _initializers.RandomNormal
random_uniform = _initializers.RandomUniform
tables_initializer = _lookup.tables_initializer
truncated_normal = _initializers.TruncatedNormal
uniform_unit_scaling = _initializers.UniformUnitScaling
variables = _state.variables_initializer
variance_scaling = _initializers.VarianceScaling
zeros = _initializers.Zeros
