"""Every tf.train optimizer against real TensorFlow (tests/golden/optimizers/opt_*): 5 steps
on fixed data from fixed initial values, for ref and resource variables, through four paths
(explicit dense gradients, minimize on a MatMul/AddV2/Sub/Square/Mean model, an IndexedSlices
gradient repeating an index, and minimize through tf.gather). The loss before each step, every
variable and slot after it (within 1e-5 relative), the variable and slot names, and the graph
TF builds (names, op types, inputs; control inputs as a set) must match."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import golden

OPTIMIZER_CASES = [c for c in golden.cases("optimizers") if c.startswith("opt_")]
RTOL = 1e-5


def _model(arrays, path, resource):
    """The recorded model: (loss or None, grads_and_vars or None), built as the generator
    (tools/goldens/optimizers.py) built it, so node names line up."""

    def const(key):
        return tf.constant(arrays[key])

    if path in ("explicit", "minimize"):
        w = tf.Variable(arrays["w0"], name="w", use_resource=resource)
        b = tf.Variable(arrays["b0"], name="b", use_resource=resource)
        if path == "explicit":
            return None, [(const("gw"), w), (const("gb"), b)]
        prediction = tf.matmul(const("x"), w) + b
        return tf.reduce_mean(tf.square(prediction - const("y"))), None
    emb = tf.Variable(arrays["emb0"], name="emb", use_resource=resource)
    if path == "sparse":
        grad = tf.IndexedSlices(const("slice_values"), const("slice_indices"), tf.constant([5, 2]))
        return None, [(grad, emb)]
    rows = tf.gather(emb, const("ids"))
    return tf.reduce_sum(tf.square(rows - const("targets"))), None


def _node_table(entries):
    """name -> (op type, data inputs, sorted control inputs): TF lists control inputs sorted."""
    table = {}
    for name, op_type, inputs in entries:
        data = [i for i in inputs if not i.startswith("^")]
        controls = sorted(i for i in inputs if i.startswith("^"))
        table[name] = (op_type, data, controls)
    return table


def _graph_nodes(graph):
    entries = []
    for node in graph.as_graph_def().node:
        if node.name.startswith("gradients/") or node.name == "gradients":
            continue
        entries.append(
            [node.name, node.op, [i for i in node.input if not i.startswith("gradients/")]]
        )
    return _node_table(entries)


def _build(arrays, meta):
    graph = tf.Graph()
    with graph.as_default():
        loss, grads_and_vars = _model(arrays, meta["path"], meta["resource"])
        step = tf.train.get_or_create_global_step()
        optimizer = eval(meta["optimizer"], {"tf": tf})  # noqa: S307 - our goldens
        if loss is None:
            train = optimizer.apply_gradients(grads_and_vars, global_step=step)
        else:
            train = optimizer.minimize(loss, global_step=step)
    return graph, loss, optimizer, train


@pytest.mark.parametrize("case", OPTIMIZER_CASES)
def test_optimizer_matches_tensorflow(case):
    arrays, meta = golden.load("optimizers", case)
    graph, loss, optimizer, train = _build(arrays, meta)
    with graph.as_default():
        assert [v.op.name for v in tf.global_variables()] == meta["variables"]
        assert [v.op.name for v in optimizer.variables()] == meta["optimizer_variables"]
        assert optimizer.get_slot_names() == meta["slot_names"]
        assert (train.name, train.type) == (meta["train_op"], meta["train_op_type"])
        assert train in tf.get_collection(tf.GraphKeys.TRAIN_OP)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(5):
                if loss is not None:
                    np.testing.assert_allclose(
                        sess.run(loss), arrays[f"loss{step}"], rtol=RTOL, err_msg=f"loss {step}"
                    )
                sess.run(train)
                for variable in tf.global_variables():
                    want = arrays[f"step{step}|{variable.op.name.replace('/', '~')}"]
                    np.testing.assert_allclose(
                        sess.run(variable),
                        want,
                        rtol=RTOL,
                        atol=1e-7,
                        err_msg=f"{case}: {variable.op.name} after step {step}",
                    )
        nodes = _graph_nodes(graph)
    expected = _node_table(meta["nodes"])
    assert nodes == expected


def test_every_optimizer_and_path_is_recorded():
    names = {c.rsplit("_", 2)[0] for c in OPTIMIZER_CASES}
    assert len(names) == 12
    assert len(OPTIMIZER_CASES) == 12 * 2 * 4
