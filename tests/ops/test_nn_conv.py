"""Convolution ops (ndflow/ops/nn/convolution_*.py, depthwise.py) against the loop references
of tests/support/reference/conv.py: Conv2D, Conv3D, DepthwiseConv2dNative and their backprop
ops on every declared dtype, SAME/VALID/EXPLICIT padding, strides, dilations, NCHW, groups
and empty dims; static shape inference (known, unknown dims, unknown rank, TF's errors); and
the NumPy engine itself on chunked problems. Gradients are in test_nn_conv_grad.py, TF's
recorded values in test_nn_conv_goldens.py."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from ndflow.ops.nn import convolution_kernels
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import conv as ref

F16, BF16, F32, F64, I32 = tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _conv2d(strides, padding, data_format="NHWC", dilations=(1, 1, 1, 1), explicit=()):
    attrs = dict(
        strides=list(strides),
        padding=padding,
        data_format=data_format,
        dilations=list(dilations),
        explicit_paddings=list(explicit),
    )

    def build(x, w):
        return raw("Conv2D", x, w, **attrs)

    def reference(x, w):
        return ref.conv_op(x, w, strides, padding, data_format, list(dilations), explicit)

    return build, reference


def _conv2d_spec(name, strides, padding, shapes, dtypes=(F32, F64), **kwargs):
    build, reference = _conv2d(strides, padding, **kwargs)
    return OpSpec("Conv2D", build, reference, shapes, list(dtypes), id=name)


_CONV2D_SHAPES = [
    ShapeCase([[2, 7, 6, 3], [3, 2, 3, 4]], expected=[2, 7, 6, 4]),
    ShapeCase([[None, 7, None, 3], [3, 2, 3, None]], expected=[None, 7, None, None]),
    ShapeCase([None, [3, 2, 3, 4]], expected=[None, None, None, 4]),
    ShapeCase([[2, 7, 6, 3], None], expected=[2, 7, 6, None]),
    ShapeCase([[2, 7, 6], [3, 2, 3, 4]], error="Shape must be rank 4 but is rank 3"),
    ShapeCase([[2, 7, 6, 5], [3, 2, 3, 4]], error="Depth of input (5) is not a multiple"),
    ShapeCase([[2, 7, 6, 4], [3, 2, 2, 3]], error="Depth of output (3) is not a multiple"),
]

OP_SPECS = [
    OpSpec(
        "Conv2D",
        _conv2d([1, 1, 1, 1], "SAME")[0],
        _conv2d([1, 1, 1, 1], "SAME")[1],
        [(2, 7, 6, 3), (3, 2, 3, 4)],
        [F32, F64, F16, BF16, I32],
        shape_cases=_CONV2D_SHAPES,
    ),
    _conv2d_spec("Conv2D_valid_strided", [1, 2, 3, 1], "VALID", [(2, 8, 9, 2), (3, 3, 2, 3)]),
    _conv2d_spec(
        "Conv2D_same_dilated",
        [1, 1, 1, 1],
        "SAME",
        [(1, 7, 8, 2), (3, 2, 2, 3)],
        dilations=[1, 2, 3, 1],
    ),
    _conv2d_spec(
        "Conv2D_strided_dilated",
        [1, 2, 2, 1],
        "SAME",
        [(1, 9, 8, 2), (2, 3, 2, 3)],
        dilations=[1, 2, 2, 1],
    ),
    _conv2d_spec(
        "Conv2D_explicit",
        [1, 2, 1, 1],
        "EXPLICIT",
        [(2, 6, 5, 3), (3, 3, 3, 2)],
        explicit=[0, 0, 2, 1, 0, 3, 0, 0],
    ),
    _conv2d_spec(
        "Conv2D_nchw",
        [1, 1, 2, 1],
        "SAME",
        [(2, 3, 7, 6), (3, 2, 3, 4)],
        data_format="NCHW",
    ),
    _conv2d_spec(
        "Conv2D_nchw_explicit",
        [1, 1, 1, 2],
        "EXPLICIT",
        [(1, 2, 5, 6), (2, 3, 2, 2)],
        data_format="NCHW",
        explicit=[0, 0, 0, 0, 1, 1, 2, 0],
    ),
    _conv2d_spec("Conv2D_grouped", [1, 1, 1, 1], "SAME", [(2, 5, 4, 6), (3, 3, 2, 6)]),
    _conv2d_spec("Conv2D_empty_batch", [1, 1, 1, 1], "SAME", [(0, 5, 4, 3), (3, 3, 3, 2)]),
    _conv2d_spec("Conv2D_no_out_channels", [1, 1, 1, 1], "VALID", [(1, 5, 4, 2), (3, 3, 2, 0)]),
]


def _backprop_input(op_type, sizes, strides, padding, data_format, dilations, explicit=()):
    attrs = dict(strides=strides, padding=padding, data_format=data_format, dilations=dilations)
    if explicit:
        attrs["explicit_paddings"] = list(explicit)
    reference = ref.depthwise_backprop_input_op if "Depthwise" in op_type else None
    reference = reference or ref.conv_backprop_input_op

    def build(w, dy):
        return raw(op_type, sizes, w, dy, **attrs)

    def compute(w, dy):
        return reference(sizes, w, dy, strides, padding, data_format, dilations, explicit)

    return build, compute


def _backprop_filter(op_type, sizes, strides, padding, data_format, dilations, explicit=()):
    attrs = dict(strides=strides, padding=padding, data_format=data_format, dilations=dilations)
    if explicit:
        attrs["explicit_paddings"] = list(explicit)
    reference = ref.depthwise_backprop_filter_op if "Depthwise" in op_type else None
    reference = reference or ref.conv_backprop_filter_op

    def build(x, dy):
        return raw(op_type, x, sizes, dy, **attrs)

    def compute(x, dy):
        return reference(x, sizes, dy, strides, padding, data_format, dilations, explicit)

    return build, compute


def _backprop_spec(kind, op_type, config, shapes, dtypes, shape_cases=(), name=""):
    make = _backprop_input if kind == "input" else _backprop_filter
    build, compute = make(op_type, *config)
    return OpSpec(
        op_type, build, compute, shapes, list(dtypes), shape_cases=list(shape_cases), id=name
    )


_NHWC_2D = ([1, 2, 1, 1], "SAME", "NHWC", [1, 1, 2, 1])

OP_SPECS += [
    _backprop_spec(
        "input",
        "Conv2DBackpropInput",
        ([2, 7, 6, 3], *_NHWC_2D),
        [(3, 2, 3, 4), (2, 4, 6, 4)],
        [F32, F64, F16, I32],
        [
            ShapeCase([[3, 2, 3, 4], [2, 4, 6, 4]], expected=[2, 7, 6, 3]),
            ShapeCase([[3, 2, 3, None], [None, 4, 6, None]], expected=[None, 7, 6, 3]),
            ShapeCase([None, None], expected=[None, 7, 6, 3]),
            ShapeCase([[3, 2, 3, 4], [2, 4, 6, 5]], error="Dimensions must be equal, but are 5"),
            ShapeCase([[3, 2, 3, 4], [1, 4, 6, 4]], error="Dimensions must be equal, but are 2"),
            ShapeCase([[3, 2, 3], [2, 4, 6, 4]], error="Shape must be rank 4 but is rank 3"),
        ],
    ),
    _backprop_spec(
        "input",
        "Conv2DBackpropInput",
        ([2, 3, 7, 6], [1, 1, 3, 2], "EXPLICIT", "NCHW", [1, 1, 1, 1], [0, 0, 0, 0, 1, 2, 0, 1]),
        [(2, 2, 3, 4), (2, 4, 3, 3)],
        [F32, F64],
        name="Conv2DBackpropInput_nchw_explicit",
    ),
    _backprop_spec(
        "input",
        "Conv2DBackpropInput",
        ([2, 5, 4, 6], [1, 1, 1, 1], "VALID", "NHWC", [1, 1, 1, 1]),
        [(2, 2, 3, 4), (2, 4, 3, 4)],
        [F64],
        name="Conv2DBackpropInput_grouped",
    ),
    _backprop_spec(
        "filter",
        "Conv2DBackpropFilter",
        ([3, 2, 3, 4], *_NHWC_2D),
        [(2, 7, 6, 3), (2, 4, 6, 4)],
        [F32, F64, F16],
        [
            ShapeCase([[2, 7, 6, 3], [2, 4, 6, 4]], expected=[3, 2, 3, 4]),
            ShapeCase([[None, 7, 6, None], [2, None, 6, 4]], expected=[3, 2, 3, 4]),
            ShapeCase([None, None], expected=[3, 2, 3, 4]),
        ],
    ),
    _backprop_spec(
        "filter",
        "Conv2DBackpropFilter",
        ([2, 3, 2, 4], [1, 1, 2, 1], "EXPLICIT", "NCHW", [1, 1, 1, 2], [0, 0, 0, 0, 0, 1, 2, 2]),
        [(2, 4, 5, 6), (2, 4, 3, 6)],
        [F32, F64],
        name="Conv2DBackpropFilter_nchw_grouped",
    ),
]

_NDHWC = ([1, 2, 1, 2, 1], "SAME", "NDHWC", [1, 1, 2, 1, 1])


def _conv3d(strides, padding, data_format="NDHWC", dilations=(1, 1, 1, 1, 1)):
    def build(x, w):
        return raw(
            "Conv3D",
            x,
            w,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilations=list(dilations),
        )

    def reference(x, w):
        return ref.conv_op(x, w, strides, padding, data_format, list(dilations))

    return build, reference


OP_SPECS += [
    OpSpec(
        "Conv3D",
        *_conv3d([1, 2, 1, 2, 1], "SAME", dilations=[1, 1, 2, 1, 1]),
        shapes=[(2, 5, 6, 5, 2), (2, 3, 2, 2, 3)],
        dtypes=[F32, F64, F16],
        shape_cases=[
            ShapeCase([[2, 5, 6, 5, 2], [2, 3, 2, 2, 3]], expected=[2, 3, 6, 3, 3]),
            ShapeCase(
                [[None, 5, None, 5, 2], [2, 3, 2, 2, None]], expected=[None, 3, None, 3, None]
            ),
            ShapeCase([None, [2, 3, 2, 2, 3]], expected=[None, None, None, None, 3]),
            ShapeCase([[2, 5, 6, 5], [2, 3, 2, 2, 3]], error="Shape must be rank 5 but is rank 4"),
            ShapeCase([[2, 5, 6, 5, 3], [2, 3, 2, 2, 3]], error="Depth of input (3) is not"),
        ],
    ),
    OpSpec(
        "Conv3D",
        *_conv3d([1, 1, 1, 1, 1], "VALID", "NCDHW", [1, 1, 1, 2, 3]),
        shapes=[(1, 2, 4, 6, 7), (2, 2, 2, 2, 3)],
        dtypes=[F32, F64],
        id="Conv3D_ncdhw_unequal_dilations",
        shape_cases=[ShapeCase([[1, 2, 4, 6, 7], [2, 2, 2, 2, 3]], expected=[1, 3, 3, 4, 4])],
    ),
    _backprop_spec(
        "input",
        "Conv3DBackpropInputV2",
        ([2, 5, 6, 5, 2], *_NDHWC),
        [(2, 3, 2, 2, 3), (2, 3, 6, 3, 3)],
        [F32, F64, F16],
        [
            ShapeCase([[2, 3, 2, 2, 3], [2, 3, 6, 3, 3]], expected=[2, 5, 6, 5, 2]),
            ShapeCase([[2, None, 2, 2, 3], None], expected=[2, 5, 6, 5, 2]),
            ShapeCase([None, None], expected=[2, 5, 6, 5, 2]),
        ],
    ),
    _backprop_spec(
        "filter",
        "Conv3DBackpropFilterV2",
        ([2, 3, 2, 2, 3], *_NDHWC),
        [(2, 5, 6, 5, 2), (2, 3, 6, 3, 3)],
        [F32, F64, F16],
        [
            ShapeCase([[2, 5, 6, 5, 2], [2, 3, 6, 3, 3]], expected=[2, 3, 2, 2, 3]),
            ShapeCase([[2, None, 6, 5, 2], [None, 3, 6, 3, 3]], expected=[2, 3, 2, 2, 3]),
            ShapeCase([None, None], expected=[2, 3, 2, 2, 3]),
        ],
    ),
]


def _depthwise(strides, padding, data_format="NHWC", dilations=(1, 1, 1, 1), explicit=()):
    def build(x, w):
        return raw(
            "DepthwiseConv2dNative",
            x,
            w,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilations=list(dilations),
            explicit_paddings=list(explicit),
        )

    def reference(x, w):
        return ref.depthwise_op(x, w, strides, padding, data_format, list(dilations), explicit)

    return build, reference


OP_SPECS += [
    OpSpec(
        "DepthwiseConv2dNative",
        *_depthwise([1, 2, 1, 1], "SAME", dilations=[1, 1, 2, 1]),
        shapes=[(2, 7, 6, 3), (3, 2, 3, 2)],
        dtypes=[F32, F64, F16],
        shape_cases=[
            ShapeCase([[2, 7, 6, 3], [3, 2, 3, 2]], expected=[2, 4, 6, 6]),
            ShapeCase([[None, 7, None, None], [3, 2, 3, None]], expected=[None, 4, None, None]),
            ShapeCase([None, [3, 2, 3, 2]], expected=[None, None, None, 6]),
            ShapeCase([[2, 7, 6, 4], [3, 2, 3, 2]], error="Dimensions must be equal, but are 4"),
            ShapeCase([[2, 7, 6], [3, 2, 3, 2]], error="Shape must be rank 4 but is rank 3"),
        ],
    ),
    OpSpec(
        "DepthwiseConv2dNative",
        *_depthwise([1, 1, 2, 3], "EXPLICIT", "NCHW", explicit=[0, 0, 0, 0, 1, 2, 0, 1]),
        shapes=[(2, 3, 6, 7), (2, 3, 3, 1)],
        dtypes=[F32, F64],
        id="DepthwiseConv2dNative_nchw_explicit",
    ),
    _backprop_spec(
        "input",
        "DepthwiseConv2dNativeBackpropInput",
        ([2, 7, 6, 3], [1, 2, 1, 1], "SAME", "NHWC", [1, 1, 2, 1]),
        [(3, 2, 3, 2), (2, 4, 6, 6)],
        [F32, F64],
        [
            ShapeCase([[3, 2, 3, 2], [2, 4, 6, 6]], expected=[2, 7, 6, 3]),
            ShapeCase([[3, 2, None, 2], [None, 4, 6, 6]], expected=[2, 7, 6, 3]),
            ShapeCase([None, None], expected=[2, 7, 6, 3]),
        ],
    ),
    _backprop_spec(
        "filter",
        "DepthwiseConv2dNativeBackpropFilter",
        ([3, 2, 3, 2], [1, 2, 1, 1], "SAME", "NHWC", [1, 1, 2, 1]),
        [(2, 7, 6, 3), (2, 4, 6, 6)],
        [F32, F64],
        [
            ShapeCase([[2, 7, 6, 3], [2, 4, 6, 6]], expected=[3, 2, 3, 2]),
            ShapeCase([[2, 7, None, 3], [2, None, 6, 6]], expected=[3, 2, 3, 2]),
            ShapeCase([None, None], expected=[3, 2, 3, 2]),
        ],
    ),
    _backprop_spec(
        "filter",
        "DepthwiseConv2dNativeBackpropFilter",
        ([2, 3, 2, 3], [1, 1, 1, 2], "VALID", "NCHW", [1, 1, 2, 1]),
        [(1, 2, 6, 7), (1, 6, 4, 3)],
        [F64],
        name="DepthwiseConv2dNativeBackpropFilter_nchw",
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


# ---------------------------------------------------------------------- the engine


def _geometries(rng):
    # Group widths 2 and 9: with filter widths 1..3 the im2col runs are short (copied
    # channels first) or long (channels last).
    for rank, padding, stride, dilation, groups, width in itertools.product(
        (1, 2, 3), ("SAME", "VALID", "EXPLICIT"), (1, 2, 3), (1, 2), (1, 2), (2, 9)
    ):
        sizes = tuple(int(v) for v in rng.integers(4, 8, rank))
        filters = tuple(int(v) for v in rng.integers(1, 4, rank))
        explicit = [tuple(int(p) for p in rng.integers(0, 3, 2)) for _ in range(rank)]
        yield sizes, filters, [stride] * rank, [dilation] * rank, padding, explicit, groups, width


@pytest.mark.parametrize("chunk_bytes", [64, convolution_kernels.CHUNK_BYTES])
def test_engine_matches_loops_in_1_2_and_3_dims(monkeypatch, chunk_bytes):
    # 64 bytes per chunk forces the row-chunked path: one output row per GEMM.
    monkeypatch.setattr(convolution_kernels, "CHUNK_BYTES", chunk_bytes)
    rng = np.random.default_rng(5)
    checked = 0
    for sizes, filters, strides, dilations, padding, explicit, groups, width in _geometries(rng):
        pads = explicit if padding == "EXPLICIT" else None
        try:
            geo = convolution_kernels.geometry(sizes, filters, strides, dilations, padding, pads)
        except tf.errors.InvalidArgumentError:
            continue
        # More output than input channels sends unit-stride input gradients through col2im,
        # fewer through the flipped-filter convolution.
        out_channels = (6 if width == 2 else 2) * groups
        x = rng.normal(size=(2, *sizes, width * groups))
        w = rng.normal(size=(*filters, width, out_channels))
        out = convolution_kernels.conv(x, w, geo)
        np.testing.assert_allclose(out, ref.conv_nd(x, w, strides, dilations, padding, pads))
        dy = rng.normal(size=out.shape)
        dx = convolution_kernels.conv_backprop_input(dy, w, x.shape, geo)
        want = ref.conv_nd_backprop_input(x.shape, w, dy, strides, dilations, padding, pads)
        np.testing.assert_allclose(dx, want, atol=1e-12)
        dw = convolution_kernels.conv_backprop_filter(x, dy, w.shape, geo)
        want = ref.conv_nd_backprop_filter(x, w.shape, dy, strides, dilations, padding, pads)
        np.testing.assert_allclose(dw, want, atol=1e-12)
        checked += 1
    assert checked > 180


def test_engine_depthwise_in_1_and_3_dims():
    rng = np.random.default_rng(6)
    for sizes, filters in (((9,), (3,)), ((4, 5, 6), (2, 3, 2))):
        rank = len(sizes)
        geo = convolution_kernels.geometry(sizes, filters, [2] * rank, [1] * rank, "SAME")
        x = rng.normal(size=(2, *sizes, 3))
        w = rng.normal(size=(*filters, 3, 2))
        out = convolution_kernels.depthwise(x, w, geo)
        args = ([2] * rank, [1] * rank, "SAME")
        np.testing.assert_allclose(out, ref.depthwise_nd(x, w, *args))
        dy = rng.normal(size=out.shape)
        dx = convolution_kernels.depthwise_backprop_input(dy, w, x.shape, geo)
        np.testing.assert_allclose(dx, ref.depthwise_nd_backprop_input(x.shape, w, dy, *args))
        dw = convolution_kernels.depthwise_backprop_filter(x, dy, w.shape, geo)
        np.testing.assert_allclose(dw, ref.depthwise_nd_backprop_filter(x, w.shape, dy, *args))


def test_half_types_accumulate_in_float32():
    # 4096 ones sum to 4096 in float32; float16 accumulation would stop at 2048.
    x = np.ones((1, 1, 1, 4096), np.float16)
    w = np.ones((1, 1, 4096, 1), np.float16)
    with tf.Graph().as_default(), tf.Session() as sess:
        out = sess.run(tf.nn.conv2d(x, w, 1, "VALID"))
    assert out.dtype == np.float16
    assert out.reshape(-1)[0] == 4096


def test_int32_convolution_wraps_like_tf():
    x = np.full((1, 1, 1, 2), 2**30, np.int32)
    w = np.full((1, 1, 2, 1), 2, np.int32)
    with tf.Graph().as_default(), tf.Session() as sess:
        out = sess.run(tf.nn.conv2d(x, w, 1, "VALID"))
    assert out.dtype == np.int32
    assert out.reshape(-1)[0] == np.int32(0)  # 2 * 2**30 * 2 wraps to 0


def test_kernels_do_not_modify_their_inputs():
    x = np.arange(2 * 5 * 5 * 2, dtype=np.float32).reshape(2, 5, 5, 2)
    w = np.ones((3, 3, 2, 2), np.float32)
    x.flags.writeable = False
    w.flags.writeable = False
    with tf.Graph().as_default(), tf.Session() as sess:
        y = tf.nn.conv2d(x, w, 2, "SAME")
        grads = tf.gradients(tf.reduce_sum(y), [y])
        sess.run([y, grads])
    assert x[1, 4, 4, 1] == x.size - 1


def test_backprop_input_shape_from_partially_known_sizes():
    with tf.Graph().as_default():
        dy = tf.placeholder(tf.float32, [None, 3, 3, 4])
        w = tf.placeholder(tf.float32, [2, 2, 3, 4])
        batch = tf.placeholder(tf.int32, [])
        sizes = tf.stack([batch, 5, 5, 3])
        out = tf.nn.conv2d_backprop_input(sizes, w, dy, [1, 2, 2, 1], "SAME")
        assert out.shape.as_list() == [None, 5, 5, 3]
        two = tf.nn.conv2d_backprop_input([5, 6], w, tf.zeros([2, 3, 3, 4]), [1, 2, 2, 1], "SAME")
        assert two.shape.as_list() == [2, 5, 6, 3]
        unknown = tf.nn.conv2d_backprop_input(
            tf.placeholder(tf.int32, [None]), w, dy, [1, 2, 2, 1], "SAME"
        )
        assert unknown.shape.as_list() == [None, None, None, None]
        with pytest.raises(ValueError, match="4 values or 2 values, but got: 3"):
            tf.nn.conv2d_backprop_input([5, 5, 3], w, dy, [1, 2, 2, 1], "SAME")


def test_backprop_ops_reject_sizes_of_the_wrong_length_at_run_time():
    with tf.Graph().as_default(), tf.Session() as sess:
        sizes = tf.placeholder(tf.int32, [None])
        w = tf.zeros([2, 2, 3, 4])
        out = tf.nn.conv2d_backprop_filter(
            tf.zeros([1, 4, 4, 3]), sizes, tf.zeros([1, 4, 4, 4]), [1, 1, 1, 1], "SAME"
        )
        with pytest.raises(tf.errors.InvalidArgumentError, match="filter must be 4-dimensional"):
            sess.run(out, {sizes: [2, 2, 3]})
        back = tf.nn.conv2d_backprop_input(sizes, w, tf.zeros([1, 4, 4, 4]), [1] * 4, "SAME")
        with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -4 must be >= 0"):
            sess.run(back, {sizes: [1, -4, 4, 3]})
