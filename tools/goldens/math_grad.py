"""Golden gradients for the math op family, recorded from real TensorFlow: the cases where
TF's gradient formulas make choices (ties of Max/Min/Maximum, Prod and Cumprod with zeros,
Pow at 0, Select, segment ops, broadcasting BatchMatMulV2 and Einsum, TopK ties, Abs/Sign/
Sqrt at 0, IndexedSlices densified). Same case format and runner as tools/goldens/math.py:
each case is an expression, usually `tf.gradients(...)`, over named inputs.
"""

from __future__ import annotations

import numpy as np

from goldens import math as math_goldens

F32, F64, I32, I64 = np.float32, np.float64, np.int32, np.int64
INF = np.inf


def _a(values, dtype):
    return np.array(values, dtype=dtype)


def _grads(expr, wrt):
    return f"tf.gradients({expr}, [{wrt}])"


_TIES = _a([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [5.0, 1.0, 0.0]], F64)
_ZEROS = _a([[1.0, 0.0, 3.0], [0.0, 2.0, 0.0], [4.0, 5.0, 6.0]], F64)
_RNG = np.random.default_rng(7)

# fmt: off
REDUCTION_CASES = [
    ("grad_max_ties", "[" + ", ".join([
        _grads("tf.reduce_max(x, axis=1)", "x") + "[0]",
        _grads("tf.reduce_max(x)", "x") + "[0]",
        _grads("tf.reduce_min(x, axis=0, keepdims=True)", "x") + "[0]",
        _grads("tf.reduce_max(x, axis=[0, 1])", "x") + "[0]"]) + "]",
     {"x": _TIES}, 1e-12),
    ("grad_max_ties_float32", _grads("tf.reduce_max(x, axis=-1) * w", "x"),
     {"x": _TIES.astype(F32), "w": _a([1.0, 2.0, 3.0], F32)}, 1e-6),
    ("grad_prod_zeros", "[" + ", ".join([
        _grads("tf.reduce_prod(x, axis=1)", "x") + "[0]",
        _grads("tf.reduce_prod(x, axis=0)", "x") + "[0]",
        _grads("tf.reduce_prod(x)", "x") + "[0]",
        _grads("tf.reduce_prod(x, axis=[1], keepdims=True)", "x") + "[0]"]) + "]",
     {"x": _ZEROS}, 1e-12),
    ("grad_prod_3d_axes", _grads("tf.reduce_prod(x, axis=[0, 2])", "x"),
     {"x": np.arange(1.0, 25.0).reshape(2, 3, 4) / 7}, 1e-12),
    ("grad_sum_mean", "[" + ", ".join([
        _grads("tf.reduce_sum(x, axis=1)", "x") + "[0]",
        _grads("tf.reduce_mean(x, axis=[0, 2])", "x") + "[0]",
        _grads("tf.reduce_mean(x, axis=-1, keepdims=True)", "x") + "[0]",
        _grads("tf.reduce_mean(x)", "x") + "[0]"]) + "]",
     {"x": np.arange(24.0).reshape(2, 3, 4)}, 1e-12),
    ("grad_cumsum_cumprod", "[" + ", ".join([
        _grads("tf.cumsum(x, axis=1, exclusive=True) * w", "x") + "[0]",
        _grads("tf.cumsum(x, axis=0, reverse=True) * w", "x") + "[0]",
        _grads("tf.cumprod(x, axis=1) * w", "x") + "[0]",
        _grads("tf.cumprod(x, axis=1, exclusive=True, reverse=True) * w", "x") + "[0]"]) + "]",
     {"x": _ZEROS, "w": _a([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], F64)}, 1e-12),
]

CWISE_CASES = [
    ("grad_maximum_minimum_ties", "[" + ", ".join([
        _grads("tf.maximum(x, y)", "x, y") + "[0]", _grads("tf.maximum(x, y)", "x, y") + "[1]",
        _grads("tf.minimum(x, y)", "x, y") + "[0]", _grads("tf.minimum(x, y)", "x, y") + "[1]",
        _grads("tf.maximum(x, s)", "s") + "[0]"]) + "]",
     {"x": _a([1.0, 2.0, 3.0, 2.0], F64), "y": _a([1.0, 3.0, 2.0, 2.0], F64),
      "s": _a(2.0, F64)}, 1e-12),
    ("grad_pow_at_zero", "[" + ", ".join([
        _grads("tf.pow(x, y)", "x, y") + "[0]", _grads("tf.pow(x, y)", "x, y") + "[1]"]) + "]",
     {"x": _a([0.0, 0.0, 2.0, -1.0, 0.0, 3.0], F64), "y": _a([2.0, 0.5, 3.0, 2.0, 0.0, -1.0], F64)},
     1e-12),
    ("grad_pow_broadcast", _grads("tf.pow(x, y)", "x, y"),
     {"x": _a([[0.5, 2.0, 3.0], [1.5, 0.0, 1.0]], F64), "y": _a([2.0, 3.0, 0.5], F64)}, 1e-12),
    ("grad_abs_sign_sqrt_at_zero", "[" + ", ".join([
        _grads("tf.abs(x)", "x") + "[0]", _grads("tf.sign(x)", "x") + "[0]",
        _grads("tf.sqrt(x)", "x") + "[0]", _grads("tf.nn.relu(x)", "x") + "[0]",
        _grads("tf.math.reciprocal(x)", "x") + "[0]"]) + "]",
     {"x": _a([0.0, -0.0, 1.0, 4.0], F64)}, 1e-12),
    ("grad_broadcast_arithmetic", "[" + ", ".join(
        _grads(f"{e} * w", "x, y") + f"[{i}]" for e in
        ("x + y", "x - y", "x * y", "x / y", "tf.squared_difference(x, y)", "tf.atan2(x, y)",
         "tf.math.floormod(x, y)", "tf.math.divide_no_nan(x, y)")
        for i in (0, 1)) + "]",
     {"x": _RNG.uniform(1.0, 2.0, (2, 1, 3)), "y": _RNG.uniform(0.5, 1.5, (4, 1)),
      "w": _RNG.normal(size=(2, 4, 3))}, 1e-10),
    ("grad_special", "[" + ", ".join([
        _grads("tf.math.lgamma(x)", "x") + "[0]", _grads("tf.math.digamma(x)", "x") + "[0]",
        _grads("tf.math.erf(x)", "x") + "[0]", _grads("tf.math.erfc(x)", "x") + "[0]",
        _grads("tf.math.polygamma(tf.constant(2.0, tf.float64), x)", "x") + "[0]",
        _grads("tf.math.zeta(tf.constant(3.0, tf.float64), x)", "x") + "[0]"]) + "]",
     {"x": _a([0.3, 1.0, 2.5, 7.0], F64)}, 1e-9),
    ("grad_cast", _grads("tf.cast(x, tf.float64) * 3.0", "x"), {"x": _a([1.5, -2.5], F32)}),
    ("grad_complex_parts", "[" + ", ".join([
        _grads("tf.math.real(z) * 2.0 + tf.math.imag(z) * 3.0", "z") + "[0]",
        _grads("tf.math.angle(z)", "z") + "[0]",
        _grads("tf.abs(z)", "z") + "[0]",
        _grads("tf.math.real(tf.complex(x, y) * tf.complex(y, x))", "x, y") + "[0]"]) + "]",
     {"z": _a([1 + 2j, -3 + 0.5j, 0j], np.complex128), "x": _a([1.0, 2.0, 3.0], F64),
      "y": _a([0.5, -1.0, 2.0], F64)}, 1e-12),
]

SELECT_CASES = [
    ("grad_select", "[" + ", ".join([
        _grads("tf.where(c, x, y)", "x, y") + "[0]", _grads("tf.where(c, x, y)", "x, y") + "[1]",
        _grads("tf.where(r, x, y)", "x, y") + "[0]",
        _grads("tf.where_v2(c, x, s)", "x, s") + "[1]",
        _grads("tf.where_v2(v, x, s)", "x, s") + "[0]"]) + "]",
     {"c": _a([[True, False, True], [False, False, True]], bool), "r": _a([True, False], bool),
      "v": _a([True, False, False], bool), "x": np.arange(6.0).reshape(2, 3),
      "y": np.arange(6.0, 12.0).reshape(2, 3), "s": _a([[1.0], [2.0]], F64)}, 1e-12),
    ("grad_clip_by_value_op", "[" + ", ".join(
        _grads("tf.raw_ops.ClipByValue(t=t, clip_value_min=lo, clip_value_max=hi) * w",
               "t, lo, hi") + f"[{i}]" for i in range(3)) + "]",
     {"t": _a([[-2.0, 0.5, 3.0], [1.0, -1.0, 9.0]], F64), "lo": _a(-1.0, F64),
      "hi": _a(2.0, F64), "w": _a([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], F64)}, 1e-12),
    ("grad_clip_by_value", _grads("tf.clip_by_value(t, -1.0, 1.0)", "t"),
     {"t": _a([-2.0, -1.0, 0.5, 1.0, 3.0], F64)}, 1e-12),
]

_DATA = _a([[1.0, 5.0], [3.0, 5.0], [0.0, 2.0], [3.0, 0.0], [4.0, 0.0], [2.0, 1.0]], F64)
_IDS = _a([0, 0, 1, 1, 1, 3], I32)
_UIDS = _a([2, -1, 0, 2, 0, 2], I64)
SEGMENT_CASES = [
    ("grad_segments_sorted", "[" + ", ".join(
        _grads(f"tf.math.{op}(x, ids) * w", "x") + "[0]"
        for op in ("segment_sum", "segment_mean", "segment_max", "segment_min",
                   "segment_prod")) + "]",
     {"x": _DATA, "ids": _IDS, "w": _a([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], F64)},
     1e-12),
    ("grad_segments_unsorted", "[" + ", ".join(
        _grads(f"tf.math.{op}(x, ids, 3) * w", "x") + "[0]"
        for op in ("unsorted_segment_sum", "unsorted_segment_max", "unsorted_segment_min",
                   "unsorted_segment_prod")) + "]",
     {"x": _DATA, "ids": _UIDS, "w": _a([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], F64)}, 1e-12),
    ("grad_unsorted_segment_2d_ids", _grads("tf.math.unsorted_segment_max(x, ids, 2)", "x"),
     {"x": _a([[[1.0, 2.0], [2.0, 2.0]], [[0.0, 5.0], [5.0, 1.0]]], F64),
      "ids": _a([[0, 1], [-1, 0]], I32)}, 1e-12),
]

MATMUL_CASES = [
    ("grad_matmul_transposes", "[" + ", ".join(
        _grads(f"tf.matmul(a, b, transpose_a={ta}, transpose_b={tb}) * w", "a, b") + f"[{i}]"
        for ta, tb, a_shape in ((False, False, 0), (True, True, 1)) for i in (0, 1)) + "]",
     {"a": _RNG.normal(size=(3, 3)), "b": _RNG.normal(size=(3, 3)),
      "w": _RNG.normal(size=(3, 3))}, 1e-10),
    ("grad_batch_matmul_broadcast", "[" + ", ".join(
        _grads(f"tf.matmul(a, b, adjoint_a={aa}, adjoint_b={ab}) * 1.0", "a, b") + f"[{i}]"
        for aa, ab in ((False, False), (True, True)) for i in (0, 1)) + "]",
     {"a": _RNG.normal(size=(2, 1, 3, 3)), "b": _RNG.normal(size=(4, 3, 3))}, 1e-10),
    ("grad_batch_matmul_rank_mismatch", _grads("tf.matmul(a, b)", "a, b"),
     {"a": _RNG.normal(size=(2, 3, 4)), "b": _RNG.normal(size=(4, 5))}, 1e-10),
    ("grad_einsum", "[" + ", ".join([
        _grads("tf.einsum('ij,jk->ik', a, b) * w", "a, b") + "[0]",
        _grads("tf.einsum('ij,jk->ik', a, b) * w", "a, b") + "[1]",
        _grads("tf.einsum('ii->i', a)", "a") + "[0]",
        _grads("tf.einsum('ij->', a)", "a") + "[0]",
        _grads("tf.einsum('ij->ji', a) * w", "a") + "[0]",
        _grads("tf.einsum('ij,kj->j', a, b)", "a, b") + "[1]",
        _grads("tf.einsum('bij,jk->bik', c, b) * 2.0", "c, b") + "[1]",
        _grads("tf.einsum('...ij,...jk->...ik', c, d)", "c, d") + "[1]",
        _grads("tf.einsum('aij,ajk->ik', c, c)", "c") + "[0]"]) + "]",
     {"a": _RNG.normal(size=(3, 3)), "b": _RNG.normal(size=(3, 3)),
      "w": _RNG.normal(size=(3, 3)), "c": _RNG.normal(size=(2, 3, 3)),
      "d": _RNG.normal(size=(1, 3, 3))}, 1e-10, ("static",)),
]

SORT_CASES = [
    ("grad_top_k_ties", "[" + ", ".join([
        _grads("tf.nn.top_k(x, 2).values * w", "x") + "[0]",
        _grads("tf.nn.top_k(y, 1).values", "y") + "[0]"]) + "]",
     {"x": _a([[3.0, 1.0, 3.0, 2.0], [0.0, 5.0, 5.0, 5.0]], F64), "w": _a([1.0, 10.0], F64),
      "y": _a([[[1.0, 2.0], [4.0, 4.0]]], F64)}, 1e-12),
    ("indexed_slices_to_dense",
     "[tf.convert_to_tensor(tf.IndexedSlices(v, i, tf.constant([4, 2]))), "
     "tf.convert_to_tensor(tf.IndexedSlices(v, i, tf.shape(p)))]",
     {"v": _a([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], F32), "i": _a([3, 0, 3], I32),
      "p": np.zeros((4, 2), F32)}),
]
# fmt: on

CASES = REDUCTION_CASES + CWISE_CASES + SELECT_CASES + SEGMENT_CASES + MATMUL_CASES + SORT_CASES


def generate(tf, writer):
    math_goldens.save_cases(tf, writer, CASES)
