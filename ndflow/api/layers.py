"""`tf.layers` (TF1 `tf.compat.v1.layers`): re-exports only (the layers live in ndflow/layers)."""

from ndflow import layers as _layers

Layer = _layers.Layer
InputSpec = _layers.InputSpec

Dense = _layers.Dense
Dropout = _layers.Dropout
Flatten = _layers.Flatten
dense = _layers.dense
dropout = _layers.dropout
flatten = _layers.flatten

Conv1D = _layers.Conv1D
Conv2D = _layers.Conv2D
Conv3D = _layers.Conv3D
Conv2DTranspose = _layers.Conv2DTranspose
Conv3DTranspose = _layers.Conv3DTranspose
SeparableConv1D = _layers.SeparableConv1D
SeparableConv2D = _layers.SeparableConv2D
conv1d = _layers.conv1d
conv2d = _layers.conv2d
conv3d = _layers.conv3d
conv2d_transpose = _layers.conv2d_transpose
conv3d_transpose = _layers.conv3d_transpose
separable_conv1d = _layers.separable_conv1d
separable_conv2d = _layers.separable_conv2d

MaxPooling1D = _layers.MaxPooling1D
MaxPooling2D = _layers.MaxPooling2D
MaxPooling3D = _layers.MaxPooling3D
AveragePooling1D = _layers.AveragePooling1D
AveragePooling2D = _layers.AveragePooling2D
AveragePooling3D = _layers.AveragePooling3D
max_pooling1d = _layers.max_pooling1d
max_pooling2d = _layers.max_pooling2d
max_pooling3d = _layers.max_pooling3d
average_pooling1d = _layers.average_pooling1d
average_pooling2d = _layers.average_pooling2d
average_pooling3d = _layers.average_pooling3d

BatchNormalization = _layers.BatchNormalization
batch_normalization = _layers.batch_normalization
