"""Session.run: fetch structures, feeds, errors, defaults, plans and threads."""

from __future__ import annotations

import collections
import threading

import numpy as np
import pytest

import ndflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def test_seed_snippet_runs_and_prints_tf_result(capsys):
    a = tf.constant(5.0)
    b = tf.constant(6.0)
    c = a * b
    sess = tf.Session()
    print(sess.run(c))
    assert capsys.readouterr().out == "30.0\n"
    assert isinstance(sess.run(c), np.float32)


def test_fetch_structures_are_rebuilt():
    Pair = collections.namedtuple("Pair", "first second")
    a = tf.constant(1.0)
    b = tf.constant([2, 3])
    noop = tf.no_op()
    with tf.Session() as sess:
        result = sess.run({"a": a, "pair": Pair(a, [b, (a,)]), "op": noop, "name": "Const:0"})
    assert result["a"] == 1.0
    assert isinstance(result["pair"], Pair)
    assert result["pair"].second[0].tolist() == [2, 3]
    assert isinstance(result["pair"].second[1], tuple)
    assert result["op"] is None
    assert result["name"] == 1.0
    assert list(result) == ["a", "pair", "op", "name"]


def test_ordered_dict_fetch_keeps_type():
    a = tf.constant(1)
    fetches = collections.OrderedDict([("z", a), ("y", a)])
    with tf.Session() as sess:
        result = sess.run(fetches)
    assert type(result) is collections.OrderedDict
    assert list(result) == ["z", "y"]


def test_feeds_by_tensor_and_name_with_broadcasting():
    x = tf.placeholder(tf.float32, shape=[None, 3], name="x")
    y = x * 2.0 + tf.constant([1.0, 2.0, 3.0])
    with tf.Session() as sess:
        by_tensor = sess.run(y, {x: [[1, 1, 1]]})
        by_name = sess.run(y, {"x:0": np.ones((2, 3))})
    np.testing.assert_array_equal(by_tensor, [[3, 4, 5]])
    assert by_tensor.dtype == np.float32
    assert by_name.shape == (2, 3)


def test_feed_shape_mismatch_uses_tf_message():
    x = tf.placeholder(tf.float32, shape=[2], name="x")
    with tf.Session() as sess:
        with pytest.raises(ValueError) as info:
            sess.run(x, {x: [1.0, 2.0, 3.0]})
    assert str(info.value) == (
        "Cannot feed value of shape (3,) for Tensor 'x:0', which has shape '(2,)'"
    )


def test_feeding_a_tensor_value_is_a_type_error():
    x = tf.placeholder(tf.float32)
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
            sess.run(x, {x: tf.constant(1.0)})


def test_unfed_placeholder_is_invalid_argument_naming_the_node():
    x = tf.placeholder(tf.float32, shape=[None, 3], name="inputs")
    y = x + 1.0
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y)
    assert (
        "You must feed a value for placeholder tensor 'inputs' with dtype float and "
        "shape [?,3]" in str(info.value)
    )
    assert info.value.op.name == "inputs"


def test_any_tensor_can_be_fed():
    a = tf.constant(2.0)
    b = a * 3.0
    with tf.Session() as sess:
        assert sess.run(b, {a: 10.0}) == 30.0
        assert sess.run(b) == 6.0


def test_fetching_a_fed_tensor_returns_the_feed():
    x = tf.placeholder(tf.float32)
    with tf.Session() as sess:
        assert sess.run(x, {x: 4.0}) == 4.0


def test_feed_values_are_converted_to_placeholder_dtype():
    x = tf.placeholder(tf.int32)
    with tf.Session() as sess:
        value = sess.run(x, {x: [1.0, 2.0]})
    assert value.dtype == np.int32


def test_string_feeds_and_fetches():
    x = tf.placeholder(tf.string)
    y = tf.identity(x)
    with tf.Session() as sess:
        assert sess.run(y, {x: "hi"}) == b"hi"
        assert sess.run(y, {x: ["a", b"b"]}).tolist() == [b"a", b"b"]


def test_bad_fetches_raise_tf_errors():
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="has invalid type"):
            sess.run(None)
        with pytest.raises(TypeError, match="must be a string or Tensor"):
            sess.run(3)
        with pytest.raises(ValueError, match="cannot be interpreted as a Tensor"):
            sess.run("missing:0")


def test_closed_session_raises():
    sess = tf.Session()
    c = tf.constant(1.0)
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)


def test_with_session_sets_defaults_and_eval_works():
    c = tf.constant(3.0)
    graph = tf.get_default_graph()
    with tf.Session() as sess:
        assert tf.get_default_session() is sess
        assert c.eval() == 3.0
        assert tf.get_default_graph() is graph
    assert tf.get_default_session() is None
    with pytest.raises(ValueError, match="No default session"):
        c.eval()


def test_session_graph_becomes_default_inside_with():
    other = tf.Graph()
    with tf.Session(graph=other) as sess:
        c = tf.constant(1.0)
        assert c.graph is other
        assert sess.run(c) == 1.0


def test_interactive_session_installs_itself():
    c = tf.constant(2.0)
    sess = tf.InteractiveSession()
    try:
        assert c.eval() == 2.0
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_fetched_arrays_are_private_copies():
    c = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        first = sess.run(c)
        first[0] = 99.0
        second = sess.run(c)
    assert second[0] == 1.0


def test_plans_are_cached_per_signature():
    x = tf.placeholder(tf.float32)
    y = x + 1.0
    with tf.Session() as sess:
        sess.run(y, {x: 1.0})
        sess.run([y], {x: 2.0})  # the same elements: the same plan
        assert len(sess._plans) == 1
        sess.run([y, x], {x: 2.0})
        assert len(sess._plans) == 2


def test_concurrent_runs_from_many_threads():
    x = tf.placeholder(tf.float32, shape=[])
    y = x * 2.0 + 1.0
    errors = []
    with tf.Session() as sess:

        def worker(seed):
            for i in range(200):
                value = float(seed * 1000 + i)
                if sess.run(y, {x: value}) != value * 2.0 + 1.0:
                    errors.append(value)

        threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []


def test_make_callable():
    x = tf.placeholder(tf.float32)
    y = x * 3.0
    with tf.Session() as sess:
        call = sess.make_callable([y], feed_list=[x])
        assert call(2.0)[0] == 6.0


def test_operation_run_and_list_devices():
    op = tf.no_op()
    with tf.Session() as sess:
        assert op.run() is None
        assert sess.list_devices()[0].device_type == "CPU"
