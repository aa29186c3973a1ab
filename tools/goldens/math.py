"""Golden cases for the math op family, recorded from real TensorFlow.

Each case is a Python expression over named inputs, evaluated with `tf` bound to
`tensorflow.compat.v1` here and to `ndflow` in tests/ops/test_math_goldens.py. A case runs
in the placeholder modes it lists: "static" (the inputs' full shapes), "dynamic" (unknown
dims), "unknown_rank"; a case without inputs runs once ("const"). For each mode the .json
records the static output shapes and dtypes, or the graph-build error; the .npz records the
inputs and outputs, or the .json the run-time error class and message. "rtol" (0 = exact,
signed zeros included) is how closely ndflow's values must match.
"""

from __future__ import annotations

import numpy as np

DEFAULT_MODES = ("static", "dynamic")

F32, F64, F16 = np.float32, np.float64, np.float16
I8, I32, I64, U8 = np.int8, np.int32, np.int64, np.uint8
NAN, INF = np.nan, np.inf


def _a(values, dtype):
    return np.array(values, dtype=dtype)


def _ops(names, **kwargs):
    """A list expression applying several raw ops to the same arguments."""
    args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return "[" + ", ".join(f"tf.raw_ops.{name}({args})" for name in names) + "]"


# fmt: off
# The case tables stay one case per line or two (ruff format would triple their length).
_INT_X = [7, -7, 7, -7, 0, 6, -6, 1, -1]
_INT_Y = [2, 2, -2, -2, 3, -3, 3, 5, 5]
_FLOAT_X = [7.5, -7.5, 7.5, -7.5, 0.5, 6.5, -6.5, -4.0, 4.0, 1.0, -0.0, 1e-30]
_FLOAT_Y = [2.0, 2.0, -2.0, -2.0, 3.0, -3.0, 3.0, 2.0, -2.0, 0.1, 3.0, 7.0]
_INT_DIVISION = ["Div", "FloorDiv", "FloorMod", "TruncateDiv", "TruncateMod", "Mod"]
_FLOAT_DIVISION = ["Div", "RealDiv", "FloorDiv", "FloorMod", "TruncateDiv", "TruncateMod", "Mod"]
_CAST_SOURCE = _a([1e10, -1e10, NAN, INF, -INF, 2.5, -2.5, 300.7, -1.9, 3e9, -3e9, 127.9, 128.0,
                   255.5, 256.0, 65535.9, 65536.0, -0.0, 0.5], F32)
_CAST_TARGETS = ["int32", "int64", "uint32", "uint64", "bool"]
# 32 elements: TF's vectorized cast handles them all (its scalar tail differs, see cast.py).
_NARROW_SOURCE = np.tile(np.array([-2.5, -1.9, -0.7, -200.3, 300.7, 1e10, NAN, 127.9]), 4)

DIVISION_CASES = [
    ("division_int32", _ops(_INT_DIVISION, x="x", y="y"),
     {"x": _a(_INT_X, I32), "y": _a(_INT_Y, I32)}),
    ("division_int64", _ops(_INT_DIVISION, x="x", y="y"),
     {"x": _a(_INT_X, I64), "y": _a(_INT_Y, I64)}),
    ("division_uint8", _ops(["Div", "FloorDiv", "FloorMod", "TruncateDiv"], x="x", y="y"),
     {"x": _a([7, 200, 0, 255], U8), "y": _a([2, 3, 5, 16], U8)}),
    ("division_float32", _ops(_FLOAT_DIVISION, x="x", y="y"),
     {"x": _a(_FLOAT_X, F32), "y": _a(_FLOAT_Y, F32)}),
    ("division_float64", _ops(_FLOAT_DIVISION, x="x", y="y"),
     {"x": _a(_FLOAT_X, F64), "y": _a(_FLOAT_Y, F64)}),
    ("division_float_by_zero", _ops(_FLOAT_DIVISION + ["DivNoNan"], x="x", y="y"),
     {"x": _a([1.0, -1.0, 0.0, NAN, INF, 1.0, -1.0], F32),
      "y": _a([0.0, 0.0, 0.0, 0.0, 0.0, -0.0, -0.0], F32)}),
    ("div_no_nan", "[tf.div_no_nan(x, y), tf.div_no_nan(c, d)]",
     {"x": _a([1.0, 0.0, NAN, INF, 1.0, 6.0], F32), "y": _a([0.0, 0.0, 0.0, 0.0, NAN, 3.0], F32),
      "c": _a([1 + 1j, 2j], np.complex64), "d": _a([0j, 1j], np.complex64)}),
    ("division_operators_int32", "[x / y, x // y, x % y, tf.div(x, y), tf.truediv(x, y)]",
     {"x": _a(_INT_X, I32), "y": _a(_INT_Y, I32)}),
    ("division_operators_int8", "[x / y, x // y, x % y]",
     {"x": _a(_INT_X, I8), "y": _a(_INT_Y, I8)}),
    ("division_operators_uint16", "[x / y, tf.divide(x, y)]",
     {"x": _a([7, 9], np.uint16), "y": _a([2, 4], np.uint16)}),
    ("floordiv_min_int", "[x // y, tf.raw_ops.TruncateDiv(x=x, y=y)]",
     {"x": _a([-2**31], I32), "y": _a([-1], I32)}),
]
DIVISION_CASES += [
    (f"integer_division_by_zero_{op}", f"tf.raw_ops.{op}(x=x, y=y)",
     {"x": _a([1, 2], I32), "y": _a([1, 0], I32)})
    for op in _INT_DIVISION
]
DIVISION_CASES += [
    ("integer_division_by_zero_uint8", "x // y", {"x": _a([1], U8), "y": _a([0], U8)}),
    ("integer_division_by_zero_int64_mod", "x % y", {"x": _a([1], I64), "y": _a([0], I64)}),
]

CAST_CASES = [
    (f"cast_float32_to_{target}", f"tf.cast(x, tf.{target})", {"x": _CAST_SOURCE})
    for target in _CAST_TARGETS
]
CAST_CASES += [
    (f"cast_{source.__name__}_to_narrow_ints", "[tf.cast(x, tf.int8), tf.cast(x, tf.uint8), "
     "tf.cast(x, tf.int16), tf.cast(x, tf.uint16)]", {"x": _NARROW_SOURCE.astype(source)})
    for source in (F32, F64)
]
CAST_CASES += [
    ("cast_float64_to_ints", "[tf.cast(x, tf.int32), tf.cast(x, tf.uint32), "
     "tf.cast(x, tf.int64), tf.cast(x, tf.uint64)]",
     {"x": _CAST_SOURCE.astype(F64)}),
    ("cast_float16_to_ints", "[tf.cast(x, tf.int32), tf.cast(x, tf.int64)]",
     {"x": _a([INF, -INF, NAN, 65504, -2.5, 300.0], F16)}),
    ("cast_int_wrap", "[tf.cast(x, tf.uint8), tf.cast(x, tf.int8), tf.cast(x, tf.uint16), "
     "tf.cast(x, tf.bool), tf.cast(x, tf.float16)]",
     {"x": _a([-1, 256, 300, -129, 0, 70000, 2049], I32)}),
    ("cast_int64_narrowing",
     "[tf.cast(x, tf.int32), tf.cast(x, tf.uint32), tf.cast(x, tf.float32)]",
     {"x": _a([2**40 + 5, -2**40 - 5, 2**62 + 1, -1], I64)}),
    ("cast_uint64_to_float",
     "[tf.cast(x, tf.float32), tf.cast(x, tf.float64), tf.cast(x, tf.int64)]",
     {"x": _a([2**64 - 1, 2**63, 1], np.uint64)}),
    ("cast_float_narrowing", "[tf.cast(x, tf.float16), tf.cast(tf.cast(x, tf.bfloat16), "
     "tf.float64), tf.cast(x, tf.float32)]",
     {"x": _a([70000.0, 1e-8, 2049.0, 1.00390625, 1.01171875, -1.01171875, 3.4e38, 1e300], F64)}),
    ("cast_truncate", "[tf.raw_ops.Cast(x=x, DstT=tf.float16, Truncate=True), "
     "tf.raw_ops.Cast(x=x, DstT=tf.float16, Truncate=False), "
     "tf.cast(tf.raw_ops.Cast(x=x, DstT=tf.bfloat16, Truncate=True), tf.float32), "
     "tf.cast(tf.raw_ops.Cast(x=x, DstT=tf.bfloat16, Truncate=False), tf.float32)]",
     {"x": _a([1.0 + 2**-11 + 2**-13, 1.00390625, 1.01171875, -1.01171875, 70000.0, -1e-9], F32)}),
    ("cast_complex", "[tf.cast(c, tf.float32), tf.cast(c, tf.int32), tf.cast(c, tf.bool), "
     "tf.cast(c, tf.complex128), tf.cast(f, tf.complex64), tf.cast(b, tf.float32)]",
     {"c": _a([1.7 + 2j, -3.7 - 4j, 0 + 2j, 0j], np.complex64),
      "f": _a([1.5, -2.0, 0.0, 3.0], F32), "b": _a([True, False, True, False], np.bool_)}),
    ("cast_string_unsupported", "tf.cast(x, tf.float32)", {"x": _a([b"1"], np.bytes_)}),
    ("cast_to_string_unsupported", "tf.cast(x, tf.string)", {"x": _a([1], I32)}),
    ("saturate_cast", "[tf.saturate_cast(f, tf.uint8), tf.saturate_cast(f, tf.int32), "
     "tf.saturate_cast(i, tf.float16), tf.saturate_cast(i, tf.int8), "
     "tf.saturate_cast(d, tf.int8), tf.saturate_cast(d, tf.float32)]",
     {"f": _a([-1.0, 300.0, 3e9, -3e9, 12.7], F32), "i": _a([-70000, 70000, 5, -200, 3], I32),
      "d": _a([1e300, -1e300, 100.5, -128.7, 3.0], F64)}),
    ("to_float_and_friends", "[tf.to_float(i), tf.to_double(i), tf.to_int32(f), tf.to_int64(f)]",
     {"i": _a([1, -2], I32), "f": _a([1.9, -2.9], F32)}),
]

ROUND_CASES = [
    ("round_half_to_even", "[tf.round(x), tf.rint(x), tf.round(d), tf.rint(d), tf.round(i)]",
     {"x": _a([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 3.5, 1e7 + 0.5, -0.0], F32),
      "d": _a([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 3.5, 4503599627370495.5, -0.0], F64),
      "i": _a([3, -3], I32)}),
    ("floor_ceil_signs", "[tf.floor(x), tf.ceil(x), tf.sign(x), tf.abs(x), -x]",
     {"x": _a([-0.5, 0.5, -0.0, 0.0, NAN, -INF, 2.0], F32)}),
    ("integer_edges", "[tf.abs(x), -x, tf.sign(x), tf.square(x)]",
     {"x": _a([-128, 127, 0, -5, 12], I8)}),
]

POW_CASES = [
    ("pow_int32", "[tf.pow(x, y), x ** y]",
     {"x": _a([2, -3, 3, 0, 1, -1, 7, 2], I32), "y": _a([10, 3, 40, 0, 5, 4, 2, 31], I32)}),
    ("pow_int64", "tf.pow(x, y)",
     {"x": _a([2, -3, 3, 0], I64), "y": _a([62, 39, 41, 0], I64)}),
    ("pow_int_negative_exponent", "tf.pow(x, y)",
     {"x": _a([2, 1], I32), "y": _a([3, -1], I32)}),
    ("pow_float", "tf.pow(x, y)",
     {"x": _a([-8.0, 0.0, 0.0, -2.0, 2.0, -0.0, INF, NAN], F32),
      "y": _a([1 / 3, -1.0, 0.0, 2.0, 0.5, -1.0, -1.0, 0.0], F32)}, 1e-6),
]

COMPARISON_CASES = [
    ("maximum_minimum_nan", "[tf.maximum(x, y), tf.minimum(x, y)]",
     {"x": _a([NAN, 1.0, -0.0, 0.0], F32), "y": _a([1.0, NAN, 0.0, -0.0], F32)}),
    ("equal_incompatible_shapes", "[tf.raw_ops.Equal(x=x, y=y, incompatible_shape_error=False), "
     "tf.raw_ops.NotEqual(x=x, y=y, incompatible_shape_error=False)]",
     {"x": _a([1, 2], I32), "y": _a([1, 2, 3], I32)}),
    ("equal_broadcast", "[tf.equal(x, y), tf.not_equal(x, y), tf.less(x, y), x >= y]",
     {"x": _a([1, 2], I32), "y": _a([[1], [3]], I32)}),
    ("equal_strings", "[tf.equal(s, t), tf.not_equal(s, t)]",
     {"s": _a([b"a", b"b"], np.bytes_), "t": _a([b"a", b"c"], np.bytes_)}),
    ("incompatible_shapes_runtime", "x + y", {"x": _a([1, 2], I32), "y": _a([1, 2, 3], I32)},
     0, ("dynamic",)),
    ("logical_ops", "[tf.logical_and(p, q), tf.logical_or(p, q), tf.logical_not(p), "
     "tf.logical_xor(p, q), p & q, p | q, p ^ q, ~p]",
     {"p": _a([True, True, False, False], np.bool_),
      "q": _a([True, False, True, False], np.bool_)}),
    ("select_vector_condition", "tf.where(c, x, y)",
     {"c": _a([True, False], np.bool_), "x": _a([[1, 2, 3], [4, 5, 6]], F32),
      "y": _a([[-1, -2, -3], [-4, -5, -6]], F32)}),
    ("select_scalar_condition", "tf.where(c, x, y)",
     {"c": _a(False, np.bool_), "x": _a([1, 2], I32), "y": _a([3, 4], I32)}),
    ("select_rows_mismatch", "tf.where(c, x, y)",
     {"c": _a([True, False, True], np.bool_), "x": _a([[1, 2], [3, 4]], F32),
      "y": _a([[1, 2], [3, 4]], F32)}, 0, ("dynamic",)),
    ("select_shape_mismatch", "tf.where(c, x, y)",
     {"c": _a([[True, False]], np.bool_), "x": _a([[1, 2, 3], [4, 5, 6]], F32),
      "y": _a([[1, 2, 3], [4, 5, 6]], F32)}, 0, ("dynamic",)),
    ("select_then_else_mismatch", "tf.where(c, x, y)",
     {"c": _a([True, False], np.bool_), "x": _a([[1, 2, 3], [4, 5, 6]], F32),
      "y": _a([[1, 2], [4, 5]], F32)}, 0, ("dynamic",)),
    ("select_v2_broadcast", "tf.where_v2(c, x, y)",
     {"c": _a([[True], [False]], np.bool_), "x": _a([1, 2, 3], F32), "y": _a(0.5, F32)}),
    ("select_v2_mismatch", "tf.where_v2(c, x, y)",
     {"c": _a([True, False], np.bool_), "x": _a([[1, 2, 3]], F32), "y": _a(0.5, F32)},
     0, ("dynamic",)),
    ("clip_crossing_bounds", "[tf.clip_by_value(x, 3.0, 1.0), tf.clip_by_value(x, lo, 4.0)]",
     {"x": _a([[0, 1, 2], [3, 4, 5]], F32), "lo": _a([[1, 1, 1], [0, 0, 6]], F32)}),
    ("clip_by_value_op_bad_bounds",
     "tf.raw_ops.ClipByValue(t=x, clip_value_min=lo, clip_value_max=hi)",
     {"x": _a([[0, 1, 2], [3, 4, 5]], F32), "lo": _a([1, 2], F32), "hi": _a(3.0, F32)},
     0, ("dynamic",)),
]

SPECIAL_CASES = [
    ("lgamma_digamma_float64", "[tf.lgamma(x), tf.digamma(x)]",
     {"x": _a([0.0, -0.0, -1.0, -2.0, -0.5, -2.5, 1.0, 2.0, 0.5, INF, -INF, NAN, 1e-300, 1e10,
               -1e10, -1.5, -100.5, -1e-5, 1e-5, 6.0, 5.9, 1e5, 171.7, 1e308], F64)}, 1e-12),
    ("lgamma_digamma_float32", "[tf.lgamma(x), tf.digamma(x)]",
     {"x": _a([0.0, -1.0, 1.0, 1e-30, 3e36, -0.5, 2.5, 10.0, -3.0, 0.25], F32)}, 2e-6),
    ("erf_erfc", "[tf.erf(x), tf.erfc(x)]",
     {"x": _a([0.0, 0.5, -3.0, 6.0, 27.0, -0.2, 1.5, 3.9, 4.1, 10.0, -10.0], F64)}, 1e-14),
    ("erf_float32_infinite", "[tf.erf(x), tf.erfc(x)]",
     {"x": _a([INF, -INF, 5.0, 0.3], F32)}, 1e-6),
    ("sign_and_squared_difference_complex",
     "[tf.sign(c), tf.squared_difference(c, d), tf.abs(c), tf.sigmoid(c)]",
     {"c": _a([3 + 4j, 0j, -2j, 1 + 2j], np.complex64),
      "d": _a([0j, 1 + 1j, 1j, 3 - 1j], np.complex64)}, 1e-6),
    ("sigmoid_extremes", "[tf.sigmoid(x), tf.tanh(x), tf.exp(x), tf.log(x), tf.sqrt(x), "
     "tf.rsqrt(x), tf.reciprocal(x)]",
     {"x": _a([-1000.0, 1000.0, 0.0, -0.0, -1.0], F32)}, 1e-6),
    ("atan2_signs", "tf.atan2(y, x)",
     {"y": _a([1.0, -0.0, 0.0, -1.0], F32), "x": _a([-1.0, -1.0, -0.0, 0.0], F32)}, 1e-6),
]

REDUCTION_CASES = [
    (f"reductions_empty_{dtype.__name__}", "[tf.reduce_sum(x, 0), tf.reduce_prod(x, 0), "
     "tf.reduce_max(x, 0), tf.reduce_min(x, 0), tf.reduce_mean(x, 0), tf.reduce_max(x)]",
     {"x": np.zeros((0, 3), dtype)})
    for dtype in (F32, F64, F16, I32, U8, I64)
]
REDUCTION_CASES += [
    ("reductions_empty_bool", "[tf.reduce_all(b, 0), tf.reduce_any(b, 0), tf.reduce_all(b)]",
     {"b": np.zeros((0, 2), np.bool_)}),
    ("reduce_mean_integers", "[tf.reduce_mean(x), tf.reduce_mean(n), tf.reduce_mean(s), "
     "tf.reduce_sum(s), tf.reduce_mean(u), tf.reduce_prod(p)]",
     {"x": _a([1, 2, 2], I32), "n": _a([-1, -2, -2], I32), "s": _a([100, 100, 100], I8),
      "u": _a([255, 255, 1], U8), "p": np.full(10, 3, I8)}),
    ("reduce_half_accumulates_wide", "[tf.reduce_sum(h), tf.reduce_mean(h), tf.cumsum(h)[-1]]",
     {"h": np.full(3000, 0.1, F16)}, 2e-3),
    ("reduce_nan", "[tf.reduce_max(x), tf.reduce_min(x), tf.argmax(x), tf.argmin(x)]",
     {"x": _a([1.0, NAN, 3.0, 0.0], F32)}),
    ("reduce_axes", "[tf.reduce_sum(x, [0, 2]), tf.reduce_max(x, -1, keepdims=True), "
     "tf.reduce_min(x, axis=[1], keep_dims=True), tf.reduce_prod(x, reduction_indices=1)]",
     {"x": np.arange(24, dtype=F64).reshape(2, 3, 4) - 5}),
    ("reduce_duplicate_axes", "tf.reduce_sum(x, a)",
     {"x": np.ones((2, 3), F32), "a": _a([1, -1], I32)}),
    ("reduce_invalid_axis_runtime", "tf.reduce_sum(x, a)",
     {"x": np.ones((2, 3), F32), "a": _a(2, I32)}, 0, ("dynamic",)),
    ("reduce_invalid_axis_static", "tf.reduce_sum(tf.constant([[1.0]]), 2)", {}),
    ("argmax_ties", "[tf.argmax(x, 1), tf.argmin(x, 1), tf.argmax(x, 0, output_type=tf.int32), "
     "tf.argmax(b, 0)]",
     {"x": _a([[1, 3, 3], [2, 2, 1]], F32), "b": _a([False, True, True], np.bool_)}),
    ("argmax_empty_axis", "tf.argmax(x, 0)", {"x": np.zeros((0, 3), F32)}, 0, ("dynamic",)),
    ("argmax_empty_other_axis", "tf.argmax(x, 1)", {"x": np.zeros((0, 3), F32)}),
    ("argmax_axis_out_of_range", "tf.argmax(x, a)",
     {"x": np.zeros((2, 3), F32), "a": _a(5, I32)}, 0, ("dynamic",)),
    ("cumsum_cumprod", "[tf.cumsum(x, 1, exclusive=True, reverse=True), tf.cumprod(x, 1, "
     "exclusive=True), tf.cumsum(x, 0, reverse=True), tf.cumprod(x, -1, reverse=True)]",
     {"x": _a([[1, 2, 3, 4], [5, 6, 7, 8]], I8)}),
    ("cumsum_axis_out_of_range", "tf.cumsum(x, a)",
     {"x": np.ones((1, 3), F32), "a": _a(2, I32)}, 0, ("dynamic",)),
    ("count_nonzero_and_logsumexp", "[tf.count_nonzero(x), tf.count_nonzero(x, 1, "
     "dtype=tf.int32), tf.reduce_logsumexp(y, 1), tf.reduce_logsumexp(y)]",
     {"x": _a([[0, 1, 2], [0, 0, 3]], F32), "y": _a([[-INF, -INF], [1000.0, 1000.0]], F32)},
     1e-6),
]

SEGMENT_CASES = [
    (f"segments_sorted_{dtype.__name__}", "[tf.segment_sum(x, s), tf.segment_mean(x, s), "
     "tf.segment_max(x, s), tf.segment_min(x, s), tf.segment_prod(x, s)]",
     {"x": _a([1, 2, 3, 4], dtype), "s": _a([0, 0, 2, 5], I32)})
    for dtype in (F32, I32)
]
SEGMENT_CASES += [
    (f"segments_unsorted_{dtype.__name__}", "[tf.unsorted_segment_sum(x, s, 4), "
     "tf.unsorted_segment_max(x, s, 4), tf.unsorted_segment_min(x, s, 4), "
     "tf.unsorted_segment_prod(x, s, 4)]",
     {"x": _a([1, 2, 3, 4], dtype), "s": _a([0, 3, 0, -1], I64)})
    for dtype in (F32, I32, F64)
]
SEGMENT_CASES += [
    ("segment_mean_negative_int", "tf.segment_mean(x, s)",
     {"x": _a([-3, 0, 1], I32), "s": _a([0, 0, 1], I32)}),
    ("segment_rows", "[tf.segment_sum(x, s), tf.unsorted_segment_max(x, t, 3)]",
     {"x": np.arange(12, dtype=F32).reshape(4, 3), "s": _a([0, 0, 1, 1], I32),
      "t": _a([2, 0, 2, 2], I32)}),
    ("unsorted_segment_2d_ids", "tf.unsorted_segment_sum(x, s, 3)",
     {"x": np.arange(12, dtype=F32).reshape(2, 3, 2), "s": _a([[0, 1, 2], [0, 2, 2]], I32)}),
    ("segment_empty_data", "tf.segment_sum(x, s)",
     {"x": np.zeros((0, 2), F32), "s": np.zeros((0,), I32)}),
    ("segment_ids_not_increasing", "tf.segment_sum(x, s)",
     {"x": _a([1, 2, 3, 4], F32), "s": _a([0, 2, 1, 5], I32)}),
    ("segment_id_negative", "tf.segment_sum(x, s)",
     {"x": _a([1, 2, 3, 4], F32), "s": _a([-1, 0, 1, 5], I32)}),
    ("segment_ids_length", "tf.segment_sum(x, s)",
     {"x": _a([1, 2, 3, 4], F32), "s": _a([0, 0, 1], I32)}, 0, ("dynamic",)),
    ("unsorted_segment_out_of_range", "tf.unsorted_segment_sum(x, s, 3)",
     {"x": np.ones((2, 3), F32), "s": _a([[0, 1, 2], [0, 5, 1]], I32)}),
    ("unsorted_segment_negative_count", "tf.unsorted_segment_sum(x, s, n)",
     {"x": _a([1, 2], F32), "s": _a([0, 1], I32), "n": _a(-1, I32)}),
    ("unsorted_segment_shape_prefix", "tf.unsorted_segment_sum(x, s, 4)",
     {"x": np.ones((2, 3), F32), "s": _a([0, 1, 2], I32)}, 0, ("dynamic",)),
]

SORT_CASES = [
    ("top_k_ties", "tf.math.top_k(x, 3)",
     {"x": _a([[1, 3, 3, 2, 3], [5, 5, 5, 5, 5]], F32)}),
    ("top_k_nan_and_ints", "[tf.math.top_k(x, 2).values, tf.math.top_k(x, 2).indices, "
     "tf.nn.top_k(i, 4).indices, tf.math.top_k(x, 0).values]",
     {"x": _a([1, NAN, 3, 2], F32), "i": _a([-2**31, 5, 2**31 - 1, 5, 0], I32)}),
    ("top_k_too_few_columns", "tf.math.top_k(x, 3)", {"x": _a([1, 2], F32)}),
    ("top_k_negative_k", "tf.math.top_k(x, k)", {"x": _a([1, 2], F32), "k": _a(-1, I32)}),
    ("sort_and_argsort", "[tf.argsort(x, stable=True), tf.argsort(x, direction='DESCENDING'), "
     "tf.sort(x), tf.sort(x, direction='DESCENDING')]",
     {"x": _a([3, 1, 3, 1, 2, -0.5], F32)}),
    ("sort_integers", "[tf.sort(i), tf.argsort(i), tf.sort(u), "
     "tf.sort(u, direction='DESCENDING'), tf.argsort(u)]",
     {"i": _a([-2**31, 5, 2**31 - 1, 0, 5], I32), "u": _a([3, 0, 255, 3], U8)}),
    ("sort_axis_0", "[tf.sort(x, axis=0), tf.argsort(x, axis=0, direction='DESCENDING')]",
     {"x": _a([[3, 1], [1, 2], [2, 2]], F32)}),
]

MATMUL_CASES = [
    ("matmul_int_wraps", "tf.matmul(a, b)",
     {"a": _a([[2**30, 2**30]], I32), "b": _a([[2], [2]], I32)}),
    ("matmul_transposes", "[tf.matmul(a, b, transpose_a=True), tf.matmul(b, a, transpose_a=True), "
     "a @ tf.matmul(a, b, transpose_a=True)]",
     {"a": np.arange(6, dtype=F64).reshape(3, 2), "b": np.arange(12, dtype=F64).reshape(3, 4)}),
    ("matmul_adjoint_complex", "[tf.matmul(c, c, adjoint_a=True), tf.matmul(c, c, "
     "adjoint_b=True), tf.matmul(d, d, adjoint_a=True)]",
     {"c": _a([[1 + 1j, 2], [3j, 4 - 1j]], np.complex128),
      "d": _a([[[1 + 1j, 2], [3j, 4 - 1j]]], np.complex128)}, 1e-12),
    ("batch_matmul_broadcast",
     "[tf.matmul(a, b), tf.matmul(b, a, adjoint_a=True, adjoint_b=True)]",
     {"a": np.arange(12, dtype=F32).reshape(2, 1, 2, 3),
      "b": np.arange(36, dtype=F32).reshape(3, 3, 4) / 7}, 1e-6),
    ("matmul_size_mismatch", "tf.matmul(a, b)",
     {"a": np.ones((2, 3), F32), "b": np.ones((2, 3), F32)}, 0, ("dynamic",)),
    ("batch_matmul_batch_mismatch", "tf.matmul(a, b)",
     {"a": np.ones((2, 2, 3), F32), "b": np.ones((3, 3, 4), F32)}, 0, ("dynamic",)),
    ("einsum", "[tf.einsum('ij,jk->ik', a, b), tf.einsum('ij,jk', a, b), tf.einsum('ii', s), "
     "tf.einsum('ij->ji', a), tf.einsum('...ij,...jk->...ik', c, d), "
     "tf.einsum('ij,ij->', a, a), tf.einsum('ij,jk,kl->il', a, b, e)]",
     {"a": np.arange(6, dtype=F32).reshape(2, 3), "b": np.arange(12, dtype=F32).reshape(3, 4),
      "s": np.arange(9, dtype=F32).reshape(3, 3), "c": np.ones((2, 1, 2, 3), F32),
      "d": np.arange(24, dtype=F32).reshape(4, 3, 2), "e": np.arange(8, dtype=F32).reshape(4, 2)},
     1e-6),
]

SEQUENCE_CASES = [
    ("range_values", "[tf.range(0.0, 1.0, 0.1), tf.range(5, 0, -2), tf.range(1, 5.0), "
     "tf.range(5, dtype=tf.int64), tf.range(0.0, 1.0, 0.3, dtype=tf.float64)]", {}),
    ("range_inputs", "tf.range(a, b, c)",
     {"a": _a(0.5, F32), "b": _a(3.1, F32), "c": _a(0.7, F32)}),
    ("range_zero_delta_static", "tf.range(0, 10, 0)", {}),
    ("range_wrong_direction_static", "tf.range(10, 0, 1)", {}),
    ("range_zero_delta", "tf.range(a, b, c)",
     {"a": _a(0, I32), "b": _a(10, I32), "c": _a(0, I32)}),
    ("range_wrong_direction", "tf.range(a, b, c)",
     {"a": _a(1.5, F32), "b": _a(0.5, F32), "c": _a(1.0, F32)}),
    ("range_negative_direction", "tf.range(a, b, c)",
     {"a": _a(0, I64), "b": _a(10, I64), "c": _a(-1, I64)}),
    ("lin_space", "[tf.lin_space(a, b, 7), tf.lin_space(d, e, 5), tf.lin_space(a, b, 1)]",
     {"a": _a(0.0, F32), "b": _a(1.0, F32), "d": _a(-1.0, F64), "e": _a(2.0, F64)}),
    ("lin_space_zero_count", "tf.raw_ops.LinSpace(start=a, stop=b, num=n)",
     {"a": _a(0.0, F32), "b": _a(1.0, F32), "n": _a(0, I32)}),
    ("sequence_mask", "[tf.sequence_mask(n, 4), tf.sequence_mask(m), tf.sequence_mask(n, 3, "
     "dtype=tf.float32)]",
     {"n": _a([1, 3, 0], I32), "m": _a([[1, 3], [0, 2]], I64)}),
]

MISC_CASES = [
    ("add_type_mismatch", "tf.add(i, f)", {"i": _a([1], I32), "f": _a([1.0], F32)}),
    ("add_operator_type_mismatch", "i + f", {"i": _a([1], I32), "f": _a([1.0], F32)}),
    ("add_operator_python_float", "i + 1.5", {"i": _a([1], I32)}),
    ("add_strings", "[tf.add(s, t), s + t]",
     {"s": _a([b"a", b"bc"], np.bytes_), "t": _a(b"!", np.bytes_)}),
    ("add_n_wraps", "[tf.add_n([a, b, a]), tf.accumulate_n([a, b])]",
     {"a": _a([200, 1], U8), "b": _a([100, 2], U8)}),
    ("add_n_shape_mismatch", "tf.add_n([a, b])",
     {"a": _a([1, 2], F32), "b": _a([1, 2, 3], F32)}, 0, ("dynamic",)),
    ("shifts", "[tf.bitwise.left_shift(x, y), tf.bitwise.right_shift(x, y), "
     "tf.bitwise.right_shift(u, v), tf.bitwise.left_shift(w, z)]",
     {"x": _a([1, 1, 1, -8, -8, 64], I8), "y": _a([7, 8, -1, 1, 9, 3], I8),
      "u": _a([255, 255, 128], U8), "v": _a([9, 1, 7], U8), "w": _a([1, 3], I32),
      "z": _a([31, 33], I32)}),
    ("bitwise", "[tf.bitwise.bitwise_and(x, y), tf.bitwise.bitwise_or(x, y), "
     "tf.bitwise.bitwise_xor(x, y), tf.bitwise.invert(x), x & y, x | y, x ^ y, ~x]",
     {"x": _a([12, -1, 0, 255], np.int16), "y": _a([10, 7, -3, 256], np.int16)}),
    ("scalar_mul_and_squares", "[tf.scalar_mul(3, i), tf.squared_difference(i, j), "
     "tf.square(u)]",
     {"i": _a([1, -2], I32), "j": _a([4, 2], I32), "u": _a([16, 17], U8)}),
]
# fmt: on

CASES = (
    DIVISION_CASES
    + CAST_CASES
    + ROUND_CASES
    + POW_CASES
    + COMPARISON_CASES
    + SPECIAL_CASES
    + REDUCTION_CASES
    + SEGMENT_CASES
    + SORT_CASES
    + MATMUL_CASES
    + SEQUENCE_CASES
    + MISC_CASES
)


def core_message(message: str) -> str:
    """The TF message without the node/graph context TF adds around it."""
    lines = message.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("Node: '"):
            body = []
            for rest in lines[index + 1 :]:
                if rest.startswith("\t [["):
                    break
                body.append(rest)
            return "\n".join(body)
    return message.split(" for '{{node ")[0]


def _placeholder(tf, name, value, mode):
    shape = {
        "static": value.shape,
        "const": value.shape,
        "dynamic": [None] * value.ndim,
        "unknown_rank": None,
    }[mode]
    dtype = tf.string if value.dtype.kind == "S" else tf.as_dtype(value.dtype)
    return tf.placeholder(dtype, shape=shape, name=name)


def _storable(value):
    value = np.asarray(value)
    return value.astype(np.bytes_) if value.dtype == object else value


def run_mode(tf, expr, inputs, mode, arrays):
    """Builds and runs one case in one mode; records values in `arrays`, returns the meta."""
    graph = tf.Graph()
    with graph.as_default():
        feeds = {name: _placeholder(tf, name, value, mode) for name, value in inputs.items()}
        try:
            code = compile(expr, __file__, "eval")
            result = eval(code, {"tf": tf, "np": np, **feeds})  # noqa: S307 - our case table
        except Exception as err:  # noqa: BLE001 - the class and message are the golden
            return {"build_error": type(err).__name__, "message": core_message(str(err))}
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        info = {
            "shapes": [None if t.shape.rank is None else t.shape.as_list() for t in outputs],
            "dtypes": [t.dtype.name for t in outputs],
        }
        try:
            with tf.Session(graph=graph) as sess:
                values = sess.run(outputs, {feeds[n]: v for n, v in inputs.items()})
        except tf.errors.OpError as err:
            info.update(run_error=type(err).__name__, message=core_message(err.message))
            return info
        for index, value in enumerate(values):
            arrays[f"{mode}_out{index}"] = _storable(value)
    return info


def save_cases(tf, writer, cases):
    """Records every case of a table (shared with tools/goldens/nn.py)."""
    for case in cases:
        name, expr, inputs = case[:3]
        rtol = case[3] if len(case) > 3 else 0
        modes = case[4] if len(case) > 4 else (DEFAULT_MODES if inputs else ("const",))
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        results = {mode: run_mode(tf, expr, inputs, mode, arrays) for mode in modes}
        writer.save(name, arrays, {"call": expr, "rtol": rtol, "modes": results})


def generate(tf, writer):
    save_cases(tf, writer, CASES)
