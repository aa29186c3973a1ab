"""The Optimizer base class (ndflow/train/optimizer.py): compute_gradients, apply_gradients,
minimize, slots, non-slot variables, global_step, sparse deduplication and TF's errors and
names (expected values below were printed by real TensorFlow 2.21 in tf.compat.v1 mode)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _run(fetches, steps=1, train=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            if train is not None:
                sess.run(train)
        return sess.run(fetches)


def test_compute_gradients_pairs_every_trainable_variable():
    w = tf.Variable([1.0, 2.0], name="w")
    u = tf.Variable([1.0], name="u")
    frozen = tf.Variable([3.0], name="frozen", trainable=False)
    loss = tf.reduce_sum(w * w) + tf.reduce_sum(frozen)
    pairs = tf.train.GradientDescentOptimizer(0.1).compute_gradients(loss)
    assert [v for _, v in pairs] == [w, u]
    assert pairs[1][0] is None
    np.testing.assert_allclose(_run(pairs[0][0]), [2.0, 4.0])


def test_gate_graph_routes_gradients_through_tuple():
    w = tf.Variable([1.0, 2.0], name="w")
    pairs = tf.train.GradientDescentOptimizer(0.1).compute_gradients(
        tf.reduce_sum(w * w), gate_gradients=tf.train.Optimizer.GATE_GRAPH
    )
    assert pairs[0][0].name == "tuple/control_dependency:0"


def test_grad_loss_scales_the_gradients():
    w = tf.Variable([1.0, 2.0])
    pairs = tf.train.GradientDescentOptimizer(0.1).compute_gradients(
        tf.reduce_sum(w * w), grad_loss=tf.constant(3.0)
    )
    np.testing.assert_allclose(_run(pairs[0][0]), [6.0, 12.0])


def test_callable_loss_is_called():
    w = tf.Variable([1.0, 2.0])
    pairs = tf.train.GradientDescentOptimizer(0.1).compute_gradients(
        lambda: tf.reduce_sum(w * w), var_list=[w]
    )
    np.testing.assert_allclose(_run(pairs[0][0]), [2.0, 4.0])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda o, w, loss: o.compute_gradients(loss, gate_gradients=5),
            ValueError,
            "gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, "
            "Optimizer.GATE_GRAPH.  Not 5",
        ),
        (lambda o, w, loss: o.apply_gradients([]), ValueError, "No variables provided."),
        (
            lambda o, w, loss: o.apply_gradients([(None, w)]),
            ValueError,
            "No gradients provided for any variable: [\"<tf.Variable 'w:0' shape=(2,) "
            'dtype=float32_ref>"].',
        ),
        (
            lambda o, w, loss: o.compute_gradients(tf.cast(loss, tf.int32)),
            ValueError,
            "Invalid type tf.int32 for Cast:0, expected: [tf.float32, tf.float64, tf.float16, "
            "tf.bfloat16].",
        ),
        (
            lambda o, w, loss: o.compute_gradients(loss, var_list=[]),
            ValueError,
            "No variables to optimize.",
        ),
        (
            lambda o, w, loss: o.apply_gradients([(tf.constant([1.0]), tf.constant([2.0]))]),
            NotImplementedError,
            "Trying to update a Tensor",
        ),
    ],
)
def test_errors(call, error, message):
    w = tf.Variable([1.0, 2.0], name="w")
    loss = tf.reduce_sum(w * w)
    with pytest.raises(error) as raised:
        call(tf.train.GradientDescentOptimizer(0.1), w, loss)
    assert message in str(raised.value)


def test_minimize_without_any_gradient_fails():
    w = tf.Variable([1.0, 2.0], name="w")
    u = tf.Variable([1.0], name="u")
    with pytest.raises(
        ValueError,
        match="No gradients provided for any variable, check your "
        "graph for ops that do not support gradients",
    ):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(w * w), var_list=[u])


def test_optimizer_needs_a_name():
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        tf.train.Optimizer(False, "")


def test_apply_gradients_names_collections_and_global_step():
    w = tf.Variable([1.0, 2.0], name="w")
    step = tf.train.get_or_create_global_step()
    train = tf.train.MomentumOptimizer(0.5, 0.9).apply_gradients(
        [(tf.constant([1.0, 1.0]), w)], global_step=step, name="train"
    )
    assert (train.name, train.type) == ("train", "AssignAdd")
    assert tf.get_collection(tf.GraphKeys.TRAIN_OP) == [train]
    graph = tf.get_default_graph()
    assert graph.get_operation_by_name("train/update_w/ApplyMomentum").type == "ApplyMomentum"
    update = graph.get_operation_by_name("train/update")
    assert update.type == "NoOp"
    assert train.control_inputs == [] and train.inputs[1].op.control_inputs == [update]
    values = _run([w, step], steps=2, train=train)
    np.testing.assert_allclose(values[0], [1.0 - 0.5 - 0.5 * 1.9, 2.0 - 0.5 - 0.5 * 1.9])
    assert values[1] == 2


def test_resource_global_step_uses_assign_add_variable_op():
    w = tf.Variable([1.0, 2.0], name="w")
    step = tf.Variable(np.int64(0), name="step", use_resource=True, trainable=False)
    train = tf.train.GradientDescentOptimizer(0.5).apply_gradients(
        [(tf.constant([1.0, 1.0]), w)], global_step=step
    )
    assert train.type == "AssignAddVariableOp"
    assert train.name == "GradientDescent"
    assert _run(step, steps=3, train=train) == 3


def test_slots_and_variables():
    w = tf.Variable([1.0, 2.0], name="w")
    b = tf.Variable(0.5, name="b")
    opt = tf.train.AdamOptimizer(0.1)
    opt.minimize(tf.reduce_sum(w * w) + b * b)
    assert opt.get_slot_names() == ["m", "v"]
    assert opt.get_slot(w, "m").op.name == "w/Adam"
    assert opt.get_slot(w, "v").op.name == "w/Adam_1"
    assert opt.get_slot(b, "m").op.name == "b/Adam"
    assert opt.get_slot(w, "nope") is None
    assert opt.get_slot(tf.Variable(1.0), "m") is None
    assert [v.op.name for v in opt.variables()] == [
        "b/Adam",
        "b/Adam_1",
        "beta1_power",
        "beta2_power",
        "w/Adam",
        "w/Adam_1",
    ]
    assert opt.get_slot(w, "m") in tf.global_variables()
    assert opt.get_slot(w, "m") not in tf.trainable_variables()
    assert opt.get_name() == "Adam"


def test_non_slot_variables_are_per_graph():
    opt = tf.train.AdamOptimizer(0.1)
    w = tf.Variable([1.0], name="w")
    opt.minimize(tf.reduce_sum(w * w))
    with tf.Graph().as_default():
        v = tf.Variable([1.0], name="v")
        opt.minimize(tf.reduce_sum(v * v))
        assert [x.op.name for x in opt.variables()] == [
            "beta1_power",
            "beta2_power",
            "v/Adam",
            "v/Adam_1",
        ]
    assert len(opt.variables()) == 4


def test_slot_and_non_slot_names_follow_tf_scoping():
    """TF: slots take the variable scope (not the name scope); non-slot variables take the
    name scope; a second optimizer on the same variable gets w/Adam_2, w/Adam_3."""
    with tf.variable_scope("model"):
        w = tf.Variable([1.0, 2.0], name="w")
    loss = tf.reduce_sum(w * w)
    with tf.name_scope("train"):
        first = tf.train.AdamOptimizer(0.1)
        first.minimize(loss)
    with tf.variable_scope("outer"):
        second = tf.train.MomentumOptimizer(0.1, 0.9)
        second.minimize(loss)
    third = tf.train.AdamOptimizer(0.1)
    third.minimize(loss)
    names = lambda opt: [v.name for v in opt.variables()]  # noqa: E731
    assert names(first) == [
        "model/w/Adam:0",
        "model/w/Adam_1:0",
        "train/beta1_power:0",
        "train/beta2_power:0",
    ]
    assert names(second) == ["outer/model/w/Momentum:0"]
    assert names(third) == [
        "beta1_power:0",
        "beta2_power:0",
        "model/w/Adam_2:0",
        "model/w/Adam_3:0",
    ]
    graph = tf.get_default_graph()
    assert graph.get_operation_by_name("train/Adam/update_model/w/ApplyAdam").type == "ApplyAdam"
    assert graph.get_operation_by_name("model/w/Adam/Initializer/zeros").get_attr("_class") == [
        b"loc:@model/w"
    ]


def test_non_slot_variables_in_their_own_scope():
    w = tf.Variable([1.0, 2.0], name="w")
    with tf.name_scope("elsewhere"):
        opt = tf.train.AdamOptimizer(0.1, use_own_namescope_for_non_slot_vars=True)
        opt.minimize(tf.reduce_sum(w * w))
    assert [v.name for v in opt.variables()] == [
        "Adam/beta1_power:0",
        "Adam/beta2_power:0",
        "w/Adam:0",
        "w/Adam_1:0",
    ]
    assert tf.get_default_graph().get_operation_by_name("Adam/beta1_power/read")


def test_beta_powers_sit_with_the_first_variable_by_name():
    z = tf.Variable([1.0], name="z")
    a = tf.Variable([1.0], name="a")
    opt = tf.train.AdamOptimizer(0.1)
    opt.minimize(tf.reduce_sum(z * a))
    beta1_power = opt._get_beta_accumulators()[0]
    assert beta1_power.op.get_attr("_class") == [b"loc:@a"]


def test_sparse_gradients_are_summed_before_the_update():
    """Adagrad on IndexedSlices repeating an index equals Adagrad on the summed rows."""
    emb = tf.Variable(np.ones((3, 2), np.float32), name="emb")
    dense_emb = tf.Variable(np.ones((3, 2), np.float32), name="dense_emb")
    values = tf.constant([[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]])
    slices = tf.IndexedSlices(values, tf.constant([2, 0, 2]), tf.constant([3, 2]))
    summed = tf.constant([[3.0, 4.0], [0.0, 0.0], [1.5, 2.5]])
    sparse = tf.train.AdagradOptimizer(0.1).apply_gradients([(slices, emb)])
    dense = tf.train.AdagradOptimizer(0.1).apply_gradients([(summed, dense_emb)])
    graph = tf.get_default_graph()
    assert graph.get_operation_by_name("Adagrad/update_emb/Unique").type == "Unique"
    got, want = _run([emb, dense_emb], steps=2, train=[sparse, dense])
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_gradient_descent_scatters_repeated_indices_without_summing_first():
    emb = tf.Variable(np.zeros((3, 2), np.float32), name="emb")
    slices = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([1, 1]))
    train = tf.train.GradientDescentOptimizer(0.5).apply_gradients([(slices, emb)])
    assert tf.get_default_graph().get_operation_by_name("GradientDescent/update_emb/ScatterSub")
    np.testing.assert_allclose(_run(emb, train=train), [[0, 0], [-2.0, -3.0], [0, 0]])


def test_constraint_is_applied_after_the_dense_update():
    w = tf.Variable([1.0, -2.0], name="w", constraint=lambda v: tf.maximum(v, 0.0))
    train = tf.train.GradientDescentOptimizer(1.0).apply_gradients([(tf.constant([3.0, 0.0]), w)])
    np.testing.assert_allclose(_run(w, train=train), [0.0, 0.0])


def test_constraint_rejects_sparse_updates():
    w = tf.Variable([[1.0]], name="w", constraint=lambda v: v)
    slices = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]))
    with pytest.raises(RuntimeError, match="Cannot use a constraint function on a sparse"):
        tf.train.GradientDescentOptimizer(1.0).apply_gradients([(slices, w)])


def test_learning_rate_may_be_a_tensor_or_callable():
    w = tf.Variable([1.0], name="w")
    rate = tf.placeholder(tf.float32, [])
    train = tf.train.GradientDescentOptimizer(rate).apply_gradients([(tf.constant([1.0]), w)])
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(train, {rate: 0.25})
        np.testing.assert_allclose(sess.run(w), [0.75])
    v = tf.Variable([1.0], name="v")
    train = tf.train.MomentumOptimizer(lambda: 0.5, lambda: 0.0).apply_gradients(
        [(tf.constant([1.0]), v)]
    )
    np.testing.assert_allclose(_run(v, train=train), [0.5])


def test_float64_variables_get_cast_hyperparameters():
    d = tf.Variable([1.0, 2.0], name="d", dtype=tf.float64)
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.minimize(tf.reduce_sum(d * d))
    apply = tf.get_default_graph().get_operation_by_name("Adam/update_d/ApplyAdam")
    assert apply.get_attr("T") == tf.float64
    assert opt._get_beta_accumulators()[0].dtype.base_dtype == tf.float32
    value = _run(d, train=train)
    assert value.dtype == np.float64
    np.testing.assert_allclose(value, [0.9, 1.9], rtol=1e-6)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0),
            "initial_accumulator_value must be positive: 0.0",
        ),
        (
            lambda: tf.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=-1.0),
            "initial_accumulator_value must be positive: -1.0",
        ),
        (
            lambda: tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5),
            "learning_rate_power 0.500000 needs to be negative or zero",
        ),
        (
            lambda: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0),
            "l1_regularization_strength -1.000000 needs to be positive or zero",
        ),
        (
            lambda: tf.train.FtrlOptimizer(0.1, initial_accumulator_value=-0.5),
            "initial_accumulator_value -0.500000 needs to be positive or zero",
        ),
    ],
)
def test_constructor_checks(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_unknown_shape_variable_gets_runtime_shaped_slots():
    w = tf.Variable(
        tf.placeholder_with_default([1.0, 2.0], shape=[None]), validate_shape=False, name="w"
    )
    opt = tf.train.MomentumOptimizer(0.5, 0.5)
    train = opt.apply_gradients([(tf.constant([1.0, 1.0]), w)])
    slot = opt.get_slot(w, "momentum")
    assert slot.op.name == "w/Momentum"
    np.testing.assert_allclose(_run(slot, train=train), [1.0, 1.0])
