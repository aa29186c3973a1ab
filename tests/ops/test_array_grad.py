"""Gradients of the array op family, and the ops that exist for gradients.

GRAD_SPECS: finite-difference checks (tests/support/grad_check.py) for every differentiable
array op, with static dims, unknown dims or unknown rank (hidden behind a
PlaceholderWithDefault), IndexedSlices flowing in, and gradients of gradients for the ops
whose gradient is another op with a gradient (StridedSlice <-> StridedSliceGrad, MirrorPad
<-> MirrorPadGrad, Tile, Slice...).

OP_SPECS: BroadcastGradientArgs, ConcatOffset, StridedSliceGrad and MirrorPadGrad against
independent loop references, with their static shape inference.

Goldens recorded from real TF (tools/goldens/array_grad.py): the gradient values, whether
each gradient is dense, an IndexedSlices or None, and how many ops of each type the gradient
builds (TF's formulas, op for op), in three placeholder modes; and the helper ops' values,
static shapes and error messages.
"""

from __future__ import annotations

import itertools
import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import registry
from tests.support import golden
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

F32, F64, F16, I32, I64, C64 = tf.float32, tf.float64, tf.float16, tf.int32, tf.int64, tf.complex64

_RNG = np.random.default_rng(7)


def _normal(*shape):
    return _RNG.normal(size=shape)


def raw(op_type, *inputs, **attrs):
    """One op straight from the registry."""
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _dynamic(x):
    """`x` with every dim unknown to shape inference (the gradient must use Shape ops)."""
    return tf.placeholder_with_default(x, [None] * x.shape.rank)


def _unknown_rank(x):
    return tf.placeholder_with_default(x, None)


def _densified(x):
    """`x` through a Reshape, whose gradient sums an IndexedSlices into a dense Tensor: the
    Session cannot fetch an IndexedSlices yet (tests/support/grad_check.py fetches the
    gradient itself). The IndexedSlices themselves are checked below and in the goldens."""
    return tf.reshape(x, x.shape.as_list())


def _i(*values, dtype=np.int32):
    return np.array(values, dtype=dtype)


# ---------------------------------------------------------------------- gradient checks

X23, X34, X234 = _normal(2, 3), _normal(3, 4), _normal(2, 3, 4)
C23 = (_normal(2, 3) + 1j * _normal(2, 3)).astype(np.complex128)

GRAD_SPECS = [
    # passthrough.py, constants.py
    GradSpec("Identity", tf.identity, [X23]),
    GradSpec("IdentityN", lambda a, b: tf.identity_n([a, b]), [X23, _normal(4)]),
    GradSpec(
        "IdentityN",
        lambda a, b: tf.identity_n([a, b])[1],
        [X23, _normal(4)],
        id="IdentityN-one-output-used",
    ),
    GradSpec("CheckNumerics", lambda a: tf.check_numerics(a, "m"), [X23]),
    GradSpec("PlaceholderWithDefault", lambda a: tf.placeholder_with_default(a, [None, 3]), [X23]),
    GradSpec("Fill", lambda v: tf.fill([2, 3], v), [np.array(0.7)]),
    GradSpec(
        "Fill",
        lambda v: tf.fill(tf.placeholder_with_default(_i(2, 3), [None]), v),
        [np.array(0.7)],
        id="Fill-dynamic-dims",
    ),
    # shapes.py
    GradSpec("Reshape", lambda a: tf.reshape(a, [3, 2]), [X23]),
    GradSpec("Reshape", lambda a: tf.reshape(_dynamic(a), [-1]), [X234], id="Reshape-dynamic"),
    GradSpec(
        "Reshape",
        lambda a: tf.reshape(tf.placeholder_with_default(a, [None, 3]), [3, -1]),
        [X23],
        order=2,
        id="Reshape-one-unknown-dim",
    ),
    GradSpec("ExpandDims", lambda a: tf.expand_dims(a, 1), [X23]),
    GradSpec("Squeeze", lambda a: tf.squeeze(_dynamic(a)), [_normal(2, 1, 3)]),
    GradSpec("BroadcastTo", lambda a: tf.broadcast_to(a, [4, 2, 3]), [_normal(2, 1)], order=2),
    GradSpec(
        "BroadcastTo",
        lambda a: tf.broadcast_to(a, tf.placeholder_with_default(_i(2, 2, 3), [3])),
        [_normal(1, 3)],
        id="BroadcastTo-dynamic-shape",
    ),
    # rearranging.py
    GradSpec("Transpose", lambda a: tf.transpose(a, [2, 0, 1]), [X234], order=2),
    GradSpec(
        "Transpose", lambda a: tf.transpose(_unknown_rank(a)), [X234], id="Transpose-unknown-rank"
    ),
    GradSpec("ConjugateTranspose", lambda a: tf.transpose(a, conjugate=True), [C23]),
    GradSpec("ReverseV2", lambda a: tf.reverse(a, [0, 2]), [X234]),
    GradSpec("Tile", lambda a: tf.tile(a, [2, 3]), [X23], order=2),
    GradSpec("Tile", lambda a: tf.tile(_dynamic(a), [2, 1, 2]), [X234], id="Tile-dynamic"),
    GradSpec(
        "Tile",
        lambda a: tf.gather(tf.tile(a, [3, 1]), [0, 5, 4, 5]),
        [X23],
        id="Tile-indexed-slices",
    ),
    GradSpec("Pad", lambda a: tf.pad(a, [[1, 2], [0, 1]]), [X23], order=2),
    GradSpec("Pad", lambda a: tf.pad(_dynamic(a), [[0, 1], [2, 0], [1, 1]]), [X234], id="Pad-dyn"),
    GradSpec("PadV2", lambda a: tf.pad(a, [[1, 0], [2, 1]], constant_values=2.5), [X23]),
    GradSpec("MirrorPad", lambda a: tf.pad(a, [[1, 1], [2, 1]], "REFLECT"), [X34], order=2),
    GradSpec(
        "MirrorPad",
        lambda a: tf.pad(_dynamic(a), [[1, 0], [0, 2], [3, 4]], "SYMMETRIC"),
        [X234],
        id="MirrorPad-symmetric-dynamic",
    ),
    GradSpec(
        "MirrorPadGrad",
        lambda g: raw("MirrorPadGrad", g, [[1, 2], [2, 1]], mode="REFLECT"),
        [_normal(6, 7)],
        order=2,
    ),
    # joining.py
    GradSpec("ConcatV2", lambda a, b: tf.concat([a, b], 1), [X23, _normal(2, 2)]),
    GradSpec(
        "ConcatV2",
        lambda a, b: tf.concat([_dynamic(a), b], -2),
        [X23, _normal(4, 3)],
        order=2,
        id="ConcatV2-dynamic-negative-axis",
    ),
    GradSpec(
        "ConcatV2",
        lambda a: tf.concat(tf.split(a, 17)[::-1], 0),
        [_normal(17, 2)],
        id="ConcatV2-many-inputs",
    ),
    GradSpec(
        "ConcatV2",
        lambda a, b: tf.gather(tf.concat([_densified(a), _densified(b)], 0), [0, 3, 1]),
        [X23, _normal(3, 3)],
        id="ConcatV2-indexed-slices-axis0",
    ),
    GradSpec(
        "ConcatV2",
        lambda a, b: tf.gather(tf.concat([_densified(a), _densified(b)], -1), [1, 0, 1]),
        [X23, _normal(2, 2)],
        id="ConcatV2-indexed-slices-axis1",
    ),
    GradSpec("Pack", lambda a, b: tf.stack([a, b], axis=1), [X23, _normal(2, 3)]),
    GradSpec("Unpack", lambda a: tf.unstack(a, axis=1), [X234]),
    GradSpec("Unpack", lambda a: tf.unstack(a)[1], [X234], id="Unpack-one-output-used"),
    GradSpec("Split", lambda a: tf.split(a, 2, axis=1), [X34]),
    GradSpec("Split", lambda a: tf.split(a, 3)[2], [_normal(6, 2)], id="Split-one-output-used"),
    GradSpec("SplitV", lambda a: tf.split(a, [1, -1, 2], axis=1), [_normal(2, 5)]),
    # slicing.py
    GradSpec("Slice", lambda a: tf.slice(a, [1, 0, 1], [1, -1, 2]), [X234], order=2),
    GradSpec("Slice", lambda a: tf.slice(_dynamic(a), [1, 1], [2, -1]), [X34], id="Slice-dyn"),
    GradSpec("StridedSlice", lambda a: a[1:, ..., tf.newaxis, ::-1], [X234], order=2),
    GradSpec("StridedSlice", lambda a: a[1, ..., 2], [X234], id="StridedSlice-shrink"),
    GradSpec(
        "StridedSlice",
        lambda a: _dynamic(a)[::-2, 3:0:-1],
        [X34],
        id="StridedSlice-dynamic",
    ),
    GradSpec(
        "StridedSliceGrad",
        lambda dy: raw("StridedSliceGrad", [3, 4], [1, 0], [3, 4], [1, 2], dy),
        [_normal(2, 2)],
        order=2,
    ),
    # gathering.py
    GradSpec("Gather", lambda a: raw("Gather", _densified(a), [2, 0, 2]), [X34]),
    GradSpec("GatherV2", lambda a: tf.gather(_densified(a), [[2, 0], [1, 1]]), [X34]),
    GradSpec("GatherV2", lambda a: tf.gather(a, [3, 0, 3], axis=1), [X34], order=2, id="GV2-ax1"),
    GradSpec(
        "GatherV2",
        lambda a: tf.gather(_dynamic(a), [[1], [0]], axis=-1),
        [X234],
        id="GatherV2-dynamic-negative-axis",
    ),
    GradSpec(
        "GatherV2",
        lambda a: tf.gather(a, [[3, 0, 3], [1, 1, 2]], axis=2, batch_dims=1),
        [X234],
        order=2,
        id="GatherV2-batch-dims",
    ),
    GradSpec(
        "GatherV2",
        lambda a: tf.gather(a, _i(1, 0), axis=tf.placeholder_with_default(0, [])),
        [X234],
        id="GatherV2-dynamic-axis",
    ),
    GradSpec(
        "GatherNd",
        lambda a: tf.gather_nd(_densified(a), [[2], [0], [2]]),
        [X34],
        id="GatherNd-rows",
    ),
    GradSpec("GatherNd", lambda a: tf.gather_nd(a, [[1, 2], [0, 0], [1, 2]]), [X34], order=2),
    GradSpec(
        "ScatterNd", lambda u: tf.scatter_nd([[1], [3], [1]], u, [5, 3]), [X34[:, :3]], order=2
    ),
]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradients(spec):
    spec.check()


# ---------------------------------------------------------------------- helper ops


def ref_broadcast_gradient_args(s0, s1):
    """Loops over the right-aligned dims: an input reduces every axis where it has a 1."""
    s0, s1 = list(s0), list(s1)
    if s0 == s1:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    rank = max(len(s0), len(s1))
    r0, r1 = [], []
    for axis in range(rank):
        a = s0[axis - rank + len(s0)] if axis >= rank - len(s0) else 1
        b = s1[axis - rank + len(s1)] if axis >= rank - len(s1) else 1
        if a == 1:
            r0.append(axis)
        if b == 1:
            r1.append(axis)
    return np.array(r0, np.int32), np.array(r1, np.int32)


def ref_concat_offset(axis, *shapes):
    offsets, running = [], 0
    for shape in shapes:
        offset = [0] * len(shape)
        offset[axis] = running
        running += shape[axis]
        offsets.append(np.array(offset, np.asarray(shape).dtype))
    return offsets


def ref_strided_slice_grad(shape, begin, end, strides, dy):
    """Python slices (no masks): zeros with dy written at the sliced positions."""
    result = np.zeros(shape, dtype=dy.dtype)
    positions = [
        list(range(*slice(b, e, s).indices(n))) for n, b, e, s in zip(shape, begin, end, strides)
    ]
    for out_index, in_index in zip(
        itertools.product(*[range(len(p)) for p in positions]),
        itertools.product(*positions),
    ):
        result[in_index] = dy[out_index]
    return result


def ref_mirror_pad_grad(grad, paddings, mode):
    """Each padded position's source, read off np.pad of the index range, summed with loops."""
    result = np.asarray(grad)
    for axis, (before, after) in enumerate(paddings):
        size = result.shape[axis] - before - after
        sources = np.pad(np.arange(size), (before, after), mode=mode.lower())
        shape = list(result.shape)
        shape[axis] = size
        folded = np.zeros(shape, dtype=result.dtype)
        for position, source in enumerate(sources):
            target = [slice(None)] * result.ndim
            origin = [slice(None)] * result.ndim
            target[axis], origin[axis] = source, position
            folded[tuple(target)] += result[tuple(origin)]
        result = folded
    return result


_BGA_PAIRS = [([2, 3], [3]), ([1, 2, 1], [2, 1]), ([3, 1, 4], [1, 5, 1]), ([], [4, 1]), ([2], [2])]
_SSG_SPEC = ([4, 5], [1, 4], [4, -6], [2, -2])


def _bga_cases():
    cases = []
    for s0, s1 in _BGA_PAIRS:
        expected = ref_broadcast_gradient_args(s0, s1)
        cases.append(([_i(*s0), _i(*s1)], list(expected)))
    return cases


def _concat_offset_cases():
    shapes = [_i(2, 3, 4), _i(2, 5, 4), _i(2, 0, 4)]
    return [
        ([np.int32(1)] + shapes, ref_concat_offset(1, *shapes)),
        ([np.int32(-2)] + shapes, ref_concat_offset(1, *shapes)),
    ]


OP_SPECS = [
    OpSpec(
        "BroadcastGradientArgs",
        lambda a, b: raw("BroadcastGradientArgs", a, b),
        cases=_bga_cases(),
        shape_cases=[
            ShapeCase([([2], I32), ([3], I32)], expected=[None]),
            ShapeCase([([None], I32), ([3], I32)], expected=[None]),
            ShapeCase([(None, I32), (None, I32)], expected=[None]),
            ShapeCase([([2, 2], I32), ([3], I32)], error="Shape must be rank 1 but is rank 2"),
        ],
        grad="it computes integer reduction axes",
    ),
    OpSpec(
        "ConcatOffset",
        lambda d, a, b, c: raw("ConcatOffset", d, [a, b, c]),
        cases=_concat_offset_cases(),
        shape_cases=[
            ShapeCase([([], I32), ([3], I32), ([3], I32), ([3], I32)], expected=[3]),
            ShapeCase([([], I32), ([None], I32), ([3], I32), ([3], I32)], expected=[None]),
            ShapeCase([([], I32), (None, I32), ([3], I32), ([3], I32)], expected=None),
        ],
        grad="it computes integer offsets",
    ),
    OpSpec(
        "StridedSliceGrad",
        lambda dy: raw("StridedSliceGrad", *_SSG_SPEC, dy),
        reference=lambda dy: ref_strided_slice_grad(*_SSG_SPEC, dy),
        shapes=[(2, 3)],
        dtypes=[F32, F64, F16, I32, I64, C64, tf.bool],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[4, 5]),
            ShapeCase([[None, None]], expected=[4, 5]),
            ShapeCase([None], expected=[4, 5]),
        ],
    ),
    OpSpec(
        "StridedSliceGrad",
        lambda s, dy: raw("StridedSliceGrad", s, [1, 0], [3, 3], [1, 1], dy),
        cases=[
            (
                [_i(4, 3), np.ones((2, 3), np.float32)],
                ref_strided_slice_grad([4, 3], [1, 0], [3, 3], [1, 1], np.ones((2, 3), np.float32)),
            )
        ],
        shape_cases=[
            ShapeCase([([2], I32), [2, 3]], expected=[None, None]),
            ShapeCase([([None], I32), [2, 3]], expected=None),
            ShapeCase([(None, I32), [2, 3]], expected=None),
            ShapeCase([([2, 2], I32), [2, 3]], error="Shape must be rank 1 but is rank 2"),
        ],
        id="StridedSliceGrad-shape-tensor",
    ),
    OpSpec(
        "MirrorPadGrad",
        lambda g: raw("MirrorPadGrad", g, [[1, 2], [3, 0]], mode="REFLECT"),
        reference=lambda g: ref_mirror_pad_grad(g, [[1, 2], [3, 0]], "REFLECT"),
        shapes=[(6, 7)],
        dtypes=[F32, F64, I32, I64, C64],
        shape_cases=[
            ShapeCase([[6, 7]], expected=[3, 4]),
            ShapeCase([[None, 7]], expected=[None, 4]),
            ShapeCase([None], expected=[None, None]),
            ShapeCase([[2, 7]], error="Negative dimension size caused by subtracting 3 from 2"),
        ],
    ),
    OpSpec(
        "MirrorPadGrad",
        lambda g, p: raw("MirrorPadGrad", g, p, mode="SYMMETRIC"),
        cases=[
            (
                [np.arange(40.0).reshape(5, 8), _i(2, 0, 1, 3).reshape(2, 2)],
                ref_mirror_pad_grad(np.arange(40.0).reshape(5, 8), [[2, 0], [1, 3]], "SYMMETRIC"),
            )
        ],
        shape_cases=[
            ShapeCase([[5, 6], ([2, 2], I32)], expected=[None, None]),
            ShapeCase([[5, 6], ([None, 2], I32)], expected=None),
            ShapeCase([[5, 6, 1], ([2, 2], I32)], error="Shape must be rank 2 but is rank 3"),
            ShapeCase([[5, 6], ([2, 3], I32)], error="Dimension 1 in both shapes must be equal"),
        ],
        id="MirrorPadGrad-symmetric-fed-paddings",
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


def test_broadcast_gradient_args_matches_reference_on_random_shapes():
    rng = np.random.default_rng(3)
    pairs = []
    for _ in range(40):
        out = rng.integers(1, 4, size=rng.integers(0, 4)).tolist()
        s0 = [d if rng.random() < 0.6 else 1 for d in out[rng.integers(0, len(out) + 1) :]]
        s1 = [d if rng.random() < 0.6 else 1 for d in out[rng.integers(0, len(out) + 1) :]]
        pairs.append((s0, s1))
    with tf.Graph().as_default():
        a = tf.placeholder(tf.int64, [None])
        b = tf.placeholder(tf.int64, [None])
        r0, r1 = raw("BroadcastGradientArgs", a, b)
        with tf.Session() as sess:
            for s0, s1 in pairs:
                got = sess.run([r0, r1], {a: _i(*s0, dtype=np.int64), b: _i(*s1, dtype=np.int64)})
                want = ref_broadcast_gradient_args(s0, s1)
                for value, expected in zip(got, want):
                    assert value.dtype == np.int64
                    np.testing.assert_array_equal(value, expected, err_msg=f"{s0} vs {s1}")


# ---------------------------------------------------------------------- gradient structure


def _gradient(builder, x, up=None):
    """(gradient, its value) of builder(x) with respect to a placeholder fed with `x`."""
    graph = tf.Graph()
    with graph.as_default():
        placeholder = tf.placeholder(tf.as_dtype(x.dtype), shape=x.shape)
        y = builder(placeholder)
        grad_ys = None if up is None else [tf.constant(up)]
        (grad,) = tf.gradients(y, [placeholder], grad_ys=grad_ys)
        if grad is None:
            return None, None
        fetch = (grad.values, grad.indices, grad.dense_shape) if _is_slices(grad) else grad
        with tf.Session(graph=graph) as sess:
            return grad, sess.run(fetch, {placeholder: x})


def _is_slices(grad):
    return isinstance(grad, tf.IndexedSlices)


def test_gather_axis0_gradient_is_indexed_slices_of_the_gathered_rows():
    up = np.arange(12.0).reshape(2, 2, 3)
    grad, (values, indices, dense_shape) = _gradient(
        lambda x: tf.gather(x, [[2, 0], [2, 1]]), np.zeros((4, 3)), up
    )
    assert _is_slices(grad)
    assert grad.values.shape.as_list() == [4, 3]
    np.testing.assert_array_equal(values, up.reshape(4, 3))
    np.testing.assert_array_equal(indices, [2, 0, 2, 1])
    np.testing.assert_array_equal(dense_shape, [4, 3])


def test_legacy_gather_gradient_is_indexed_slices():
    grad, (values, indices, dense_shape) = _gradient(
        lambda x: raw("Gather", x, [1, 1]), np.zeros((3, 2))
    )
    assert _is_slices(grad)
    np.testing.assert_array_equal(values, np.ones((2, 2)))
    np.testing.assert_array_equal(indices, [1, 1])
    np.testing.assert_array_equal(dense_shape, [3, 2])


def test_gather_on_another_axis_gives_a_dense_gradient():
    grad, value = _gradient(lambda x: tf.gather(x, [2, 2, 0], axis=1), np.zeros((2, 3)))
    assert not _is_slices(grad)
    np.testing.assert_array_equal(value, [[1.0, 0.0, 2.0], [1.0, 0.0, 2.0]])


def test_gather_negative_batch_dims_needs_the_index_rank():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        indices = tf.placeholder(tf.int32, None)
        y = tf.gather(x, indices, axis=1, batch_dims=-1)
        with pytest.raises(ValueError, match="batch_dims < 0 and the rank of the indices"):
            tf.gradients(y, [x])


def test_gather_nd_single_column_indices_give_indexed_slices():
    grad, (values, indices, _) = _gradient(
        lambda x: tf.gather_nd(x, [[2], [0]]), np.zeros((3, 2)), np.arange(4.0).reshape(2, 2)
    )
    assert _is_slices(grad)
    np.testing.assert_array_equal(indices, [2, 0])
    np.testing.assert_array_equal(values, np.arange(4.0).reshape(2, 2))
    dense, value = _gradient(lambda x: tf.gather_nd(x, [[2, 1], [2, 1]]), np.zeros((3, 2)))
    assert dense.op.type == "ScatterNd"
    np.testing.assert_array_equal(value, [[0, 0], [0, 0], [0, 2]])


def test_concat_of_indexed_slices_needs_a_static_axis():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [2, 3])
        axis = tf.placeholder_with_default(0, [])
        y = tf.gather(tf.concat([a, a], axis), [1])
        with pytest.raises(ValueError, match="statically-known concat_dim"):
            tf.gradients(y, [a])


def test_concat_gradient_slices_with_concat_offset_or_splits_beyond_sixteen():
    def op_types(count):
        with tf.Graph().as_default() as graph:
            x = tf.placeholder(tf.float32, [count, 2])
            tf.gradients(tf.concat(tf.split(x, count), 0), [x])
            return {op.type for op in graph.get_operations() if op.name.startswith("gradients")}

    assert {"ConcatOffset", "Slice"} <= op_types(16)
    assert "SplitV" not in op_types(16)
    assert {"SplitV", "Squeeze"} <= op_types(17)
    assert "ConcatOffset" not in op_types(17)


def test_check_numerics_gradient_checks_the_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        (grad,) = tf.gradients(
            tf.check_numerics(x, "forward"), [x], grad_ys=[tf.constant([1.0, np.nan])]
        )
        assert grad.op.type == "CheckNumerics"
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError) as caught:
                sess.run(grad, {x: [1.0, 2.0]})
    assert (
        "Not a number (NaN) or infinity (Inf) values detected in gradient. forward : Tensor "
        "had NaN values" in caught.value.message
    )


def test_conjugate_transpose_gradient_conjugates_the_upstream():
    up = np.array([[1 + 2j, 3 - 1j, 0.5j]], np.complex128)
    _, value = _gradient(lambda x: tf.transpose(x, conjugate=True), np.zeros((3, 1), C23.dtype), up)
    np.testing.assert_array_equal(value, np.conj(up.T))


def test_strided_slice_gradient_bakes_static_bounds_into_constants():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3, 4])
        (grad,) = tf.gradients(x[1:, ::2], [x])
    assert grad.op.type == "StridedSliceGrad"
    assert all(t.op.type == "Const" for t in grad.op.inputs[:4])
    assert grad.op.attrs["end_mask"] == 3
    assert grad.op.attrs["begin_mask"] == 2


@pytest.mark.parametrize(
    "builder",
    [
        lambda x: tf.cast(tf.where(x > 0.0), tf.float32),
        lambda x: tf.unique(x).y,
        lambda x: tf.bitcast(x, tf.float16),
    ],
    ids=["Where", "Unique", "Bitcast"],
)
def test_gradient_stops_at_ops_without_one(builder):
    grad, _ = _gradient(builder, np.array([1.0, -2.0, 1.0], np.float32))
    assert grad is None


def test_helper_ops_are_declared_not_differentiable():
    for op_type in ("BroadcastGradientArgs", "ConcatOffset", "Where", "Unique", "Bitcast"):
        assert registry.is_not_differentiable(op_type), op_type
    for op_type in ("StridedSliceGrad", "MirrorPadGrad"):
        assert registry.gradient_function(op_type) is not None, op_type


# ---------------------------------------------------------------------- goldens

FAMILY = "array_grad"
MODES = ("static", "dynamic", "unknown_rank")


class _RawOps:
    """`tf.raw_ops.<Type>(**inputs_and_attrs)`: one op straight from the registry."""

    def __getattr__(self, op_type):
        def build(name=None, **kwargs):
            return op_builder.apply_op(op_type, name=name, **kwargs)

        return build


NAMESPACE = types.SimpleNamespace(**{k: getattr(tf, k) for k in dir(tf) if not k.startswith("__")})
NAMESPACE.raw_ops = _RawOps()


def _placeholder(name, value, mode):
    shape = {"static": value.shape, "dynamic": [None] * value.ndim, "unknown_rank": None}[mode]
    return tf.placeholder(dtypes.as_dtype(value.dtype), shape=shape, name=name)


def _prefixed(arrays, prefix):
    found = {int(k[len(prefix) :]): v for k, v in arrays.items() if k.startswith(prefix)}
    return [found[i] for i in sorted(found)]


def _grad_fetch(grads):
    fetch = [g for g in grads if g is not None]
    return [(g.values, g.indices, g.dense_shape) if _is_slices(g) else g for g in fetch]


def _kind(grad):
    if grad is None:
        return "none"
    return "slices" if _is_slices(grad) else "dense"


def _assert_same(actual, expected, context):
    actual = np.asarray(actual)
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=0, err_msg=context)


def _check_grad_values(grads, values, arrays, mode, context):
    values = iter(values)
    for index, grad in enumerate(grads):
        if grad is None:
            continue
        value = next(values)
        if not _is_slices(grad):
            _assert_same(value, arrays[f"{mode}_g{index}"], f"{context} gradient {index}")
            continue
        for part, item in zip(("values", "indices", "dense_shape"), value):
            want = arrays[f"{mode}_g{index}_{part}"]
            _assert_same(item, want, f"{context} gradient {index} {part}")


def _build_gradients(meta, arrays, mode):
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    ups = _prefixed(arrays, "up_")
    feeds = {name: _placeholder(name, value, mode) for name, value in inputs.items()}
    up_feeds = [_placeholder(f"up{i}", value, mode) for i, value in enumerate(ups)]
    result = eval(meta["call"], {"tf": NAMESPACE, "np": np, **feeds})  # noqa: S307 - goldens
    outputs = list(result) if isinstance(result, (list, tuple)) else [result]
    grads = tf.gradients(outputs, [feeds[n] for n in meta["xs"]], grad_ys=up_feeds)
    feed = {feeds[n]: v for n, v in inputs.items()}
    feed.update(zip(up_feeds, ups))
    return grads, feed


# Ops of tf.gradients itself, not of a gradient function: TF wraps each grad_ys in an
# Identity ("grad_ys_0") and sums fan-in with AddN; ndflow's walk differs there.
_WALK_OPS = ("Identity", "AddN")


def _op_counts(op_types):
    return {t: op_types.count(t) for t in sorted(set(op_types)) if t not in _WALK_OPS}


def _gradient_op_counts(graph):
    return _op_counts([op.type for op in graph.get_operations() if op.name.startswith("gradients")])


def _check_grad_mode(case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"{case}[{mode}]: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            with pytest.raises((ValueError, TypeError)) as caught:
                _build_gradients(meta, arrays, mode)
            assert type(caught.value).__name__ == expected["build_error"], context
            assert expected["message"] in str(caught.value), f"{context}: {caught.value}"
            return
        grads, feed = _build_gradients(meta, arrays, mode)
        assert [_kind(g) for g in grads] == expected["kinds"], context
        counts = expected["op_counts"]
        want = _op_counts([t for t, count in counts.items() for _ in range(count)])
        assert _gradient_op_counts(graph) == want, context
        with tf.Session(graph=graph) as sess:
            values = sess.run(_grad_fetch(grads), feed)
    _check_grad_values(grads, values, arrays, mode, context)


def _check_op_mode(case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"{case}[{mode}]: {meta['call']}"
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    with tf.Graph().as_default() as graph:
        feeds = {name: _placeholder(name, value, mode) for name, value in inputs.items()}
        scope = {"tf": NAMESPACE, "np": np, **feeds}
        if "build_error" in expected:
            with pytest.raises((ValueError, TypeError)) as caught:
                eval(meta["call"], scope)  # noqa: S307 - the recorded case table
            assert type(caught.value).__name__ == expected["build_error"], context
            assert expected["message"] in str(caught.value), f"{context}: {caught.value}"
            return
        result = eval(meta["call"], scope)  # noqa: S307 - the recorded case table
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        shapes = [None if t.shape.rank is None else t.shape.as_list() for t in outputs]
        assert shapes == expected["shapes"], f"{context}: static shapes {shapes}"
        assert [t.dtype.name for t in outputs] == expected["dtypes"], context
        feed = {feeds[n]: v for n, v in inputs.items()}
        with tf.Session(graph=graph) as sess:
            if "run_error" in expected:
                with pytest.raises(getattr(tf.errors, expected["run_error"])) as caught:
                    sess.run(outputs, feed)
                assert expected["message"] in caught.value.message, f"{context}: {caught.value}"
                return
            values = sess.run(outputs, feed)
    for index, value in enumerate(values):
        _assert_same(value, arrays[f"{mode}_out{index}"], f"{context} output {index}")


GRAD_CASES = [c for c in golden.cases(FAMILY) if c.startswith("grad_")]
OP_CASES = [c for c in golden.cases(FAMILY) if c.startswith("op_")]


def test_goldens_were_recorded():
    assert len(GRAD_CASES) > 50 and len(OP_CASES) > 50


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", GRAD_CASES)
def test_gradient_golden(case, mode):
    arrays, meta = golden.load(FAMILY, case)
    _check_grad_mode(case, arrays, meta, mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", OP_CASES)
def test_op_golden(case, mode):
    arrays, meta = golden.load(FAMILY, case)
    _check_op_mode(case, arrays, meta, mode)
