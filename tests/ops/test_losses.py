"""`tf.losses` (ndflow/ops/losses.py) against real TensorFlow and by finite differences.

Goldens recorded by tools/goldens/losses.py: the value of every loss x Reduction x weights in
static and dynamic shape modes (with static shapes and dtypes), graph-build and run-time
errors with TF's messages, and for selected calls every op built (name, type, inputs, control
inputs, dtypes). Then the loss collections, and the gradients of each loss. The losses
register no op of their own, so there are no OP_SPECS or GRAD_SPECS rows here.
"""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import golden
from tests.support import grad_check

FAMILY = "losses"
VALUE_CASES = [c for c in golden.cases(FAMILY) if c not in ("errors", "graphs")]
ERRORS = golden.load(FAMILY, "errors")[1]["cases"] if VALUE_CASES else {}
GRAPHS = golden.load(FAMILY, "graphs")[1]["cases"] if VALUE_CASES else {}
INPUTS = golden.load(FAMILY, "mean_squared_error")[0] if VALUE_CASES else {}
# compute_weighted_loss reduces in float32 whatever the losses' dtype (TF casts there and
# back), so float64 results carry float32 rounding too; NumPy and Eigen sum in other orders.
RTOL = 2e-6


def _scope(mode):
    """The names the recorded calls use: a placeholder per input (or the arrays, "const")."""
    arrays = {key[3:]: value for key, value in INPUTS.items() if key.startswith("in_")}
    if mode == "const":
        return {"tf": tf, "np": np, **arrays}, {}
    names = {}
    for name, value in arrays.items():
        shape = {"static": value.shape, "dynamic": [None] * value.ndim}.get(mode)
        names[name] = tf.placeholder(tf.as_dtype(value.dtype), shape, name=name)
    return {"tf": tf, "np": np, **names}, {names[k]: v for k, v in arrays.items()}


def _shape(tensor):
    return None if tensor.shape.rank is None else tensor.shape.as_list()


def test_goldens_were_recorded():
    assert len(VALUE_CASES) >= 20
    assert len(ERRORS) >= 20 and len(GRAPHS) >= 15


# ---------------------------------------------------------------------- values


@pytest.mark.parametrize("mode", ["static", "dynamic", "unknown_rank"])
@pytest.mark.parametrize("case", VALUE_CASES)
def test_values_match_tf(case, mode):
    arrays, meta = golden.load(FAMILY, case)
    expected = meta["modes"][mode]
    with tf.Graph().as_default() as graph:
        scope, feed = _scope(mode)
        outputs = {v: eval(call, scope) for v, call in meta["calls"].items()}  # noqa: S307
        for variant, tensor in outputs.items():
            assert _shape(tensor) == expected[variant]["shape"], f"{variant}: static shape"
            assert tensor.dtype.name == expected[variant]["dtype"], f"{variant}: dtype"
        with tf.Session(graph=graph) as sess:
            values = sess.run(outputs, feed)
    for variant, value in values.items():
        want = arrays[f"{mode}__{variant}"]
        assert value.dtype == want.dtype and value.shape == want.shape, variant
        np.testing.assert_allclose(value, want, rtol=RTOL, atol=1e-7, err_msg=f"{case} {variant}")


# ---------------------------------------------------------------------- errors


def _assertion_line(message):
    """The "assertion failed: [...]" line of a run-time assertion message."""
    lines = [line for line in message.splitlines() if "assertion failed" in line]
    return lines[0].strip() if lines else message


def _build_error_text(name, message):
    # ndflow words the node part of shape-function errors the TF1 way ("for 'name' (op:
    # 'Squeeze') ..."), TF 2.21 as "for '{{node name}} = ...'": compare what precedes it.
    return message.split(" for ")[0] if name == "weights_rank_sparse" else message


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_tf(name):
    case = ERRORS[name]
    with tf.Graph().as_default() as graph:
        scope, feed = _scope(case["mode"] or "static")
        if "build_error" in case:
            with pytest.raises(Exception) as caught:
                eval(case["call"], scope)  # noqa: S307 - the recorded case table
            assert type(caught.value).__name__ == case["build_error"]
            assert _build_error_text(name, str(caught.value)) == _build_error_text(
                name, case["message"]
            )
            return
        result = eval(case["call"], scope)  # noqa: S307 - the recorded case table
        with tf.Session(graph=graph) as sess:
            with pytest.raises(getattr(tf.errors, case["run_error"])) as caught:
                sess.run(result, feed)
    assert _assertion_line(caught.value.message) == _assertion_line(case["message"])


# ---------------------------------------------------------------------- graphs


def _op_record(op):
    return [
        op.name,
        op.type,
        [t.name for t in op.inputs],
        [c.name for c in op.control_inputs],
        [t.dtype.name for t in op.outputs],
    ]


def _is_nn_subgraph(record):
    """Whether an op was built inside a tf.nn cross-entropy builder (the "xentropy" scope),
    whose internals that builder's own tests own."""
    parts = record[0].split("/")
    return "xentropy" in parts[1:]


def _build_graph(case):
    with tf.Graph().as_default() as graph:
        scope, _ = _scope(case["mode"])
        result = eval(case["call"], scope)  # noqa: S307 - the recorded case table
        results = result if isinstance(result, list) else [result]
        ops = [_op_record(op) for op in graph.get_operations()]
        losses = [t.name for t in tf.get_collection(tf.GraphKeys.LOSSES)]
    return [t.name for t in results], losses, ops


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graph_matches_tf_op_for_op(name):
    case = GRAPHS[name]
    results, losses, ops = _build_graph(case)
    assert results == case["results"]
    assert losses == case["losses"]
    outside = [op for op in case["ops"] if not _is_nn_subgraph(op)]
    assert [op for op in ops if not _is_nn_subgraph(op)] == outside


NN_GRAPHS = sorted(name for name, case in GRAPHS.items() if any(map(_is_nn_subgraph, case["ops"])))


@pytest.mark.parametrize("name", NN_GRAPHS)
def test_nn_cross_entropy_subgraph_matches_tf(name):
    case = GRAPHS[name]
    _, _, ops = _build_graph(case)
    assert [op for op in ops if _is_nn_subgraph(op)] == [
        op for op in case["ops"] if _is_nn_subgraph(op)
    ]


# ---------------------------------------------------------------------- collections


def test_reduction_keys_and_validation():
    reduction = tf.losses.Reduction
    assert reduction.SUM_OVER_NONZERO_WEIGHTS == reduction.SUM_BY_NONZERO_WEIGHTS
    assert set(reduction.all()) == {
        "none",
        "weighted_sum",
        "weighted_mean",
        "weighted_sum_over_batch_size",
        "weighted_sum_by_nonzero_weights",
    }
    reduction.validate(reduction.MEAN)
    with pytest.raises(ValueError, match="Invalid Reduction Key sum"):
        reduction.validate("sum")


def test_losses_go_to_the_named_collection_only():
    with tf.Graph().as_default():
        a = tf.losses.mean_squared_error([1.0], [2.0])
        b = tf.losses.absolute_difference([1.0], [2.0], loss_collection="mine")
        c = tf.losses.huber_loss([1.0], [2.0], loss_collection=None)
        assert tf.losses.get_losses() == [a]
        assert tf.losses.get_losses(loss_collection="mine") == [b]
        assert c not in tf.get_collection(tf.GraphKeys.LOSSES)


def test_get_losses_filters_by_scope():
    with tf.Graph().as_default():
        with tf.name_scope("tower_0"):
            first = tf.losses.mean_squared_error([1.0], [2.0])
        with tf.name_scope("tower_1"):
            second = tf.losses.mean_squared_error([1.0], [3.0])
        assert tf.losses.get_losses(scope="tower_1") == [second]
        assert tf.losses.get_losses() == [first, second]


def test_add_loss_and_get_total_loss():
    with tf.Graph().as_default() as graph:
        tf.losses.add_loss(tf.constant(2.0))
        tf.losses.add_loss(tf.constant(5.0), loss_collection=None)
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25))
        total = tf.losses.get_total_loss()
        data_only = tf.losses.get_total_loss(add_regularization_losses=False, name="data")
        regularization = tf.losses.get_regularization_loss()
        assert total.name == "total_loss:0" and total.op.type == "AddN"
        assert regularization.name == "total_regularization_loss:0"
        assert len(tf.losses.get_regularization_losses()) == 1
        with tf.Session(graph=graph) as sess:
            assert sess.run([total, data_only, regularization]) == [2.25, 2.0, 0.25]


def test_regularization_loss_is_zero_without_regularizers():
    with tf.Graph().as_default() as graph:
        zero = tf.losses.get_regularization_loss()
        assert zero.op.type == "Const" and zero.dtype == tf.float32
        with tf.Session(graph=graph) as sess:
            assert sess.run(zero) == 0.0


def test_get_total_loss_scope_filters_both_collections():
    with tf.Graph().as_default() as graph:
        with tf.name_scope("a"):
            tf.losses.add_loss(tf.constant(1.0))
            tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.5))
        with tf.name_scope("b"):
            tf.losses.add_loss(tf.constant(10.0))
        total = tf.losses.get_total_loss(scope="a")
        with tf.Session(graph=graph) as sess:
            assert sess.run(total) == 1.5


# ---------------------------------------------------------------------- gradients

_RNG = np.random.default_rng(7)


def _float32(shape, low=-2.0, high=2.0):
    return _RNG.uniform(low, high, size=shape).astype(np.float32)


def _away_from(values, kink, margin=0.1):
    """values nudged so that none lies within `margin` of `kink`."""
    near = np.abs(values - kink) < margin
    return np.where(near, values + 2 * margin * np.sign(values - kink + 1e-9), values)


_BINARY = np.array([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]], np.float32)
_IDS = np.array([2, 0, 3], np.int32)
_WEIGHTS = np.array([[0.5], [0.0], [2.0]], np.float32)
_UNIT = _float32((3, 4)) / 2
_DIFF = _away_from(_float32((3, 4)), 0.0)
_HUBER_DIFF = _away_from(_away_from(_DIFF, 1.0), -1.0)
_LOGITS = _float32((3, 4))
_HINGE_LOGITS = _away_from(_LOGITS * (2 * _BINARY - 1), 1.0) * (2 * _BINARY - 1)

REDUCTION = tf.losses.Reduction
GRADIENT_CASES = [
    ("mse", lambda y, p: tf.losses.mean_squared_error(y, p), [_float32((3, 4)), _LOGITS]),
    (
        "mse_weights",
        lambda y, p, w: tf.losses.mean_squared_error(y, p, weights=w, reduction=REDUCTION.MEAN),
        [_float32((3, 4)), _LOGITS, _WEIGHTS + 0.5],
    ),
    (
        "absolute_difference",
        lambda p: tf.losses.absolute_difference(np.zeros((3, 4), np.float32), p, weights=_WEIGHTS),
        [_DIFF],
    ),
    (
        "huber",
        lambda p: tf.losses.huber_loss(np.zeros((3, 4), np.float32), p, reduction=REDUCTION.SUM),
        [_HUBER_DIFF],
    ),
    (
        "log_loss",
        lambda p: tf.losses.log_loss(_BINARY, p, reduction=REDUCTION.SUM_OVER_BATCH_SIZE),
        [_float32((3, 4), 0.1, 0.9)],
    ),
    ("hinge", lambda z: tf.losses.hinge_loss(_BINARY, z, weights=_WEIGHTS), [_HINGE_LOGITS]),
    (
        "cosine_distance",
        lambda a, b: tf.losses.cosine_distance(a, b, axis=1, reduction=REDUCTION.NONE),
        [_UNIT, _float32((3, 4)) / 2],
    ),
    (
        "mean_pairwise",
        lambda y, p: tf.losses.mean_pairwise_squared_error(y, p, weights=_WEIGHTS),
        [_float32((3, 4)), _LOGITS],
    ),
    (
        "sigmoid_cross_entropy",
        lambda z: tf.losses.sigmoid_cross_entropy(_BINARY, z, label_smoothing=0.2),
        [_LOGITS],
    ),
    (
        "softmax_cross_entropy",
        lambda z: tf.losses.softmax_cross_entropy(
            np.eye(4, dtype=np.float32)[_IDS], z, weights=_WEIGHTS[:, 0], label_smoothing=0.1
        ),
        [_LOGITS],
    ),
    (
        "sparse_softmax_cross_entropy",
        lambda z: tf.losses.sparse_softmax_cross_entropy(_IDS, z, reduction=REDUCTION.SUM),
        [_LOGITS],
    ),
    (
        "compute_weighted_loss",
        lambda x, w: tf.losses.compute_weighted_loss(x, w),
        [_float32((2, 3, 2)), np.array([[[2.0]], [[0.5]]], np.float32)],
    ),
]


@pytest.mark.parametrize(
    ("name", "builder", "inputs"), GRADIENT_CASES, ids=[case[0] for case in GRADIENT_CASES]
)
def test_gradients_match_finite_differences(name, builder, inputs):
    grad_check.check_gradients(builder, inputs)


def test_softmax_cross_entropy_stops_gradients_to_labels():
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.float32, [3, 4])
        loss = tf.losses.softmax_cross_entropy(labels, _LOGITS)
        assert tf.gradients(loss, labels) == [None]
