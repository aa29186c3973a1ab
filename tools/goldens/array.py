"""Golden cases for the array op family, recorded from real TensorFlow.

Each case is a Python expression over named inputs, evaluated with `tf` bound to
`tensorflow.compat.v1` here and to `ndflow` in tests/ops/test_array_goldens.py. Every case
runs in three modes: placeholders with the inputs' full shapes ("static"), with unknown dims
("dynamic") and with unknown rank ("unknown_rank"). For each mode the .json records the
static output shapes and dtypes, or the graph-build error; the .npz records the inputs and
the run's outputs, or the .json the run-time error class and message.
"""

from __future__ import annotations

import numpy as np

MODES = ("static", "dynamic", "unknown_rank")


def _arange(shape, dtype=np.float32, start=0):
    count = int(np.prod(shape))
    return (np.arange(count) + start).astype(dtype).reshape(shape)


X234 = _arange((2, 3, 4))
X35 = _arange((3, 5))
X6 = _arange((6,))

# (case name, expression, inputs). Expressions see `tf`, `np` and the inputs by name.
STRIDED_SLICE_CASES = [
    ("getitem_mixed", "x[1:, ..., tf.newaxis, ::-1]", {"x": X234}),
    ("getitem_int", "x[0]", {"x": X234}),
    ("getitem_negative_int", "x[-1]", {"x": X234}),
    ("getitem_column", "x[:, 2]", {"x": X35}),
    ("getitem_tensor_index", "x[i]", {"x": X35, "i": np.array(2, np.int32)}),
    ("getitem_tensor_slice", "x[i:]", {"x": X35, "i": np.array(1, np.int32)}),
    ("getitem_int64_tensor", "x[:, i]", {"x": X35, "i": np.array(-1, np.int64)}),
    ("getitem_negative_stride", "x[::-2, 3:0:-1]", {"x": X35}),
    ("getitem_clamped", "x[-100:100, 7:]", {"x": X35}),
    ("getitem_empty_range", "x[3:1]", {"x": X35}),
    ("getitem_ellipsis_middle", "x[1, ..., 2]", {"x": X234}),
    ("getitem_newaxis_first", "x[tf.newaxis, :, tf.newaxis]", {"x": X35}),
    ("getitem_only_ellipsis", "x[...]", {"x": X234}),
    ("getitem_empty_tuple", "x[()]", {"x": X234}),
    ("getitem_scalar_all", "x[1, 2, 3]", {"x": X234}),
    ("getitem_out_of_bounds", "x[5]", {"x": X35}),
    ("getitem_too_many", "x[1, 1, 1]", {"x": X35}),
    ("getitem_step_beyond", "x[::10]", {"x": X35}),
    ("getitem_neg_stride_from_end", "x[:-4:-1]", {"x": X6}),
    ("getitem_neg_stride_begin_neg", "x[-2::-2]", {"x": X6}),
    ("getitem_bool_mask", "x[m]", {"x": X35, "m": np.array([True, False, True])}),
    (
        "ss_begin_end_masks",
        "tf.strided_slice(x, [1, 1], [2, 3], [1, 1], begin_mask=1, end_mask=2)",
        {"x": X35},
    ),
    (
        "ss_ellipsis_mask",
        "tf.strided_slice(x, [0, 1], [0, 3], [1, 1], ellipsis_mask=1)",
        {"x": X234},
    ),
    (
        "ss_new_axis_and_shrink",
        "tf.strided_slice(x, [0, 1, 0], [0, 2, 0], [1, 1, 1], "
        "new_axis_mask=1, shrink_axis_mask=2, end_mask=4)",
        {"x": X35},
    ),
    (
        "ss_new_axis_after_ellipsis",
        "tf.strided_slice(x, [0, 0, 1], [0, 0, 2], [1, 1, 1], "
        "ellipsis_mask=1, new_axis_mask=2, shrink_axis_mask=4)",
        {"x": X234},
    ),
    ("ss_shrink_negative", "tf.strided_slice(x, [-1], [0], [1], shrink_axis_mask=1)", {"x": X35}),
    (
        "ss_shrink_and_new_axis_same_bit",
        "tf.strided_slice(x, [1], [2], [1], new_axis_mask=1, shrink_axis_mask=1)",
        {"x": X35},
    ),
    (
        "ss_masks_negative_stride",
        "tf.strided_slice(x, [4, 0], [0, 5], [-1, -2], begin_mask=1, end_mask=3)",
        {"x": X35},
    ),
    ("ss_default_strides", "tf.strided_slice(x, [1], [3])", {"x": X6}),
    ("ss_zero_stride", "tf.strided_slice(x, [0], [1], [0])", {"x": X6}),
    ("ss_two_ellipses", "tf.strided_slice(x, [0, 0], [1, 1], [1, 1], ellipsis_mask=3)", {"x": X35}),
    (
        "ss_shrink_negative_stride",
        "tf.strided_slice(x, [1], [2], [-1], shrink_axis_mask=1)",
        {"x": X35},
    ),
    ("ss_spec_lengths_differ", "tf.strided_slice(x, [0, 0], [1], [1])", {"x": X35}),
    (
        "ss_dynamic_spec",
        "tf.strided_slice(x, b, e, s)",
        {
            "x": X35,
            "b": np.array([0, 4], np.int32),
            "e": np.array([2, 0], np.int32),
            "s": np.array([1, -2], np.int32),
        },
    ),
    (
        "ss_int64_spec",
        "tf.strided_slice(x, b, e, s, end_mask=2)",
        {
            "x": X35,
            "b": np.array([1, 1], np.int64),
            "e": np.array([3, 0], np.int64),
            "s": np.array([1, 2], np.int64),
        },
    ),
    ("ss_empty_dim", "x[1:]", {"x": np.zeros((0, 2), np.float32)}),
    (
        "ss_error_precedence",
        "tf.strided_slice(x, [5, 0], [6, 1], [1, -1], shrink_axis_mask=3)",
        {"x": X35},
    ),
]

PAD_CASES = [
    ("pad_constant", "tf.pad(x, [[1, 2], [0, 1]])", {"x": X35}),
    (
        "pad_constant_values",
        "tf.pad(x, [[1, 0], [2, 1]], constant_values=7)",
        {"x": _arange((2, 3), np.int32)},
    ),
    ("pad_reflect", "tf.pad(x, [[2, 1], [1, 3]], 'REFLECT')", {"x": X35}),
    ("pad_symmetric", "tf.pad(x, [[3, 2], [0, 5]], mode='symmetric')", {"x": X35}),
    ("pad_reflect_too_much", "tf.pad(x, [[3, 0], [0, 0]], 'REFLECT')", {"x": X35}),
    ("pad_symmetric_too_much", "tf.pad(x, [[0, 0], [6, 0]], 'SYMMETRIC')", {"x": X35}),
    ("pad_negative", "tf.pad(x, [[1, -1], [0, 0]])", {"x": X35}),
    ("pad_rank_mismatch", "tf.pad(x, [[1, 1]])", {"x": X35}),
    ("pad_dynamic_paddings", "tf.pad(x, p)", {"x": X35, "p": np.array([[0, 1], [2, 0]], np.int32)}),
    (
        "pad_dynamic_negative",
        "tf.pad(x, p)",
        {"x": X35, "p": np.array([[0, -1], [2, 0]], np.int32)},
    ),
    ("pad_scalar", "tf.pad(x, tf.zeros([0, 2], tf.int32))", {"x": np.array(3.0, np.float32)}),
    ("pad_bool", "tf.pad(x, [[1, 1]])", {"x": np.array([True, False])}),
    ("pad_reflect_int", "tf.pad(x, [[2, 2]], 'REFLECT')", {"x": np.array([1, 2, 3], np.int64)}),
    ("pad_bad_mode", "tf.pad(x, [[1, 1]], 'EDGE')", {"x": X6}),
]

GATHER_CASES = [
    ("gather_axis0", "tf.gather(x, i)", {"x": X35, "i": np.array([2, 0, 2], np.int32)}),
    ("gather_axis1", "tf.gather(x, i, axis=1)", {"x": X35, "i": np.array([[4, 0], [1, 1]])}),
    ("gather_negative_axis", "tf.gather(x, i, axis=-1)", {"x": X234, "i": np.array([3, 1])}),
    (
        "gather_batch_dims",
        "tf.gather(x, i, axis=1, batch_dims=1)",
        {"x": X35, "i": np.array([[0, 4], [1, 1], [3, 2]], np.int32)},
    ),
    (
        "gather_batch_dims_middle",
        "tf.gather(x, i, axis=2, batch_dims=1)",
        {"x": X234, "i": np.array([[3, 0, 1], [2, 2, 0]], np.int64)},
    ),
    (
        "gather_batch_dims_negative",
        "tf.gather(x, i, axis=1, batch_dims=-1)",
        {"x": X35, "i": np.array([[0], [4], [2]])},
    ),
    (
        "gather_batch_dims_axis0_ignored",
        "tf.gather(x, i, axis=0, batch_dims=1)",
        {"x": X35, "i": np.array([[1], [0]])},
    ),
    (
        "gather_batch_dims_default_axis",
        "tf.gather(x, i, batch_dims=1)",
        {"x": X234, "i": np.array([[1, 2], [0, 0]])},
    ),
    ("gather_out_of_range", "tf.gather(x, i)", {"x": X6, "i": np.array([1, 7, 2], np.int32)}),
    ("gather_out_of_range_2d", "tf.gather(x, i)", {"x": X6, "i": np.array([[1, 0], [2, -1]])}),
    (
        "gather_out_of_range_batch",
        "tf.gather(x, i, axis=1, batch_dims=1)",
        {"x": X35, "i": np.array([[1], [9], [0]])},
    ),
    ("gather_scalar_index", "tf.gather(x, i)", {"x": X35, "i": np.array(1, np.int32)}),
    (
        "gather_scalar_params",
        "tf.gather(x, i)",
        {"x": np.array(1.0, np.float32), "i": np.array([0])},
    ),
    ("gather_axis_too_big", "tf.gather(x, i, axis=3)", {"x": X35, "i": np.array([0])}),
    (
        "gather_legacy",
        "tf.raw_ops.Gather(params=x, indices=i)",
        {"x": X35, "i": np.array([[2], [0]], np.int64)},
    ),
    (
        "gather_legacy_out_of_range",
        "tf.raw_ops.Gather(params=x, indices=i)",
        {"x": X35, "i": np.array([0, 3])},
    ),
    ("gather_nd_elements", "tf.gather_nd(x, i)", {"x": X35, "i": np.array([[0, 1], [2, 4]])}),
    ("gather_nd_rows", "tf.gather_nd(x, i)", {"x": X234, "i": np.array([[[1], [0]]])}),
    ("gather_nd_out_of_range", "tf.gather_nd(x, i)", {"x": X35, "i": np.array([[0, 1], [1, 5]])}),
    (
        "gather_nd_batch_dims",
        "tf.gather_nd(x, i, batch_dims=1)",
        {"x": X234, "i": np.array([[[1, 3], [0, 0]], [[2, 1], [1, 2]]], np.int32)},
    ),
    ("gather_nd_too_deep", "tf.gather_nd(x, i)", {"x": X35, "i": np.array([[0, 1, 1]])}),
    (
        "scatter_nd_add_duplicates",
        "tf.scatter_nd(i, u, [4, 3])",
        {"i": np.array([[1], [3], [1]]), "u": _arange((3, 3), np.float32, 1)},
    ),
    (
        "scatter_nd_elements",
        "tf.scatter_nd(i, u, [2, 3])",
        {"i": np.array([[0, 2], [1, 0]], np.int64), "u": np.array([5, 6], np.int32)},
    ),
    (
        "scatter_nd_out_of_range",
        "tf.scatter_nd(i, u, [4])",
        {"i": np.array([[1], [4]]), "u": np.array([1.0, 2.0], np.float32)},
    ),
    (
        "scatter_nd_shape_mismatch",
        "tf.scatter_nd(i, u, [4])",
        {"i": np.array([[1], [2]]), "u": np.array([1.0, 2.0, 3.0], np.float32)},
    ),
]

SHAPE_CASES = [
    ("reshape_infer", "tf.reshape(x, [-1, 3])", {"x": X6}),
    ("reshape_count_mismatch", "tf.reshape(x, [2, 2])", {"x": X6}),
    ("reshape_not_divisible", "tf.reshape(x, [-1, 4])", {"x": X6}),
    ("reshape_two_unknown", "tf.reshape(x, s)", {"x": X6, "s": np.array([-1, -1], np.int32)}),
    ("reshape_negative", "tf.reshape(x, s)", {"x": X6, "s": np.array([-2, -3], np.int32)}),
    (
        "reshape_empty_infer",
        "tf.reshape(x, s)",
        {"x": np.zeros((2, 0), np.float32), "s": np.array([-1, 0], np.int32)},
    ),
    ("reshape_to_scalar", "tf.reshape(x, [])", {"x": np.ones((1, 1), np.float32)}),
    ("squeeze_all", "tf.squeeze(x)", {"x": np.zeros((1, 3, 1, 2), np.float32)}),
    ("squeeze_axis", "tf.squeeze(x, [0, -2])", {"x": np.zeros((1, 3, 1, 2), np.float32)}),
    ("squeeze_not_one", "tf.squeeze(x, [1])", {"x": np.zeros((1, 3, 1), np.float32)}),
    ("squeeze_out_of_range", "tf.squeeze(x, 3)", {"x": np.zeros((1, 3, 1), np.float32)}),
    (
        "squeeze_deprecated_dims",
        "tf.squeeze(x, squeeze_dims=[2])",
        {"x": np.zeros((1, 3, 1), np.float32)},
    ),
    ("expand_dims_negative", "tf.expand_dims(x, -1)", {"x": X35}),
    ("expand_dims_out_of_range", "tf.expand_dims(x, 3)", {"x": X35}),
    ("expand_dims_dynamic_axis", "tf.expand_dims(x, a)", {"x": X35, "a": np.array(-3, np.int32)}),
    ("broadcast_to_ok", "tf.broadcast_to(x, [2, 3, 4])", {"x": _arange((3, 1), np.int32)}),
    ("broadcast_to_bad", "tf.broadcast_to(x, [2, 4])", {"x": X35}),
    (
        "broadcast_args",
        "tf.broadcast_dynamic_shape(a, b)",
        {"a": np.array([2, 1, 3], np.int32), "b": np.array([4, 1], np.int32)},
    ),
    (
        "broadcast_args_bad",
        "tf.broadcast_dynamic_shape(a, b)",
        {"a": np.array([2, 3], np.int64), "b": np.array([4], np.int64)},
    ),
    ("shape_out_type", "tf.shape(x, out_type=tf.int64)", {"x": X234}),
    ("size_and_rank", "[tf.size(x), tf.rank(x)]", {"x": X234}),
    ("shape_n", "tf.shape_n([x, y])", {"x": X35, "y": X6}),
    ("transpose_default", "tf.transpose(x)", {"x": X234}),
    ("transpose_perm", "tf.transpose(x, [1, 0, 2])", {"x": X234}),
    ("transpose_negative_perm", "tf.transpose(x, p)", {"x": X35, "p": np.array([-1, 0], np.int32)}),
    ("transpose_duplicate", "tf.transpose(x, p)", {"x": X35, "p": np.array([0, 0], np.int32)}),
    (
        "transpose_conjugate",
        "tf.transpose(x, conjugate=True)",
        {"x": np.array([[1 + 2j, 3 - 1j]], np.complex64)},
    ),
    (
        "bitcast_float_to_uint16",
        "tf.bitcast(x, tf.uint16)",
        {"x": np.array([1.0, -2.5], np.float32)},
    ),
    (
        "bitcast_uint8_to_int32",
        "tf.bitcast(x, tf.int32)",
        {"x": np.array([[1, 2, 3, 4], [255, 0, 0, 128]], np.uint8)},
    ),
    ("bitcast_same_size", "tf.bitcast(x, tf.float32)", {"x": np.array([1065353216], np.int32)}),
    ("bitcast_bad_last_dim", "tf.bitcast(x, tf.float32)", {"x": np.zeros((2, 3), np.uint8)}),
    ("bitcast_complex", "tf.bitcast(x, tf.float64)", {"x": np.array([1 + 2j], np.complex128)}),
]

MISC_CASES = [
    ("unique_order", "tf.unique(x)", {"x": np.array([4, 1, 4, 2, 1, 7], np.int32)}),
    ("unique_int64_idx", "tf.unique(x, out_idx=tf.int64)", {"x": np.array([3.0, 3.0, -1.0])}),
    (
        "unique_nan_and_zero",
        "tf.unique(x)",
        {"x": np.array([1.0, np.nan, 0.0, -0.0, np.nan, 1.0], np.float32)},
    ),
    ("unique_empty", "tf.unique(x)", {"x": np.zeros((0,), np.int64)}),
    ("unique_matrix", "tf.unique(x)", {"x": np.zeros((2, 2), np.int32)}),
    ("one_hot_default", "tf.one_hot(i, 3)", {"i": np.array([0, 2, -1, 5], np.int32)}),
    ("one_hot_axis0", "tf.one_hot(i, 4, axis=0)", {"i": np.array([[0, 3], [1, 9]], np.int64)}),
    (
        "one_hot_axis1_values",
        "tf.one_hot(i, 3, on_value=5, off_value=-1, axis=1)",
        {"i": np.array([[0, 2], [1, 1]], np.int32)},
    ),
    ("one_hot_dtype", "tf.one_hot(i, 2, dtype=tf.bool)", {"i": np.array([1, 0], np.uint8)}),
    ("one_hot_bad_axis", "tf.one_hot(i, 3, axis=-2)", {"i": np.array([0, 1], np.int32)}),
    (
        "one_hot_negative_depth",
        "tf.one_hot(i, d)",
        {"i": np.array([0, 1], np.int32), "d": np.array(-1, np.int32)},
    ),
    ("where_bool", "tf.where(x)", {"x": np.array([[True, False, True], [False, False, True]])}),
    ("where_numeric", "tf.where(x)", {"x": np.array([0.0, -0.0, 2.0, np.nan], np.float32)}),
    ("where_scalar", "tf.where(x)", {"x": np.array(True)}),
    ("invert_permutation", "tf.invert_permutation(x)", {"x": np.array([2, 0, 3, 1], np.int32)}),
    ("invert_permutation_duplicate", "tf.invert_permutation(x)", {"x": np.array([0, 2, 0])}),
    ("invert_permutation_range", "tf.invert_permutation(x)", {"x": np.array([0, 5, 1])}),
    (
        "check_numerics_nan",
        "tf.check_numerics(x, 'my check')",
        {"x": np.array([1.0, np.nan], np.float32)},
    ),
    (
        "check_numerics_inf",
        "tf.check_numerics(x, 'my check')",
        {"x": np.array([1.0, -np.inf], np.float64)},
    ),
    (
        "check_numerics_both",
        "tf.check_numerics(x, 'my check')",
        {"x": np.array([np.inf, np.nan], np.float32)},
    ),
    ("check_numerics_ok", "tf.check_numerics(x, 'my check')", {"x": np.array([1.0], np.float16)}),
    ("concat_axis1", "tf.concat([x, y], 1)", {"x": X35, "y": _arange((3, 2))}),
    ("concat_negative_axis", "tf.concat([x, y], -1)", {"x": X35, "y": _arange((3, 2))}),
    ("concat_mismatch", "tf.concat([x, y], 0)", {"x": X35, "y": _arange((3, 2))}),
    ("concat_rank_mismatch", "tf.concat([x, y], 0)", {"x": X35, "y": X6}),
    ("concat_axis_out_of_range", "tf.concat([x, y], 2)", {"x": X35, "y": X35}),
    (
        "concat_scalars",
        "tf.concat([x, y], 0)",
        {"x": np.array(1.0, np.float32), "y": np.array(2.0, np.float32)},
    ),
    ("stack_axis1", "tf.stack([x, y], axis=1)", {"x": X6, "y": X6}),
    ("stack_mismatch", "tf.stack([x, y])", {"x": X35, "y": _arange((3, 4))}),
    ("unstack_axis1", "tf.unstack(x, num=5, axis=1)", {"x": X35}),
    ("unstack_wrong_num", "tf.unstack(x, num=2)", {"x": X35}),
    ("split_even", "tf.split(x, 3, axis=0)", {"x": X35}),
    ("split_uneven", "tf.split(x, 2, axis=1)", {"x": X35}),
    ("split_sizes", "tf.split(x, [2, -1, 1], axis=1)", {"x": X35}),
    ("split_sizes_bad", "tf.split(x, [2, 2], axis=1)", {"x": X35}),
    ("split_sizes_two_unknown", "tf.split(x, [-1, -1], axis=1)", {"x": X35}),
    ("split_axis_out_of_range", "tf.split(x, 2, axis=2)", {"x": X35}),
    ("slice_ok", "tf.slice(x, [1, 2], [-1, 2])", {"x": X35}),
    (
        "slice_too_big",
        "tf.slice(x, b, s)",
        {"x": X35, "b": np.array([1, 1], np.int32), "s": np.array([3, 1], np.int32)},
    ),
    (
        "slice_negative_begin",
        "tf.slice(x, b, s)",
        {"x": X35, "b": np.array([-1, 0], np.int32), "s": np.array([1, 1], np.int32)},
    ),
    ("tile_ok", "tf.tile(x, [2, 1, 3])", {"x": X234}),
    ("tile_negative", "tf.tile(x, m)", {"x": X35, "m": np.array([1, -2], np.int32)}),
    ("tile_wrong_length", "tf.tile(x, m)", {"x": X35, "m": np.array([1, 2, 3], np.int32)}),
    ("reverse_axes", "tf.reverse(x, [0, -1])", {"x": X234}),
    ("reverse_duplicate", "tf.reverse(x, [1, -1])", {"x": X35}),
    ("reverse_out_of_range", "tf.reverse(x, [2])", {"x": X35}),
    ("fill_ok", "tf.fill([2, 3], 9)", {}),
    ("fill_dynamic_negative", "tf.fill(d, 1.0)", {"d": np.array([2, -1], np.int32)}),
    (
        "zeros_ones_like",
        "[tf.zeros_like(x), tf.ones_like(x), tf.zeros([2, 1], tf.int64)]",
        {"x": _arange((2, 2), np.int32)},
    ),
    (
        "boolean_mask_2d",
        "tf.boolean_mask(x, m)",
        {"x": X234, "m": np.array([[True, False, True], [False, True, True]])},
    ),
    (
        "boolean_mask_axis1",
        "tf.boolean_mask(x, m, axis=1)",
        {"x": X234, "m": np.array([False, True, True])},
    ),
    (
        "meshgrid_xy",
        "tf.meshgrid(a, b)",
        {"a": np.array([1, 2, 3], np.int32), "b": np.array([4, 5], np.int32)},
    ),
    (
        "meshgrid_ij",
        "tf.meshgrid(a, b, c, indexing='ij')",
        {"a": np.array([1.0, 2.0]), "b": np.array([3.0]), "c": np.array([4.0, 5.0, 6.0])},
    ),
]


def _strided_slice_fuzz(count=40, seed=7):
    """Raw StridedSlice calls with random bounds, strides and all five masks."""
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        length = int(rng.integers(1, 5))
        begin = rng.integers(-5, 5, size=length).tolist()
        end = rng.integers(-5, 5, size=length).tolist()
        strides = rng.choice([-2, -1, 1, 2, 3], size=length).tolist()
        masks = {
            name: int(rng.integers(0, 1 << length)) & int(rng.integers(0, 1 << length))
            for name in ("begin_mask", "end_mask", "new_axis_mask", "shrink_axis_mask")
        }
        if rng.random() < 0.5:
            masks["ellipsis_mask"] = 1 << int(rng.integers(0, length))
        args = ", ".join(f"{k}={v}" for k, v in masks.items())
        expr = f"tf.strided_slice(x, {begin}, {end}, {strides}, {args})"
        cases.append((f"ss_fuzz_{index:02d}", expr, {"x": X234}))
    return cases


# Kernel-side checks: the offending input is fed, so the error comes at run time.
RUNTIME_ERROR_CASES = [
    (
        "rt_broadcast_to_shrinking",
        "tf.broadcast_to(x, s)",
        {"x": _arange((2, 3)), "s": np.array([1, 1, 3], np.int32)},
    ),
    (
        "rt_scatter_nd_empty_output",
        "tf.scatter_nd(i, u, s)",
        {"i": np.array([[5]]), "u": np.zeros((1, 0), np.float32), "s": np.array([3, 0])},
    ),
    (
        "rt_gather_empty_output_skips_checks",
        "tf.gather(x, [-1, 7], axis=-1)",
        {"x": np.zeros((3, 0, 3), np.float32)},
    ),
    (
        "rt_split_v_single_output",
        "tf.raw_ops.SplitV(value=x, size_splits=s, axis=0, num_split=1)",
        {"x": X6, "s": np.array([4], np.int32)},
    ),
    ("rt_fill_dims_matrix", "tf.fill(d, 1.0)", {"d": np.array([[1, 2]], np.int32)}),
    ("rt_fill_value_vector", "tf.fill([2], v)", {"v": np.array([1.0, 2.0], np.float32)}),
    (
        "rt_expand_dims_vector_dim",
        "tf.expand_dims(x, d)",
        {"x": X6, "d": np.array([0, 1], np.int32)},
    ),
    ("rt_squeeze_out_of_range", "tf.raw_ops.Squeeze(input=x, axis=[5])", {"x": X35}),
    ("rt_reshape_matrix_shape", "tf.reshape(x, s)", {"x": X6, "s": np.array([[2, 3]], np.int32)}),
    ("rt_transpose_matrix_perm", "tf.transpose(x, p)", {"x": X35, "p": np.array([[1, 0]])}),
    ("rt_transpose_perm_length", "tf.transpose(x, p)", {"x": X35, "p": np.array([1, 0, 2])}),
    ("rt_transpose_perm_range", "tf.transpose(x, p)", {"x": X35, "p": np.array([2, 0])}),
    ("rt_tile_matrix_multiples", "tf.tile(x, m)", {"x": X35, "m": np.array([[1, 2]], np.int32)}),
    ("rt_pad_matrix_columns", "tf.pad(x, p)", {"x": X6, "p": np.array([[1, 1, 1]], np.int32)}),
    (
        "rt_pad_v2_vector_value",
        "tf.pad(x, [[1, 1]], constant_values=v)",
        {"x": X6, "v": np.array([1.0, 2.0], np.float32)},
    ),
    ("rt_mirror_pad_negative", "tf.pad(x, p, 'REFLECT')", {"x": X6, "p": np.array([[-1, 1]])}),
    (
        "rt_mirror_pad_rank",
        "tf.pad(x, p, 'SYMMETRIC')",
        {"x": np.zeros((1,) * 6, np.float32), "p": np.zeros((6, 2), np.int32)},
    ),
    (
        "rt_one_hot_vector_on",
        "tf.one_hot([1], 3, on_value=v, off_value=0.0)",
        {"v": np.array([1.0, 2.0], np.float32)},
    ),
    ("rt_one_hot_axis", "tf.one_hot(i, 3, axis=5)", {"i": np.array([1, 2], np.int32)}),
    ("rt_broadcast_to_rank", "tf.broadcast_to(x, s)", {"x": X35, "s": np.array([5], np.int32)}),
    (
        "rt_broadcast_to_matrix_shape",
        "tf.broadcast_to(x, s)",
        {"x": X6, "s": np.array([[6]], np.int32)},
    ),
    (
        "rt_broadcast_args_matrix",
        "tf.broadcast_dynamic_shape(a, b)",
        {"a": np.array([[2]], np.int32), "b": np.array([3], np.int32)},
    ),
    ("rt_pack_axis", "tf.raw_ops.Pack(values=[x, y], axis=5)", {"x": X6, "y": X6}),
    ("rt_unpack_axis", "tf.raw_ops.Unpack(value=x, num=3, axis=4)", {"x": X35}),
    (
        "rt_concat_axis_vector",
        "tf.concat([x, y], a)",
        {"x": X6, "y": X6, "a": np.array([0], np.int32)},
    ),
    ("rt_split_axis", "tf.split(x, 2, axis=a)", {"x": X35, "a": np.array(2, np.int32)}),
    (
        "rt_split_v_count",
        "tf.raw_ops.SplitV(value=x, size_splits=s, axis=0, num_split=2)",
        {"x": X6, "s": np.array([1, 2, 3], np.int64)},
    ),
    (
        "rt_split_v_negative",
        "tf.raw_ops.SplitV(value=x, size_splits=s, axis=0, num_split=2)",
        {"x": X6, "s": np.array([-2, 8], np.int64)},
    ),
    (
        "rt_split_v_two_unknown",
        "tf.raw_ops.SplitV(value=x, size_splits=s, axis=0, num_split=2)",
        {"x": X6, "s": np.array([-1, -1], np.int64)},
    ),
    (
        "rt_slice_spec_length",
        "tf.slice(x, b, s)",
        {"x": X35, "b": np.array([0], np.int32), "s": np.array([1], np.int32)},
    ),
    (
        "rt_slice_negative_size",
        "tf.slice(x, b, s)",
        {"x": X35, "b": np.array([0, 0], np.int32), "s": np.array([-2, 1], np.int32)},
    ),
    (
        "rt_slice_empty_dim",
        "tf.slice(x, b, s)",
        {
            "x": np.zeros((0, 2), np.float32),
            "b": np.array([1, 0], np.int32),
            "s": np.array([0, 1], np.int32),
        },
    ),
    (
        "rt_strided_slice_lengths",
        "tf.strided_slice(x, b, e, s)",
        {
            "x": X6,
            "b": np.array([0, 0], np.int32),
            "e": np.array([1], np.int32),
            "s": np.array([1], np.int32),
        },
    ),
    ("rt_gather_axis_matrix", "tf.gather(x, [0], axis=a)", {"x": X35, "a": np.array([1])}),
    (
        "rt_gather_batch_dims_shape",
        "tf.gather(x, i, axis=1, batch_dims=1)",
        {"x": X35, "i": np.array([[0], [1]])},
    ),
    (
        "rt_gather_batch_dims_rank",
        "tf.gather(x, i, axis=1, batch_dims=2)",
        {"x": X35, "i": np.array([[0]])},
    ),
    ("rt_gather_nd_scalar_indices", "tf.gather_nd(x, i)", {"x": X35, "i": np.array(1)}),
    (
        "rt_gather_nd_empty_params",
        "tf.gather_nd(x, i)",
        {"x": np.zeros((0, 3), np.float32), "i": np.array([[0]])},
    ),
    (
        "rt_gather_nd_whole_params",
        "tf.gather_nd(x, i)",
        {"x": X35, "i": np.zeros((2, 0), np.int32)},
    ),
    (
        "rt_scatter_nd_negative_shape",
        "tf.scatter_nd(i, u, s)",
        {"i": np.array([[1]]), "u": np.array([1.0], np.float32), "s": np.array([-4])},
    ),
    (
        "rt_scatter_nd_inner",
        "tf.scatter_nd(i, u, s)",
        {"i": np.array([[1]]), "u": np.zeros((1, 3), np.float32), "s": np.array([4, 5])},
    ),
    ("rt_invert_permutation_matrix", "tf.invert_permutation(x)", {"x": np.array([[0]], np.int32)}),
    ("rt_bitcast_scalar_to_wider", "tf.bitcast(x, tf.int32)", {"x": np.array(3, np.uint8)}),
    ("rt_bitcast_scalar_to_narrower", "tf.bitcast(x, tf.uint8)", {"x": np.array(7, np.int32)}),
]

CASES = (
    STRIDED_SLICE_CASES
    + _strided_slice_fuzz()
    + PAD_CASES
    + GATHER_CASES
    + SHAPE_CASES
    + MISC_CASES
    + RUNTIME_ERROR_CASES
)


def _core_message(message: str) -> str:
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
    shape = {"static": value.shape, "dynamic": [None] * value.ndim, "unknown_rank": None}[mode]
    return tf.placeholder(tf.as_dtype(value.dtype), shape=shape, name=name)


def _storable(value):
    value = np.asarray(value)
    return value.astype(np.bytes_) if value.dtype == object else value


def _run_mode(tf, expr, inputs, mode, arrays):
    graph = tf.Graph()
    with graph.as_default():
        feeds = {name: _placeholder(tf, name, value, mode) for name, value in inputs.items()}
        try:
            # A real file name: TF's error interpolation cannot handle "<string>" frames.
            code = compile(expr, __file__, "eval")
            result = eval(code, {"tf": tf, "np": np, **feeds})  # noqa: S307 - our case table
        except Exception as err:  # noqa: BLE001 - the class and message are the golden
            return {"build_error": type(err).__name__, "message": _core_message(str(err))}
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        info = {
            "shapes": [None if t.shape.rank is None else t.shape.as_list() for t in outputs],
            "dtypes": [t.dtype.name for t in outputs],
        }
        try:
            with tf.Session(graph=graph) as sess:
                values = sess.run(outputs, {feeds[n]: v for n, v in inputs.items()})
        except tf.errors.OpError as err:
            info.update(run_error=type(err).__name__, message=_core_message(err.message))
            return info
        for index, value in enumerate(values):
            arrays[f"{mode}_out{index}"] = _storable(value)
    return info


def generate(tf, writer):
    for name, expr, inputs in CASES:
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        modes = {mode: _run_mode(tf, expr, inputs, mode, arrays) for mode in MODES}
        writer.save(name, arrays, {"call": expr, "modes": modes})
