"""The convolution tf.layers (TF1's `tf.compat.v1.layers.conv2d`...): Conv1D/2D/3D
(conv.py), Conv2DTranspose/Conv3DTranspose (transpose.py) and SeparableConv1D/2D
(separable.py), with their functional forms."""

from __future__ import annotations

from ndflow.layers.convolutional import conv
from ndflow.layers.convolutional import separable
from ndflow.layers.convolutional import transpose

Conv1D = conv.Conv1D
Conv2D = conv.Conv2D
Conv3D = conv.Conv3D
conv1d = conv.conv1d
conv2d = conv.conv2d
conv3d = conv.conv3d
Conv2DTranspose = transpose.Conv2DTranspose
Conv3DTranspose = transpose.Conv3DTranspose
conv2d_transpose = transpose.conv2d_transpose
conv3d_transpose = transpose.conv3d_transpose
SeparableConv1D = separable.SeparableConv1D
SeparableConv2D = separable.SeparableConv2D
separable_conv1d = separable.separable_conv1d
separable_conv2d = separable.separable_conv2d
