"""Pooling ops (ndflow/ops/nn/pooling*.py, pool_nd.py) against the loop references of
tests/support/reference/pooling.py: every registered pooling op (2-D, 3-D, V2, the argmax
family and all gradient ops) on each declared dtype, NHWC and NCHW, SAME/VALID/explicit
padding and empty inputs, with TF's shape inference and errors; plus the builders' names,
arguments and dispatch. Gradient checks are in test_nn_pool_grad.py, TF's recorded values
in test_nn_pool_goldens.py."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import pooling as ref

F16, BF16, F32, F64 = tf.float16, tf.bfloat16, tf.float32, tf.float64
I8, I16, I32, I64, U8, U16 = tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.uint16
INF, NAN = np.inf, np.nan

K, S = [1, 3, 3, 1], [1, 2, 2, 1]
K5, S5 = [1, 2, 3, 2, 1], [1, 2, 2, 1, 1]


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def const(values):
    return tf.constant(np.array(values, np.int32))


def _shapes_4d(builder_ok, rank_error="Shape must be rank 4 but is rank 3"):
    """The four shape cases every 2-D pooling op gets (input 0 varied)."""
    return [
        ShapeCase([[2, 5, 7, 3]], expected=builder_ok[0]),
        ShapeCase([[None, 5, None, 3]], expected=builder_ok[1]),
        ShapeCase([None], expected=[None] * 4),
        ShapeCase([[2, 5, 7]], error=rank_error),
    ]


def _pool_spec(op_type, builder, reference, dtypes, pooled, **kwargs):
    return OpSpec(
        op_type,
        builder,
        reference=reference,
        shapes=[(2, 5, 7, 3)],
        dtypes=dtypes,
        shape_cases=_shapes_4d(pooled),
        **kwargs,
    )


_MAX_DTYPES = [F32, F64, F16, BF16, I32, I64, U8, I8, I16, U16]
_TIES = np.array([[1, 1, 0, 2, 2], [1, 1, -INF, 2, 2], [-INF, -INF, 3, 3, 3]], np.float32)
_NAN_ROW = np.array([NAN, 1, 1, NAN, -INF, -INF], np.float32).reshape(1, 1, 6, 1)

OP_SPECS = [
    _pool_spec(
        "MaxPool",
        lambda x: tf.nn.max_pool(x, K, S, "SAME"),
        lambda x: ref.max_pool(x, K, S, "SAME"),
        _MAX_DTYPES,
        ([2, 3, 4, 3], [None, 3, None, 3]),
        cases=[
            ([_TIES.reshape(1, 3, 5, 1)], ref.max_pool(_TIES.reshape(1, 3, 5, 1), K, S, "SAME")),
            (
                [_NAN_ROW],
                ref.max_pool(_NAN_ROW, K, S, "SAME"),
            ),
            ([np.zeros((0, 5, 7, 3), np.float32)], np.zeros((0, 3, 4, 3), np.float32)),
        ],
    ),
    OpSpec(
        "MaxPool",
        lambda x: tf.nn.max_pool(x, [1, 1, 3, 2], [1, 1, 2, 1], "VALID", data_format="NCHW"),
        reference=lambda x: ref.max_pool(x, [1, 1, 3, 2], [1, 1, 2, 1], "VALID"),
        shapes=[(2, 3, 6, 5)],
        dtypes=[F32, I32],
        shape_cases=[
            ShapeCase([[2, 3, 6, 5]], expected=[2, 3, 2, 4]),
            ShapeCase(
                [[2, 3, 2, 5]], error="Negative dimension size caused by subtracting 3 from 2"
            ),
        ],
        id="MaxPool_NCHW_VALID",
    ),
    OpSpec(
        "MaxPool",
        lambda x: tf.nn.max_pool(x, 3, 2, [[0, 0], [1, 2], [2, 0], [0, 0]]),
        reference=lambda x: ref.max_pool(x, K, S, "EXPLICIT", [0, 0, 1, 2, 2, 0, 0, 0]),
        shapes=[(2, 5, 7, 3)],
        dtypes=[F32, I64],
        shape_cases=[
            ShapeCase([[2, 5, 7, 3]], expected=[2, 3, 4, 3]),
            ShapeCase([[2, 0, 1, 3]], expected=[2, 1, 1, 3]),
            ShapeCase(
                [[2, 0, 0, 3]], error="Negative dimension size caused by subtracting 3 from 2"
            ),
        ],
        id="MaxPool_explicit",
    ),
    OpSpec(
        "MaxPool",
        lambda x: tf.nn.max_pool(x, [1, 1, 1, 2], [1, 1, 1, 2], "VALID"),
        reference=lambda x: ref.max_pool(x, [1, 1, 1, 2], [1, 1, 1, 2], "VALID"),
        shapes=[(2, 3, 3, 6)],
        dtypes=[F32, U8],
        shape_cases=[ShapeCase([[2, 3, 3, 6]], expected=[2, 3, 3, 3])],
        id="MaxPool_depthwise",
    ),
    _pool_spec(
        "MaxPoolV2",
        lambda x: raw("MaxPoolV2", x, const(K), const(S), padding="SAME"),
        lambda x: ref.max_pool(x, K, S, "SAME"),
        [F32, F64, I32, U16],
        ([2, 3, 4, 3], [None, 3, None, 3]),
    ),
    OpSpec(
        "MaxPoolV2",
        lambda x, k, s: raw("MaxPoolV2", x, k, s, padding="SAME"),
        shape_cases=[
            ShapeCase([[2, 5, 7, 3], ([4], I32), ([4], I32)], expected=None),
            ShapeCase([[2, 5, 7, 3], ([3], I32), ([4], I32)], error="Dimension must be 4 but is 3"),
            ShapeCase([[2, 5, 7, 3], ([4, 1], I32), ([4], I32)], error="must be rank 1"),
        ],
        id="MaxPoolV2_window_inputs",
    ),
    _pool_spec(
        "AvgPool",
        lambda x: tf.nn.avg_pool(x, K, S, "SAME"),
        lambda x: ref.avg_pool(x, K, S, "SAME"),
        [F32, F64, F16],
        ([2, 3, 4, 3], [None, 3, None, 3]),
        cases=[([np.zeros((2, 0, 3, 2), np.float32)], np.zeros((2, 0, 2, 2), np.float32))],
    ),
    OpSpec(
        "AvgPool",
        lambda x: tf.nn.avg_pool(x, [1, 1, 2, 4], [1, 1, 3, 1], "VALID", data_format="NCHW"),
        reference=lambda x: ref.avg_pool(x, [1, 1, 2, 4], [1, 1, 3, 1], "VALID"),
        shapes=[(2, 3, 6, 5)],
        dtypes=[F32, F64],
        shape_cases=[
            ShapeCase([[2, 3, 6, 5]], expected=[2, 3, 2, 2]),
            ShapeCase([[2, 3, 1, 5]], error="Negative dimension size caused by subtracting 2"),
        ],
        id="AvgPool_NCHW_VALID",
    ),
]


def _pooled_grad(op_type, pool, **attrs):
    """MaxPoolGrad(V2)(x, pool(x), g): the gradient op on a consistent forward output."""
    if op_type.endswith("V2"):
        return lambda x, g: raw(op_type, x, pool(x), g, const(K), const(S), **attrs)
    return lambda x, g: raw(op_type, x, pool(x), g, ksize=K, strides=S, **attrs)


def _max_pool_same(x):
    return tf.nn.max_pool(x, K, S, "SAME")


_GRAD_SHAPES = [
    ShapeCase([[2, 5, 7, 3], [2, 3, 4, 3]], expected=[2, 5, 7, 3]),
    ShapeCase([[None, 5, None, 3], [2, 3, 4, 3]], expected=[None, 5, None, 3]),
    ShapeCase([None, [2, 3, 4, 3]], expected=[None] * 4),
    ShapeCase([[2, 5, 7], [2, 3, 4, 3]], error="Shape must be rank 4 but is rank 3"),
]
_GRAD_GRAD_SHAPES = [
    ShapeCase([[2, 5, 7, 3], [2, 5, 7, 3]], expected=[2, 3, 4, 3]),
    ShapeCase([[None, 5, None, 3], [2, None, 7, 3]], expected=[None, 3, None, 3]),
    ShapeCase([None, None], expected=[None] * 4),
    ShapeCase(
        [[2, 5, 7, 3], [2, 5, 6, 3]],
        error="Dimension 2 in both shapes must be equal, but are 7 and 6",
    ),
]

OP_SPECS += [
    OpSpec(
        op_type,
        _pooled_grad(op_type, _max_pool_same, padding="SAME"),
        reference=lambda x, g: ref.max_pool_grad(x, g, K, S, "SAME"),
        shapes=[(2, 5, 7, 3), (2, 3, 4, 3)],
        dtypes=[F32, F64, I32],
        domain="distinct",
        shape_cases=_GRAD_SHAPES,
    )
    for op_type in ("MaxPoolGrad", "MaxPoolGradV2")
]
OP_SPECS += [
    OpSpec(
        op_type,
        _pooled_grad(op_type, _max_pool_same, padding="SAME"),
        reference=lambda x, g: ref.max_pool_grad_grad(x, g, K, S, "SAME"),
        shapes=[(2, 5, 7, 3), (2, 5, 7, 3)],
        dtypes=[F32, F64, I64],
        domain="distinct",
        shape_cases=_GRAD_GRAD_SHAPES,
    )
    for op_type in ("MaxPoolGradGrad", "MaxPoolGradGradV2")
]
OP_SPECS += [
    OpSpec(
        "MaxPoolGrad",
        lambda x, g: raw(
            "MaxPoolGrad",
            x,
            tf.nn.max_pool(x, 2, 2, "SAME"),
            g,
            ksize=[1, 2, 2, 1],
            strides=[1, 2, 2, 1],
            padding="SAME",
        ),  # fmt: skip
        reference=lambda x, g: ref.max_pool_grad(x, g, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
        shapes=[(2, 5, 7, 3), (2, 3, 4, 3)],
        dtypes=[F16, BF16, U16],
        domain="distinct",
        id="MaxPoolGrad_disjoint_windows",
    ),
    OpSpec(
        "MaxPoolGrad",
        lambda x, g: raw(
            "MaxPoolGrad",
            x,
            tf.nn.max_pool(x, 3, 2, [[0, 0], [1, 2], [2, 0], [0, 0]]),
            g,
            ksize=K,
            strides=S,
            padding="EXPLICIT",
            explicit_paddings=[0, 0, 1, 2, 2, 0, 0, 0],
        ),
        reference=lambda x, g: ref.max_pool_grad(x, g, K, S, "EXPLICIT", [0, 0, 1, 2, 2, 0, 0, 0]),
        shapes=[(2, 5, 7, 3), (2, 3, 4, 3)],
        dtypes=[F64],
        cases=[
            (
                [_TIES.reshape(1, 3, 5, 1), np.arange(1, 7, dtype=np.float32).reshape(1, 2, 3, 1)],
                ref.max_pool_grad(
                    _TIES.reshape(1, 3, 5, 1),
                    np.arange(1, 7, dtype=np.float32).reshape(1, 2, 3, 1),
                    K,
                    S,
                    "EXPLICIT",
                    [0, 0, 1, 2, 2, 0, 0, 0],
                ),
            )
        ],
        id="MaxPoolGrad_explicit_ties",
    ),
    OpSpec(
        "AvgPoolGrad",
        lambda g: raw("AvgPoolGrad", const([2, 5, 7, 3]), g, ksize=K, strides=S, padding="SAME"),
        reference=lambda g: ref.avg_pool_grad((2, 5, 7, 3), g, K, S, "SAME"),
        shapes=[(2, 3, 4, 3)],
        dtypes=[F32, F64, F16],
    ),
    OpSpec(
        "AvgPoolGrad",
        lambda s, g: raw("AvgPoolGrad", s, g, ksize=K, strides=S, padding="VALID"),
        shape_cases=[
            ShapeCase([([4], I32), [2, 2, 3, 3]], expected=[None] * 4),
            ShapeCase([(None, I32), [2, 2, 3, 3]], expected=[None] * 4),
            ShapeCase([([3], I32), [2, 2, 3, 3]], error="Shape must be rank 4 but is rank 3"),
            ShapeCase([([4, 1], I32), [2, 2, 3, 3]], error="Shape must be rank 1 but is rank 2"),
        ],
        id="AvgPoolGrad_shape_input",
    ),
]


def _pool3d_shapes(expected):
    return [
        ShapeCase([[2, 5, 4, 6, 2]], expected=expected),
        ShapeCase([[None, 5, 4, None, 2]], expected=[None, 3, 2, None, 2]),
        ShapeCase([None], expected=[None] * 5),
        ShapeCase([[2, 5, 4, 6]], error="Shape must be rank 5 but is rank 4"),
    ]


def _max_pool3d(x):
    return tf.nn.max_pool3d(x, K5, S5, "SAME")


OP_SPECS += [
    OpSpec(
        "MaxPool3D",
        _max_pool3d,
        reference=lambda x: ref.max_pool_3d(x, K5, S5, "SAME"),
        shapes=[(2, 5, 4, 6, 2)],
        dtypes=[F32, F16, BF16],
        shape_cases=_pool3d_shapes([2, 3, 2, 6, 2]),
    ),
    OpSpec(
        "MaxPool3D",
        lambda x: tf.nn.max_pool3d(x, [1, 1, 2], [1, 1, 2], "VALID"),
        cases=[
            (
                [np.array([-INF, -INF, 1.0, 2.0], np.float32).reshape(1, 1, 1, 4, 1)],
                np.array([-INF, 2.0], np.float32).reshape(1, 1, 1, 2, 1),
            )
        ],
        id="MaxPool3D_infinities",
    ),
    OpSpec(
        "MaxPool3D",
        lambda x: tf.nn.max_pool3d(x, [1, 1, 2, 1, 3], [1, 1, 1, 2, 1], "VALID", "NCDHW"),
        reference=lambda x: ref.max_pool_3d(x, [1, 1, 2, 1, 3], [1, 1, 1, 2, 1], "VALID"),
        shapes=[(2, 2, 5, 4, 6)],
        shape_cases=[ShapeCase([[2, 2, 5, 4, 6]], expected=[2, 2, 4, 2, 4])],
        id="MaxPool3D_NCDHW",
    ),
    OpSpec(
        "AvgPool3D",
        lambda x: tf.nn.avg_pool3d(x, K5, S5, "SAME"),
        reference=lambda x: ref.avg_pool(x, K5, S5, "SAME"),
        shapes=[(2, 5, 4, 6, 2)],
        dtypes=[F32, F64, F16],
        shape_cases=_pool3d_shapes([2, 3, 2, 6, 2]),
    ),
    OpSpec(
        "MaxPool3DGrad",
        lambda x, g: raw(
            "MaxPool3DGrad", x, _max_pool3d(x), g, ksize=K5, strides=S5, padding="SAME"
        ),
        reference=lambda x, g: ref.max_pool_3d_grad(
            x, ref.max_pool_3d(x, K5, S5, "SAME"), g, K5, S5, "SAME"
        ),
        shapes=[(2, 5, 4, 6, 2), (2, 3, 2, 6, 2)],
        dtypes=[F32, F16],
        shape_cases=[
            ShapeCase([[2, 5, 4, 6, 2], [2, 3, 2, 6, 2]], expected=[2, 5, 4, 6, 2]),
            ShapeCase([[2, None, 4, 6, 2], [2, 3, 2, 6, 2]], expected=[2, None, 4, 6, 2]),
            ShapeCase([None, [2, 3, 2, 6, 2]], expected=[None] * 5),
            ShapeCase([[2, 5, 4, 6], [2, 3, 2, 6, 2]], error="Shape must be rank 5 but is rank 4"),
        ],
    ),
    OpSpec(
        "MaxPool3DGrad",
        lambda x, g: raw(
            "MaxPool3DGrad",
            x,
            tf.nn.max_pool3d(x, [1, 1, 1, 2, 1], [1, 1, 1, 2, 1], "VALID"),
            g,
            ksize=[1, 1, 1, 2, 1],
            strides=[1, 1, 1, 2, 1],
            padding="VALID",
        ),
        cases=[
            (
                [
                    np.array([1.0, 1.000001, 3, 3, -INF, -INF], np.float32).reshape(1, 1, 1, 6, 1),
                    np.array([10.0, 20.0, 30.0], np.float32).reshape(1, 1, 1, 3, 1),
                ],
                np.array([10.0, 10.0, 20.0, 20.0, 0.0, 0.0], np.float32).reshape(1, 1, 1, 6, 1),
            )
        ],
        id="MaxPool3DGrad_near_ties",
    ),
    OpSpec(
        "MaxPool3DGradGrad",
        lambda x, g: raw(
            "MaxPool3DGradGrad", x, _max_pool3d(x), g, ksize=K5, strides=S5, padding="SAME"
        ),
        reference=lambda x, g: ref.max_pool_3d_grad_grad(
            x, ref.max_pool_3d(x, K5, S5, "SAME"), g, K5, S5, "SAME"
        ),
        shapes=[(2, 5, 4, 6, 2), (2, 5, 4, 6, 2)],
        dtypes=[F32],
        shape_cases=[
            ShapeCase([[2, 5, 4, 6, 2], [2, 5, 4, 6, 2]], expected=[2, 3, 2, 6, 2]),
            ShapeCase([[2, None, 4, 6, 2], [None] * 5], expected=[2, None, 2, 6, 2]),
            ShapeCase([None, None], expected=[None] * 5),
            ShapeCase(
                [[2, 5, 4, 6, 2], [2, 5, 4, 5, 2]],
                error="Dimension 3 in both shapes must be equal, but are 6 and 5",
            ),
        ],
    ),
    OpSpec(
        "AvgPool3DGrad",
        lambda g: raw(
            "AvgPool3DGrad", const([2, 5, 4, 6, 2]), g, ksize=K5, strides=S5, padding="SAME"
        ),
        reference=lambda g: ref.avg_pool_grad((2, 5, 4, 6, 2), g, K5, S5, "SAME"),
        shapes=[(2, 3, 2, 6, 2)],
        dtypes=[F32, F64],
        shape_cases=[ShapeCase([[2, 3, 2, 6, 2]], expected=[2, 5, 4, 6, 2])],
    ),
    OpSpec(
        "AvgPool3DGrad",
        lambda s, g: raw("AvgPool3DGrad", s, g, ksize=K5, strides=S5, padding="SAME"),
        shape_cases=[
            ShapeCase([([5], I32), [2, 3, 2, 6, 2]], expected=[None] * 5),
            ShapeCase([(None, I32), [2, 3, 2, 6, 2]], expected=[None] * 5),
            ShapeCase([([4], I32), [2, 3, 2, 6, 2]], error="Shape must be rank 5 but is rank 4"),
        ],
        id="AvgPool3DGrad_shape_input",
    ),
]


def _argmax(x, include_batch=False, targmax=tf.int64):
    return list(
        tf.nn.max_pool_with_argmax(
            x, K, S, "SAME", Targmax=targmax, include_batch_in_index=include_batch
        )
    )


def _argmax_of(x, include_batch):
    return tf.nn.max_pool_with_argmax(x, K, S, "SAME", include_batch_in_index=include_batch)[1]


OP_SPECS += [
    _pool_spec(
        "MaxPoolWithArgmax",
        _argmax,
        lambda x: list(ref.max_pool_with_argmax(x, K, S, "SAME")),
        [F32, F64, F16, I32, U8],
        ([2, 3, 4, 3], [None, 3, None, 3]),
        domain="distinct",
    ),
    OpSpec(
        "MaxPoolWithArgmax",
        lambda x: _argmax(x, include_batch=True, targmax=tf.int32),
        reference=lambda x: list(
            ref.max_pool_with_argmax(x, K, S, "SAME", include_batch=True, index_dtype=np.int32)
        ),
        shapes=[(2, 5, 7, 3)],
        cases=[
            (
                [np.concatenate([_TIES, _TIES[::-1]]).reshape(2, 3, 5, 1)],
                list(
                    ref.max_pool_with_argmax(
                        np.concatenate([_TIES, _TIES[::-1]]).reshape(2, 3, 5, 1),
                        K,
                        S,
                        "SAME",
                        include_batch=True,
                        index_dtype=np.int32,
                    )
                ),
            )
        ],
        id="MaxPoolWithArgmax_batch_index",
    ),
]
for _batch in (False, True):
    OP_SPECS += [
        OpSpec(
            "MaxPoolGradWithArgmax",
            lambda x, g, b=_batch: raw(
                "MaxPoolGradWithArgmax",
                x,
                g,
                _argmax_of(x, b),
                ksize=K,
                strides=S,
                padding="SAME",
                include_batch_in_index=b,
            ),
            reference=lambda x, g, b=_batch: ref.max_pool_grad_with_argmax(
                x, g, ref.max_pool_with_argmax(x, K, S, "SAME", include_batch=b)[1], b
            ),
            shapes=[(2, 5, 7, 3), (2, 3, 4, 3)],
            dtypes=[F32, F64, I32],
            domain="distinct",
            shape_cases=_GRAD_SHAPES,
            id=f"MaxPoolGradWithArgmax_batch_{_batch}",
        ),
        OpSpec(
            "MaxPoolGradGradWithArgmax",
            lambda x, g, b=_batch: raw(
                "MaxPoolGradGradWithArgmax",
                x,
                g,
                _argmax_of(x, b),
                ksize=K,
                strides=S,
                padding="SAME",
                include_batch_in_index=b,
            ),
            reference=lambda x, g, b=_batch: ref.max_pool_grad_grad_with_argmax(
                g, ref.max_pool_with_argmax(x, K, S, "SAME", include_batch=b)[1], b
            ),
            shapes=[(2, 5, 7, 3), (2, 5, 7, 3)],
            dtypes=[F32, I64],
            domain="distinct",
            shape_cases=_GRAD_GRAD_SHAPES,
            id=f"MaxPoolGradGradWithArgmax_batch_{_batch}",
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


# ---------------------------------------------------------------------- builders


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


def test_builders_name_ops_as_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [2, 6, 6, 3])
        y = tf.placeholder(F32, [2, 6, 3])
        assert tf.nn.max_pool(x, 2, 2, "SAME").name == "MaxPool:0"
        assert tf.nn.max_pool2d(x, 2, 2, "SAME").name == "MaxPool2d:0"
        assert tf.nn.avg_pool(x, 2, 2, "SAME").name == "AvgPool:0"
        assert tf.nn.avg_pool2d(x, 2, 2, "SAME", name="pooled").name == "pooled:0"
        assert tf.nn.max_pool1d(y, 2, 2, "SAME").name == "MaxPool1d/Squeeze:0"
        assert tf.nn.avg_pool1d(y, 2, 2, "SAME").name == "AvgPool1D/Squeeze:0"
        assert tf.nn.pool(y, [2], "AVG", "SAME").name == "avg_pool/Squeeze:0"
        names = _op_names()
    for name in ("MaxPool1d/ExpandDims", "MaxPool1d", "avg_pool/dilation_rate", "avg_pool"):
        assert name in names


def test_max_pool_argument_forms():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [2, 6, 6, 3])
        op = tf.nn.max_pool(None, input=x, ksize=[2, 3], strides=1, padding="VALID").op
        assert op.get_attr("ksize") == [1, 2, 3, 1]
        assert op.get_attr("strides") == [1, 1, 1, 1]
        nchw = tf.nn.max_pool(x, 2, [1, 2], "SAME", data_format="NCHW").op
        assert nchw.get_attr("ksize") == [1, 1, 2, 2]
        assert nchw.get_attr("strides") == [1, 1, 1, 2]
        explicit = tf.nn.max_pool(x, 2, 1, [[0, 0], [1, 0], [0, 1], [0, 0]]).op
        assert explicit.get_attr("padding") == b"EXPLICIT"
        assert explicit.get_attr("explicit_paddings") == [0, 0, 1, 0, 0, 1, 0, 0]
        with pytest.raises(ValueError, match="Cannot specify both 'value' and 'input'"):
            tf.nn.max_pool(x, 2, 2, "SAME", input=x)
        with pytest.raises(ValueError, match="ksize should be of length 1, 2 or 4"):
            tf.nn.max_pool(x, [2, 2, 2], 2, "SAME")
        with pytest.raises(ValueError, match="each element of `padding` must be a list/tuple"):
            tf.nn.max_pool(x, 2, 2, [0, 0, 0, 0])
        with pytest.raises(ValueError, match="it must be of size 4"):
            tf.nn.max_pool(x, 2, 2, [[0, 0], [0, 0], [0, 0]])


def test_explicit_paddings_attr_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [2, 5, 5, 3])
        common = {"ksize": K, "strides": S}
        with pytest.raises(ValueError, match="must contain 8 values, but got: 6"):
            raw("MaxPool", x, padding="EXPLICIT", explicit_paddings=[0] * 6, **common)
        with pytest.raises(ValueError, match="must be nonnegative"):
            raw("MaxPool", x, padding="EXPLICIT", explicit_paddings=[0, 0, -1] + [0] * 5, **common)
        with pytest.raises(ValueError, match="must be empty if the padding attribute"):
            raw("MaxPool", x, padding="VALID", explicit_paddings=[0] * 8, **common)
        with pytest.raises(ValueError, match="requires the ksize attribute to contain 4 values"):
            raw("MaxPool", x, ksize=[1] * 5, strides=S, padding="VALID")
        with pytest.raises(ValueError, match="Pool3D requires the ksize attribute to contain 5"):
            raw("MaxPool3D", tf.placeholder(F32, [1] * 5), ksize=[1] * 6, strides=[1] * 5,
                padding="VALID")  # fmt: skip


def test_pool_dilation_matches_a_dilated_loop():
    x = np.random.default_rng(3).normal(size=(2, 9, 8, 3)).astype(np.float32)
    rates = [2, 3]
    with tf.Graph().as_default():
        static = tf.placeholder(F32, x.shape)
        dynamic = tf.placeholder(F32, [None, None, None, 3])
        outputs = [
            tf.nn.pool(p, [2, 2], "MAX", "VALID", dilation_rate=rates) for p in (static, dynamic)
        ]
        assert outputs[0].shape.as_list() == [2, 7, 5, 3]
        assert outputs[1].shape.as_list() == [None, None, None, 3]
        values = _run(outputs, {static: x, dynamic: x})
    want = np.max(
        [x[:, i : i + 7, j : j + 5] for i in (0, 2) for j in (0, 3)], axis=0
    )  # window cells at rate offsets
    np.testing.assert_array_equal(values[0], want)
    np.testing.assert_array_equal(values[1], want)


def test_pool_dilation_channels_first_matches_channels_last():
    x = np.random.default_rng(4).normal(size=(2, 3, 9, 7)).astype(np.float32)
    with tf.Graph().as_default():
        first = tf.placeholder(F32, [None, 3, None, None])
        out = tf.nn.pool(first, [2, 3], "AVG", "VALID", dilation_rate=[3, 2], data_format="NCHW")
        last = tf.nn.pool(tf.transpose(first, [0, 2, 3, 1]), [2, 3], "AVG", "VALID",
                          dilation_rate=[3, 2])  # fmt: skip
        values = _run([out, tf.transpose(last, [0, 3, 1, 2])], {first: x})
    assert values[0].shape == (2, 3, 6, 3)
    np.testing.assert_allclose(values[0], values[1], rtol=1e-6)


def test_pool_argument_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [2, 9, 3])
        with pytest.raises(ValueError, match="1-D MIN pooling is not supported"):
            tf.nn.pool(x, [2], "MIN", "SAME")
        with pytest.raises(ValueError, match="must have rank 4"):
            tf.nn.pool(x, [2, 2], "MAX", "SAME")
        with pytest.raises(ValueError, match="`len\\(window_shape\\)` must be 1, 2, or 3"):
            tf.nn.pool(x, [2] * 4, "MAX", "SAME")
        with pytest.raises(ValueError, match="data_format must be either 'NWC' or 'NCW'"):
            tf.nn.pool(x, [2], "MAX", "SAME", data_format="NCHW")
        with pytest.raises(ValueError, match="not supported in conjunction with"):
            tf.nn.pool(x, [2], "MAX", "VALID", strides=[2], dilation_rate=[2])
        with pytest.raises(ValueError, match="all values of `dilation_rate` must be positive"):
            tf.nn.pool(x, [2], "MAX", "VALID", dilation_rate=[0])


def test_v2_builders_dispatch_on_rank():
    with tf.Graph().as_default():
        assert tf.nn.max_pool_v2(tf.placeholder(F32, [1, 4, 2]), 2, 2, "SAME").op.type == "Squeeze"
        assert (
            tf.nn.max_pool_v2(tf.placeholder(F32, [1, 4, 4, 2]), 2, 2, "SAME").op.type == "MaxPool"
        )
        assert tf.nn.avg_pool_v2(tf.placeholder(F32, [1, 4, 4, 4, 2]), 2, 2, "SAME").op.type == (
            "AvgPool3D"
        )
        with pytest.raises(ValueError, match="must be 3, 4 or 5"):
            tf.nn.max_pool_v2(tf.placeholder(F32, [2, 3]), 2, 2, "SAME")
        with pytest.raises(ValueError, match="must have a static shape or a data format"):
            tf.nn.max_pool_v2(tf.placeholder(F32, None), 2, 2, "SAME")
        unknown_rank = tf.nn.avg_pool_v2(tf.placeholder(F32, None), 2, 2, "SAME", "NCHW")
        assert unknown_rank.op.get_attr("ksize") == [1, 1, 2, 2]


def test_kernel_errors_follow_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, None)
        grad = raw(
            "MaxPoolGrad", x, x, x, ksize=[1, 1, 1, 2], strides=[1, 1, 1, 2], padding="VALID"
        )
        argmax = tf.placeholder(tf.int64, None)
        routed = raw("MaxPoolGradWithArgmax", x, x, argmax, ksize=[1, 1, 1, 1],
                     strides=[1, 1, 1, 1], padding="VALID")  # fmt: skip
        ones = np.ones((1, 2, 2, 2), np.float32)
        with pytest.raises(tf.errors.UnimplementedError, match="not yet supported on the depth"):
            _run(grad, {x: ones})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid output gradient index"):
            _run(routed, {x: ones, argmax: np.full((1, 2, 2, 2), 9)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="tensor_in must be 4-dimensional"):
            _run(tf.nn.max_pool(x, 1, 1, "VALID"), {x: np.ones((2, 2), np.float32)})
