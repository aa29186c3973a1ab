"""The nn op family: activations (Relu, Relu6, Elu, Selu, Softplus, Softsign, LeakyRelu and
their gradient ops), Softmax and LogSoftmax, BiasAdd and BiasAddGrad, and the losses
(softmax and sparse softmax cross entropy, L2Loss, sigmoid and weighted cross entropy).

Importing this package registers every nn op; the names below re-export the `tf.nn`
builders (`from ndflow.ops import nn; nn.relu(...)`).
"""

from __future__ import annotations

from ndflow.ops.nn import activations
from ndflow.ops.nn import bias
from ndflow.ops.nn import losses
from ndflow.ops.nn import softmax as softmax_lib

# activations.py
relu = activations.relu
relu6 = activations.relu6
elu = activations.elu
selu = activations.selu
softplus = activations.softplus
softsign = activations.softsign
leaky_relu = activations.leaky_relu

# softmax.py
softmax = softmax_lib.softmax
log_softmax = softmax_lib.log_softmax

# bias.py
bias_add = bias.bias_add

# losses.py
l2_loss = losses.l2_loss
softmax_cross_entropy_with_logits = losses.softmax_cross_entropy_with_logits
softmax_cross_entropy_with_logits_v2 = losses.softmax_cross_entropy_with_logits_v2
sparse_softmax_cross_entropy_with_logits = losses.sparse_softmax_cross_entropy_with_logits
sigmoid_cross_entropy_with_logits = losses.sigmoid_cross_entropy_with_logits
weighted_cross_entropy_with_logits = losses.weighted_cross_entropy_with_logits
