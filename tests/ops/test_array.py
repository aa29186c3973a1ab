"""The array op family: one OpSpec row per registered op (values and static shapes).

Values are checked against the independent references in tests/support/reference/array.py
(or explicit cases for ops whose reference would restate the kernel), for several dtypes,
with static and unknown input dims. Shape cases cover a static shape, an unknown dim, an
unknown rank and the error, in TF's wording. TF-recorded goldens live in
test_array_goldens.py; builder behaviour (names, Python indexing, quirks) in
test_array_builders.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from ndflow.ops import array
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import array as ref

F16, F32, F64, BF16 = tf.float16, tf.float32, tf.float64, tf.bfloat16
I8, I32, I64, U8 = tf.int8, tf.int32, tf.int64, tf.uint8
C64, C128, BOOL, STR = tf.complex64, tf.complex128, tf.bool, tf.string
# Array ops move elements without arithmetic: every dtype must come through unchanged.
ANY = [F32, F64, F16, BF16, I32, I64, U8, I8, BOOL, C64, STR]
NUMERIC = [F32, F64, F16, I32, I64, U8, C64]


def raw(op_type, *inputs, **attrs):
    """One op straight from the registry (builders fold static cases into constants)."""
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _after_no_op(x):
    with tf.control_dependencies([tf.no_op()]):
        return tf.identity(x)


def _i(*values, dtype=np.int32):
    return np.array(values, dtype=dtype)


OP_SPECS = [
    # ------------------------------------------------------------------ constants.py
    OpSpec(
        "Const",
        lambda: tf.constant([[1, 2], [3, 4]], dtype=tf.int64),
        cases=[([], np.array([[1, 2], [3, 4]], np.int64))],
        shape_cases=[ShapeCase([], expected=[2, 2])],
        grad="constants have no inputs",
    ),
    OpSpec(
        "Placeholder",
        lambda x: x,
        cases=[([np.array([[1.5, 2.0]], np.float32)], np.array([[1.5, 2.0]], np.float32))],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
        grad="placeholders have no inputs",
    ),
    OpSpec(
        "PlaceholderWithDefault",
        lambda x: tf.placeholder_with_default(x, [None, 3]),
        reference=lambda x: x,
        shapes=[(2, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3]], expected=[None, 3]),
            ShapeCase([[None, None]], expected=[None, 3]),
            ShapeCase([None], expected=[None, 3]),
            ShapeCase([[2, 4]], error="Dimension 1 in both shapes must be equal, but are 4 and 3"),
        ],
    ),
    OpSpec(
        "Fill",
        lambda v: tf.fill([2, 3], v),
        reference=lambda v: ref.fill([2, 3], v),
        shapes=[()],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[]], expected=[2, 3]),
            ShapeCase([None], expected=[2, 3]),
            ShapeCase([[2]], error="Shape must be rank 0 but is rank 1"),
        ],
    ),
    OpSpec(
        "Fill",
        lambda d, v: tf.fill(d, v),
        cases=[
            ([_i(2, 0, 1), np.array(b"s", dtype=object)], np.zeros((2, 0, 1), dtype=object)),
            ([_i(dtype=np.int64), np.float16(3)], np.array(3, np.float16)),
        ],
        shape_cases=[
            ShapeCase([([3], I32), []], expected=[None, None, None]),
            ShapeCase([([None], I32), []], expected=None),
            ShapeCase([(None, I32), []], expected=None),
            ShapeCase([([2, 2], I32), []], error="Shape must be rank 1 but is rank 2"),
        ],
        id="Fill-dynamic-dims",
    ),
    OpSpec(
        "ZerosLike",
        lambda x: raw("ZerosLike", x),
        reference=lambda x: ref.fill(
            list(x.shape),
            np.zeros((), x.dtype) if x.dtype != object else np.array(b"", dtype=object),
        ),
        shapes=[(2, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
        grad="its output does not depend on the values",
    ),
    OpSpec(
        "OnesLike",
        lambda x: raw("OnesLike", x),
        reference=lambda x: ref.fill(list(x.shape), np.ones((), x.dtype)),
        shapes=[(2, 3)],
        dtypes=[F32, F64, F16, BF16, I32, I64, U8, I8, BOOL, C64],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
        grad="its output does not depend on the values",
    ),
    # ------------------------------------------------------------------ passthrough.py
    OpSpec(
        "Identity",
        tf.identity,
        reference=lambda x: x,
        shapes=[(2, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
    ),
    OpSpec(
        "IdentityN",
        lambda a, b: tf.identity_n([a, b]),
        reference=lambda a, b: [a, b],
        shapes=[(2, 3), ()],
        dtypes=[(F32, I64), (STR, BOOL), (C64, BF16)],
        shape_cases=[
            ShapeCase([[2, 3], None], expected=[2, 3]),
            ShapeCase([[None], [4]], expected=[None]),
            ShapeCase([None, [1]], expected=None),
        ],
    ),
    OpSpec(
        "NoOp",
        _after_no_op,
        reference=lambda x: x,
        shapes=[(3,)],
        shape_cases=[ShapeCase([[3]], expected=[3]), ShapeCase([None], expected=None)],
        grad="NoOp has no outputs",
    ),
    OpSpec(
        "StopGradient",
        tf.stop_gradient,
        reference=lambda x: x,
        shapes=[(2, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
        grad="StopGradient blocks gradients by definition",
    ),
    OpSpec(
        "CheckNumerics",
        lambda x: tf.check_numerics(x, "bad"),
        reference=lambda x: x,
        shapes=[(2, 3)],
        dtypes=[F32, F64, F16, BF16],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
    ),
    OpSpec(
        "Bitcast",
        lambda x: tf.bitcast(x, tf.uint8),
        reference=lambda x: ref.bitcast(x, np.uint8),
        shapes=[(2, 3)],
        dtypes=[F32, F64, F16, I32, I64, C64, I8, U8],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3, 4]),
            ShapeCase([[None, 3]], expected=[None, 3, 4]),
            ShapeCase([None], expected=None),
        ],
    ),
    OpSpec(
        "Bitcast",
        lambda x: tf.bitcast(x, tf.float32),
        reference=lambda x: ref.bitcast(x, np.float32),
        shapes=[(3, 2)],
        dtypes=[tf.int16, tf.uint16, F16],
        shape_cases=[
            ShapeCase(
                [([3, 2], I8)], error="Cannot bitcast from 6 to 1 due to shape. 2 does not match 4"
            ),
            ShapeCase([([None, 4], U8)], expected=[None]),
            ShapeCase([([], I8)], error="Shape must be at least rank 1 but is rank 0"),
        ],
        id="Bitcast-narrow-to-wide",
    ),
    # ------------------------------------------------------------------ shapes.py
    OpSpec(
        "Shape",
        lambda x: raw("Shape", x, out_type=tf.int64),
        reference=lambda x: np.array(x.shape, np.int64),
        shapes=[(2, 0, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2]),
            ShapeCase([[None, 3]], expected=[2]),
            ShapeCase([None], expected=[None]),
        ],
        grad="the shape does not depend on the values",
    ),
    OpSpec(
        "ShapeN",
        lambda a, b: raw("ShapeN", [a, b]),
        reference=lambda a, b: [np.array(a.shape, np.int32), np.array(b.shape, np.int32)],
        shapes=[(2, 3), ()],
        dtypes=[F32, STR],
        shape_cases=[
            ShapeCase([[2, 3], [1]], expected=[2]),
            ShapeCase([[None], []], expected=[1]),
            ShapeCase([None, []], expected=[None]),
        ],
        grad="the shape does not depend on the values",
    ),
    OpSpec(
        "Size",
        lambda x: raw("Size", x),
        reference=lambda x: np.array(x.size, np.int32),
        shapes=[(2, 3, 4)],
        dtypes=[F32, STR, BOOL],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[]),
            ShapeCase([[None, 3]], expected=[]),
            ShapeCase([None], expected=[]),
        ],
        grad="the size does not depend on the values",
    ),
    OpSpec(
        "Rank",
        lambda x: raw("Rank", x),
        reference=lambda x: np.array(x.ndim, np.int32),
        shapes=[(2, 3, 4)],
        dtypes=[F32, STR],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[]),
            ShapeCase([[None, 3]], expected=[]),
            ShapeCase([None], expected=[]),
        ],
        grad="the rank does not depend on the values",
    ),
    OpSpec(
        "Reshape",
        lambda x: tf.reshape(x, [-1, 2]),
        reference=lambda x: np.array(list(x.flat), dtype=x.dtype).reshape(-1, 2),
        shapes=[(3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 4]], expected=[6, 2]),
            ShapeCase([[None, 4]], expected=[None, 2]),
            ShapeCase([None], expected=[None, 2]),
            ShapeCase([[3, 5]], error="Dimension size must be evenly divisible by 2 but is 15"),
        ],
    ),
    OpSpec(
        "ExpandDims",
        lambda x: tf.expand_dims(x, 1),
        reference=lambda x: ref.expand_dims(x, 1),
        shapes=[(2, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 1, 3]),
            ShapeCase([[None, 3]], expected=[None, 1, 3]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="dim 1 not in the interval [-1, 0]."),
        ],
    ),
    OpSpec(
        "Squeeze",
        lambda x: tf.squeeze(x, [1]),
        reference=lambda x: ref.squeeze(x, [1]),
        shapes=[(2, 1, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 1, 3]], expected=[2, 3]),
            ShapeCase([[None, None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
            ShapeCase(
                [[2, 2, 3]], error="Can not squeeze dim[1], expected a dimension of 1, got 2"
            ),
        ],
    ),
    OpSpec(
        "Squeeze",
        tf.squeeze,
        reference=ref.squeeze,
        shapes=[(1, 3, 1)],
        shape_cases=[
            ShapeCase([[1, 3, 1]], expected=[3]),
            ShapeCase([[1, None]], expected=None),
            ShapeCase([[1, 1]], expected=[]),
        ],
        id="Squeeze-all",
    ),
    OpSpec(
        "BroadcastTo",
        lambda x: tf.broadcast_to(x, [2, 3, 4]),
        reference=lambda x: ref.broadcast_to(x, [2, 3, 4]),
        shapes=[(3, 1)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 1]], expected=[2, 3, 4]),
            ShapeCase([[None, 4]], expected=[2, 3, 4]),
            ShapeCase([None], expected=[2, 3, 4]),
            ShapeCase([[3, 2]], error="Dimensions must be equal, but are 2 and 4"),
        ],
    ),
    OpSpec(
        "BroadcastArgs",
        lambda a, b: tf.broadcast_dynamic_shape(a, b),
        cases=[
            ([_i(2, 1, 3), _i(4, 1)], _i(2, 4, 3)),
            ([_i(dtype=np.int64), _i(5, dtype=np.int64)], _i(5, dtype=np.int64)),
        ],
        shape_cases=[
            ShapeCase([([3], I32), ([2], I32)], expected=[3]),
            ShapeCase([([None], I32), ([2], I32)], expected=[None]),
            ShapeCase([(None, I32), ([2], I32)], expected=[None]),
            ShapeCase([([3, 1], I32), ([2], I32)], error="Shape must be rank 1 but is rank 2"),
        ],
    ),
    # ------------------------------------------------------------------ rearranging.py
    OpSpec(
        "Transpose",
        lambda x: tf.transpose(x, [2, 0, 1]),
        reference=lambda x: ref.transpose(x, [2, 0, 1]),
        shapes=[(2, 3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[4, 2, 3]),
            ShapeCase([[None, 3, 4]], expected=[4, None, 3]),
            ShapeCase([None], expected=[None, None, None]),
            ShapeCase([[2, 3]], error="Dimension must be 2 but is 3"),
        ],
    ),
    OpSpec(
        "ConjugateTranspose",
        lambda x: tf.transpose(x, [1, 0], conjugate=True),
        reference=lambda x: np.conj(ref.transpose(x, [1, 0])),
        shapes=[(2, 3)],
        dtypes=[C64, C128],
        cases=[([np.array([[1 + 2j]], np.complex64)], np.array([[1 - 2j]], np.complex64))],
        shape_cases=[
            ShapeCase([([2, 3], C64)], expected=[3, 2]),
            ShapeCase([([None, 3], C64)], expected=[3, None]),
            ShapeCase([(None, C64)], expected=[None, None]),
            ShapeCase([([2, 3, 4], C64)], error="Dimension must be 3 but is 2"),
        ],
    ),
    OpSpec(
        "InvertPermutation",
        tf.invert_permutation,
        cases=[
            ([_i(2, 0, 3, 1)], _i(1, 3, 0, 2)),
            ([_i(dtype=np.int64)], _i(dtype=np.int64)),
            ([_i(4, 0, 3, 2, 1, dtype=np.int64)], ref.invert_permutation([4, 0, 3, 2, 1])),
        ],
        shape_cases=[
            ShapeCase([([4], I32)], expected=[4]),
            ShapeCase([([None], I32)], expected=[None]),
            ShapeCase([(None, I32)], expected=[None]),
            ShapeCase([([2, 2], I32)], error="Shape must be rank 1 but is rank 2"),
        ],
        grad="it computes integer indices",
    ),
    OpSpec(
        "ReverseV2",
        lambda x: tf.reverse(x, [0, -1]),
        reference=lambda x: ref.reverse(x, [0, -1]),
        shapes=[(2, 3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[2, 3, 4]),
            ShapeCase([[None, 3, None]], expected=[None, 3, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="'axis'[0] = 0 is out of valid range [0, -1"),
        ],
    ),
    OpSpec(
        "Tile",
        lambda x: tf.tile(x, [2, 1, 3]),
        reference=lambda x: ref.tile(x, [2, 1, 3]),
        shapes=[(2, 3, 1)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3, 1]], expected=[4, 3, 3]),
            ShapeCase([[None, None, 0]], expected=[None, None, 0]),
            ShapeCase([None], expected=[None, None, None]),
            ShapeCase([[2, 3]], error="Shape must be rank 2 but is rank 3"),
        ],
    ),
    OpSpec(
        "Pad",
        lambda x: tf.pad(x, [[1, 2], [0, 1]]),
        reference=lambda x: ref.pad(
            x, [[1, 2], [0, 1]], constant=np.zeros((), x.dtype) if x.dtype != object else b""
        ),
        shapes=[(2, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3]], expected=[5, 4]),
            ShapeCase([[None, 3]], expected=[None, 4]),
            ShapeCase([None], expected=[None, None]),
            ShapeCase([[2]], error="Shape must be rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "PadV2",
        lambda x: tf.pad(x, [[1, 0], [2, 1]], constant_values=3),
        reference=lambda x: ref.pad(x, [[1, 0], [2, 1]], constant=3),
        shapes=[(2, 3)],
        dtypes=[F32, F64, F16, I32, I64, U8, C64],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[3, 6]),
            ShapeCase([[None, 0]], expected=[None, 3]),
            ShapeCase([None], expected=[None, None]),
            ShapeCase([[2, 3, 4]], error="Shape must be rank 2 but is rank 3"),
        ],
    ),
    OpSpec(
        "MirrorPad",
        lambda x: tf.pad(x, [[1, 1], [2, 3]], "REFLECT"),
        reference=lambda x: ref.pad(x, [[1, 1], [2, 3]], "REFLECT"),
        shapes=[(3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 4]], expected=[5, 9]),
            ShapeCase([[None, 4]], expected=[None, 9]),
            ShapeCase([None], expected=[None, None]),
            ShapeCase([[3]], error="Shape must be rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "MirrorPad",
        lambda x: tf.pad(x, [[3, 2], [0, 4]], "SYMMETRIC"),
        reference=lambda x: ref.pad(x, [[3, 2], [0, 4]], "SYMMETRIC"),
        shapes=[(3, 4)],
        dtypes=[F32, I64, STR],
        shape_cases=[ShapeCase([[3, 4]], expected=[8, 8])],
        id="MirrorPad-symmetric",
    ),
    # ------------------------------------------------------------------ joining.py
    OpSpec(
        "ConcatV2",
        lambda a, b: tf.concat([a, b], 1),
        reference=lambda a, b: ref.concat([a, b], 1),
        shapes=[(2, 3), (2, 2)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3], [2, 2]], expected=[2, 5]),
            ShapeCase([[None, 3], [2, None]], expected=[2, None]),
            ShapeCase([None, [2, 2]], expected=[2, None]),
            ShapeCase(
                [[2, 3], [3, 2]],
                error="Dimension 0 in both shapes must be equal, but are "
                "2 and 3. Shapes are [2] and [3].",
            ),
        ],
    ),
    OpSpec(
        "ConcatV2",
        lambda a, b, c: tf.concat([a, b, c], -3),
        reference=lambda a, b, c: ref.concat([a, b, c], -3),
        shapes=[(0, 2, 2), (1, 2, 2), (2, 2, 2)],
        dtypes=[F64, STR],
        shape_cases=[ShapeCase([[None, 2, 2], [1, 2, 2], [2, 2, 2]], expected=[None, 2, 2])],
        id="ConcatV2-three-negative-axis",
    ),
    OpSpec(
        "Pack",
        lambda a, b: tf.stack([a, b], axis=1),
        reference=lambda a, b: ref.stack([a, b], 1),
        shapes=[(2, 3), (2, 3)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3], [2, 3]], expected=[2, 2, 3]),
            ShapeCase([[None, 3], [2, None]], expected=[2, 2, 3]),
            ShapeCase([None, None], expected=None),
            ShapeCase(
                [[2, 3], [2, 4]],
                error="Dimension 1 in both shapes must be equal, but are 3 "
                "and 4. Shapes are [2,3] and [2,4].",
            ),
        ],
    ),
    OpSpec(
        "Unpack",
        lambda x: tf.unstack(x, num=3, axis=1),
        reference=lambda x: ref.unstack(x, 1),
        shapes=[(2, 3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[2, 4]),
            ShapeCase([[None, None, 4]], expected=[None, 4]),
            ShapeCase([None], expected=None),
            ShapeCase([[2, 2]], error="Dimension must be 3 but is 2"),
        ],
    ),
    OpSpec(
        "Split",
        lambda x: tf.split(x, 2, axis=1),
        reference=lambda x: ref.split(x, [2, 2], 1),
        shapes=[(3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 4]], expected=[3, 2]),
            ShapeCase([[3, None]], expected=[3, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[3, 5]], error="Dimension size must be evenly divisible by 2 but is 5"),
        ],
    ),
    OpSpec(
        "SplitV",
        lambda x: tf.split(x, [1, -1, 2], axis=-1),
        reference=lambda x: ref.split(x, [1, 2, 2], -1),
        shapes=[(3, 5)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 5]], expected=[3, 1]),
            ShapeCase([[None, None]], expected=[None, 1]),
            ShapeCase([None], expected=None),
            ShapeCase([[3, 2]], error="Split size at index 1 must be >= 0. Got: -1"),
        ],
    ),
    # ------------------------------------------------------------------ searching.py
    OpSpec(
        "Where",
        array.where_indices,
        reference=ref.where,
        shapes=[(3, 4)],
        dtypes=[BOOL, F32, I32, U8, C64, I64],
        shape_cases=[
            ShapeCase([([3, 4], BOOL)], expected=[None, 2]),
            ShapeCase([([None], BOOL)], expected=[None, 1]),
            ShapeCase([(None, BOOL)], expected=[None, None]),
        ],
    ),
    OpSpec(
        "Unique",
        tf.unique,
        reference=ref.unique,
        shapes=[(20,)],
        dtypes=[I32, I64, U8, STR, BOOL, F16],
        domain="positive",
        cases=[
            (
                [np.array([1.0, np.nan, 0.0, -0.0, np.nan], np.float32)],
                [np.array([1.0, np.nan, 0.0, np.nan], np.float32), _i(0, 1, 2, 2, 3)],
            )
        ],
        shape_cases=[
            ShapeCase([[7]], expected=[None]),
            ShapeCase([[None]], expected=[None]),
            ShapeCase([None], expected=[None]),
            ShapeCase([[2, 2]], error="Shape must be rank 1 but is rank 2"),
        ],
    ),
    OpSpec(
        "OneHot",
        lambda i: tf.one_hot(i, 6, axis=0, on_value=2.5, off_value=-1.0),
        reference=lambda i: ref.one_hot(i, 6, 2.5, -1.0, axis=0),
        shapes=[(2, 3)],
        dtypes=[I32, I64, U8, I8],
        domain="unsigned",
        shape_cases=[
            ShapeCase([([2, 3], I32)], expected=[6, 2, 3]),
            ShapeCase([([None, 3], I32)], expected=[6, None, 3]),
            ShapeCase([(None, I32)], expected=None),
        ],
        grad="integer indices have no gradient",
    ),
    OpSpec(
        "OneHot",
        lambda i, d: tf.one_hot(i, d),
        cases=[([_i(0, 2, -1, 7), np.int32(3)], ref.one_hot([0, 2, -1, 7], 3))],
        shape_cases=[
            ShapeCase([([2], I32), ([], I32)], expected=[2, None]),
            ShapeCase([(None, I32), ([], I32)], expected=None),
        ],
        id="OneHot-dynamic-depth",
    ),
    OpSpec(
        "OneHot",
        lambda i: tf.one_hot(i, 3, axis=-2),
        shape_cases=[ShapeCase([([2], I32)], error="axis must be >= -1")],
        id="OneHot-bad-axis",
    ),
    OpSpec(
        "OneHot",
        lambda i: tf.one_hot(i, -1),
        shape_cases=[
            ShapeCase(
                [([2], I32)],
                error="Dimension size, given by scalar input 1, must be non-negative but is -1",
            )
        ],
        id="OneHot-negative-depth",
    ),
    # ------------------------------------------------------------------ gathering.py
    OpSpec(
        "Gather",
        lambda p: raw("Gather", p, [[2, 0], [1, 1]]),
        reference=lambda p: ref.gather(p, [[2, 0], [1, 1]]),
        shapes=[(3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 4]], expected=[2, 2, 4]),
            ShapeCase([[None, None]], expected=[2, 2, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="Shape must be at least rank 1 but is rank 0"),
        ],
    ),
    OpSpec(
        "GatherV2",
        lambda p: tf.gather(p, [[2, 0], [1, 1]], axis=1),
        reference=lambda p: ref.gather(p, [[2, 0], [1, 1]], axis=1),
        shapes=[(2, 3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[2, 2, 2, 4]),
            ShapeCase([[None, 3, None]], expected=[None, 2, 2, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[2]], error="Shape must be at least rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "GatherV2",
        lambda p, i: tf.gather(p, i, axis=2, batch_dims=1),
        cases=[
            (
                [np.arange(24.0).reshape(2, 3, 4), _i([3, 0, 1], [2, 2, 0])],
                ref.gather(np.arange(24.0).reshape(2, 3, 4), [[3, 0, 1], [2, 2, 0]], 2, 1),
            )
        ],
        shape_cases=[
            ShapeCase([[2, 3, 4], ([2, 5], I32)], expected=[2, 3, 5]),
            ShapeCase([[2, 3, 4], ([], I32)], error="Shape must be at least rank 1 but is rank 0"),
        ],
        id="GatherV2-batch-dims",
    ),
    OpSpec(
        "GatherNd",
        lambda p: tf.gather_nd(p, [[0, 1], [1, 2], [1, 0]]),
        reference=lambda p: ref.gather_nd(p, [[0, 1], [1, 2], [1, 0]]),
        shapes=[(2, 3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[3, 4]),
            ShapeCase([[None, None, None]], expected=[3, None]),
            ShapeCase([None], expected=None),
            ShapeCase(
                [[2]],
                error="indices.shape[-1] must be <= params.rank, but saw indices "
                "shape: [3,2] and params shape: [2]",
            ),
        ],
    ),
    OpSpec(
        "ScatterNd",
        lambda u: tf.scatter_nd([[1], [3], [1]], u, [5, 2]),
        reference=lambda u: ref.scatter_nd([[1], [3], [1]], u, [5, 2]),
        shapes=[(3, 2)],
        dtypes=[F32, F64, F16, I32, I64, U8, C64],
        shape_cases=[
            ShapeCase([[3, 2]], expected=[5, 2]),
            ShapeCase([[None, None]], expected=[5, 2]),
            ShapeCase([None], expected=[5, 2]),
            ShapeCase(
                [[3, 3]],
                error="Dimensions [1,2) of input[shape=[5,2]] = [2] must match "
                "dimensions [1,2) of updates[shape=[3,3]] = [3]",
            ),
        ],
    ),
    # ------------------------------------------------------------------ slicing.py
    OpSpec(
        "Slice",
        lambda x: tf.slice(x, [1, 0], [2, -1]),
        reference=lambda x: ref.slice_(x, [1, 0], [2, -1]),
        shapes=[(3, 4)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 4]], expected=[2, 4]),
            ShapeCase([[None, None]], expected=[2, None]),
            ShapeCase([None], expected=[2, None]),
            ShapeCase([[3]], error="Shape must be rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "StridedSlice",
        lambda x: x[::-1, 1:4:2],
        reference=lambda x: ref.strided_slice_basic(x, [None, 1], [None, 4], [-1, 2]),
        shapes=[(3, 5, 2)],
        dtypes=ANY,
        shape_cases=[
            ShapeCase([[3, 5, 2]], expected=[3, 2, 2]),
            ShapeCase([[None, None, 2]], expected=[None, None, 2]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="Index out of range using input dim 0; input has only 0 dims"),
        ],
    ),
    OpSpec(
        "StridedSlice",
        lambda x: x[1, ..., tf.newaxis, -3:],
        reference=lambda x: x[1, ..., np.newaxis, -3:],
        shapes=[(3, 4, 5)],
        dtypes=[F32, STR],
        shape_cases=[
            ShapeCase([[3, 4, 5]], expected=[4, 1, 3]),
            ShapeCase([[None, None, None]], expected=[None, 1, None]),
            ShapeCase([[1, 4]], error="slice index 1 of dimension 0 out of bounds."),
        ],
        id="StridedSlice-shrink-ellipsis-newaxis",
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
