"""`tf.random` (TF1's `tf.compat.v1.random`): re-exports only (the builders live in
ndflow/ops/random.py)."""

from ndflow.ops import random as _random

categorical = _random.categorical
get_seed = _random.get_seed
multinomial = _random.multinomial
normal = _random.random_normal
set_random_seed = _random.set_random_seed
shuffle = _random.random_shuffle
truncated_normal = _random.truncated_normal
uniform = _random.random_uniform
