"""Golden cases for the space/batch/depth rearrangement ops (SpaceToBatchND, BatchToSpaceND,
SpaceToBatch, BatchToSpace, SpaceToDepth, DepthToSpace), `required_space_to_batch_paddings`
and `tf.nn.with_space_to_batch`, recorded from real TensorFlow.

The cases are Python expressions over named inputs, recorded exactly like the array family's
(tools/goldens/array.py): each runs with placeholders of full shape ("static"), unknown dims
("dynamic") and unknown rank ("unknown_rank"); the .json holds the static shapes and dtypes or
the error class and message, the .npz the inputs and outputs. tests/ops/
test_array_space_batch_goldens.py replays them on ndflow.
"""

from __future__ import annotations

import numpy as np

from goldens import array as array_goldens


def _arange(shape, dtype=np.float32, start=0):
    count = int(np.prod(shape))
    return (np.arange(count) + start).astype(dtype).reshape(shape)


X2463 = _arange((2, 4, 6, 3))
X1442 = _arange((1, 4, 4, 2))
X8223 = _arange((8, 2, 2, 3))
X234 = _arange((2, 3, 4))
PAD0 = np.zeros((2, 2), np.int32)

SPACE_TO_BATCH_ND_CASES = [
    ("s2b_nd_basic", "tf.space_to_batch_nd(x, [2, 3], [[0, 0], [0, 0]])", {"x": X2463}),
    ("s2b_nd_padded", "tf.space_to_batch_nd(x, [2, 2], [[1, 1], [2, 0]])", {"x": X2463}),
    ("s2b_nd_one_block_dim", "tf.space_to_batch_nd(x, [3], [[1, 2]])", {"x": X234}),
    (
        "s2b_nd_three_block_dims",
        "tf.space_to_batch_nd(x, [2, 1, 3], [[0, 0], [1, 0], [0, 0]])",
        {"x": _arange((1, 2, 3, 6, 2))},
    ),
    ("s2b_nd_block_of_ones", "tf.space_to_batch_nd(x, [1, 1], [[0, 0], [0, 0]])", {"x": X2463}),
    (
        "s2b_nd_middle_block_only",
        "tf.space_to_batch_nd(x, [1, 2, 1], [[0, 0], [0, 2], [0, 0]])",
        {"x": _arange((2, 3, 4, 5, 1))},
    ),
    (
        "s2b_nd_no_block_dims",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": X234, "b": np.zeros((0,), np.int32), "p": np.zeros((0, 2), np.int32)},
    ),
    (
        "s2b_nd_int64",
        "tf.space_to_batch_nd(x, b, p)",
        {
            "x": _arange((2, 4, 4, 1), np.int64),
            "b": np.array([2, 2], np.int64),
            "p": np.array([[0, 0], [1, 1]], np.int64),
        },
    ),
    (
        "s2b_nd_fed_block_and_paddings",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": X2463, "b": np.array([2, 3], np.int32), "p": np.array([[0, 2], [0, 0]], np.int32)},
    ),
    (
        "s2b_nd_empty_batch",
        "tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])",
        {"x": np.zeros((0, 4, 4, 1), np.float32)},
    ),
    (
        "s2b_nd_string",
        "tf.space_to_batch_nd(x, [2], [[0, 0]])",
        {"x": np.array([[b"a", b"b"], [b"c", b"d"]])},
    ),
    (
        "s2b_nd_bool",
        "tf.space_to_batch_nd(x, [2], [[0, 0]])",
        {"x": np.array([[True, False], [False, True]])},
    ),
    ("s2b_nd_not_divisible", "tf.space_to_batch_nd(x, [2, 2], [[0, 1], [0, 0]])", {"x": X1442}),
    (
        "s2b_nd_negative_paddings",
        "tf.space_to_batch_nd(x, [2, 2], [[-1, 1], [0, 0]])",
        {"x": X1442},
    ),
    ("s2b_nd_zero_block", "tf.space_to_batch_nd(x, [0, 2], [[0, 0], [0, 0]])", {"x": X1442}),
    ("s2b_nd_block_matrix", "tf.space_to_batch_nd(x, [[2, 2]], [[0, 0], [0, 0]])", {"x": X1442}),
    (
        "s2b_nd_input_rank_too_low",
        "tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])",
        {"x": _arange((4, 4))},
    ),
    ("s2b_nd_paddings_rows", "tf.space_to_batch_nd(x, [2, 2], [[0, 0]])", {"x": X1442}),
    (
        "s2b_nd_paddings_columns",
        "tf.space_to_batch_nd(x, [2, 2], [[0, 0, 0], [0, 0, 0]])",
        {"x": X1442},
    ),
    (
        "s2b_nd_five_block_dims",
        "tf.space_to_batch_nd(x, [2, 2, 2, 2, 2], tf.zeros([5, 2], tf.int32))",
        {"x": np.zeros((1, 2, 2, 2, 2, 2, 1), np.float32)},
    ),
    (
        "s2b_nd_five_dims_of_ones_around",
        "tf.space_to_batch_nd(x, [1, 2, 2, 2, 1], tf.zeros([5, 2], tf.int32))",
        {"x": np.zeros((1, 2, 2, 2, 2, 2, 1), np.float32)},
    ),
]

BATCH_TO_SPACE_ND_CASES = [
    ("b2s_nd_basic", "tf.batch_to_space_nd(x, [2, 2], [[0, 0], [0, 0]])", {"x": X8223}),
    ("b2s_nd_cropped", "tf.batch_to_space_nd(x, [2, 2], [[0, 1], [1, 0]])", {"x": X8223}),
    ("b2s_nd_one_block_dim", "tf.batch_to_space_nd(x, [3], [[1, 1]])", {"x": _arange((6, 2, 4))}),
    (
        "b2s_nd_three_block_dims",
        "tf.batch_to_space_nd(x, [2, 1, 3], [[0, 1], [0, 0], [2, 0]])",
        {"x": _arange((12, 2, 3, 2, 2))},
    ),
    ("b2s_nd_block_of_ones", "tf.batch_to_space_nd(x, [1, 1], [[0, 0], [0, 0]])", {"x": X8223}),
    (
        "b2s_nd_int64",
        "tf.batch_to_space_nd(x, b, c)",
        {
            "x": _arange((4, 2, 2, 1), np.int64),
            "b": np.array([2, 2], np.int64),
            "c": np.array([[0, 0], [1, 1]], np.int64),
        },
    ),
    (
        "b2s_nd_fed_block_and_crops",
        "tf.batch_to_space_nd(x, b, c)",
        {"x": X8223, "b": np.array([4, 2], np.int32), "c": np.array([[1, 2], [0, 1]], np.int32)},
    ),
    (
        "b2s_nd_empty_batch",
        "tf.batch_to_space_nd(x, [2, 2], [[0, 0], [0, 0]])",
        {"x": np.zeros((0, 2, 2, 1), np.float32)},
    ),
    (
        "b2s_nd_batch_not_divisible",
        "tf.batch_to_space_nd(x, [2, 2], [[0, 0], [0, 0]])",
        {"x": _arange((6, 2, 2, 1))},
    ),
    ("b2s_nd_negative_crops", "tf.batch_to_space_nd(x, [2, 2], [[0, -1], [0, 0]])", {"x": X8223}),
    ("b2s_nd_crops_too_large", "tf.batch_to_space_nd(x, [2, 2], [[3, 3], [0, 0]])", {"x": X8223}),
    ("b2s_nd_zero_block", "tf.batch_to_space_nd(x, [0, 2], [[0, 0], [0, 0]])", {"x": X8223}),
    (
        "b2s_nd_input_rank_too_low",
        "tf.batch_to_space_nd(x, [2, 2], [[0, 0], [0, 0]])",
        {"x": _arange((4, 4))},
    ),
    ("b2s_nd_crops_rows", "tf.batch_to_space_nd(x, [2, 2], [[0, 0]])", {"x": X8223}),
    (
        "b2s_nd_fed_zero_block",
        "tf.batch_to_space_nd(x, b, c)",
        {"x": X8223, "b": np.array([2, 0], np.int32), "c": PAD0},
    ),
    (
        "b2s_nd_fed_negative_crops",
        "tf.batch_to_space_nd(x, b, c)",
        {"x": X8223, "b": np.array([2, 2], np.int32), "c": np.array([[0, 0], [-1, 0]], np.int32)},
    ),
    (
        "b2s_nd_fed_crops_too_large",
        "tf.batch_to_space_nd(x, b, c)",
        {"x": X8223, "b": np.array([2, 2], np.int32), "c": np.array([[0, 0], [3, 2]], np.int32)},
    ),
    (
        "b2s_nd_fed_batch_not_divisible",
        "tf.batch_to_space_nd(x, b, c)",
        {"x": X8223, "b": np.array([3, 1], np.int32), "c": PAD0},
    ),
]

FED_SPACE_TO_BATCH_ERRORS = [
    (
        "s2b_nd_fed_zero_block",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": X1442, "b": np.array([2, 0], np.int32), "p": PAD0},
    ),
    (
        "s2b_nd_fed_negative_paddings",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": X1442, "b": np.array([2, 2], np.int32), "p": np.array([[0, 0], [-2, 2]], np.int32)},
    ),
    (
        "s2b_nd_fed_not_divisible",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": X1442, "b": np.array([2, 3], np.int32), "p": PAD0},
    ),
    (
        "s2b_nd_fed_block_matrix",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": X1442, "b": np.array([[2, 2]], np.int32), "p": PAD0},
    ),
    (
        "s2b_nd_fed_paddings_shape",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": X1442, "b": np.array([2, 2], np.int32), "p": np.zeros((2, 3), np.int32)},
    ),
    (
        "s2b_nd_fed_input_rank",
        "tf.space_to_batch_nd(x, b, p)",
        {"x": _arange((4, 4)), "b": np.array([2, 2], np.int32), "p": PAD0},
    ),
]

BLOCK_SIZE_CASES = [
    ("s2b_v1", "tf.space_to_batch(x, [[0, 0], [2, 0]], 2)", {"x": X1442}),
    (
        "s2b_v1_block_shape_alias",
        "tf.space_to_batch(x, [[0, 0], [0, 0]], block_shape=2)",
        {"x": X1442},
    ),
    ("s2b_nn_alias", "tf.nn.space_to_batch(x, [[1, 1], [1, 1]], block_size=3)", {"x": X1442}),
    ("s2b_v1_rank3", "tf.space_to_batch(x, [[0, 0], [0, 0]], 2)", {"x": _arange((4, 4, 2))}),
    ("b2s_v1", "tf.batch_to_space(x, [[0, 1], [0, 0]], 2)", {"x": X8223}),
    (
        "b2s_v1_block_shape_alias",
        "tf.batch_to_space(x, [[0, 0], [0, 0]], None, block_shape=2)",
        {"x": X8223},
    ),
    (
        "raw_s2b",
        "tf.raw_ops.SpaceToBatch(input=x, paddings=[[0, 0], [1, 1]], block_size=2)",
        {"x": X1442},
    ),
    (
        "raw_s2b_int64_paddings",
        "tf.raw_ops.SpaceToBatch(input=x, paddings=p, block_size=2)",
        {"x": X1442, "p": np.array([[2, 0], [0, 0]], np.int64)},
    ),
    (
        "raw_s2b_block_one",
        "tf.raw_ops.SpaceToBatch(input=x, paddings=[[0, 0], [0, 0]], block_size=1)",
        {"x": X1442},
    ),
    (
        "raw_s2b_rank3",
        "tf.raw_ops.SpaceToBatch(input=x, paddings=[[0, 0], [0, 0]], block_size=2)",
        {"x": _arange((4, 4, 2))},
    ),
    (
        "raw_s2b_not_divisible",
        "tf.raw_ops.SpaceToBatch(input=x, paddings=[[0, 0], [0, 1]], block_size=2)",
        {"x": X1442},
    ),
    (
        "raw_b2s",
        "tf.raw_ops.BatchToSpace(input=x, crops=[[1, 0], [0, 1]], block_size=2)",
        {"x": X8223},
    ),
    (
        "raw_b2s_rank5",
        "tf.raw_ops.BatchToSpace(input=x, crops=[[0, 0], [0, 0]], block_size=2)",
        {"x": np.zeros((4, 1, 1, 1, 1), np.float32)},
    ),
    (
        "raw_b2s_batch_not_divisible",
        "tf.raw_ops.BatchToSpace(input=x, crops=[[0, 0], [0, 0]], block_size=3)",
        {"x": X8223},
    ),
]

DEPTH_CASES = [
    ("s2d_basic", "tf.space_to_depth(x, 2)", {"x": X1442}),
    ("s2d_block3", "tf.space_to_depth(x, 3)", {"x": _arange((2, 3, 6, 2), np.int32)}),
    ("s2d_nn_alias", "tf.nn.space_to_depth(x, 2, name='s2d')", {"x": X2463}),
    (
        "s2d_string",
        "tf.space_to_depth(x, 2)",
        {"x": np.array([[[[b"a"], [b"b"]], [[b"c"], [b"d"]]]])},
    ),
    ("s2d_not_divisible", "tf.space_to_depth(x, 2)", {"x": _arange((1, 4, 5, 1))}),
    ("s2d_rank3", "tf.space_to_depth(x, 2)", {"x": _arange((4, 4, 1))}),
    ("s2d_block1", "tf.space_to_depth(x, 1)", {"x": X1442}),
    ("s2d_nchw", "tf.space_to_depth(x, 2, data_format='NCHW')", {"x": X1442}),
    ("s2d_nchw_vect_c_rank4", "tf.space_to_depth(x, 2, data_format='NCHW_VECT_C')", {"x": X1442}),
    ("s2d_bad_data_format", "tf.space_to_depth(x, 2, data_format='NWHC')", {"x": X1442}),
    ("d2s_basic", "tf.depth_to_space(x, 2)", {"x": _arange((2, 2, 3, 8))}),
    ("d2s_block3", "tf.depth_to_space(x, 3)", {"x": _arange((1, 2, 1, 18), np.int64)}),
    ("d2s_nn_alias", "tf.nn.depth_to_space(x, 2, name='d2s')", {"x": _arange((1, 1, 1, 4))}),
    ("d2s_depth_not_divisible", "tf.depth_to_space(x, 2)", {"x": _arange((1, 2, 2, 6))}),
    ("d2s_rank5", "tf.depth_to_space(x, 2)", {"x": np.zeros((1, 1, 1, 1, 4), np.float32)}),
    ("d2s_nchw", "tf.depth_to_space(x, 2, data_format='NCHW')", {"x": _arange((1, 8, 2, 2))}),
    ("d2s_bool", "tf.depth_to_space(x, 2)", {"x": np.ones((1, 1, 2, 4), bool)}),
    ("s2d_then_d2s", "tf.depth_to_space(tf.space_to_depth(x, 2), 2)", {"x": X2463}),
]

PADDINGS_CASES = [
    ("required_paddings_static", "tf.required_space_to_batch_paddings([5, 7], [2, 3])", {}),
    (
        "required_paddings_base",
        "tf.required_space_to_batch_paddings([5, 7], [2, 3], [[1, 1], [0, 2]])",
        {},
    ),
    (
        "required_paddings_fed",
        "tf.required_space_to_batch_paddings(s, [2, 3], b)",
        {"s": np.array([5, 6], np.int32), "b": np.array([[1, 0], [2, 3]], np.int32)},
    ),
    (
        "required_paddings_fed_block",
        "tf.required_space_to_batch_paddings([4, 9], k)",
        {"k": np.array([3, 2], np.int32)},
    ),
    (
        "required_paddings_no_dims",
        "tf.required_space_to_batch_paddings(tf.zeros([0], tf.int32), tf.zeros([0], tf.int32))",
        {},
    ),
    (
        "with_space_to_batch_same",
        "tf.nn.with_space_to_batch(x, [2, 2], 'SAME', lambda v, n, p: tf.nn.max_pool(v, "
        "[1, 3, 3, 1], [1, 1, 1, 1], p), filter_shape=[3, 3])",
        {"x": X2463},
    ),
    (
        "with_space_to_batch_valid",
        "tf.nn.with_space_to_batch(x, [3, 1], 'VALID', lambda v, n, p: tf.nn.avg_pool(v, "
        "[1, 2, 2, 1], [1, 1, 1, 1], p))",
        {"x": X2463},
    ),
    (
        "with_space_to_batch_nchw",
        "tf.nn.with_space_to_batch(x, [2, 2], 'VALID', lambda v, n, p: v * 2.0, "
        "data_format='NCHW')",
        {"x": X2463},
    ),
    (
        "with_space_to_batch_rate_one",
        "tf.nn.with_space_to_batch(x, [1, 1], 'SAME', lambda v, n, p: tf.identity(v))",
        {"x": X2463},
    ),
    (
        "with_space_to_batch_same_no_filter",
        "tf.nn.with_space_to_batch(x, [2, 2], 'SAME', lambda v, n, p: v)",
        {"x": X2463},
    ),
]

GRADIENT_CASES = [
    (
        "grad_s2b_nd",
        "tf.gradients(tf.space_to_batch_nd(x, [2, 2], [[1, 1], [2, 0]]) * w, x)",
        {"x": X2463, "w": _arange((8, 3, 4, 3), start=1)},
    ),
    (
        "grad_b2s_nd",
        "tf.gradients(tf.batch_to_space_nd(x, [2, 2], [[0, 1], [1, 0]]) * w, x)",
        {"x": X8223, "w": _arange((2, 3, 3, 3), start=1)},
    ),
    (
        "grad_raw_s2b",
        "tf.gradients(tf.raw_ops.SpaceToBatch(input=x, paddings=[[0, 0], "
        "[1, 1]], block_size=2) * w, x)",
        {"x": X1442, "w": _arange((4, 2, 3, 2), start=1)},
    ),
    (
        "grad_raw_b2s",
        "tf.gradients(tf.raw_ops.BatchToSpace(input=x, crops=[[1, 0], [0, 1]], "
        "block_size=2) * w, x)",
        {"x": X8223, "w": _arange((2, 3, 3, 3), start=1)},
    ),
    (
        "grad_s2d",
        "tf.gradients(tf.space_to_depth(x, 2) * w, x)",
        {"x": X1442, "w": _arange((1, 2, 2, 8), start=1)},
    ),
    (
        "grad_d2s",
        "tf.gradients(tf.depth_to_space(x, 2) * w, x)",
        {"x": _arange((1, 1, 2, 8)), "w": _arange((1, 2, 4, 2), start=1)},
    ),
]

CASES = (
    SPACE_TO_BATCH_ND_CASES
    + FED_SPACE_TO_BATCH_ERRORS
    + BATCH_TO_SPACE_ND_CASES
    + BLOCK_SIZE_CASES
    + DEPTH_CASES
    + PADDINGS_CASES
    + GRADIENT_CASES
)


def generate(tf, writer):
    for name, expr, inputs in CASES:
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        modes = {
            mode: array_goldens._run_mode(tf, expr, inputs, mode, arrays)
            for mode in array_goldens.MODES
        }
        writer.save(name, arrays, {"call": expr, "modes": modes})
