"""Seed 001's first snippets, as written there (TF1 graph mode, `import ndflow as tf`): a
product of constants, a string join printed before and after running, ordering an
`assign_add` after a read with `control_dependencies`, and `tf.cond`.

(The old `make demo` ran these; the demo now tells the end-to-end story.)
"""

from __future__ import annotations

import pytest

import ndflow as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_constants_product(capsys):
    a = tf.constant(5.0)
    b = tf.constant(6.0)
    c = a * b
    sess = tf.Session()
    print(sess.run(c))
    sess.close()
    assert capsys.readouterr().out == "30.0\n"


def test_string_join_is_symbolic_until_run(capsys):
    x = tf.constant("hello")
    y = tf.constant("world")
    z = tf.strings.join([x, y], separator=" ")
    print(z)
    assert capsys.readouterr().out == 'Tensor("StringJoin:0", shape=(), dtype=string)\n'
    with tf.Session() as sess:
        assert sess.run(z) == b"hello world"


def test_control_dependencies_order_the_read_before_the_increment():
    var = tf.Variable(1.0)
    top = var * 2
    with tf.control_dependencies([top]):
        bot = var.assign_add(2)
    out = top + bot
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out) == 2.0 + 3.0
        assert sess.run(var) == 3.0


def test_cond_picks_a_branch():
    a = tf.placeholder(tf.int32)
    b = tf.constant(2)
    result = tf.cond(a < b, lambda: tf.add(3, 3), lambda: tf.square(3))
    with tf.Session() as sess:
        assert sess.run(result, {a: 1}) == 6
        assert sess.run(result, {a: 5}) == 9
