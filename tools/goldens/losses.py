"""Golden cases for `tf.losses` (ndflow/ops/losses.py), recorded from real TensorFlow.

Calls are Python expressions over named inputs, evaluated with `tf` bound to
tensorflow.compat.v1 here and to ndflow in tests/ops/test_losses.py; each input is a
placeholder, of its full static shape ("static" mode), with every dim unknown ("dynamic") or
of unknown rank ("unknown_rank").
Three kinds of files land in tests/golden/losses/:

- one value file per loss: every Reduction x several weights. The .npz holds the inputs
  ("in_<name>") and the outputs ("<mode>__<variant>"); the .json the calls and, per mode, the
  static shapes and dtypes.
- "errors": bad calls with the error class and message, at graph build or at run time.
- "graphs": for selected calls, every op built (name, type, inputs, control inputs, output
  dtypes), so ndflow's graphs can be compared with TF's op for op.
"""

from __future__ import annotations

import numpy as np

F32, F64, I32 = np.float32, np.float64, np.int32


def _inputs():
    rng = np.random.default_rng(0)
    unit = rng.normal(size=(2, 3, 4))
    unit /= np.linalg.norm(unit, axis=2, keepdims=True)
    w_element = rng.uniform(0.5, 2.0, size=(3, 4))
    w_element[0, 1] = w_element[2, 3] = 0.0
    return {
        "labels": rng.normal(size=(3, 4)).astype(F32),
        "predictions": rng.normal(size=(3, 4)).astype(F32),
        "wide": rng.normal(size=(3, 5)).astype(F32),
        "probs": rng.uniform(0.05, 0.95, size=(3, 4)).astype(F32),
        "binary": rng.integers(0, 2, size=(3, 4)).astype(F32),
        "logits": (2 * rng.normal(size=(3, 4))).astype(F32),
        "logits64": (2 * rng.normal(size=(3, 4))).astype(F64),
        "onehot": np.eye(4, dtype=F32)[[2, 0, 3]],
        "soft": rng.dirichlet(np.ones(4), size=3).astype(F32),
        "ids": np.array([2, 0, 3], I32),
        "ids_col": np.array([[1], [3], [0]], I32),
        "unit_a": unit[0].astype(F32),
        "unit_b": unit[1].astype(F32),
        "w_sample": np.array([[0.5], [0.0], [2.0]], F32),
        "w_vector": np.array([0.5, 0.0, 2.0], F32),
        "w_row": np.array([[1.0, 0.0, 2.0, 0.5]], F32),
        "w_element": w_element.astype(F32),
        "w_zeros": np.zeros((3, 4), F32),
        "w_bad": np.ones((3, 2), F32),
        "w_last": np.ones((4,), F32),
        "losses3": rng.uniform(0.0, 3.0, size=(2, 3, 2)).astype(F32),
        "losses64": rng.uniform(0.0, 3.0, size=(3, 4)).astype(F64),
        "w3_batch": np.array([[[2.0]], [[0.0]]], F32),
        "w3_mid": np.array([[[1.0], [0.0], [3.0]], [[0.5], [0.5], [0.0]]], F32),
        "w3_tail": np.array([[[1.0, 0.0], [2.0, 0.5], [0.0, 0.0]]], F32),
        "loss0": np.array(1.5, F32),
        "empty_a": np.zeros((0, 4), F32),
        "empty_b": np.ones((0, 4), F32),
        "empty_sample": np.ones((0, 1), F32),
    }


INPUTS = _inputs()

REDUCTIONS = {
    "default": None,
    "none": "tf.losses.Reduction.NONE",
    "sum": "tf.losses.Reduction.SUM",
    "mean": "tf.losses.Reduction.MEAN",
    "batch": "tf.losses.Reduction.SUM_OVER_BATCH_SIZE",
    "nonzero": "tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS",
    "over_nonzero": "tf.losses.Reduction.SUM_OVER_NONZERO_WEIGHTS",
}

# Weights for losses of shape [3, 4] (or [3, 1] for cosine_distance).
WEIGHTS_2D = {
    "scalar": "2.5",
    "int_scalar": "2",
    "sample": "w_sample",
    "row": "w_row",
    "element": "w_element",
    "zero": "0.0",
    "zeros": "w_zeros",
}
WEIGHTS_COSINE = {"scalar": "2.5", "sample": "w_sample", "zero": "0.0"}
# Weights for the [3] losses of softmax_cross_entropy and sparse_softmax_cross_entropy.
WEIGHTS_1D = {"scalar": "2.5", "sample": "w_vector", "zero": "0.0", "zeros": "w_vector * 0"}
WEIGHTS_3D = {
    "scalar": "0.5",
    "batch": "w3_batch",
    "mid": "w3_mid",
    "tail": "w3_tail",
    "zero": "0.0",
}

# (case, call with {weights} and {reduction}, weights table, reductions or None for all).
VALUE_CASES = [
    ("mean_squared_error", "tf.losses.mean_squared_error(labels, predictions{args})", WEIGHTS_2D),
    ("absolute_difference", "tf.losses.absolute_difference(labels, predictions{args})", WEIGHTS_2D),
    ("huber_loss", "tf.losses.huber_loss(labels, predictions{args})", WEIGHTS_2D),
    ("huber_loss_delta", "tf.losses.huber_loss(labels, predictions, delta=0.3{args})", WEIGHTS_2D),
    ("log_loss", "tf.losses.log_loss(binary, probs{args})", WEIGHTS_2D),
    ("log_loss_epsilon", "tf.losses.log_loss(binary, probs, epsilon=0.1{args})", WEIGHTS_2D),
    ("hinge_loss", "tf.losses.hinge_loss(binary, logits{args})", WEIGHTS_2D),
    ("cosine_distance", "tf.losses.cosine_distance(unit_a, unit_b, axis=1{args})", WEIGHTS_COSINE),
    ("cosine_distance_dim", "tf.losses.cosine_distance(unit_a, unit_b, dim=1{args})", {"": ""}),
    ("sigmoid_cross_entropy", "tf.losses.sigmoid_cross_entropy(binary, logits{args})", WEIGHTS_2D),
    (
        "sigmoid_cross_entropy_smoothing",
        "tf.losses.sigmoid_cross_entropy(binary, logits, label_smoothing=0.2{args})",
        WEIGHTS_2D,
    ),
    (
        "sigmoid_cross_entropy_float64",
        "tf.losses.sigmoid_cross_entropy(binary, logits64{args})",
        {"scalar": "2.5", "sample": "w_sample"},
    ),
    (
        "softmax_cross_entropy",
        "tf.losses.softmax_cross_entropy(onehot, logits{args})",
        WEIGHTS_1D,
    ),
    (
        "softmax_cross_entropy_soft_labels",
        "tf.losses.softmax_cross_entropy(soft, logits{args})",
        {"scalar": "2.5", "sample": "w_vector"},
    ),
    (
        "softmax_cross_entropy_smoothing",
        "tf.losses.softmax_cross_entropy(onehot, logits, label_smoothing=0.1{args})",
        WEIGHTS_1D,
    ),
    (
        "softmax_cross_entropy_float64",
        "tf.losses.softmax_cross_entropy(onehot, logits64{args})",
        {"scalar": "2.5", "sample": "w_vector"},
    ),
    (
        "sparse_softmax_cross_entropy",
        "tf.losses.sparse_softmax_cross_entropy(ids, logits{args})",
        WEIGHTS_1D,
    ),
    (
        "sparse_softmax_cross_entropy_squeeze",
        "tf.losses.sparse_softmax_cross_entropy(ids_col, logits{args})",
        {"scalar": "2.5", "sample": "w_sample", "vector": "w_vector"},
    ),
    (
        "mean_pairwise_squared_error",
        "tf.losses.mean_pairwise_squared_error(labels, predictions{args})",
        {
            "default": "",
            "scalar": "2.5",
            "sample": "w_sample",
            "element": "w_element",
            "zero": "0.0",
        },
        (),
    ),
    ("compute_weighted_loss", "tf.losses.compute_weighted_loss(losses3{args})", WEIGHTS_3D),
    (
        "compute_weighted_loss_scalar",
        "tf.losses.compute_weighted_loss(loss0{args})",
        {"scalar": "2.5", "zero": "0.0"},
    ),
    (
        "empty_batch",
        "tf.losses.mean_squared_error(empty_a, empty_b{args})",
        {"scalar": "2.5", "sample": "empty_sample"},
    ),
    (
        "empty_batch_pairwise",
        "tf.losses.mean_pairwise_squared_error(empty_a, empty_b{args})",
        {"scalar": "2.5", "sample": "empty_sample"},
        (),
    ),
    (
        "compute_weighted_loss_float64",
        "tf.losses.compute_weighted_loss(losses64{args})",
        {"scalar": "2.5", "element": "w_element", "sample": "w_sample"},
    ),
]

MODES = ("static", "dynamic", "unknown_rank")

# Graph-build and run-time errors: (case, call, mode).
ERROR_CASES = [
    ("shape_mismatch", "tf.losses.mean_squared_error(labels, wide)", "static"),
    ("absolute_difference_mismatch", "tf.losses.absolute_difference(labels, wide)", "static"),
    ("hinge_mismatch", "tf.losses.hinge_loss(labels, wide)", "static"),
    ("huber_mismatch", "tf.losses.huber_loss(labels, wide)", "static"),
    ("log_loss_mismatch", "tf.losses.log_loss(labels, wide)", "static"),
    ("cosine_mismatch", "tf.losses.cosine_distance(labels, wide, axis=1)", "static"),
    ("pairwise_mismatch", "tf.losses.mean_pairwise_squared_error(labels, wide)", "static"),
    ("sigmoid_mismatch", "tf.losses.sigmoid_cross_entropy(labels, wide)", "static"),
    ("softmax_mismatch", "tf.losses.softmax_cross_entropy(labels, wide)", "static"),
    (
        "weights_rank",
        "tf.losses.mean_squared_error(labels, predictions, weights=w_vector)",
        "static",
    ),
    ("weights_dims", "tf.losses.mean_squared_error(labels, predictions, weights=w_bad)", "static"),
    (
        "weights_dims_num_present",
        "tf.losses.compute_weighted_loss(losses3, weights=w3_tail[:, :2, :1] + 1)",
        "static",
    ),
    (
        "weights_rank_sparse",
        "tf.losses.sparse_softmax_cross_entropy(ids, logits, weights=w_element)",
        "static",
    ),
    (
        "weights_runtime_rank",
        "tf.losses.mean_squared_error(labels, predictions, weights=w_last)",
        "dynamic",
    ),
    (
        "weights_runtime_dims",
        "tf.losses.mean_squared_error(labels, predictions, weights=w_bad)",
        "dynamic",
    ),
    ("bad_reduction", "tf.losses.mean_squared_error(labels, predictions, reduction='mean')", ""),
    ("labels_none", "tf.losses.mean_squared_error(None, predictions)", "static"),
    ("predictions_none", "tf.losses.absolute_difference(labels, None)", "static"),
    ("logits_none", "tf.losses.hinge_loss(labels, None)", "static"),
    ("sigmoid_labels_none", "tf.losses.sigmoid_cross_entropy(None, logits)", "static"),
    ("softmax_labels_none", "tf.losses.softmax_cross_entropy(None, logits)", "static"),
    ("sparse_logits_none", "tf.losses.sparse_softmax_cross_entropy(ids, None)", "static"),
    ("cosine_no_axis", "tf.losses.cosine_distance(unit_a, unit_b)", "static"),
    ("cosine_axis_and_dim", "tf.losses.cosine_distance(unit_a, unit_b, axis=1, dim=1)", "static"),
    ("total_loss_empty", "tf.losses.get_total_loss()", "static"),
]

# Calls whose every op (name, type, inputs, control inputs, dtypes) is recorded: (case, call,
# mode). Mode "const" passes the inputs as NumPy arrays (TF names them "Cast/x"...).
GRAPH_CASES = [
    ("mse", "tf.losses.mean_squared_error(labels, predictions)", "static"),
    ("mse_const", "tf.losses.mean_squared_error(labels, predictions)", "const"),
    (
        "mse_sample_mean",
        "tf.losses.mean_squared_error(labels, predictions, weights=w_sample, "
        "reduction=tf.losses.Reduction.MEAN)",
        "static",
    ),
    (
        "mse_batch",
        "tf.losses.mean_squared_error(labels, predictions, weights=w_element, "
        "reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE)",
        "static",
    ),
    (
        "mse_none",
        "tf.losses.mean_squared_error(labels, predictions, reduction='none', scope='my_loss')",
        "static",
    ),
    ("absolute_difference", "tf.losses.absolute_difference(labels, predictions)", "static"),
    ("huber", "tf.losses.huber_loss(labels, predictions, reduction='none')", "static"),
    ("log_loss", "tf.losses.log_loss(binary, probs, reduction='weighted_sum')", "static"),
    ("hinge", "tf.losses.hinge_loss(binary, logits, reduction='none')", "static"),
    ("cosine", "tf.losses.cosine_distance(unit_a, unit_b, axis=1)", "static"),
    ("pairwise", "tf.losses.mean_pairwise_squared_error(labels, predictions)", "static"),
    (
        "sigmoid",
        "tf.losses.sigmoid_cross_entropy(ids_col, logits[:, :1], label_smoothing=0.1, "
        "reduction='none')",
        "static",
    ),
    (
        "softmax",
        "tf.losses.softmax_cross_entropy(onehot, logits64, label_smoothing=0.1)",
        "static",
    ),
    ("softmax_none", "tf.losses.softmax_cross_entropy(onehot, logits, reduction='none')", "static"),
    ("sparse", "tf.losses.sparse_softmax_cross_entropy(ids_col, logits)", "static"),
    (
        "sparse_weights",
        "tf.losses.sparse_softmax_cross_entropy(ids, logits, weights=w_sample)",
        "static",
    ),
    (
        "weighted_float64",
        "tf.losses.compute_weighted_loss(losses64, weights=w_row, "
        "reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE)",
        "static",
    ),
    (
        "total_loss",
        "[tf.losses.absolute_difference(labels, predictions), "
        "tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.reduce_sum(labels)), "
        "tf.losses.get_regularization_loss(), tf.losses.get_total_loss(), "
        "tf.losses.get_total_loss(add_regularization_losses=False, name='data_loss')][2:]",
        "static",
    ),
    ("regularization_empty", "tf.losses.get_regularization_loss()", "static"),
]


def _feeds(tf, mode):
    if mode == "const":
        return dict(INPUTS), {}
    placeholders = {}
    for name, value in INPUTS.items():
        shape = {"static": value.shape, "dynamic": [None] * value.ndim}.get(mode)
        placeholders[name] = tf.placeholder(tf.as_dtype(value.dtype), shape, name=name)
    return placeholders, {placeholders[k]: v for k, v in INPUTS.items()}


def _evaluate(tf, expr, mode):
    """(graph, result, feed_dict) of `expr` built in a fresh graph."""
    graph = tf.Graph()
    with graph.as_default():
        names, feed = _feeds(tf, mode)
        result = eval(expr, {"tf": tf, "np": np, **names})  # noqa: S307 - the case table
    return graph, result, feed


def _evaluate_all(tf, calls, mode):
    """(graph, {variant: output}, feed_dict): every call built in one fresh graph."""
    graph = tf.Graph()
    with graph.as_default():
        names, feed = _feeds(tf, mode)
        scope = {"tf": tf, "np": np, **names}
        outputs = {v: eval(expr, scope) for v, expr in calls.items()}  # noqa: S307
    return graph, outputs, feed


def _calls(template, weights, reductions):
    calls = {}
    for w_name, w_expr in weights.items():
        for r_name, r_expr in reductions.items():
            args = "" if not w_expr else f", weights={w_expr}"
            if r_expr:
                args += f", reduction={r_expr}"
            key = "__".join(part for part in (w_name, r_name) if part)
            calls[key] = template.format(args=args)
    return calls


def _record_values(tf, writer, case, calls):
    arrays = {f"in_{k}": v for k, v in INPUTS.items()}
    meta = {"calls": calls, "modes": {}}
    for mode in MODES:
        graph, outputs, feed = _evaluate_all(tf, calls, mode)
        with tf.Session(graph=graph) as sess:
            values = sess.run(outputs, feed)
        meta["modes"][mode] = {
            v: {
                "shape": t.shape.as_list() if t.shape.rank is not None else None,
                "dtype": t.dtype.name,
            }
            for v, t in outputs.items()
        }
        arrays.update({f"{mode}__{v}": value for v, value in values.items()})
    writer.save(case, arrays, meta)


def _record_error(tf, expr, mode):
    try:
        graph, result, feed = _evaluate(tf, expr, mode or "static")
    except Exception as err:  # noqa: BLE001 - recorded by class and message
        return {"call": expr, "mode": mode, "build_error": type(err).__name__, "message": str(err)}
    with tf.Session(graph=graph) as sess:
        try:
            sess.run(result, feed)
        except tf.errors.OpError as err:
            return {
                "call": expr,
                "mode": mode,
                "run_error": type(err).__name__,
                "message": err.message,
            }
    raise AssertionError(f"no error from {expr}")


def _op_record(op):
    return [
        op.name,
        op.type,
        [t.name for t in op.inputs],
        [c.name for c in op.control_inputs],
        [t.dtype.name for t in op.outputs],
    ]


def _record_graph(tf, expr, mode):
    graph, result, _ = _evaluate(tf, expr, mode)
    results = result if isinstance(result, list) else [result]
    return {
        "call": expr,
        "mode": mode,
        "results": [t.name for t in results],
        "losses": [t.name for t in graph.get_collection(tf.GraphKeys.LOSSES)],
        "ops": [_op_record(op) for op in graph.get_operations()],
    }


def generate(tf, writer):
    # ndflow is TF1: shapes print as "(?, 4)" in messages, as under disable_v2_behavior.
    # Restored afterwards so the families recorded next in the same run are unaffected.
    tf.disable_v2_tensorshape()
    try:
        _generate(tf, writer)
    finally:
        tf.enable_v2_tensorshape()


def _generate(tf, writer):
    for case in VALUE_CASES:
        name, template, weights = case[:3]
        reductions = REDUCTIONS if len(case) < 4 else {"": None}
        _record_values(tf, writer, name, _calls(template, weights, reductions))
    errors = {name: _record_error(tf, expr, mode) for name, expr, mode in ERROR_CASES}
    writer.save("errors", {}, {"cases": errors})
    graphs = {name: _record_graph(tf, expr, mode) for name, expr, mode in GRAPH_CASES}
    writer.save("graphs", {}, {"cases": graphs})
