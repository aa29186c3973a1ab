"""`tf.nn`: re-exports only (Relu, Softmax and BiasAdd so far; the rest of tf.nn joins with
later issues)."""

from ndflow.ops import math as _math
from ndflow.ops import nn as _nn

bias_add = _nn.bias_add
relu = _nn.relu
sigmoid = _math.sigmoid
softmax = _nn.softmax
tanh = _math.tanh
top_k = _math.top_k
