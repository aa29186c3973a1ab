"""Random image augmentation builders: `tf.image.random_flip_left_right`,
`random_flip_up_down`, `random_crop` (also `tf.random_crop`), `random_brightness`,
`random_contrast`, `random_saturation` and `random_hue` — TF's Python compositions of
RandomUniform with the deterministic image ops, seeded as in TF (op seed + graph seed).
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import random as random_ops
from ndflow.ops.control_flow import asserts
from ndflow.ops.control_flow import cond_lib
from ndflow.ops.control_flow import grouping
from ndflow.ops.image import adjust
from ndflow.ops.image import cropping
from ndflow.ops.image import shape_checks

convert_to_tensor = op_builder.convert_to_tensor


def _random_flip(image, flip_index, seed, scope_name):
    """TF's `_random_flip`: a coin per image (3-D: cond; 4-D: a blend of both)."""
    with graph_lib.name_scope(None, scope_name, [image]) as scope:
        image = convert_to_tensor(image, name="image")
        image = shape_checks.assert_at_least_3d(image)

        def rank3():
            uniform = random_ops.random_uniform([], minval=0, maxval=1.0, seed=seed)
            mirror = math.less(uniform, 0.5)
            result = cond_lib.cond(
                mirror,
                lambda: array.reverse(image, [flip_index]),
                lambda: image,
                name=scope,
            )
            return cropping.fix_flip_shape(image, result)

        def rank4():
            batch_size = array.shape(image)[0]
            uniform = random_ops.random_uniform([batch_size], minval=0, maxval=1.0, seed=seed)
            flips = math.round(array.reshape(uniform, [batch_size, 1, 1, 1]))
            flips = math.cast(flips, image.dtype)
            flipped = array.reverse(image, [flip_index + 1])
            return flips * flipped + (1 - flips) * image

        return cropping.by_rank(
            image, rank3, rank4, "'image' (shape %s) must have either 3 or 4 dimensions."
        )


def random_flip_left_right(image, seed=None):
    """Mirrors `tf.image.random_flip_left_right`: flips the width with probability 1/2.

    Args:
      image: a 3-D image or 4-D batch (each image flipped independently).
      seed: the op seed (combined with the graph seed).

    Returns:
      A Tensor of the image's type and shape.

    >>> random_flip_left_right(constant([[[1], [2]]]), seed=1)
    """
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """Mirrors `tf.image.random_flip_up_down`: flips the height with probability 1/2.

    Args:
      image: a 3-D image or 4-D batch (each image flipped independently).
      seed: the op seed (combined with the graph seed).

    Returns:
      A Tensor of the image's type and shape.

    >>> random_flip_up_down(constant([[[1]], [[2]]]), seed=1)
    """
    return _random_flip(image, 0, seed, "random_flip_up_down")


def random_crop(value, size, seed=None, name=None):
    """Mirrors `tf.image.random_crop` (`tf.random_crop`): a `size` window at a uniformly
    random offset.

    Args:
      value: the Tensor to crop.
      size: a 1-D int32 Tensor, one entry per dimension of `value` (<= its shape).
      seed: the op seed.
      name: the op name.

    Returns:
      A Tensor of `value`'s type and shape `size`.

    Raises:
      InvalidArgumentError: at run time when `value.shape < size` somewhere.

    >>> random_crop(zeros([4, 5, 3]), [2, 2, 3], seed=7)
    """
    with graph_lib.name_scope(name, "random_crop", [value, size]) as name:
        value = convert_to_tensor(value, name="value")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        shape = array.shape(value)
        check = asserts.Assert(
            math.reduce_all(shape >= size),
            ["Need value.shape >= size, got ", shape, size],
            summarize=1000,
        )
        shape = grouping.with_dependencies([check], shape)
        limit = shape - size + 1
        offset = (
            random_ops.random_uniform(
                array.shape(shape), dtype=size.dtype, maxval=size.dtype.max, seed=seed
            )
            % limit
        )
        return array.slice(value, offset, size, name=name)


def random_brightness(image, max_delta, seed=None):
    """Mirrors `tf.image.random_brightness`: adds a delta uniform in [-max_delta, max_delta).

    Args:
      image: an image Tensor.
      max_delta: a non-negative float.
      seed: the op seed.

    Returns:
      A Tensor of the image's type.

    Raises:
      ValueError: for a negative max_delta.

    >>> random_brightness(zeros([2, 2, 3]), 0.2, seed=3)
    """
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust.adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """Mirrors `tf.image.random_contrast`: a contrast factor uniform in [lower, upper).

    Args:
      image: an image Tensor of rank >= 3.
      lower, upper: the factor's range, 0 <= lower < upper.
      seed: the op seed.

    Returns:
      A Tensor of the image's type.

    Raises:
      ValueError: for upper <= lower or lower < 0.

    >>> random_contrast(zeros([2, 2, 3]), 0.5, 1.5, seed=3)
    """
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    factor = random_ops.random_uniform([], lower, upper, seed=seed)
    return adjust.adjust_contrast(image, factor)


def random_saturation(image, lower, upper, seed=None):
    """Mirrors `tf.image.random_saturation`: a saturation factor uniform in [lower, upper).

    Args:
      image: an RGB image Tensor.
      lower, upper: the factor's range, 0 <= lower < upper.
      seed: the op seed.

    Returns:
      A Tensor of the image's type.

    Raises:
      ValueError: for upper <= lower or lower < 0.

    >>> random_saturation(zeros([2, 2, 3]), 0.5, 1.5, seed=3)
    """
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    factor = random_ops.random_uniform([], lower, upper, seed=seed)
    return adjust.adjust_saturation(image, factor)


def random_hue(image, max_delta, seed=None):
    """Mirrors `tf.image.random_hue`: a hue shift uniform in [-max_delta, max_delta).

    Args:
      image: an RGB image Tensor.
      max_delta: in [0, 0.5].
      seed: the op seed.

    Returns:
      A Tensor of the image's type.

    Raises:
      ValueError: for max_delta outside [0, 0.5].

    >>> random_hue(zeros([2, 2, 3]), 0.1, seed=3)
    """
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust.adjust_hue(image, delta)
