"""The nn op family: activations (Relu, Relu6, Elu, Selu, Softplus, Softsign, LeakyRelu and
their gradient ops), Softmax and LogSoftmax, BiasAdd and BiasAddGrad, and the losses
(softmax and sparse softmax cross entropy, L2Loss, sigmoid and weighted cross entropy);
InTopKV2/InTopK, the candidate samplers and ComputeAccidentalHits, and the compositions
dropout, crelu, embedding lookups, nce_loss and sampled_softmax_loss; pooling (MaxPool,
AvgPool, their 3-D, V2 and argmax forms and every gradient op) and normalization (LRN,
FusedBatchNorm V1-V3 and their gradients; moments, batch_normalization, l2_normalize...).

Importing this package registers every nn op; the names below re-export the `tf.nn`
builders (`from ndflow.ops import nn; nn.relu(...)`).
"""

from __future__ import annotations

from ndflow.ops.nn import activations
from ndflow.ops.nn import bias
from ndflow.ops.nn import candidate_sampling
from ndflow.ops.nn import convolution_2d
from ndflow.ops.nn import convolution_3d
from ndflow.ops.nn import convolution_transpose
from ndflow.ops.nn import depthwise
from ndflow.ops.nn import dropout as dropout_lib
from ndflow.ops.nn import embedding
from ndflow.ops.nn import fused_normalization
from ndflow.ops.nn import losses
from ndflow.ops.nn import normalization
from ndflow.ops.nn import pool_nd
from ndflow.ops.nn import pooling
from ndflow.ops.nn import pooling3d
from ndflow.ops.nn import pooling_argmax
from ndflow.ops.nn import ranking
from ndflow.ops.nn import sampled
from ndflow.ops.nn import softmax as softmax_lib
from ndflow.ops.nn import space_to_batch

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

# dropout.py
dropout = dropout_lib.dropout
crelu = dropout_lib.crelu

# ranking.py
in_top_k = ranking.in_top_k

# embedding.py
embedding_lookup = embedding.embedding_lookup
embedding_lookup_sparse = embedding.embedding_lookup_sparse
safe_embedding_lookup_sparse = embedding.safe_embedding_lookup_sparse

# candidate_sampling.py
uniform_candidate_sampler = candidate_sampling.uniform_candidate_sampler
log_uniform_candidate_sampler = candidate_sampling.log_uniform_candidate_sampler
learned_unigram_candidate_sampler = candidate_sampling.learned_unigram_candidate_sampler
fixed_unigram_candidate_sampler = candidate_sampling.fixed_unigram_candidate_sampler
all_candidate_sampler = candidate_sampling.all_candidate_sampler
compute_accidental_hits = candidate_sampling.compute_accidental_hits

# sampled.py
nce_loss = sampled.nce_loss
sampled_softmax_loss = sampled.sampled_softmax_loss

# convolution_2d.py, convolution_3d.py, convolution_transpose.py, depthwise.py
conv1d = convolution_2d.conv1d
conv2d = convolution_2d.conv2d
conv2d_backprop_input = convolution_2d.conv2d_backprop_input
conv2d_backprop_filter = convolution_2d.conv2d_backprop_filter
conv3d = convolution_3d.conv3d
conv3d_backprop_filter_v2 = convolution_3d.conv3d_backprop_filter_v2
convolution = convolution_3d.convolution
atrous_conv2d = convolution_3d.atrous_conv2d
conv1d_transpose = convolution_transpose.conv1d_transpose
conv2d_transpose = convolution_transpose.conv2d_transpose
conv3d_transpose = convolution_transpose.conv3d_transpose
conv_transpose = convolution_transpose.conv_transpose
atrous_conv2d_transpose = convolution_transpose.atrous_conv2d_transpose
depthwise_conv2d = depthwise.depthwise_conv2d
depthwise_conv2d_native = depthwise.depthwise_conv2d_native
depthwise_conv2d_native_backprop_input = depthwise.depthwise_conv2d_native_backprop_input
depthwise_conv2d_native_backprop_filter = depthwise.depthwise_conv2d_native_backprop_filter
separable_conv2d = depthwise.separable_conv2d

# space_to_batch.py
with_space_to_batch = space_to_batch.with_space_to_batch

# pooling.py, pooling3d.py, pooling_argmax.py, pool_nd.py
max_pool = pooling.max_pool
max_pool1d = pooling.max_pool1d
max_pool2d = pooling.max_pool2d
max_pool3d = pooling3d.max_pool3d
avg_pool = pooling.avg_pool
avg_pool1d = pooling.avg_pool1d
avg_pool2d = pooling.avg_pool2d
avg_pool3d = pooling3d.avg_pool3d
max_pool_with_argmax = pooling_argmax.max_pool_with_argmax
max_pool_v2 = pool_nd.max_pool_v2
avg_pool_v2 = pool_nd.avg_pool_v2
pool = pool_nd.pool

# normalization.py, fused_normalization.py
local_response_normalization = normalization.local_response_normalization
lrn = normalization.lrn
moments = normalization.moments
weighted_moments = normalization.weighted_moments
batch_normalization = normalization.batch_normalization
l2_normalize = normalization.l2_normalize
zero_fraction = normalization.zero_fraction
fused_batch_norm = fused_normalization.fused_batch_norm
