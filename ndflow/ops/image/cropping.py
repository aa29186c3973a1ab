"""Geometry without resampling: `tf.image.flip_left_right`, `flip_up_down`, `rot90`,
`transpose`, `central_crop`, `crop_to_bounding_box`, `pad_to_bounding_box` and
`resize_image_with_crop_or_pad` — TF's Python builders, on ReverseV2, Transpose, Slice and Pad.
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops.control_flow import cond_lib
from ndflow.ops.control_flow import grouping
from ndflow.ops.image import shape_checks

convert_to_tensor = op_builder.convert_to_tensor
is_tensor = shape_checks.is_tensor
tf_assert = shape_checks.tf_assert


def fix_flip_shape(image, result):
    """TF's `fix_image_flip_shape`: the result keeps the input's static shape."""
    if image.shape.rank is None:
        result.set_shape([None, None, None])
    else:
        result.set_shape(image.shape)
    return result


def by_rank(image, rank3, rank4, message):
    """Calls rank3() or rank4() for a static rank, or a cond on the runtime rank."""
    rank = image.shape.rank
    if rank is None:
        return cond_lib.cond(math.equal(array.rank(image), 3), rank3, rank4)
    if rank == 3:
        return rank3()
    if rank == 4:
        return rank4()
    raise ValueError(message % (shape_checks.describe(image.shape),))


def _flip(image, flip_index, scope_name):
    with graph_lib.name_scope(None, scope_name, [image]):
        image = convert_to_tensor(image, name="image")
        image = shape_checks.assert_at_least_3d(image)
        return by_rank(
            image,
            lambda: fix_flip_shape(image, array.reverse(image, [flip_index])),
            lambda: array.reverse(image, [flip_index + 1]),
            "'image' (shape %s)must have either 3 or 4 dimensions.",
        )


def flip_left_right(image):
    """Mirrors `tf.image.flip_left_right`: reverses the width dimension.

    Args:
      image: a 3-D image or 4-D batch.

    Returns:
      A Tensor of the image's type and shape.

    >>> flip_left_right(constant([[[1], [2]]]))  # [[[2], [1]]]
    """
    return _flip(image, 1, "flip_left_right")


def flip_up_down(image):
    """Mirrors `tf.image.flip_up_down`: reverses the height dimension.

    Args:
      image: a 3-D image or 4-D batch.

    Returns:
      A Tensor of the image's type and shape.

    >>> flip_up_down(constant([[[1]], [[2]]]))  # [[[2]], [[1]]]
    """
    return _flip(image, 0, "flip_up_down")


def rot90(image, k=1, name=None):
    """Mirrors `tf.image.rot90`: rotates counter-clockwise by k quarter turns.

    Args:
      image: a 3-D image or 4-D batch.
      k: a scalar int (Python or Tensor); only k mod 4 matters.
      name: the scope name.

    Returns:
      A Tensor of the image's type; height and width swap for odd k.

    >>> rot90(constant([[[1], [2]]]))  # [[[2]], [[1]]]
    """
    with graph_lib.name_scope(name, "rot90", [image, k]) as scope:
        image = convert_to_tensor(image, name="image")
        image = shape_checks.assert_at_least_3d(image)
        k = convert_to_tensor(k, dtype=dtypes.int32, name="k")
        k.shape.assert_has_rank(0)
        k = math.mod(k, 4)
        return by_rank(
            image,
            lambda: _rot90_3d(image, k, scope),
            lambda: _rot90_4d(image, k, scope),
            "'image' (shape %s) must have either 3 or 4 dimensions.",
        )


def _rotations(image, k, scope, height_axis):
    """TF's rot90 case over k: reverse-then-transpose (90), reverse both (180), ..."""
    width_axis = height_axis + 1
    perm = list(range(height_axis)) + [width_axis, height_axis, width_axis + 1]
    cases = [
        (
            math.equal(k, 1),
            lambda: array.transpose(array.reverse(image, [width_axis]), perm),
        ),
        (math.equal(k, 2), lambda: array.reverse(image, [height_axis, width_axis])),
        (
            math.equal(k, 3),
            lambda: array.reverse(array.transpose(image, perm), [width_axis]),
        ),
    ]
    return cond_lib.case(cases, default=lambda: image, exclusive=True, name=scope)


def _rot90_3d(image, k, scope):
    result = _rotations(image, k, scope, 0)
    result.set_shape([None, None, image.shape[2]])
    return result


def _rot90_4d(images, k, scope):
    result = _rotations(images, k, scope, 1)
    shape = result.shape
    result.set_shape([shape[0], None, None, shape[3]])
    return result


def transpose(image, name=None):
    """Mirrors `tf.image.transpose` (`transpose_image`): swaps height and width.

    Args:
      image: a 3-D image or 4-D batch.
      name: the op name.

    Returns:
      A Tensor of the image's type.

    >>> transpose(constant([[[1], [2]]]))  # [[[1]], [[2]]]
    """
    with graph_lib.name_scope(name, "transpose", [image]):
        image = convert_to_tensor(image, name="image")
        image = shape_checks.assert_at_least_3d(image)
        return by_rank(
            image,
            lambda: array.transpose(image, [1, 0, 2], name=name),
            lambda: array.transpose(image, [0, 2, 1, 3], name=name),
            "'image' (shape %s) must have either 3 or 4 dimensions.",
        )


# ---------------------------------------------------------------------- crops and pads


def _batched(image):
    """(4-D image, is_batch): a 3-D or unknown-rank image gets a leading batch dim."""
    rank = image.shape.rank
    if rank == 3:
        return array.expand_dims(image, 0), False
    if rank is None:
        expanded = array.expand_dims(image, 0)
        expanded.set_shape([None] * 4)
        return expanded, False
    if rank != 4:
        described = shape_checks.describe(image.shape)
        raise ValueError(f"'image' (shape {described}) must have either 3 or 4 dimensions.")
    return image, True


def _unbatched(image, is_batch):
    return image if is_batch else array.squeeze(image, axis=[0])


def _static_or_none(values):
    return [None if is_tensor(v) else v for v in values]


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Mirrors `tf.image.pad_to_bounding_box`: zero-pads to the target size at an offset.

    Args:
      image: a 3-D image or 4-D batch.
      offset_height, offset_width: rows and columns of zeros above and to the left.
      target_height, target_width: the output size.

    Returns:
      The padded Tensor.

    Raises:
      ValueError: for offsets or targets that are known to be invalid at build time.

    >>> pad_to_bounding_box(constant([[[1]]]), 1, 0, 2, 1)  # [[[0]], [[1]]]
    """
    with graph_lib.name_scope(None, "pad_to_bounding_box", [image]):
        image = convert_to_tensor(image, name="image")
        image, is_batch = _batched(image)
        batch, height, width, depth = shape_checks.image_dimensions(image, rank=4)
        after_width = target_width - offset_width - width
        after_height = target_height - offset_height - height
        checks = shape_checks.check_at_least_3d(image, require_static=False)
        checks += tf_assert(offset_height >= 0, ValueError, "offset_height must be >= 0")
        checks += tf_assert(offset_width >= 0, ValueError, "offset_width must be >= 0")
        checks += tf_assert(after_width >= 0, ValueError, "width must be <= target - offset")
        checks += tf_assert(after_height >= 0, ValueError, "height must be <= target - offset")
        image = grouping.with_dependencies(checks, image)
        paddings = array.reshape(
            array.stack([0, 0, offset_height, after_height, offset_width, after_width, 0, 0]),
            [4, 2],
        )
        padded = array.pad(image, paddings)
        padded.set_shape(_static_or_none([batch, target_height, target_width, depth]))
        return _unbatched(padded, is_batch)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Mirrors `tf.image.crop_to_bounding_box`: the target-sized window at an offset.

    Args:
      image: a 3-D image or 4-D batch.
      offset_height, offset_width: the window's top-left corner.
      target_height, target_width: the window's size.

    Returns:
      The cropped Tensor.

    Raises:
      ValueError: for offsets or sizes that are known to be invalid at build time.

    >>> crop_to_bounding_box(constant([[[1]], [[2]]]), 1, 0, 1, 1)  # [[[2]]]
    """
    with graph_lib.name_scope(None, "crop_to_bounding_box", [image]):
        image = convert_to_tensor(image, name="image")
        image, is_batch = _batched(image)
        checks = shape_checks.check_at_least_3d(image, require_static=False)
        batch, height, width, depth = shape_checks.image_dimensions(image, rank=4)
        checks += tf_assert(offset_width >= 0, ValueError, "offset_width must be >= 0.")
        checks += tf_assert(offset_height >= 0, ValueError, "offset_height must be >= 0.")
        checks += tf_assert(target_width > 0, ValueError, "target_width must be > 0.")
        checks += tf_assert(target_height > 0, ValueError, "target_height must be > 0.")
        checks += tf_assert(
            width >= (target_width + offset_width), ValueError, "width must be >= target + offset."
        )
        checks += tf_assert(
            height >= (target_height + offset_height),
            ValueError,
            "height must be >= target + offset.",
        )
        image = grouping.with_dependencies(checks, image)
        image_shape = array.shape(image)
        cropped = array.slice(
            image,
            array.stack([0, offset_height, offset_width, 0]),
            array.stack([image_shape[0], target_height, target_width, image_shape[3]]),
        )
        cropped.set_shape(_static_or_none([batch, target_height, target_width, depth]))
        return _unbatched(cropped, is_batch)


def _max(x, y):
    return math.maximum(x, y) if is_tensor(x) or is_tensor(y) else max(x, y)


def _min(x, y):
    return math.minimum(x, y) if is_tensor(x) or is_tensor(y) else min(x, y)


def _equal(x, y):
    return math.equal(x, y) if is_tensor(x) or is_tensor(y) else x == y


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Mirrors `tf.image.resize_with_crop_or_pad`: centre-crops or zero-pads to the target.

    Args:
      image: a 3-D image or 4-D batch.
      target_height, target_width: the output size (positive).

    Returns:
      A Tensor of the target size.

    Raises:
      ValueError: for a bad static shape or non-positive static targets.

    >>> resize_image_with_crop_or_pad(constant([[[1], [2], [3]]]), 1, 1)  # [[[2]]]
    """
    with graph_lib.name_scope(None, "resize_image_with_crop_or_pad", [image]):
        image = convert_to_tensor(image, name="image")
        image, is_batch = _batched(image)
        checks = shape_checks.check_at_least_3d(image, require_static=False)
        checks += tf_assert(target_width > 0, ValueError, "target_width must be > 0.")
        checks += tf_assert(target_height > 0, ValueError, "target_height must be > 0.")
        image = grouping.with_dependencies(checks, image)
        if is_tensor(target_height):
            target_height = grouping.with_dependencies(checks, target_height)
        if is_tensor(target_width):
            target_width = grouping.with_dependencies(checks, target_width)
        _, height, width, _ = shape_checks.image_dimensions(image, rank=4)
        width_diff = target_width - width
        height_diff = target_height - height
        cropped = crop_to_bounding_box(
            image,
            _max(-height_diff // 2, 0),
            _max(-width_diff // 2, 0),
            _min(target_height, height),
            _min(target_width, width),
        )
        resized = pad_to_bounding_box(
            cropped,
            _max(height_diff // 2, 0),
            _max(width_diff // 2, 0),
            target_height,
            target_width,
        )
        if resized.shape.rank is None:
            raise ValueError("resized contains no shape.")
        _, resized_height, resized_width, _ = shape_checks.image_dimensions(resized, rank=4)
        checks = tf_assert(
            _equal(resized_height, target_height), ValueError, "resized height is not correct."
        )
        checks += tf_assert(
            _equal(resized_width, target_width), ValueError, "resized width is not correct."
        )
        resized = grouping.with_dependencies(checks, resized)
        return _unbatched(resized, is_batch)


def central_crop(image, central_fraction):
    """Mirrors `tf.image.central_crop`: keeps the central fraction of height and width.

    Args:
      image: a 3-D image or 4-D batch.
      central_fraction: a float in (0, 1] (Python number or Tensor).

    Returns:
      The cropped Tensor.

    Raises:
      ValueError: for a static fraction outside (0, 1] or a rank other than 3 or 4.

    >>> central_crop(constant([[[1], [2], [3], [4]]]), 0.5)  # [[[2], [3]]]
    """
    with graph_lib.name_scope(None, "central_crop", [image]):
        image = convert_to_tensor(image, name="image")
        fraction = shape_checks.constant_value(central_fraction)
        if fraction is not None:
            if fraction <= 0.0 or fraction > 1.0:
                raise ValueError("central_fraction must be within (0, 1]")
            if fraction == 1.0:
                return image
        else:
            checks = tf_assert(
                math.logical_or(central_fraction > 0.0, central_fraction <= 1.0),
                ValueError,
                "central_fraction must be within (0, 1]",
            )
            image = grouping.with_dependencies(checks, image)
        shape_checks.assert_at_least_3d(image)
        rank = image.shape.rank
        if rank not in (3, 4):
            raise ValueError(
                f"`image` should either be a Tensor with rank = 3 or rank = 4. Had rank = {rank}."
            )
        return _central_window(image, rank, central_fraction, fraction)


def _get_dim(tensor, index):
    static = tensor.shape.as_list()[index]
    if static is not None:
        return static, False
    return array.shape(tensor)[index], True


def _start(size, dynamic, central_fraction, fraction):
    if dynamic:
        sized = math.cast(size, dtypes.float64)
        frac = math.cast(central_fraction, dtypes.float64)
        return math.cast((sized - sized * frac) / 2, dtypes.int32)
    return int((float(size) - float(size) * fraction) / 2)


def _central_window(image, rank, central_fraction, fraction):
    first = rank - 3
    img_h, dynamic_h = _get_dim(image, first)
    img_w, dynamic_w = _get_dim(image, first + 1)
    dynamic_h = dynamic_h or fraction is None
    dynamic_w = dynamic_w or fraction is None
    h_start = _start(img_h, dynamic_h, central_fraction, fraction)
    w_start = _start(img_w, dynamic_w, central_fraction, fraction)
    h_size = img_h - h_start * 2
    w_size = img_w - w_start * 2
    depth = image.shape[-1]
    if rank == 3:
        begin = array.stack([h_start, w_start, 0])
        size = array.stack([h_size, w_size, -1])
    else:
        begin = array.stack([0, h_start, w_start, 0])
        size = array.stack([-1, h_size, w_size, -1])
    cropped = array.slice(image, begin, size)
    spatial = [None if dynamic_h else h_size, None if dynamic_w else w_size, depth]
    cropped.set_shape(spatial if rank == 3 else [image.shape[0]] + spatial)
    return cropped
