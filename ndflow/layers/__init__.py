"""tf.layers (TF1's `tf.compat.v1.layers`): the Layer base, Dense, Dropout, Flatten, the
convolution, pooling and batch-normalization layers, and their functional forms.

Importing this package gives every class and function; `ndflow/api/layers.py` re-exports them
as the public `tf.layers` namespace.
"""

from __future__ import annotations

from ndflow.layers import base
from ndflow.layers import convolutional
from ndflow.layers import core
from ndflow.layers import input_spec
from ndflow.layers import normalization
from ndflow.layers import pooling

# base.py, input_spec.py
Layer = base.Layer
InputSpec = input_spec.InputSpec

# core.py
Dense = core.Dense
Dropout = core.Dropout
Flatten = core.Flatten
dense = core.dense
dropout = core.dropout
flatten = core.flatten

# convolutional/
Conv1D = convolutional.Conv1D
Conv2D = convolutional.Conv2D
Conv3D = convolutional.Conv3D
Conv2DTranspose = convolutional.Conv2DTranspose
Conv3DTranspose = convolutional.Conv3DTranspose
SeparableConv1D = convolutional.SeparableConv1D
SeparableConv2D = convolutional.SeparableConv2D
conv1d = convolutional.conv1d
conv2d = convolutional.conv2d
conv3d = convolutional.conv3d
conv2d_transpose = convolutional.conv2d_transpose
conv3d_transpose = convolutional.conv3d_transpose
separable_conv1d = convolutional.separable_conv1d
separable_conv2d = convolutional.separable_conv2d

# pooling.py
MaxPooling1D = pooling.MaxPooling1D
MaxPooling2D = pooling.MaxPooling2D
MaxPooling3D = pooling.MaxPooling3D
AveragePooling1D = pooling.AveragePooling1D
AveragePooling2D = pooling.AveragePooling2D
AveragePooling3D = pooling.AveragePooling3D
max_pooling1d = pooling.max_pooling1d
max_pooling2d = pooling.max_pooling2d
max_pooling3d = pooling.max_pooling3d
average_pooling1d = pooling.average_pooling1d
average_pooling2d = pooling.average_pooling2d
average_pooling3d = pooling.average_pooling3d

# normalization.py
BatchNormalization = normalization.BatchNormalization
batch_normalization = normalization.batch_normalization
