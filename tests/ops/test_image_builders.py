"""tf.image builders and codecs beyond the recorded goldens: corrupt bytes always give
InvalidArgumentError (never a Pillow exception), TF's JPEG header fields, the random
augmentations (seeded determinism, ranges, errors), TF2's resize, and build-time errors."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import image as image_ops
from tests.support import golden

FILES = golden.GOLDEN_DIR / "image" / "files"


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _decode_all(contents):
    return [
        tf.image.decode_image(contents),
        tf.image.decode_jpeg(contents),
        tf.image.decode_png(contents),
        tf.image.decode_gif(contents),
        tf.image.decode_bmp(contents),
    ]


@pytest.mark.parametrize(
    "name",
    ["rgb420.jpg", "rgb8.png", "animated.gif", "rgb24.bmp", "rgb16_filters.png", "progressive.jpg"],
)
def test_corrupt_bytes_raise_invalid_argument_only(name):
    original = (FILES / name).read_bytes()
    rng = np.random.default_rng(len(name))
    with tf.Graph().as_default():
        contents = tf.placeholder(tf.string, [])
        decoders = _decode_all(contents)
        with tf.Session() as sess:
            for trial in range(40):
                damaged = bytearray(original)
                positions = rng.integers(0, len(damaged), size=1 + trial % 4)
                for position in positions:
                    damaged[position] = int(rng.integers(0, 256))
                cut = len(damaged) if trial % 3 else int(rng.integers(1, len(damaged)))
                for decoder in decoders:
                    try:
                        sess.run(decoder, {contents: bytes(damaged[:cut])})
                    except tf.errors.InvalidArgumentError:
                        pass


def test_truncated_and_corrupt_jpeg_messages():
    with tf.Graph().as_default():
        truncated = tf.constant((FILES / "truncated.jpg").read_bytes())
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid JPEG data or crop"):
            run(tf.image.decode_jpeg(truncated))
        recovered = run(tf.image.decode_jpeg(truncated, try_recover_truncated=True))
        assert recovered.shape == (37, 45, 3)
        partial = run(tf.image.decode_jpeg(truncated, acceptable_fraction=0.2))
        assert partial.shape == (37, 45, 3)
        assert not partial[-1].any(), "rows after the data ended are black"
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid JPEG data or crop"):
            run(tf.image.decode_jpeg(truncated, acceptable_fraction=0.95))


def test_encode_jpeg_writes_tf_header_fields():
    pixels = np.full((4, 5, 3), 90, np.uint8)
    with tf.Graph().as_default():
        default = run(tf.image.encode_jpeg(pixels))
        custom = run(
            tf.image.encode_jpeg(
                pixels, density_unit="cm", x_density=72, y_density=96, xmp_metadata="<x:xmp/>"
            )
        )
        decoded = run(tf.image.decode_jpeg(custom))
    assert default[:4] == b"\xff\xd8\xff\xe0" and default[6:11] == b"JFIF\x00"
    assert default[13:18] == b"\x01\x01\x2c\x01\x2c"  # inches, 300 x 300
    assert custom[13:18] == b"\x02\x00\x48\x00\x60"  # cm, 72 x 96
    assert b"http://ns.adobe.com/xap/1.0/\x00<x:xmp/>" in custom
    np.testing.assert_allclose(decoded, pixels, atol=2)


def test_encode_png_batch_round_trip():
    pixels = (np.arange(2 * 3 * 4 * 5 * 2) % 251).astype(np.uint8).reshape(2, 3, 4, 5, 2)
    with tf.Graph().as_default():
        encoded = tf.image.encode_png(pixels, compression=0)
        assert encoded.shape.as_list() == [2, 3]
        flat = tf.reshape(encoded, [-1])
        decoded = [tf.image.decode_png(flat[i]) for i in range(6)]  # channels=2 is refused
        values = run(decoded)
    for index, value in enumerate(values):
        np.testing.assert_array_equal(value, pixels.reshape(6, 4, 5, 2)[index])


def test_decode_image_converts_other_dtypes_through_uint16():
    with tf.Graph().as_default():
        contents = tf.constant((FILES / "rgb16.png").read_bytes())
        as_half = tf.image.decode_image(contents, dtype=tf.float16)
        as_uint16 = tf.image.decode_image(contents, dtype=tf.uint16)
        assert as_half.op.type == "Cast" or as_half.op.type == "Mul"
        half, wide = run([as_half, as_uint16])
    np.testing.assert_allclose(half, wide / 65535.0, atol=1e-3)


# ---------------------------------------------------------------------- random ops


def _seeded(builder, graph_seed=3):
    with tf.Graph().as_default():
        tf.set_random_seed(graph_seed)
        op = builder()
        with tf.Session() as sess:
            return [sess.run(op) for _ in range(4)]


def test_random_ops_are_deterministic_with_seeds():
    image = np.random.default_rng(0).uniform(size=(6, 4, 5, 3)).astype(np.float32)
    builders = [
        lambda: tf.image.random_flip_left_right(image, seed=1),
        lambda: tf.image.random_flip_up_down(image[0], seed=2),
        lambda: tf.image.random_crop(image, [2, 3, 3, 3], seed=3),
        lambda: tf.random_crop(image[0], [2, 2, 3], seed=4),
        lambda: tf.image.random_brightness(image, 0.3, seed=5),
        lambda: tf.image.random_contrast(image, 0.2, 1.8, seed=6),
        lambda: tf.image.random_saturation(image, 0.2, 1.8, seed=7),
        lambda: tf.image.random_hue(image, 0.4, seed=8),
    ]
    for builder in builders:
        first, second = _seeded(builder), _seeded(builder)
        for a, b in zip(first, second):
            np.testing.assert_array_equal(a, b)


def test_random_flip_flips_each_image_or_not():
    image = np.random.default_rng(1).uniform(size=(16, 3, 4, 2)).astype(np.float32)
    (result, *_) = _seeded(lambda: tf.image.random_flip_left_right(image, seed=9))
    flipped = [np.array_equal(r, i[:, ::-1]) for r, i in zip(result, image)]
    kept = [np.array_equal(r, i) for r, i in zip(result, image)]
    assert all(f or k for f, k in zip(flipped, kept))
    assert any(flipped) and any(kept)


def test_random_crop_is_a_window_of_the_value():
    value = np.arange(5 * 6).reshape(5, 6).astype(np.int32)
    for crop in _seeded(lambda: tf.random_crop(value, [2, 3], seed=11)):
        top, left = np.argwhere(value == crop[0, 0])[0]
        np.testing.assert_array_equal(crop, value[top : top + 2, left : left + 3])


def test_random_crop_too_large_fails_at_run_time():
    with tf.Graph().as_default():
        crop = tf.image.random_crop(tf.zeros([2, 3]), [3, 3])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need value.shape >= size"):
            run(crop)


def test_random_adjustments_validate_their_ranges():
    image = tf.zeros([2, 2, 3])
    with pytest.raises(ValueError, match="max_delta must be non-negative"):
        tf.image.random_brightness(image, -0.1)
    with pytest.raises(ValueError, match="upper must be > lower"):
        tf.image.random_contrast(image, 0.5, 0.5)
    with pytest.raises(ValueError, match="lower must be non-negative"):
        tf.image.random_saturation(image, -0.5, 0.5)
    with pytest.raises(ValueError, match="max_delta must be <= 0.5"):
        tf.image.random_hue(image, 0.6)


def test_random_brightness_stays_within_delta():
    image = np.full((3, 3, 1), 0.5, np.float32)
    for value in _seeded(lambda: tf.image.random_brightness(image, 0.2, seed=4)):
        assert np.all(np.abs(value - 0.5) <= 0.2 + 1e-6)
        assert np.all(value == value.flat[0])


# ---------------------------------------------------------------------- resize builders


def test_resize_images_v2_uses_half_pixel_centers():
    image = np.random.default_rng(2).uniform(size=(1, 3, 4, 1)).astype(np.float32)
    with tf.Graph().as_default():
        v2 = image_ops.resize_images_v2(image, [5, 7], method="bicubic")
        raw = tf.image.resize_bicubic(image, [5, 7], half_pixel_centers=True)
        same = image_ops.resize_images_v2(image, [3, 4])
        assert same.op.type == "ResizeBilinear", "TF2's resize never skips the op"
        first, second = run([v2, raw])
    np.testing.assert_array_equal(first, second)
    with pytest.raises(NotImplementedError):
        image_ops.resize_images_v2(image, [5, 7], antialias=True)


def test_resize_images_skips_same_size_and_keeps_static_shape():
    with tf.Graph().as_default():
        image = tf.placeholder(tf.float32, [2, 4, 5, 3])
        assert tf.image.resize_images(image, [4, 5]) is image
        resized = tf.image.resize_images(image, tf.placeholder(tf.int32, [2]))
        assert resized.shape.as_list() == [2, None, None, 3]
        with pytest.raises(ValueError, match="1-D Tensor of 2 elements"):
            tf.image.resize_images(image, [1, 2, 3])


def test_convert_image_dtype_rejects_non_numeric():
    with pytest.raises(AttributeError, match="dtype must be either floating point or integer"):
        tf.image.convert_image_dtype(tf.zeros([2]), tf.string)
    with pytest.raises(AttributeError, match="image dtype must be"):
        tf.image.convert_image_dtype(tf.constant([True]), tf.float32)


def test_crop_and_pad_check_static_arguments():
    image = tf.zeros([4, 5, 3])
    with pytest.raises(ValueError, match="target_width must be > 0"):
        tf.image.crop_to_bounding_box(image, 0, 0, 2, 0)
    with pytest.raises(ValueError, match="offset_width must be >= 0"):
        tf.image.pad_to_bounding_box(image, 0, -1, 6, 6)
    with pytest.raises(ValueError, match="central_fraction must be within"):
        tf.image.central_crop(image, 0.0)
    with pytest.raises(ValueError, match="must be either 3 or 4-dimensional"):
        tf.image.total_variation(tf.zeros([2, 2]))
    with pytest.raises(ValueError, match="image_gradients expects a 4D tensor"):
        tf.image.image_gradients(image)


def test_import_ndflow_does_not_import_pillow():
    import subprocess
    import sys

    code = "import sys, ndflow; print('PIL' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
