"""The space/batch/depth ops (ndflow/ops/array/space_batch.py): SpaceToBatchND,
BatchToSpaceND, SpaceToBatch, BatchToSpace, SpaceToDepth and DepthToSpace against the loop
references of tests/support/reference/space_batch.py, their static shapes (unknown dims,
unknown rank, unknown block values, TF's errors), finite-difference gradients (each op's
gradient is the opposite op, so also second order), TF's error classes at run time, and
`required_space_to_batch_paddings` / `tf.nn.with_space_to_batch`, whose dilated convolutions
and pools give the same values as the dilated kernels.

The goldens recorded from real TF are replayed in test_array_space_batch_goldens.py (values,
shapes and messages) and test_nn_dilated_goldens.py (the builders' graphs, op for op).
"""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import conv as conv_ref
from tests.support.reference import space_batch as ref

F16, F32, F64 = tf.float16, tf.float32, tf.float64
I8, I32, I64, U8, U64 = tf.int8, tf.int32, tf.int64, tf.uint8, tf.uint64
_RNG = np.random.default_rng(5)


def raw(op_type, *inputs, **attrs):
    """One op straight from the registry."""
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _normal(*shape):
    return _RNG.normal(size=shape)


def _arange(*shape, dtype=np.float32):
    return np.arange(int(np.prod(shape))).astype(dtype).reshape(shape)


def _i(values, dtype=np.int32):
    return np.array(values, dtype=dtype)


PAD = [[1, 0], [0, 2]]
CROP = [[0, 1], [2, 1]]

OP_SPECS = [
    OpSpec(
        "SpaceToBatchND",
        lambda x: tf.space_to_batch_nd(x, [2, 3], PAD),
        lambda x: ref.space_to_batch_nd(x, [2, 3], PAD),
        shapes=[(2, 3, 4, 2)],
        dtypes=[F32, F64, F16, I8, I32, I64, U8, U64],
        shape_cases=[
            ShapeCase([[2, 3, 4, 2]], expected=[12, 2, 2, 2]),
            ShapeCase([[None, 3, None, 2]], expected=[None, 2, None, 2]),
            ShapeCase([None], expected=None),
            ShapeCase([[4, 4]], error="Shape must be at least rank 3 but is rank 2"),
            ShapeCase(
                [[1, 4, 4, 1]], error="Dimension size must be evenly divisible by 2 but is 5"
            ),
        ],
    ),
    OpSpec(
        "SpaceToBatchND",
        lambda x: tf.space_to_batch_nd(x, [3], [[2, 1]]),
        lambda x: ref.space_to_batch_nd(x, [3], [[2, 1]]),
        shapes=[(2, 3, 4, 5)],
        shape_cases=[ShapeCase([[None, 3, 4, 5]], expected=[None, 2, 4, 5])],
        id="SpaceToBatchND-one-block-dim-two-remaining",
    ),
    OpSpec(
        "SpaceToBatchND",
        lambda x: tf.space_to_batch_nd(x, [2, 1, 3], [[0, 0], [1, 1], [2, 1]]),
        lambda x: ref.space_to_batch_nd(x, [2, 1, 3], [[0, 0], [1, 1], [2, 1]]),
        shapes=[(1, 4, 2, 3, 2)],
        id="SpaceToBatchND-three-block-dims",
    ),
    OpSpec(
        "SpaceToBatchND",
        lambda x, b, p: tf.space_to_batch_nd(x, b, p),
        cases=[
            (
                [_arange(2, 4, 6, 1), _i([2, 3], np.int64), _i([[0, 2], [0, 0]])],
                ref.space_to_batch_nd(_arange(2, 4, 6, 1), [2, 3], [[0, 2], [0, 0]]),
            ),
            (
                [np.zeros((0, 4, 4, 1), np.float32), _i([2, 2]), _i([[0, 0], [0, 0]])],
                np.zeros((0, 2, 2, 1), np.float32),
            ),
            ([_arange(2, 3), _i([1]), _i([[0, 0]])], _arange(2, 3)),
            ([_arange(2, 3), np.zeros(0, np.int32), np.zeros((0, 2), np.int32)], _arange(2, 3)),
        ],
        shape_cases=[
            ShapeCase([[2, 4, 4, 1], ([2], I32), ([2, 2], I32)], expected=[None, None, None, 1]),
            ShapeCase([[2, 4, 4, 1], ([None], I32), ([2, 2], I32)], error="have known size."),
            ShapeCase([[2, 4, 4, 1], (None, I32), ([2, 2], I32)], error="must have rank 1."),
            ShapeCase([[2, 4, 4, 1], ([2], I32), ([2, 3], I32)], error="Shapes are [2,3] and"),
        ],
        id="SpaceToBatchND-fed-block-and-paddings",
    ),
    OpSpec(
        "BatchToSpaceND",
        lambda x: tf.batch_to_space_nd(x, [2, 3], CROP),
        lambda x: ref.batch_to_space_nd(x, [2, 3], CROP),
        shapes=[(12, 2, 2, 2)],
        dtypes=[F32, F64, F16, I8, I32, I64, U8, U64],
        shape_cases=[
            ShapeCase([[12, 2, 2, 2]], expected=[2, 3, 3, 2]),
            ShapeCase([[None, 2, None, 2]], expected=[None, 3, None, 2]),
            ShapeCase([None], expected=None),
            ShapeCase(
                [[10, 2, 2, 2]], error="Dimension size must be evenly divisible by 3 but is 5"
            ),
            ShapeCase(
                [[12, 2, 0, 2]], error="Negative dimension size caused by subtracting 2 from 0"
            ),
        ],
    ),
    OpSpec(
        "BatchToSpaceND",
        lambda x: tf.batch_to_space_nd(x, [2, 1, 2], [[1, 0], [0, 0], [0, 3]]),
        lambda x: ref.batch_to_space_nd(x, [2, 1, 2], [[1, 0], [0, 0], [0, 3]]),
        shapes=[(8, 3, 2, 4, 2)],
        id="BatchToSpaceND-three-block-dims",
    ),
    OpSpec(
        "BatchToSpaceND",
        lambda x, b, c: tf.batch_to_space_nd(x, b, c),
        cases=[
            (
                [_arange(8, 2, 3, 1), _i([4, 2], np.int64), _i([[1, 2], [0, 1]], np.int64)],
                ref.batch_to_space_nd(_arange(8, 2, 3, 1), [4, 2], [[1, 2], [0, 1]]),
            ),
        ],
        shape_cases=[
            ShapeCase([[8, 2, 2, 1], ([2], I32), ([2, 2], I32)], expected=[None, None, None, 1]),
        ],
        id="BatchToSpaceND-fed-block-and-crops",
    ),
    OpSpec(
        "SpaceToBatch",
        lambda x: raw("SpaceToBatch", x, [[0, 1], [2, 1]], block_size=3),
        lambda x: ref.space_to_batch_nd(x, [3, 3], [[0, 1], [2, 1]]),
        shapes=[(2, 5, 3, 2)],
        dtypes=[F32, I64],
        shape_cases=[
            ShapeCase([[2, 5, 3, 2]], expected=[18, 2, 2, 2]),
            ShapeCase([None], expected=[None, None, None, None]),
            ShapeCase([[2, 5, 3]], error="Shape must be rank 4 but is rank 3"),
        ],
    ),
    OpSpec(
        "BatchToSpace",
        lambda x: raw("BatchToSpace", x, [[1, 0], [0, 2]], block_size=2),
        lambda x: ref.batch_to_space_nd(x, [2, 2], [[1, 0], [0, 2]]),
        shapes=[(8, 2, 3, 2)],
        dtypes=[F32, I32],
        shape_cases=[
            ShapeCase([[8, 2, 3, 2]], expected=[2, 3, 4, 2]),
            ShapeCase([None], expected=[None, None, None, None]),
            ShapeCase(
                [[6, 2, 3, 2]], error="Dimension size must be evenly divisible by 2 but is 3"
            ),
        ],
    ),
    OpSpec(
        "SpaceToDepth",
        lambda x: tf.space_to_depth(x, 2),
        lambda x: ref.space_to_depth(x, 2),
        shapes=[(2, 4, 6, 3)],
        dtypes=[F32, F16, I32, U8, tf.bool, tf.string, tf.complex64],
        shape_cases=[
            ShapeCase([[2, 4, 6, 3]], expected=[2, 2, 3, 12]),
            ShapeCase([[None, 4, None, None]], expected=[None, 2, None, None]),
            ShapeCase([None], expected=[None, None, None, None]),
            ShapeCase(
                [[2, 4, 5, 3]], error="Dimension size must be evenly divisible by 2 but is 5"
            ),
            ShapeCase([[4, 4, 3]], error="Shape must be rank 4 but is rank 3"),
        ],
    ),
    OpSpec(
        "SpaceToDepth",
        lambda x: tf.space_to_depth(x, 3),
        lambda x: ref.space_to_depth(x, 3),
        shapes=[(1, 6, 3, 2)],
        shape_cases=[
            ShapeCase([[1, 6, 3, 2]], expected=[1, 2, 1, 18]),
            ShapeCase([[1, 3, 6, 4]], expected=[1, 1, 2, 36]),
        ],
        id="SpaceToDepth-block3",
    ),
    OpSpec(
        "DepthToSpace",
        lambda x: tf.depth_to_space(x, 2),
        lambda x: ref.depth_to_space(x, 2),
        shapes=[(2, 2, 3, 8)],
        dtypes=[F32, F64, I64, tf.bool, tf.string],
        shape_cases=[
            ShapeCase([[2, 2, 3, 8]], expected=[2, 4, 6, 2]),
            ShapeCase([[None, 2, None, 8]], expected=[None, 4, None, 2]),
            ShapeCase([None], expected=[None, None, None, None]),
            ShapeCase(
                [[2, 2, 3, 6]], error="Dimension size must be evenly divisible by 4 but is 6"
            ),
        ],
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def test_block_of_ones_without_padding_passes_the_input_through():
    x = _arange(2, 3, 4, 1)
    with tf.Graph().as_default(), tf.Session() as sess:
        same = tf.space_to_batch_nd(x, [1, 1, 1], tf.zeros([3, 2], tf.int32))
        back = tf.batch_to_space_nd(x, [1, 1], [[0, 0], [0, 0]])
        for value in sess.run([same, back]):
            np.testing.assert_array_equal(value, x)


def test_nchw_shapes_follow_the_data_format():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3, 4, 6])
        assert tf.space_to_depth(x, 2, data_format="NCHW").shape.as_list() == [2, 12, 2, 3]
        y = tf.placeholder(tf.float32, [2, 12, 2, 3])
        assert tf.depth_to_space(y, 2, data_format="NCHW").shape.as_list() == [2, 3, 4, 6]
        vect = tf.placeholder(tf.float32, [1, 2, 4, 6, 4])
        shape = tf.space_to_depth(vect, 2, data_format="NCHW_VECT_C").shape.as_list()
        assert shape == [1, 8, 2, 3, 4]


# ---------------------------------------------------------------------- gradients


def _dynamic(x):
    return tf.placeholder_with_default(x, [None] * x.shape.rank)


GRAD_SPECS = [
    GradSpec(
        "SpaceToBatchND",
        lambda x: tf.space_to_batch_nd(x, [2, 3], PAD),
        [_normal(2, 3, 4, 2)],
        order=2,
    ),
    GradSpec(
        "SpaceToBatchND",
        lambda x: tf.space_to_batch_nd(_dynamic(x), [1, 2], [[1, 1], [0, 1]]),
        [_normal(2, 3, 3, 2)],
        id="SpaceToBatchND-dynamic",
    ),
    GradSpec(
        "BatchToSpaceND",
        lambda x: tf.batch_to_space_nd(x, [2, 3], CROP),
        [_normal(12, 2, 2, 2)],
        order=2,
    ),
    GradSpec(
        "SpaceToBatch",
        lambda x: raw("SpaceToBatch", x, [[0, 1], [2, 1]], block_size=3),
        [_normal(2, 5, 3, 2)],
        order=2,
    ),
    GradSpec(
        "BatchToSpace",
        lambda x: raw("BatchToSpace", x, [[1, 0], [0, 2]], block_size=2),
        [_normal(8, 2, 3, 2)],
        order=2,
    ),
    GradSpec("SpaceToDepth", lambda x: tf.space_to_depth(x, 2), [_normal(2, 4, 2, 3)], order=2),
    GradSpec("DepthToSpace", lambda x: tf.depth_to_space(x, 2), [_normal(1, 2, 3, 8)], order=2),
    GradSpec(
        "SpaceToBatchND",
        lambda x, w: tf.nn.atrous_conv2d(_dynamic(x), w, 2, "SAME"),
        [_normal(1, 5, 6, 2), _normal(3, 3, 2, 2)],
        id="atrous_conv2d-dynamic",
    ),
    GradSpec(
        "BatchToSpaceND",
        lambda x: tf.nn.pool(x, [2, 2], "AVG", "VALID", dilation_rate=[2, 3]),
        [_normal(1, 6, 7, 2)],
        id="pool-dilated",
    ),
]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradients(spec):
    spec.check()


def test_gradients_build_the_opposite_ops_as_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 4, 4, 2])
        s2b = raw("SpaceToBatch", x, [[0, 0], [0, 0]], block_size=2)
        (grad,) = tf.gradients(s2b, x)
        # TF's _SpaceToBatchGrad calls tf.batch_to_space: a BatchToSpaceND with an int64 block.
        assert grad.op.type == "BatchToSpaceND"
        assert grad.op.inputs[1].dtype == tf.int64
        nd = tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])
        (grad,) = tf.gradients(nd, x)
        assert grad.op.type == "BatchToSpaceND"
        assert list(grad.op.inputs[1:]) == list(nd.op.inputs[1:])
        (grad,) = tf.gradients(tf.space_to_depth(x, 2), x)
        assert grad.op.type == "DepthToSpace" and grad.op.attrs["block_size"] == 2


def test_nchw_vect_c_gradient_raises_tfs_value_error():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 2, 4, 4, 4])
        y = tf.space_to_depth(x, 2, data_format="NCHW_VECT_C")
        with pytest.raises(ValueError, match="Cannot compute SpaceToDepth gradient with NCHW"):
            tf.gradients(y, x)
        v = tf.placeholder(tf.float32, [1, 8, 2, 2, 4])
        z = tf.depth_to_space(v, 2, data_format="NCHW_VECT_C")
        with pytest.raises(ValueError, match="Cannot compute DepthToSpace gradient with NCHW"):
            tf.gradients(z, v)


# ---------------------------------------------------------------------- errors


def _run(build, feeds):
    with tf.Graph().as_default(), tf.Session() as sess:
        placeholders = {
            # Unknown dims (the kernel checks), but a block_shape of static length.
            name: tf.placeholder(
                tf.as_dtype(value.dtype), value.shape if name == "b" else [None] * value.ndim
            )
            for name, value in feeds.items()
        }
        return sess.run(build(**placeholders), {placeholders[k]: v for k, v in feeds.items()})


@pytest.mark.parametrize(
    ("build", "feeds", "message"),
    [
        (
            lambda x, b, p: tf.space_to_batch_nd(x, b, p),
            {"x": _arange(1, 4, 4, 1), "b": _i([2, -1]), "p": _i([[0, 0], [0, 0]])},
            "All values in block_shape must be positive, got value, -1 at index 1.",
        ),
        (
            lambda x, b, p: tf.space_to_batch_nd(x, b, p),
            {"x": _arange(1, 4, 4, 1), "b": _i([2, 2]), "p": _i([[0, 0], [0, 0], [0, 0]])},
            "paddings should have shape [2, 2] instead of [3,2]",
        ),
        (
            lambda x: tf.space_to_batch_nd(x, [2] * 5, tf.zeros([5, 2], tf.int32)),
            {"x": np.zeros((1, 2, 2, 2, 2, 2), np.float32)},
            "Maximum number of non-combined block dimensions is 5 but must not exceed 4",
        ),
        (
            lambda x, c: tf.batch_to_space_nd(x, [2, 2], c),
            {"x": _arange(4, 1, 1, 1), "c": _i([[0, 3], [0, 0]])},
            "cropped_shape[0]=-1 must be non-negative",
        ),
        (
            lambda x: tf.space_to_depth(x, 2),
            {"x": _arange(1, 4, 3, 1)},
            "Image width 3 and height 4 should be divisible by block_size: 2",
        ),
        (
            lambda x: tf.space_to_batch_nd(x, [2], [[0, 0]]),
            {"x": np.ones((2, 2), bool)},
            "No OpKernel was registered to support Op 'SpaceToBatchND' used by {{node "
            "SpaceToBatchND}} with these attrs: [T=DT_BOOL, Tblock_shape=DT_INT32, "
            "Tpaddings=DT_INT32]",
        ),
        (
            lambda x: tf.depth_to_space(x, 2, data_format="NCHW"),
            {"x": _arange(1, 8, 2, 2)},
            "No OpKernel was registered to support Op 'DepthToSpace' used by {{node "
            'DepthToSpace}} with these attrs: [T=DT_FLOAT, block_size=2, data_format="NCHW"]',
        ),
    ],
)
def test_kernel_errors_are_tfs_invalid_argument(build, feeds, message):
    with pytest.raises(tf.errors.InvalidArgumentError) as caught:
        _run(build, feeds)
    assert message in caught.value.message


def test_builder_argument_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 4, 4, 1])
        with pytest.raises(ValueError, match="Cannot specify both 'block_size' and 'block_shape'"):
            tf.space_to_batch(x, [[0, 0], [0, 0]], 2, block_shape=2)
        with pytest.raises(ValueError, match="passed 1 less than minimum 2"):
            tf.space_to_depth(x, 1)
        with pytest.raises(ValueError, match="must have rank 4"):
            tf.batch_to_space(tf.placeholder(tf.float32, [4, 2, 2]), [[0, 0], [0, 0]], 2)


# ---------------------------------------------------------------------- paddings helper


@pytest.mark.parametrize("fed", [False, True])
def test_required_space_to_batch_paddings_matches_the_reference(fed):
    rng = np.random.default_rng(3)
    for _ in range(5):
        shape = rng.integers(1, 9, size=3).astype(np.int32)
        block = rng.integers(1, 5, size=3).astype(np.int32)
        base = rng.integers(0, 4, size=(3, 2)).astype(np.int32)
        with tf.Graph().as_default(), tf.Session() as sess:
            given = tf.placeholder_with_default(shape, [3]) if fed else shape
            paddings, crops = tf.required_space_to_batch_paddings(given, block, base)
            assert (paddings.op.type == "Pack") is fed
            values = sess.run([paddings, crops])
        for value, want in zip(values, ref.required_space_to_batch_paddings(shape, block, base)):
            np.testing.assert_array_equal(value, want)
            assert value.dtype == np.int32


# ---------------------------------------------------------------------- dilated builders


def _dilated_conv_cases():
    x2, w2 = _normal(2, 9, 10, 3), _normal(3, 2, 3, 4)
    return [
        ("same", x2, w2, "SAME", [2, 3], None),
        ("valid", x2, w2, "VALID", [3, 2], None),
        ("explicit", x2, w2, [[0, 0], [1, 2], [3, 0], [0, 0]], [2, 2], None),
        ("nchw", x2.transpose(0, 3, 1, 2), w2, "SAME", [2, 2], "NCHW"),
        ("1d", _normal(2, 11, 3), _normal(3, 3, 2), "SAME", [3], None),
        ("3d", _normal(1, 5, 6, 7, 2), _normal(2, 2, 2, 2, 3), "VALID", [2, 1, 2], None),
    ]


@pytest.mark.parametrize("unknown", [False, True])
@pytest.mark.parametrize("case", _dilated_conv_cases(), ids=lambda c: c[0])
def test_dilated_convolution_matches_the_reference(case, unknown):
    _, x, w, padding, rates, data_format = case
    with tf.Graph().as_default(), tf.Session() as sess:
        shape = [None] * x.ndim if unknown else x.shape
        inputs = tf.placeholder(tf.float64, shape)
        y = tf.nn.convolution(inputs, w, padding, dilation_rate=rates, data_format=data_format)
        assert y.op.type == "BatchToSpaceND"
        value = sess.run(y, {inputs: x})
        assert y.shape.is_compatible_with(value.shape)
    channels_first = data_format == "NCHW"
    last = np.moveaxis(x, 1, -1) if channels_first else x
    explicit = None
    if isinstance(padding, list):
        explicit, padding = padding[1:-1], "EXPLICIT"
    want = conv_ref.conv_nd(last, w, [1] * len(rates), rates, padding, explicit)
    np.testing.assert_allclose(value, np.moveaxis(want, -1, 1) if channels_first else want)


def test_dilated_depthwise_and_separable_match_the_native_dilations():
    x, d, p = _normal(2, 9, 8, 3), _normal(3, 3, 3, 2), _normal(1, 1, 6, 4)
    with tf.Graph().as_default(), tf.Session() as sess:
        inputs = tf.placeholder(tf.float64, [None, None, None, 3])
        depthwise = tf.nn.depthwise_conv2d(inputs, d, [1] * 4, "SAME", rate=[2, 3])
        native = tf.nn.depthwise_conv2d_native(inputs, d, [1] * 4, "SAME", dilations=[1, 2, 3, 1])
        separable = tf.nn.separable_conv2d(inputs, d, p, [1] * 4, "VALID", rate=[3, 2])
        pointwise = tf.nn.conv2d(
            tf.nn.depthwise_conv2d_native(inputs, d, [1] * 4, "VALID", dilations=[1, 3, 2, 1]),
            p,
            [1] * 4,
            "VALID",
        )
        values = sess.run([depthwise, native, separable, pointwise], {inputs: x})
    np.testing.assert_allclose(values[0], values[1], rtol=1e-12)
    np.testing.assert_allclose(values[2], values[3], rtol=1e-12)


def test_strided_dilated_depthwise_warns_as_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 9, 9, 2])
        with pytest.warns(UserWarning, match="all values of strides must be 1"):
            tf.nn.depthwise_conv2d(x, tf.zeros([3, 3, 2, 1]), [1, 2, 2, 1], "VALID", rate=[2, 2])


def test_with_space_to_batch_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 9, 9, 2])
        with pytest.raises(ValueError, match="`filter_shape` must be specified"):
            tf.nn.with_space_to_batch(x, [2, 2], "SAME", lambda v, n, p: v)
        with pytest.raises(ValueError, match="`dilation_rate` must be positive"):
            tf.nn.with_space_to_batch(x, [0, 2], "VALID", lambda v, n, p: v)
        with pytest.raises(ValueError, match="monotonically increasing"):
            tf.nn.with_space_to_batch(x, [2, 2], "VALID", lambda v, n, p: v, spatial_dims=[2, 1])
        with pytest.raises(ValueError, match="`input.shape.rank` must be at least 3"):
            tf.nn.with_space_to_batch(x[0, 0], [2, 2], "VALID", lambda v, n, p: v)
