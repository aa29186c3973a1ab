"""Golden gradients of the array op family, recorded from real TensorFlow.

Two tables. GRAD_CASES: a Python expression over named inputs (evaluated with `tf` bound to
`tensorflow.compat.v1` here and to `ndflow` in tests/ops/test_array_grad.py), differentiated
with `tf.gradients` for the listed float inputs against fixed upstream gradients. For each
placeholder mode ("static": full shapes, "dynamic": unknown dims, "unknown_rank") the .json
records, per input, whether the gradient is dense, an IndexedSlices or None, how many ops of
each type the gradient built, or the build/run error; the .npz records the inputs, the upstream
gradients and the gradient values (an IndexedSlices as its values, indices and dense shape).
OP_CASES: forward calls of the gradient-helper ops (BroadcastGradientArgs, ConcatOffset,
StridedSliceGrad, MirrorPadGrad), recorded like tools/goldens/array.py records its cases.
"""

from __future__ import annotations

import numpy as np

MODES = ("static", "dynamic", "unknown_rank")


def _arange(shape, dtype=np.float64, start=0):
    count = int(np.prod(shape))
    return (np.arange(count) + start).astype(dtype).reshape(shape)


def _i32(*values):
    return np.array(values, dtype=np.int32)


X23 = _arange((2, 3), start=1)
X34 = _arange((3, 4), start=1)
X234 = _arange((2, 3, 4), start=1)
Y23 = _arange((2, 3), start=10)
Y33 = _arange((3, 3), start=20)
C23 = (_arange((2, 3)) + 1j * _arange((2, 3), start=5)).astype(np.complex128)

# (case name, expression, inputs, names of the inputs to differentiate).
GRAD_CASES = [
    ("identity", "tf.identity(x)", {"x": X23}, ["x"]),
    ("identity_n", "tf.identity_n([x, y])", {"x": X23, "y": X34}, ["x", "y"]),
    ("identity_n_one_used", "tf.identity_n([x, y])[0]", {"x": X23, "y": X34}, ["x", "y"]),
    ("placeholder_with_default", "tf.placeholder_with_default(x, [None, 3])", {"x": X23}, ["x"]),
    ("reshape", "tf.reshape(x, [4, 3])", {"x": X34}, ["x"]),
    (
        "reshape_one_unknown_dim",
        "tf.reshape(tf.placeholder_with_default(x, [None, 4]), [-1])",
        {"x": X34},
        ["x"],
    ),
    (
        "reshape_zero_dim",
        "tf.reshape(tf.placeholder_with_default(x, [0, None]), [-1, 2])",
        {"x": np.zeros((0, 4))},
        ["x"],
    ),
    ("expand_dims", "tf.expand_dims(x, -1)", {"x": X23}, ["x"]),
    ("squeeze", "tf.squeeze(x, [1])", {"x": _arange((2, 1, 3))}, ["x"]),
    ("transpose", "tf.transpose(x, [2, 0, 1])", {"x": X234}, ["x"]),
    ("conjugate_transpose", "tf.transpose(x, conjugate=True)", {"x": C23}, ["x"]),
    ("concat_axis1", "tf.concat([x, y], 1)", {"x": X23, "y": Y33[:2]}, ["x", "y"]),
    (
        "concat_negative_axis",
        "tf.concat([x, y, tf.reverse(x, [1])], -2)",
        {"x": X23, "y": Y33},
        ["x", "y"],
    ),
    (
        "concat_many_inputs",
        "tf.concat([x[i:i + 1] for i in range(3)] * 6, 0)",
        {"x": X34},
        ["x"],
    ),
    (
        "concat_slices_axis0",
        "tf.gather(tf.concat([x, y], 0), [0, 4, 1, 4])",
        {"x": X23, "y": Y33.T},
        ["x", "y"],
    ),
    (
        "concat_slices_axis1",
        "tf.gather(tf.concat([x, y], 1), [1, 0, 1])",
        {"x": X23, "y": Y33[:2]},
        ["x", "y"],
    ),
    (
        "concat_slices_negative_axis",
        "tf.gather(tf.concat([x, y], -1), [1])",
        {"x": X23, "y": Y33[:2]},
        ["x", "y"],
    ),
    ("stack_axis1", "tf.stack([x, y], axis=1)", {"x": X23, "y": Y23}, ["x", "y"]),
    ("unstack", "tf.unstack(x, axis=1)", {"x": X234}, ["x"]),
    ("unstack_one_used", "tf.unstack(x)[1]", {"x": X234}, ["x"]),
    ("split", "tf.split(x, 2, axis=1)", {"x": X34}, ["x"]),
    ("split_one_piece", "tf.split(x, 1, axis=0)", {"x": X34}, ["x"]),
    ("split_v", "tf.split(x, [1, -1, 2], axis=1)", {"x": _arange((2, 5))}, ["x"]),
    ("slice", "tf.slice(x, [1, 0, 1], [1, -1, 2])", {"x": X234}, ["x"]),
    (
        "slice_int64",
        "tf.slice(x, tf.constant([1, 1], tf.int64), tf.constant([2, 2], tf.int64))",
        {"x": X34},
        ["x"],
    ),
    ("strided_slice_mixed", "x[1:, ..., tf.newaxis, ::-1]", {"x": X234}, ["x"]),
    ("strided_slice_shrink", "x[1, ..., 2]", {"x": X234}, ["x"]),
    ("strided_slice_negative_stride", "x[::-2, 3:0:-1]", {"x": X34}, ["x"]),
    ("strided_slice_tensor_begin", "x[i:]", {"x": X34, "i": np.array(1, np.int32)}, ["x"]),
    (
        "strided_slice_masks",
        "tf.strided_slice(x, [0, 1], [0, 3], [1, 1], ellipsis_mask=1, end_mask=2)",
        {"x": X234},
        ["x"],
    ),
    ("gather_axis0", "tf.gather(x, [2, 0, 2])", {"x": X34}, ["x"]),
    ("gather_axis0_matrix_indices", "tf.gather(x, [[2, 0], [1, 1]])", {"x": X34}, ["x"]),
    ("gather_legacy", "tf.raw_ops.Gather(params=x, indices=[2, 0, 2])", {"x": X34}, ["x"]),
    ("gather_axis1", "tf.gather(x, [3, 0, 3], axis=1)", {"x": X34}, ["x"]),
    ("gather_axis_negative", "tf.gather(x, [[1], [0]], axis=-1)", {"x": X234}, ["x"]),
    (
        "gather_axis_tensor",
        "tf.gather(x, [1, 1], axis=a)",
        {"x": X234, "a": np.array(0, np.int32)},
        ["x"],
    ),
    (
        "gather_batch_dims1",
        "tf.gather(x, [[1, 0], [2, 2]], axis=1, batch_dims=1)",
        {"x": X234},
        ["x"],
    ),
    (
        "gather_batch_dims1_axis2",
        "tf.gather(x, [[3, 0, 3], [1, 1, 2]], axis=2, batch_dims=1)",
        {"x": X234},
        ["x"],
    ),
    (
        "gather_batch_dims_negative",
        "tf.gather(x, [[0, 2], [1, 1]], axis=1, batch_dims=-1)",
        {"x": X234},
        ["x"],
    ),
    (
        "gather_batch_dims2",
        "tf.gather(x, np.array([[[1], [0], [2]], [[3], [3], [0]]]), axis=2, batch_dims=2)",
        {"x": X234},
        ["x"],
    ),
    ("gather_then_reshape", "tf.gather(tf.reshape(x, [6, 2]), [5, 0, 5])", {"x": X34}, ["x"]),
    ("gather_nd_rows", "tf.gather_nd(x, [[2], [0], [2]])", {"x": X34}, ["x"]),
    ("gather_nd_elements", "tf.gather_nd(x, [[1, 2], [0, 0], [1, 2]])", {"x": X34}, ["x"]),
    ("gather_nd_batched", "tf.gather_nd(x, [[[1, 2]], [[0, 1]]])", {"x": X234}, ["x"]),
    ("scatter_nd", "tf.scatter_nd([[1], [3], [1]], u, [5, 3])", {"u": Y33}, ["u"]),
    ("tile", "tf.tile(x, [2, 3])", {"x": X23}, ["x"]),
    ("tile_slices", "tf.gather(tf.tile(x, [3, 1]), [0, 5, 4])", {"x": X23}, ["x"]),
    ("pad", "tf.pad(x, [[1, 2], [0, 1]])", {"x": X23}, ["x"]),
    (
        "pad_v2",
        "tf.pad(x, [[1, 0], [2, 1]], constant_values=c)",
        {"x": X23, "c": np.array(3.0)},
        ["x", "c"],
    ),
    ("mirror_pad_reflect", "tf.pad(x, [[1, 1], [2, 1]], 'REFLECT')", {"x": X34}, ["x"]),
    ("mirror_pad_symmetric", "tf.pad(x, [[2, 1], [3, 0]], 'SYMMETRIC')", {"x": X34}, ["x"]),
    ("fill", "tf.fill([2, 3], v)", {"v": np.array(2.5)}, ["v"]),
    ("fill_dynamic_dims", "tf.fill(d, v)", {"v": np.array(2.5), "d": _i32(3, 2)}, ["v"]),
    ("broadcast_to", "tf.broadcast_to(x, [4, 2, 3])", {"x": _arange((2, 1))}, ["x"]),
    (
        "broadcast_to_dynamic_shape",
        "tf.broadcast_to(x, s)",
        {"x": _arange((1, 3)), "s": _i32(2, 2, 3)},
        ["x"],
    ),
    ("reverse", "tf.reverse(x, [0, 2])", {"x": X234}, ["x"]),
    ("check_numerics", "tf.check_numerics(x, 'look here')", {"x": X23}, ["x"]),
]


def _ss_grad(begin, end, strides, **masks):
    args = "".join(f", {k}={v}" for k, v in masks.items())
    dy = f"tf.strided_slice(x, {begin}, {end}, {strides}{args})"
    return (
        f"tf.raw_ops.StridedSliceGrad(shape=s, begin={begin}, end={end}, strides={strides}, "
        f"dy={dy}{args})"
    )


def _strided_slice_grad_fuzz(count=24, seed=11):
    """StridedSliceGrad with random bounds, strides and masks; dy is the matching slice."""
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        length = int(rng.integers(1, 4))
        begin = rng.integers(-4, 4, size=length).tolist()
        end = rng.integers(-4, 4, size=length).tolist()
        strides = rng.choice([-2, -1, 1, 2], size=length).tolist()
        masks = {
            name: int(rng.integers(0, 1 << length)) & int(rng.integers(0, 1 << length))
            for name in ("begin_mask", "end_mask", "new_axis_mask", "shrink_axis_mask")
        }
        if rng.random() < 0.4:
            masks["ellipsis_mask"] = 1 << int(rng.integers(0, length))
        cases.append(
            (
                f"ssg_fuzz_{index:02d}",
                _ss_grad(begin, end, strides, **masks),
                {"x": X234, "s": _i32(2, 3, 4)},
            )
        )
    return cases


def _bga(s0, s1, dtype=np.int32):
    return {"a": np.array(s0, dtype), "b": np.array(s1, dtype)}


_BGA = "tf.raw_ops.BroadcastGradientArgs(s0=a, s1=b)"
_CONCAT_OFFSET = "tf.raw_ops.ConcatOffset(concat_dim=d, shape=[a, b, c])"
_MPG = "tf.raw_ops.MirrorPadGrad(input=x, paddings=p, mode='{}')"

# (case name, expression, inputs): forward values, static shapes and errors.
OP_CASES = [
    ("bga_same", _BGA, _bga([2, 3], [2, 3])),
    ("bga_same_with_ones", _BGA, _bga([2, 1], [2, 1])),
    ("bga_vector", _BGA, _bga([2, 3], [3])),
    ("bga_scalar", _BGA, _bga([], [4, 1])),
    ("bga_both_ones", _BGA, _bga([1, 2, 1], [2, 1])),
    ("bga_outer", _BGA, _bga([3, 1, 4], [1, 5, 1])),
    ("bga_all_ones", _BGA, _bga([3, 1, 4], [1, 1, 1])),
    ("bga_zero_dim", _BGA, _bga([0, 1], [1, 5])),
    ("bga_empty_both", _BGA, _bga([], [])),
    ("bga_int64", _BGA, _bga([5, 1, 2], [1], np.int64)),
    ("bga_incompatible", _BGA, _bga([2, 3], [4])),
    ("bga_zero_vs_two", _BGA, _bga([0], [2])),
    ("bga_matrix", _BGA, _bga([[2, 3]], [3])),
    (
        "concat_offset_axis1",
        _CONCAT_OFFSET,
        {"d": np.array(1, np.int32), "a": _i32(2, 3, 4), "b": _i32(2, 5, 4), "c": _i32(2, 0, 4)},
    ),
    (
        "concat_offset_negative",
        _CONCAT_OFFSET,
        {"d": np.array(-3, np.int32), "a": _i32(2, 3, 5), "b": _i32(1, 3, 5), "c": _i32(3, 3, 5)},
    ),
    (
        "concat_offset_int64",
        _CONCAT_OFFSET,
        {
            "d": np.array(0, np.int32),
            "a": np.array([2, 3], np.int64),
            "b": np.array([4, 3], np.int64),
            "c": np.array([1, 3], np.int64),
        },
    ),
    (
        "concat_offset_out_of_range",
        _CONCAT_OFFSET,
        {"d": np.array(-4, np.int32), "a": _i32(2, 3, 4), "b": _i32(2, 5, 4), "c": _i32(2, 3, 4)},
    ),
    (
        "concat_offset_mismatch",
        _CONCAT_OFFSET,
        {"d": np.array(1, np.int32), "a": _i32(2, 3, 4), "b": _i32(2, 5, 4), "c": _i32(3, 3, 4)},
    ),
    (
        "concat_offset_length",
        _CONCAT_OFFSET,
        {"d": np.array(1, np.int32), "a": _i32(2, 3, 4), "b": _i32(2, 5), "c": _i32(2, 3, 4)},
    ),
    (
        "concat_offset_vector_dim",
        _CONCAT_OFFSET,
        {"d": _i32(1), "a": _i32(2, 3), "b": _i32(2, 5), "c": _i32(2, 3)},
    ),
    (
        "concat_offset_long_shapes",
        _CONCAT_OFFSET,
        {
            "d": np.array(0, np.int32),
            "a": np.arange(1, 13, dtype=np.int32),
            "b": np.arange(1, 13, dtype=np.int32) + 1,
            "c": np.arange(1, 13, dtype=np.int32),
        },
    ),
    ("ssg_basic", _ss_grad([1, 0], [3, 3], [1, 1]), {"x": X34, "s": _i32(3, 4)}),
    ("ssg_negative_stride", _ss_grad([2, -1], [0, 0], [-1, -2]), {"x": X34, "s": _i32(3, 4)}),
    (
        "ssg_dy_mismatch",
        "tf.raw_ops.StridedSliceGrad(shape=s, begin=[1, 0], end=[3, 3], strides=[1, 1], dy=x)",
        {"x": X34, "s": _i32(4, 3)},
    ),
    (
        "ssg_zero_stride",
        "tf.raw_ops.StridedSliceGrad(shape=s, begin=[1, 0], end=[3, 3], strides=[1, 0], dy=x)",
        {"x": X23, "s": _i32(4, 3)},
    ),
    (
        "ssg_matrix_shape",
        "tf.raw_ops.StridedSliceGrad(shape=s, begin=[1, 0], end=[3, 3], strides=[1, 1], dy=x)",
        {"x": X23, "s": np.array([[4, 3]], np.int32)},
    ),
    (
        "ssg_negative_shape",
        "tf.raw_ops.StridedSliceGrad(shape=s, begin=[1, 0], end=[3, 3], strides=[1, 1], dy=x)",
        {"x": X23, "s": _i32(4, -3)},
    ),
    *_strided_slice_grad_fuzz(),
    ("mpg_reflect", _MPG.format("REFLECT"), {"x": _arange((7,)), "p": _i32(2, 2).reshape(1, 2)}),
    (
        "mpg_symmetric",
        _MPG.format("SYMMETRIC"),
        {"x": _arange((7,)), "p": _i32(2, 2).reshape(1, 2)},
    ),
    (
        "mpg_reflect_2d",
        _MPG.format("REFLECT"),
        {"x": _arange((6, 7)), "p": np.array([[1, 2], [3, 0]], np.int32)},
    ),
    (
        "mpg_symmetric_3d_int",
        _MPG.format("SYMMETRIC"),
        {"x": _arange((5, 4, 6), np.int32), "p": np.array([[1, 1], [0, 2], [3, 3]], np.int64)},
    ),
    (
        "mpg_no_padding",
        _MPG.format("REFLECT"),
        {"x": _arange((3, 2)), "p": np.zeros((2, 2), np.int32)},
    ),
    (
        "mpg_reflect_too_much",
        _MPG.format("REFLECT"),
        {"x": _arange((7,)), "p": _i32(3, 2).reshape(1, 2)},
    ),
    (
        "mpg_symmetric_too_much",
        _MPG.format("SYMMETRIC"),
        {"x": _arange((7,)), "p": _i32(4, 1).reshape(1, 2)},
    ),
    (
        "mpg_total_too_much",
        _MPG.format("SYMMETRIC"),
        {"x": _arange((7,)), "p": _i32(4, 3).reshape(1, 2)},
    ),
    (
        "mpg_negative",
        _MPG.format("SYMMETRIC"),
        {"x": _arange((7,)), "p": _i32(-1, 9).reshape(1, 2)},
    ),
    (
        "mpg_paddings_rows",
        _MPG.format("SYMMETRIC"),
        {"x": _arange((7,)), "p": np.array([[1, 2], [1, 1]], np.int32)},
    ),
    ("mpg_paddings_vector", _MPG.format("REFLECT"), {"x": _arange((7,)), "p": _i32(1, 2)}),
]


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
    return message.split(" for '{{node ")[0].split("\n\t [[")[0]


def _placeholder(tf, name, value, mode):
    shape = {"static": value.shape, "dynamic": [None] * value.ndim, "unknown_rank": None}[mode]
    return tf.placeholder(tf.as_dtype(value.dtype), shape=shape, name=name)


def _evaluate(tf, expr, feeds):
    # A real file name: TF's error interpolation cannot handle "<string>" frames.
    code = compile(expr, __file__, "eval")
    return eval(code, {"tf": tf, "np": np, **feeds})  # noqa: S307 - our case table


def _upstream(values, case_index):
    """Fixed upstream gradients shaped like the forward values, from a per-case seed."""
    rng = np.random.default_rng(1000 + case_index)
    result = []
    for value in values:
        up = rng.integers(-4, 5, size=value.shape).astype(value.dtype)
        if value.dtype.kind == "c":
            up = up + 1j * rng.integers(-4, 5, size=value.shape)
        result.append(up.astype(value.dtype))
    return result


def _forward(tf, expr, inputs):
    """The forward values with full-shape placeholders."""
    graph = tf.Graph()
    with graph.as_default():
        feeds = {name: _placeholder(tf, name, value, "static") for name, value in inputs.items()}
        result = _evaluate(tf, expr, feeds)
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        with tf.Session(graph=graph) as sess:
            return sess.run(outputs, {feeds[n]: v for n, v in inputs.items()})


def _grad_kind(grad) -> str:
    if grad is None:
        return "none"
    return "slices" if hasattr(grad, "indices") else "dense"


def _record_grads(tf, graph, grads, feed, mode, arrays):
    fetch = [g for g in grads if g is not None]
    fetch = [(g.values, g.indices, g.dense_shape) if hasattr(g, "indices") else g for g in fetch]
    with tf.Session(graph=graph) as sess:
        values = iter(sess.run(fetch, feed))
    for index, grad in enumerate(grads):
        if grad is None:
            continue
        value = next(values)
        if hasattr(grad, "indices"):
            for part, item in zip(("values", "indices", "dense_shape"), value):
                arrays[f"{mode}_g{index}_{part}"] = np.asarray(item)
        else:
            arrays[f"{mode}_g{index}"] = np.asarray(value)


def _grad_mode(tf, expr, inputs, xs, ups, mode, arrays):
    graph = tf.Graph()
    with graph.as_default():
        feeds = {name: _placeholder(tf, name, value, mode) for name, value in inputs.items()}
        up_feeds = [_placeholder(tf, f"up{i}", value, mode) for i, value in enumerate(ups)]
        feed = {feeds[n]: v for n, v in inputs.items()}
        feed.update(zip(up_feeds, ups))
        try:
            result = _evaluate(tf, expr, feeds)
            outputs = list(result) if isinstance(result, (list, tuple)) else [result]
            grads = tf.gradients(outputs, [feeds[n] for n in xs], grad_ys=up_feeds)
        except Exception as err:  # noqa: BLE001 - the class and message are the golden
            return {"build_error": type(err).__name__, "message": _core_message(str(err))}
        built = [op.type for op in graph.get_operations() if op.name.startswith("gradients")]
        info = {
            "kinds": [_grad_kind(g) for g in grads],
            "op_counts": {op_type: built.count(op_type) for op_type in sorted(set(built))},
        }
        try:
            _record_grads(tf, graph, grads, feed, mode, arrays)
        except tf.errors.OpError as err:
            info.update(run_error=type(err).__name__, message=_core_message(err.message))
    return info


def _op_mode(tf, expr, inputs, mode, arrays):
    graph = tf.Graph()
    with graph.as_default():
        feeds = {name: _placeholder(tf, name, value, mode) for name, value in inputs.items()}
        try:
            result = _evaluate(tf, expr, feeds)
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
            arrays[f"{mode}_out{index}"] = np.asarray(value)
    return info


def _tolerant_error_interpolation():
    """TF's graph-error interpolation crashes on ops built by `tf.raw_ops` from an eval'd
    expression (no user frame); keep the plain message then."""
    from tensorflow.python.framework import error_interpolation

    original = error_interpolation.interpolate_graph

    def interpolate(message, graph):
        try:
            return original(message, graph)
        except RuntimeError:
            return message

    error_interpolation.interpolate_graph = interpolate


def generate(tf, writer):
    _tolerant_error_interpolation()
    for index, (name, expr, inputs, xs) in enumerate(GRAD_CASES):
        ups = _upstream(_forward(tf, expr, inputs), index)
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        arrays.update({f"up_{i}": value for i, value in enumerate(ups)})
        modes = {mode: _grad_mode(tf, expr, inputs, xs, ups, mode, arrays) for mode in MODES}
        writer.save(f"grad_{name}", arrays, {"call": expr, "xs": xs, "modes": modes})
    for name, expr, inputs in OP_CASES:
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        modes = {mode: _op_mode(tf, expr, inputs, mode, arrays) for mode in MODES}
        writer.save(f"op_{name}", arrays, {"call": expr, "modes": modes})
