"""`tf.nn`: re-exports only (the builders live in ndflow/ops/nn and ndflow/ops/math)."""

from ndflow.ops import math as _math
from ndflow.ops import nn as _nn

bias_add = _nn.bias_add
elu = _nn.elu
l2_loss = _nn.l2_loss
leaky_relu = _nn.leaky_relu
log_softmax = _nn.log_softmax
relu = _nn.relu
relu6 = _nn.relu6
selu = _nn.selu
sigmoid = _math.sigmoid
sigmoid_cross_entropy_with_logits = _nn.sigmoid_cross_entropy_with_logits
softmax = _nn.softmax
softmax_cross_entropy_with_logits = _nn.softmax_cross_entropy_with_logits
softmax_cross_entropy_with_logits_v2 = _nn.softmax_cross_entropy_with_logits_v2
softplus = _nn.softplus
softsign = _nn.softsign
sparse_softmax_cross_entropy_with_logits = _nn.sparse_softmax_cross_entropy_with_logits
tanh = _math.tanh
top_k = _math.top_k
weighted_cross_entropy_with_logits = _nn.weighted_cross_entropy_with_logits
