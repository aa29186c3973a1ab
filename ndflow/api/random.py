"""`tf.random` (TF1's `tf.compat.v1.random`): re-exports only (the builders live in
ndflow/ops/random.py, and the candidate samplers in ndflow/ops/nn/candidate_sampling.py)."""

from ndflow.ops import nn as _nn
from ndflow.ops import random as _random

all_candidate_sampler = _nn.all_candidate_sampler
categorical = _random.categorical
fixed_unigram_candidate_sampler = _nn.fixed_unigram_candidate_sampler
get_seed = _random.get_seed
learned_unigram_candidate_sampler = _nn.learned_unigram_candidate_sampler
log_uniform_candidate_sampler = _nn.log_uniform_candidate_sampler
multinomial = _random.multinomial
normal = _random.random_normal
set_random_seed = _random.set_random_seed
shuffle = _random.random_shuffle
truncated_normal = _random.truncated_normal
uniform = _random.random_uniform
uniform_candidate_sampler = _nn.uniform_candidate_sampler
