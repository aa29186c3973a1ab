"""`tf.losses` (TF1): weighted losses built from array, math and nn ops, their Reduction
modes, TF's weight-broadcasting checks and the loss collections.

Follows tensorflow/python/ops/losses/losses_impl.py, util.py and weights_broadcast_ops.py op
for op, so the graphs (op types, names, control dependencies) are TF's. The losses register
no op of their own: their gradients come from the ops they build.
"""

from __future__ import annotations

from ndflow.ops.losses import classification
from ndflow.ops.losses import collection
from ndflow.ops.losses import regression
from ndflow.ops.losses import weighting

# weighting.py
Reduction = weighting.Reduction
compute_weighted_loss = weighting.compute_weighted_loss

# regression.py
absolute_difference = regression.absolute_difference
cosine_distance = regression.cosine_distance
huber_loss = regression.huber_loss
log_loss = regression.log_loss
mean_squared_error = regression.mean_squared_error
mean_pairwise_squared_error = regression.mean_pairwise_squared_error

# classification.py
hinge_loss = classification.hinge_loss
sigmoid_cross_entropy = classification.sigmoid_cross_entropy
softmax_cross_entropy = classification.softmax_cross_entropy
sparse_softmax_cross_entropy = classification.sparse_softmax_cross_entropy

# collection.py
add_loss = collection.add_loss
get_losses = collection.get_losses
get_regularization_loss = collection.get_regularization_loss
get_regularization_losses = collection.get_regularization_losses
get_total_loss = collection.get_total_loss
