"""Control flow: cond/case/while_loop as functional If/While ops, function calls, TensorLists,
Optionals, Assert and printing — values, shapes, gradients and TF's graph structure."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import function as function_lib
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

F32 = tf.float32
F64 = tf.float64


def _cond_square_or_negate(x):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: x * x, lambda: -x)


def _stateful_cond(x):
    # A Print inside a branch makes the If stateful (TF's rule).
    return tf.cond(
        tf.reduce_sum(x) > 0, lambda: tf.Print(x * 3.0, [x], "p:", first_n=0), lambda: x - 1.0
    )


def _power_loop(x):
    _, result = tf.while_loop(
        lambda i, acc: i < 3, lambda i, acc: (i + 1, acc * x), [tf.constant(0), tf.ones_like(x)]
    )
    return result


def _stateful_loop(x):
    _, result = tf.while_loop(
        lambda i, acc: i < 2,
        lambda i, acc: (i + 1, tf.Print(acc + x, [acc], "loop:", first_n=0)),
        [tf.constant(0), x],
    )
    return result


def _call(fn, stateful=False):
    def build(x):
        graph = tf.get_default_graph()
        spec = [(x.dtype, x.shape, "x")]
        func_graph, result = function_lib.trace(
            function_lib.unique_fn_name("", "fn"), fn, spec, graph
        )
        func_graph.outputs.append(result)
        defined = function_lib.add_to_graph(func_graph, graph)
        op_type = "StatefulPartitionedCall" if stateful else "PartitionedCall"
        inputs = [x] + func_graph.external_captures
        return op_builder.apply_op(
            op_type, inputs, Tout=[x.dtype.base_dtype], f=function_lib.func_attr(defined)
        )[0]

    return build


def _list_round_trip(x):
    shape = tf.shape(x)[1:]
    handle = op_builder.apply_op("TensorListFromTensor", x, shape, element_dtype=x.dtype)
    handle = op_builder.apply_op("TensorListPushBack", handle, x[0] * 2.0)
    return op_builder.apply_op("TensorListStack", handle, shape, element_dtype=x.dtype)


def _list_pop(x):
    empty = op_builder.apply_op("EmptyTensorList", tf.shape(x), -1, element_dtype=x.dtype)
    pushed = op_builder.apply_op(
        "TensorListPushBack", op_builder.apply_op("TensorListPushBack", empty, x), x * 2.0
    )
    _, value = op_builder.apply_op("TensorListPopBack", pushed, tf.shape(x), element_dtype=x.dtype)
    return value


def _list_items(x):
    handle = op_builder.apply_op("TensorListReserve", tf.shape(x)[1:], 3, element_dtype=x.dtype)
    handle = op_builder.apply_op("TensorListSetItem", handle, 1, x[0])
    length = op_builder.apply_op("TensorListLength", handle)
    first = op_builder.apply_op(
        "TensorListGetItem", handle, 1, tf.shape(x)[1:], element_dtype=x.dtype
    )
    zeros = op_builder.apply_op(
        "TensorListGetItem", handle, 0, tf.shape(x)[1:], element_dtype=x.dtype
    )
    shape = op_builder.apply_op("TensorListElementShape", handle, shape_type=tf.int32)
    return [first, zeros, length, shape]


def _optional(x):
    some = op_builder.apply_op("OptionalFromValue", [x])
    none = op_builder.apply_op("OptionalNone")
    value = op_builder.apply_op(
        "OptionalGetValue", some, output_types=[x.dtype.base_dtype], output_shapes=[x.shape]
    )[0]
    return [
        value,
        op_builder.apply_op("OptionalHasValue", some),
        op_builder.apply_op("OptionalHasValue", none),
    ]


def _format(x):
    return op_builder.apply_op("StringFormat", [x, x], template="a={} b={}", placeholder="{}")


def _assert(x):
    check = tf.Assert(tf.reduce_all(x > -100.0), [x])
    with tf.control_dependencies([check]):
        return tf.identity(x)


def _print_v2(x):
    printed = tf.print("value:", x)
    with tf.control_dependencies([printed]):
        return tf.identity(x)


OP_SPECS = [
    OpSpec(
        "StatelessIf",
        _cond_square_or_negate,
        reference=lambda x: x * x if x.sum() > 0 else -x,
        shapes=[(3,)],
        dtypes=[F32, F64],
        cases=[([np.array([-1.0, -2.0], np.float32)], np.array([1.0, 2.0], np.float32))],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
    ),
    OpSpec(
        "If",
        _stateful_cond,
        reference=lambda x: x * 3.0 if x.sum() > 0 else x - 1.0,
        shapes=[(4,)],
        shape_cases=[ShapeCase([[4]], expected=[4])],
    ),
    OpSpec(
        "StatelessWhile",
        _power_loop,
        reference=lambda x: x**3,
        shapes=[(2, 2)],
        dtypes=[F32, F64],
        shape_cases=[ShapeCase([[2, 5]], expected=[2, 5]), ShapeCase([[None]], expected=[None])],
    ),
    OpSpec(
        "While",
        _stateful_loop,
        reference=lambda x: 3 * x,
        shapes=[(3,)],
        shape_cases=[ShapeCase([[3]], expected=[3])],
    ),
    OpSpec(
        "PartitionedCall",
        _call(lambda x: x * 2.0 + 1.0),
        reference=lambda x: x * 2 + 1,
        shapes=[(2, 3)],
        shape_cases=[ShapeCase([[2, 3]], expected=[2, 3])],
        grad="function calls are not differentiated yet",
    ),
    OpSpec(
        "StatefulPartitionedCall",
        _call(lambda x: x - 1.0, stateful=True),
        reference=lambda x: x - 1,
        shapes=[(3,)],
        shape_cases=[ShapeCase([[3]], expected=[3])],
        grad="function calls are not differentiated yet",
    ),
    OpSpec(
        "TensorListFromTensor",
        _list_round_trip,
        reference=lambda x: np.concatenate([x, 2 * x[:1]]),
        shapes=[(3, 2)],
        shape_cases=[ShapeCase([[3, 2]], expected=[None, 2])],
        grad="list op",
    ),
    OpSpec(
        "TensorListStack",
        _list_round_trip,
        reference=lambda x: np.concatenate([x, 2 * x[:1]]),
        shapes=[(2, 4)],
        dtypes=[F64],
        shape_cases=[ShapeCase([[None, 4]], expected=[None, 4])],
        grad="list op",
    ),
    OpSpec(
        "TensorListPushBack",
        _list_pop,
        reference=lambda x: 2 * x,
        shapes=[(3,)],
        shape_cases=[ShapeCase([[3]], expected=[3])],
        grad="list op",
    ),
    OpSpec(
        "TensorListPopBack",
        _list_pop,
        reference=lambda x: 2 * x,
        shapes=[(2, 2)],
        shape_cases=[ShapeCase([[None, 2]], expected=[None, 2])],
        grad="list op",
    ),
    OpSpec(
        "EmptyTensorList",
        _list_pop,
        reference=lambda x: 2 * x,
        shapes=[()],
        shape_cases=[ShapeCase([[]], expected=[])],
        grad="list op",
    ),
]
for _op_type in (
    "TensorListReserve",
    "TensorListSetItem",
    "TensorListGetItem",
    "TensorListLength",
    "TensorListElementShape",
):
    OP_SPECS.append(
        OpSpec(
            _op_type,
            _list_items,
            reference=lambda x: [
                x[0],
                np.zeros_like(x[0]),
                np.int32(3),
                np.array([x.shape[1]], np.int32),
            ],
            shapes=[(2, 3)],
            shape_cases=[ShapeCase([[2, 3]], expected=[3])],
            grad="list op",
        )
    )
for _op_type in ("OptionalFromValue", "OptionalNone", "OptionalGetValue", "OptionalHasValue"):
    OP_SPECS.append(
        OpSpec(
            _op_type,
            _optional,
            reference=lambda x: [x, np.bool_(True), np.bool_(False)],
            shapes=[(2,)],
            shape_cases=[ShapeCase([[2]], expected=[2])],
            grad="optional op",
        )
    )
OP_SPECS += [
    OpSpec(
        "StringFormat",
        _format,
        cases=[
            ([np.array([1.5, 2.0], np.float32)], np.array(b"a=[1.5 2] b=[1.5 2]", dtype=object))
        ],
        shape_cases=[ShapeCase([[2]], expected=[])],
        grad="string",
    ),
    OpSpec(
        "Assert",
        _assert,
        reference=lambda x: x,
        shapes=[(3,)],
        shape_cases=[ShapeCase([[3]], expected=[3])],
        grad="check",
    ),
    OpSpec(
        "PrintV2",
        _print_v2,
        reference=lambda x: x,
        shapes=[(2,)],
        shape_cases=[ShapeCase([[2]], expected=[2])],
        grad="side effect",
    ),
    OpSpec(
        "Print",
        lambda x: tf.Print(x, [x], "msg"),
        reference=lambda x: x,
        shapes=[(2,)],
        shape_cases=[ShapeCase([[None]], expected=[None])],
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_rows(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)
    op_check.check_shape_cases(spec)


def _nested(x):
    def body(i, acc):
        inner = tf.cond(tf.equal(tf.math.floormod(i, 2), 0), lambda: acc * x, lambda: acc + x)
        return i + 1, inner

    return tf.while_loop(lambda i, acc: i < 3, body, [tf.constant(0), x])[1]


GRAD_SPECS = [
    GradSpec("StatelessIf", _cond_square_or_negate, [np.array([0.5, 1.5, -0.25])], order=2),
    GradSpec(
        "StatelessIf",
        _cond_square_or_negate,
        [np.array([-0.5, -1.5, 0.25])],
        id="StatelessIf-false",
    ),
    GradSpec("If", _stateful_cond, [np.array([1.0, 2.0])]),
    GradSpec("StatelessWhile", _power_loop, [np.array([[0.5, -1.0], [2.0, 1.5]])]),
    GradSpec("While", _stateful_loop, [np.array([1.0, -2.0, 0.5])]),
    GradSpec("StatelessWhile", _nested, [np.array([0.3, -0.7])], id="while-of-cond"),
    GradSpec("Print", lambda x: tf.Print(x * x, [x], first_n=0), [np.array([1.0, 2.0])]),
]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradients(spec):
    spec.check()


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_seed_cond_example(graph):
    a = tf.constant(5)
    b = tf.constant(6)
    result = tf.cond(a < b, lambda: tf.add(3, 3), lambda: tf.square(3))
    with tf.Session() as sess:
        assert sess.run(result) == 6
        assert sess.run(tf.cond(a > b, lambda: tf.add(3, 3), lambda: tf.square(3))) == 9


def test_cond_graph_is_tf_shaped(graph):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)
    op = graph.get_operation_by_name("cond")
    assert op.type == "StatelessIf"
    assert y.name == "cond/Identity:0"
    assert op.get_attr("Tout") == [tf.float32]
    graph_def = graph.as_graph_def()
    names = sorted(f.signature.name for f in graph_def.library.function)
    assert (
        len(names) == 2 and names[0].startswith("cond_false_") and names[1].startswith("cond_true_")
    )


def test_cond_structures_and_strict(graph):
    pred = tf.placeholder(tf.bool, [])
    pair = tf.cond(
        pred,
        lambda: (tf.constant(1), {"k": tf.constant(2.0)}),
        lambda: (tf.constant(3), {"k": tf.constant(4.0)}),
    )
    single = tf.cond(pred, lambda: [tf.constant(1)], lambda: [tf.constant(2)])
    kept = tf.cond(pred, lambda: [tf.constant(1)], lambda: [tf.constant(2)], strict=True)
    assert isinstance(single, tf.Tensor)
    assert isinstance(kept, list)
    with tf.Session() as sess:
        assert sess.run(pair, {pred: False}) == (3, {"k": 4.0})


def test_cond_errors(graph):
    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        tf.cond(True, lambda: tf.constant(1), lambda: tf.constant(2))
    with pytest.raises(TypeError, match="same type"):
        tf.cond(tf.constant(True), lambda: tf.constant(1), lambda: tf.constant(2.0))
    with pytest.raises(ValueError, match="same number, type, and overall structure"):
        tf.cond(tf.constant(True), lambda: tf.constant(1), lambda: [tf.constant(1)] * 2)


def test_case_picks_first_true_and_default(graph):
    x = tf.placeholder(tf.int32, [])
    result = tf.case(
        [(x < 0, lambda: tf.constant(-1)), (x > 10, lambda: tf.constant(1))],
        default=lambda: tf.constant(0),
    )
    exclusive = tf.case(
        [(x < 5, lambda: tf.constant(1)), (x < 10, lambda: tf.constant(2))],
        default=lambda: tf.constant(0),
        exclusive=True,
    )
    with tf.Session() as sess:
        assert [sess.run(result, {x: v}) for v in (-5, 50, 5)] == [-1, 1, 0]
        assert sess.run(exclusive, {x: 7}) == 2
        with pytest.raises(tf.errors.InvalidArgumentError, match="More than one condition"):
            sess.run(exclusive, {x: 1})


def test_while_loop_basics(graph):
    i = tf.constant(0)
    result = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i])
    capped = tf.while_loop(lambda i: i < 10, lambda i: i + 3, [i], maximum_iterations=2)
    op = result.op.inputs[0].op
    assert op.type == "StatelessWhile"
    assert [t.op.name for t in op.inputs[:2]] == ["while/loop_counter", "while/maximum_iterations"]
    with tf.Session() as sess:
        assert sess.run([result, capped]) == [10, 6]


def test_while_loop_shape_invariants(graph):
    start = tf.constant([1.0])
    with pytest.raises(ValueError, match="enters the loop with shape"):
        tf.while_loop(lambda x: tf.size(x) < 4, lambda x: tf.concat([x, x], 0), [start])
    grown = tf.while_loop(
        lambda x: tf.size(x) < 4,
        lambda x: tf.concat([x, x], 0),
        [start],
        shape_invariants=[tf.TensorShape([None])],
    )
    assert grown.shape.as_list() == [None]
    with tf.Session() as sess:
        assert sess.run(grown).tolist() == [1.0] * 4


def test_while_loop_captures_and_variables(graph):
    scale = tf.placeholder(tf.float32, [])
    v = tf.Variable(2.0)
    result = tf.while_loop(
        lambda k, acc: k < 3,
        lambda k, acc: (k + 1, acc * scale + v),
        [tf.constant(0), tf.constant(0.0)],
    )[1]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(result, {scale: 1.0}) == 6.0


def test_gradients_through_cond_and_while_of_variables(graph):
    w = tf.Variable([1.0, 2.0])
    loss = tf.cond(tf.reduce_sum(w) > 0, lambda: tf.reduce_sum(w * w), lambda: tf.reduce_sum(w))
    looped = tf.while_loop(
        lambda i, acc: i < 2, lambda i, acc: (i + 1, acc * w), [tf.constant(0), tf.ones([2])]
    )[1]
    (g_cond,) = tf.gradients(loss, [w])
    (g_loop,) = tf.gradients(tf.reduce_sum(looped), [w])
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(g_cond).tolist() == [2.0, 4.0]
        assert sess.run(g_loop).tolist() == [2.0, 4.0]


def test_while_grad_rewrites_forward_op_with_accumulators(graph):
    x = tf.placeholder(tf.float32, [2])
    result = tf.while_loop(
        lambda i, acc: i < 3, lambda i, acc: (i + 1, tf.sin(acc) * x), [tf.constant(0), x]
    )[1]
    forward = result.op.inputs[0].op
    before = len(forward.inputs)
    (grad,) = tf.gradients(result, [x])
    assert len(forward.inputs) > before
    assert any(t.op.type == "EmptyTensorList" for t in forward.inputs[before:])
    with tf.Session() as sess:
        value = sess.run(grad, {x: [0.5, -1.0]})
    assert value.shape == (2,)


def test_assert_failure_message(graph):
    x = tf.placeholder(tf.float32, [2])
    check = tf.Assert(tf.reduce_all(x > 0), ["x must be positive", x])
    with tf.Session() as sess:
        sess.run(check, {x: [1.0, 2.0]})
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(check, {x: [1.0, -2.0]})
    assert "assertion failed: [x must be positive] [1 -2]" in str(info.value)


def test_debugging_asserts_static_and_dynamic(graph):
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.debugging.assert_equal(tf.constant(1), tf.constant(2))
    with pytest.raises(ValueError, match="must have rank 2"):
        tf.assert_rank(tf.constant([1, 2]), 2)
    with pytest.raises(TypeError):
        tf.assert_type(tf.constant(1.0), tf.int32)
    x = tf.placeholder(tf.int32, [None])
    check = tf.assert_positive(x)
    with tf.Session() as sess:
        sess.run(check, {x: [1, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="x > 0 did not hold"):
            sess.run(check, {x: [1, 0]})


def test_tf_print_and_print_v1(graph, capsys):
    x = tf.constant([1.0, 2.5])
    printed = tf.print("x is", x, output_stream=__import__("sys").stdout)
    identity = tf.Print(x * 2.0, [x, tf.constant(3)], "data: ")
    with tf.Session() as sess:
        sess.run(printed)
        sess.run(identity)
    captured = capsys.readouterr()
    assert captured.out == "x is [1 2.5]\n"
    assert captured.err == "data: [1 2.5][3]\n"


def test_tuple_and_group(graph):
    v = tf.Variable(0.0)
    a = tf.constant(1.0)
    update = v.assign_add(5.0)
    gated = tf.tuple([a, tf.constant(2.0)], control_inputs=[update])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(gated[0]) == 1.0
        assert sess.run(v) == 5.0


def test_graph_with_control_flow_round_trips_through_graph_def(graph):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)
    z = tf.while_loop(
        lambda i, acc: i < 3, lambda i, acc: (i + 1, acc + y), [tf.constant(0), tf.zeros_like(y)]
    )[1]
    graph_def = graph.as_graph_def()
    with tf.Graph().as_default() as second:
        tf.import_graph_def(graph_def, name="")
        with tf.Session(graph=second) as sess:
            value = sess.run(z.name, {"x:0": [1.0, 2.0]})
    assert value.tolist() == [6.0, 12.0]


def test_branches_and_bodies_may_return_outer_tensors(graph):
    x = tf.placeholder(tf.float32, None, name="x")
    pred = tf.equal(tf.rank(x), 2)
    same = tf.cond(pred, lambda: pred, lambda: tf.logical_not(pred))
    passthrough = tf.while_loop(
        lambda i, v: i < 2, lambda i, v: (i + 1, x), [tf.constant(0), tf.zeros_like(x)]
    )[1]
    with tf.Session() as sess:
        assert sess.run(same, {x: [[1.0]]})
        assert sess.run(passthrough, {x: [3.0, 4.0]}).tolist() == [3.0, 4.0]
