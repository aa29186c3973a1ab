"""Golden cases for the sparse op family (tf.sparse.*), recorded from real TensorFlow.

The cases use the expression format of tools/goldens/math.py: a Python expression over named
inputs, run with placeholders in the listed modes; the static shapes and dtypes, the values
(or TF's error class and message) are recorded. A SparseTensor result is recorded as
[indices, values, dense_shape]; a gradient as the dense tensors tf.gradients returns.

Inputs: `i`, `v`, `s` are the indices, values and dense shape of a SparseTensor A (3 x 4,
canonically ordered); `j`, `w`, `t` those of a second SparseTensor B; `x` a dense operand;
`c` loss weights for the gradient cases.
"""

from __future__ import annotations

import numpy as np

from goldens import math as math_goldens

F32, F64, I32, I64, C64 = np.float32, np.float64, np.int32, np.int64, np.complex64
_RNG = np.random.default_rng(55)


def _a(values, dtype):
    return np.array(values, dtype=dtype)


def _s(values):
    return np.array([v.encode() for v in values], dtype="S")


def _sparse(expr: str) -> str:
    return f"(lambda t: [t.indices, t.values, t.dense_shape])({expr})"


def _sparse_list(expr: str) -> str:
    return f"[x for t in {expr} for x in (t.indices, t.values, t.dense_shape)]"


def _grads(loss: str, wrt: str) -> str:
    return f"[tf.convert_to_tensor(g) for g in tf.gradients({loss}, [{wrt}])]"


SP = "tf.SparseTensor(i, v, s)"
SP2 = "tf.SparseTensor(j, w, t)"
_IND = _a([[0, 1], [1, 0], [1, 2], [2, 3]], I64)
_UNSORTED = _a([[2, 3], [0, 1], [1, 2], [1, 0]], I64)
_SHAPE = _a([3, 4], I64)
A = {"i": _IND, "v": _a([1.5, -2.0, 3.0, 4.5], F32), "s": _SHAPE}
A64 = {**A, "v": _a([1.5, -2.0, 3.0, 4.5], F64)}
B = {
    "j": _a([[0, 1], [1, 0], [2, 0], [2, 3]], I64),
    "w": _a([0.5, 2.0, -1.0, -4.25], F32),
    "t": _SHAPE,
}
B64 = {**B, "w": B["w"].astype(F64)}
U = {"i": _UNSORTED, "v": _a([4.5, 1.5, 3.0, -2.0], F32), "s": _SHAPE}
A3 = {
    "i": _a([[0, 0, 1], [0, 2, 0], [1, 0, 1], [1, 1, 2], [1, 2, 1]], I64),
    "v": _a([1.0, -2.0, 3.5, 4.0, -0.5], F64),
    "s": _a([2, 3, 3], I64),
}
W34 = _RNG.normal(size=(3, 4))

# fmt: off
# The case tables stay one case per line or two (ruff format would triple their length).
DENSE_CASES = [
    ("to_dense", f"[tf.sparse.to_dense({SP}), tf.sparse.to_dense({SP}, default_value=-1.0)]", A),
    ("to_dense_alias_3d", f"tf.sparse_tensor_to_dense({SP}, 7.0)", A3),
    ("to_dense_strings", f"[tf.sparse.to_dense({SP}), tf.sparse.to_dense({SP}, 'x')]",
     {**A, "v": _s(["a", "bc", "", "d"])}),
    ("to_dense_ints", f"tf.sparse.to_dense({SP})", {**A, "v": _a([1, -2, 3, 4], I32)}),
    ("to_dense_bool", f"tf.sparse.to_dense({SP})", {**A, "v": _a([True, False, True, True], bool)}),
    ("to_dense_unsorted", f"tf.sparse.to_dense({SP})", U),
    ("to_dense_unsorted_unvalidated", f"tf.sparse.to_dense({SP}, validate_indices=False)", U),
    ("to_dense_repeated", f"tf.sparse.to_dense({SP})",
     {**A, "i": _a([[0, 1], [1, 0], [1, 0], [2, 3]], I64)}),
    ("to_dense_out_of_bounds", f"tf.sparse.to_dense({SP})",
     {**A, "i": _a([[0, 1], [1, 0], [1, 4], [2, 3]], I64)}),
    ("to_dense_grad", _grads(f"tf.reduce_sum(tf.sparse.to_dense({SP}, d) * x)", "v, d"),
     {**A64, "d": _a(0.25, F64), "x": W34}, 1e-12),
    ("from_dense", _sparse("tf.sparse.from_dense(x)"),
     {"x": _a([[0.0, 1.5, 0.0], [-2.0, 0.0, 3.0]], F32)}),
    ("from_dense_ints_1d", _sparse("tf.sparse.from_dense(x)"), {"x": _a([0, 3, 0, 0, -1], I32)}),
    ("from_dense_strings", _sparse("tf.sparse.from_dense(x)"), {"x": _s(["", "a", "", "bc"])}),
    ("from_dense_3d_bool", _sparse("tf.sparse.from_dense(x)"),
     {"x": _a([[[True, False], [False, False]], [[False, True], [True, True]]], bool)}),
    ("to_indicator", "tf.sparse.to_indicator(tf.SparseTensor(i, v, s), 5)",
     {"i": _a([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], I64), "v": _a([0, 3, 4, 1, 4], I64),
      "s": _a([2, 3], I64)}),
    ("to_indicator_int32_3d", "tf.sparse_to_indicator(tf.SparseTensor(i, v, s), 4)",
     {"i": _a([[0, 0, 0], [0, 1, 0], [1, 0, 1], [1, 1, 0]], I64), "v": _a([2, 0, 3, 3], I32),
      "s": _a([2, 2, 2], I64)}),
    ("merge", _sparse("tf.sparse_merge(tf.SparseTensor(i, v, s), tf.SparseTensor(i, w, s), 6)"),
     {"i": _a([[0, 0], [0, 1], [1, 0], [1, 1]], I64), "v": _a([4, 1, 5, 0], I64),
      "w": _a([0.5, 1.5, 2.5, 3.5], F32), "s": _a([2, 2], I64)}),
    ("merge_sorted", _sparse("tf.sparse.merge(tf.SparseTensor(i, v, s), tf.SparseTensor(i, w, s), "
                             "6, already_sorted=True)"),
     {"i": _a([[0, 0], [0, 1], [1, 0], [1, 1]], I64), "v": _a([4, 1, 5, 0], I64),
      "w": _a([0.5, 1.5, 2.5, 3.5], F32), "s": _a([2, 2], I64)}),
    # Densified: TF's shape inference folds Minimum into Range's static length (the indices'
    # static shape [3, 2]); ndflow's Range shape function reads constants only ([?, 2]).
    ("eye", "[x for t in [tf.sparse.eye(3), tf.sparse.eye(2, 4, dtype=tf.int32)] "
            "for x in (tf.sparse.to_dense(t), t.values, t.dense_shape)]", {}),
]

ORDER_CASES = [
    ("reorder", _sparse(f"tf.sparse.reorder({SP})"), U),
    ("reorder_repeated", _sparse(f"tf.sparse_reorder({SP})"),
     {**U, "i": _a([[1, 1], [0, 1], [1, 1], [0, 0]], I64)}),
    ("reorder_out_of_bounds_kept", _sparse(f"tf.sparse.reorder({SP})"),
     {**U, "i": _a([[0, 5], [0, 1], [-1, 2], [1, 0]], I64)}),
    ("reorder_const_shape", _sparse("tf.sparse.reorder(tf.SparseTensor(i, v, [3, 4]))"), U),
    ("reorder_grad", _grads(f"tf.reduce_sum(tf.sparse.reorder({SP}).values * x)", "v"),
     {**U, "v": U["v"].astype(F64), "x": _a([1.0, -2.0, 3.0, 0.5], F64)}, 1e-12),
    ("reorder_values_mismatch",
     "list(tf.raw_ops.SparseReorder(input_indices=i, input_values=v[:3], input_shape=s))", U),
    ("reorder_rank_mismatch",
     "list(tf.raw_ops.SparseReorder(input_indices=i, input_values=v, input_shape=n))",
     {**U, "n": _a([3, 4, 2], I64)}),
    ("reorder_negative_dim",
     "list(tf.raw_ops.SparseReorder(input_indices=i, input_values=v, input_shape=n))",
     {**U, "n": _a([3, -4], I64)}),
    ("reshape_builder", _sparse(f"tf.sparse.reshape({SP}, [2, -1])"), A),
    ("reshape_const_shape",
     _sparse("tf.sparse.reshape(tf.SparseTensor(i, v, [3, 4]), [-1, 3])"), A),
    ("transpose", _sparse(f"tf.sparse.transpose({SP})"), A),
    ("transpose_const_shape", _sparse("tf.sparse_transpose(tf.SparseTensor(i, v, [3, 4]), [1, 0])"),
     A),
    ("transpose_3d", _sparse(f"tf.sparse.transpose({SP}, [0, 2, 1])"), A3),
    ("retain", _sparse(f"tf.sparse.retain({SP}, m)"),
     {**A, "m": _a([True, False, False, True], bool)}),
    ("fill_empty_rows",
     f"(lambda r: [r[0].indices, r[0].values, r[0].dense_shape, r[1]])"
     f"(tf.sparse.fill_empty_rows({SP}, -1.0))", {**A, "s": _a([5, 4], I64)}),
]

_B2 = {"j": _a([[0, 0], [2, 1]], I64), "w": _a([7.0, 8.0], F32), "t": _a([3, 2], I64)}
_B_ROWS = {"j": _a([[0, 3], [1, 1]], I64), "w": _a([7.0, 8.0], F32), "t": _a([2, 4], I64)}
_B_SMALL = {"j": _a([[0, 0], [1, 1]], I64), "w": _a([7.0, 8.0], F32), "t": _a([2, 2], I64)}

CONCAT_CASES = [
    ("concat_axis1", _sparse(f"tf.sparse.concat(1, [{SP}, {SP2}])"), {**A, **_B2}),
    ("concat_axis0", _sparse(f"tf.sparse_concat(0, [{SP}, {SP2}])"), {**A, **_B_ROWS}),
    ("concat_negative_axis", _sparse(f"tf.sparse.concat(-1, [{SP}, {SP2}, {SP}])"), {**A, **_B2}),
    ("concat_const_shapes",
     _sparse("tf.sparse.concat(1, [tf.SparseTensor(i, v, [3, 4]), tf.SparseTensor(j, w, [3, 2])])"),
     {**A, **_B2}),
    ("concat_expand", _sparse(f"tf.sparse.concat(1, [{SP}, {SP2}], expand_nonconcat_dim=True)"),
     {**A, **_B_SMALL}),
    ("concat_expand_axis0",
     _sparse(f"tf.sparse.concat(0, [{SP}, {SP2}], expand_nonconcat_dims=True)"),
     {**A, **_B_SMALL}),
    ("concat_unsorted_axis0", _sparse(f"tf.sparse.concat(0, [{SP}, {SP2}])"),
     {**U, **_B_ROWS, "j": _a([[1, 1], [0, 3]], I64)}),
    ("concat_shape_mismatch", _sparse(f"tf.sparse.concat(0, [{SP}, {SP2}])"), {**A, **_B2}),
    ("concat_rank_mismatch", _sparse(f"tf.sparse.concat(0, [{SP}, {SP2}])"),
     {**A, "j": _a([[0, 0, 0]], I64), "w": _a([1.0], F32), "t": _a([1, 4, 1], I64)}),
    ("concat_bad_axis",
     "list(tf.raw_ops.SparseConcat(indices=[i, j], values=[v, w], shapes=[s, t], concat_dim=2))",
     {**A, **_B2}),
]

ADD_CASES = [
    ("add", _sparse(f"tf.sparse.add({SP}, {SP2})"), {**A, **B}),
    ("add_threshold", _sparse(f"tf.sparse.add({SP}, {SP2}, threshold=0.3)"), {**A, **B}),
    ("add_thresh_alias", _sparse(f"tf.sparse_add({SP}, {SP2}, thresh=2.5)"), {**A, **B}),
    ("add_ints", _sparse(f"tf.sparse.add({SP}, {SP2}, 1)"),
     {**A, **B, "v": _a([1, -2, 3, 4], I32), "w": _a([5, 2, -1, -4], I32)}),
    ("add_const_shapes",
     _sparse("tf.sparse.add(tf.SparseTensor(i, v, [3, 4]), tf.SparseTensor(j, w, [3, 4]))"),
     {**A, **B}),
    ("add_incompatible_static_shapes",
     _sparse("tf.sparse.add(tf.SparseTensor(i, v, [3, 4]), tf.SparseTensor(j, w, [3, 5]))"),
     {**A, **B}),
    ("add_shape_mismatch", _sparse(f"tf.sparse.add({SP}, {SP2})"),
     {**A, **B, "t": _a([3, 5], I64)}),
    # Static shapes: TF words the ValueError with "None" dims, ndflow's TensorShape with "?".
    ("add_rank_mismatch", _sparse(f"tf.sparse.add({SP}, {SP2})"),
     {**A, "j": _a([[0, 0, 0]], I64), "w": _a([1.0], F32), "t": _a([1, 4, 1], I64)}, 0,
     ("dynamic",)),
    ("add_dense", f"[tf.sparse.add({SP}, x), tf.sparse.add(x, {SP})]",
     {**A, "x": _RNG.normal(size=(3, 4)).astype(F32)}),
    ("add_dense_mismatch", f"tf.sparse.add({SP}, x)", {**A, "x": np.ones((3, 5), F32)}),
    ("add_dense_rank_mismatch", f"tf.sparse.add({SP}, x)", {**A, "x": np.ones((3,), F32)}),
    ("add_dense_out_of_bounds", f"tf.sparse.add({SP}, x)",
     {**A, "i": _a([[0, 1], [1, 0], [3, 2], [2, 3]], I64), "x": np.ones((3, 4), F32)}),
    ("add_dense_repeated_accumulates", f"tf.sparse.add({SP}, x)",
     {**A, "i": _a([[0, 1], [1, 0], [1, 0], [2, 3]], I64), "x": np.ones((3, 4), F32)}),
    ("add_grads",
     _grads(f"tf.reduce_sum(tf.sparse.to_dense(tf.sparse.add({SP}, {SP2}, 0.3)) * x)", "v, w"),
     {**A64, **B64, "x": W34}, 1e-12),
    ("add_dense_grads", _grads(f"tf.reduce_sum(tf.sparse.add({SP}, x) * x * x)", "v, x"),
     {**A64, "x": W34}, 1e-12),
    ("add_grad_op",
     "list(tf.raw_ops.SparseAddGrad(backprop_val_grad=g, a_indices=i, b_indices=j, "
     "sum_indices=k))",
     {"g": _a([1.0, 2.0, 3.0, 4.0, 5.0], F32), "i": _IND, "j": B["j"],
      "k": _a([[0, 1], [1, 0], [1, 2], [2, 0], [2, 3]], I64)}),
    ("add_grad_op_count_mismatch",
     "list(tf.raw_ops.SparseAddGrad(backprop_val_grad=g, a_indices=i, b_indices=j, "
     "sum_indices=k))",
     {"g": _a([1.0, 2.0], F32), "i": _IND, "j": B["j"],
      "k": _a([[0, 1], [1, 0], [1, 2]], I64)}),
    ("maximum_minimum",
     f"{_sparse(f'tf.sparse.maximum({SP}, {SP2})')} + {_sparse(f'tf.sparse.minimum({SP}, {SP2})')}",
     {**A, **B}),
    ("maximum_shape_mismatch", _sparse(f"tf.sparse.maximum({SP}, {SP2})"),
     {**A, **B, "t": _a([3, 5], I64)}),
]

REDUCE_CASES = [
    ("reduce_sum",
     f"[tf.sparse.reduce_sum({SP}), tf.sparse.reduce_sum({SP}, 0), tf.sparse.reduce_sum({SP}, 1), "
     f"tf.sparse.reduce_sum({SP}, -1, keepdims=True), tf.sparse.reduce_sum({SP}, [0, 1])]",
     A, 1e-6),
    ("reduce_sum_3d",
     f"[tf.sparse_reduce_sum({SP}, reduction_axes=[0, 2]), "
     f"tf.sparse.reduce_sum({SP}, 1, keep_dims=True), tf.sparse.reduce_sum({SP}, [])]", A3, 1e-12),
    ("reduce_sum_const_shape",
     "[tf.sparse.reduce_sum(tf.SparseTensor(i, v, [3, 4]), 1), "
     "tf.sparse.reduce_sum(tf.SparseTensor(i, v, [3, 4]), [0, 1], keepdims=True), "
     "tf.sparse.reduce_sum(tf.SparseTensor(i, v, [3, 4]))]", A, 1e-6),
    ("reduce_sum_unsorted", f"tf.sparse.reduce_sum({SP}, 1)", U, 1e-6),
    ("reduce_sum_sparse",
     f"{_sparse(f'tf.sparse.reduce_sum_sparse({SP}, 0)')} + "
     f"{_sparse(f'tf.sparse_reduce_sum_sparse({SP}, 1, keepdims=True)')} + "
     f"{_sparse(f'tf.sparse.reduce_sum_sparse({SP})')}", U, 1e-6),
    ("reduce_max",
     f"[tf.sparse.reduce_max({SP}), tf.sparse.reduce_max({SP}, 0), "
     f"tf.sparse_reduce_max({SP}, 1, keepdims=True)]",
     {**A, "v": _a([-1.5, -2.0, 3.0, -4.5], F32)}),
    ("reduce_max_ints_3d", f"[tf.sparse.reduce_max({SP}, [0, 2]), tf.sparse.reduce_max({SP}, 1)]",
     {**A3, "v": _a([-1, -2, 3, -4, 5], I32)}),
    ("reduce_max_sparse",
     f"{_sparse(f'tf.sparse.reduce_max_sparse({SP}, 1)')} + "
     f"{_sparse(f'tf.sparse_reduce_max_sparse({SP}, 0, keepdims=True)')}",
     {**U, "v": _a([-1.5, -2.0, 3.0, -4.5], F32)}),
    ("reduce_invalid_axis", f"tf.sparse.reduce_sum({SP}, 2)", A),
    ("reduce_sum_grad",
     _grads(f"tf.reduce_sum(tf.sparse.reduce_sum({SP}, 1) * x) + "
            f"tf.reduce_sum(tf.sparse.reduce_sum({SP}, 0, keepdims=True) * y) + "
            f"tf.sparse.reduce_sum({SP}) * 3.0", "v"),
     {**A64, "x": _a([1.0, -2.0, 0.5], F64), "y": _a([[1.0, 2.0, 3.0, 4.0]], F64)}, 1e-12),
    ("reduce_sum_grad_3d",
     _grads(f"tf.reduce_sum(tf.sparse.reduce_sum({SP}, [0, 2]) * x)", "v"),
     {**A3, "x": _a([1.0, -2.0, 0.5], F64)}, 1e-12),
]

_B42 = _RNG.normal(size=(4, 2))
_B32 = _RNG.normal(size=(3, 2))
MATMUL_CASES = [
    ("matmul",
     f"[tf.sparse.sparse_dense_matmul({SP}, x), tf.sparse.matmul({SP}, y, adjoint_a=True), "
     f"tf.sparse_tensor_dense_matmul({SP}, x, adjoint_b=True, adjoint_a=False), "
     f"tf.sparse_tensor_dense_matmul({SP}, y, adjoint_a=True, adjoint_b=True)]",
     {**A, "x": _RNG.normal(size=(4, 4)).astype(F32), "y": _RNG.normal(size=(3, 3)).astype(F32)},
     1e-6),
    ("matmul_rectangular",
     f"[tf.sparse.sparse_dense_matmul({SP}, x), tf.sparse.sparse_dense_matmul({SP}, y, True), "
     f"tf.sparse.sparse_dense_matmul({SP}, tf.transpose(x), adjoint_b=True)]",
     {**A64, "x": _B42, "y": _B32}, 1e-12),
    ("matmul_dense_times_sparse",
     f"[tf.sparse.sparse_dense_matmul(x, {SP}), "
     f"tf.sparse.sparse_dense_matmul(y, {SP}, True, True)]",
     {**A64, "x": _RNG.normal(size=(2, 3)), "y": _RNG.normal(size=(4, 2))}, 1e-12),
    ("matmul_complex",
     f"[tf.sparse.sparse_dense_matmul({SP}, x, adjoint_a=True), "
     f"tf.sparse.sparse_dense_matmul({SP}, y, adjoint_b=True)]",
     {**A, "v": _a([1 + 2j, -2j, 3, 4.5 - 1j], C64), "x": _a(np.ones((3, 2)) * (1 - 1j), C64),
      "y": _a(np.ones((2, 4)) * (2 + 1j), C64)}, 1e-6),
    ("matmul_ints", f"tf.sparse.sparse_dense_matmul({SP}, x)",
     {**A, "v": _a([1, -2, 3, 4], I32), "x": _a(np.arange(8).reshape(4, 2), I32)}),
    ("matmul_inner_mismatch", f"tf.sparse.sparse_dense_matmul({SP}, x)",
     {**A, "x": np.ones((3, 2), F32)}),
    ("matmul_static_inner_mismatch",
     "tf.sparse.sparse_dense_matmul(tf.SparseTensor(i, v, [3, 4]), x)",
     {**A, "x": np.ones((3, 2), F32)}),
    ("matmul_k_out_of_bounds", f"tf.sparse.sparse_dense_matmul({SP}, x)",
     {**A, "i": _a([[0, 1], [1, 0], [1, 4], [2, 3]], I64), "x": np.ones((4, 2), F32)}),
    ("matmul_m_out_of_bounds", f"tf.sparse.sparse_dense_matmul({SP}, x)",
     {**A, "i": _a([[0, 1], [1, 0], [5, 2], [2, 3]], I64), "x": np.ones((4, 2), F32)}),
    ("matmul_grads",
     _grads(f"tf.reduce_sum(tf.sparse.sparse_dense_matmul({SP}, x) * c)", "v, x"),
     {**A64, "x": _B42, "c": _RNG.normal(size=(3, 2))}, 1e-12),
    ("matmul_grads_adjoint_a",
     _grads(f"tf.reduce_sum(tf.sparse.sparse_dense_matmul({SP}, x, adjoint_a=True) * c)", "v, x"),
     {**A64, "x": _B32, "c": _RNG.normal(size=(4, 2))}, 1e-12),
    ("matmul_grads_adjoint_b",
     _grads(f"tf.reduce_sum(tf.sparse.sparse_dense_matmul({SP}, x, adjoint_b=True) * c)", "v, x"),
     {**A64, "x": _B42.T.copy(), "c": _RNG.normal(size=(3, 2))}, 1e-12),
    ("matmul_grads_adjoint_both",
     _grads(f"tf.reduce_sum(tf.sparse.sparse_dense_matmul({SP}, x, True, True) * c)", "v, x"),
     {**A64, "x": _B32.T.copy(), "c": _RNG.normal(size=(4, 2))}, 1e-12),
]

SLICE_CASES = [
    ("slice", _sparse(f"tf.sparse.slice({SP}, [0, 1], [2, 2])"), A),
    ("slice_fed_bounds", _sparse(f"tf.sparse_slice({SP}, b, e)"),
     {**A, "b": _a([1, 0], I64), "e": _a([2, 3], I64)}),
    ("slice_past_the_end", _sparse(f"tf.sparse.slice({SP}, [1, 2], [5, 5])"), A),
    ("slice_start_beyond", _sparse(f"tf.sparse.slice({SP}, [4, 0], [1, 2])"), A),
    ("slice_bad_start", _sparse(f"tf.sparse.slice({SP}, [0, 1, 0], [2, 2])"), A),
    ("slice_grad",
     _grads(f"tf.reduce_sum(tf.sparse.to_dense(tf.sparse.slice({SP}, [1, 0], [2, 3])) * x)", "v"),
     {**A64, "x": _RNG.normal(size=(2, 3))}, 1e-12),
    ("slice_grad_op",
     "tf.raw_ops.SparseSliceGrad(backprop_val_grad=g, input_indices=i, input_start=b, "
     "output_indices=k)",
     {"g": _a([5.0, 6.0], F32), "i": _IND, "b": _a([1, 0], I64), "k": _a([[0, 0], [0, 2]], I64)}),
    ("slice_grad_op_unmatched",
     "tf.raw_ops.SparseSliceGrad(backprop_val_grad=g, input_indices=i, input_start=b, "
     "output_indices=k)",
     {"g": _a([5.0, 6.0], F32), "i": _IND, "b": _a([1, 0], I64), "k": _a([[0, 0], [0, 3]], I64)}),
    ("split_axis1", _sparse_list(f"tf.sparse.split(sp_input={SP}, num_split=3, axis=1)"), A),
    ("split_axis0", _sparse_list(f"tf.sparse_split(sp_input={SP}, num_split=2, split_dim=0)"), A),
    ("split_negative_axis",
     _sparse_list(f"tf.sparse.split(sp_input={SP}, num_split=2, axis=-1)"), A),
    ("split_too_many", _sparse_list(f"tf.sparse.split(sp_input={SP}, num_split=5, axis=1)"), A),
]

CASES = (
    DENSE_CASES + ORDER_CASES + CONCAT_CASES + ADD_CASES + REDUCE_CASES + MATMUL_CASES + SLICE_CASES
)
# fmt: on


def generate(tf, writer):
    math_goldens.save_cases(tf, writer, CASES)
