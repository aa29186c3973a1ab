"""Slot variables (ndflow/train/slot_creator.py): TF's names (`<var>/<name>`, then `_1`...),
colocation with the primary, collections, initial values and ref/resource kind."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import initializers
from ndflow.train import slot_creator


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _values(*variables):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(variables))


def test_zeros_slot_graph_is_tfs():
    w = tf.Variable([[1.0, 2.0]], name="w")
    slot = slot_creator.create_zeros_slot(w, "Adam")
    again = slot_creator.create_zeros_slot(w, "Adam")
    assert (slot.op.name, again.op.name) == ("w/Adam", "w/Adam_1")
    graph = tf.get_default_graph()
    names = [(op.name, op.type) for op in graph.get_operations()][4:8]
    assert names == [
        ("w/Adam/Initializer/zeros", "Const"),
        ("w/Adam", "VariableV2"),
        ("w/Adam/Assign", "Assign"),
        ("w/Adam/read", "Identity"),
    ]
    for name in ("w/Adam/Initializer/zeros", "w/Adam", "w/Adam/Assign", "w/Adam/read"):
        assert graph.get_operation_by_name(name).get_attr("_class") == [b"loc:@w"]
    assert slot in tf.global_variables() and slot not in tf.trainable_variables()
    np.testing.assert_array_equal(_values(slot)[0], [[0.0, 0.0]])


def test_slot_with_initializer_and_dtype():
    w = tf.Variable([1.0, 2.0, 3.0], name="w")
    slot = slot_creator.create_slot_with_initializer(
        w, initializers.constant_initializer(0.25), w.shape, tf.float64, "Adagrad"
    )
    assert slot.dtype.base_dtype == tf.float64
    assert tf.get_default_graph().get_operation_by_name("w/Adagrad/Initializer/Const")
    np.testing.assert_array_equal(_values(slot)[0], [0.25, 0.25, 0.25])


def test_slot_from_a_tensor_value():
    w = tf.Variable([1.0, 2.0], name="w")
    value = tf.constant([5.0, 6.0])
    slot = slot_creator.create_slot(w, value, "ProximalAdagrad")
    assert slot.initializer.inputs[1] is value
    np.testing.assert_array_equal(_values(slot)[0], [5.0, 6.0])


def test_resource_primary_gets_resource_slots():
    w = tf.Variable([1.0, 2.0], name="w", use_resource=True)
    slot = slot_creator.create_zeros_slot(w, "Momentum")
    assert slot_creator.is_resource_variable(slot)
    assert slot.op.type == "VarHandleOp" and slot.op.name == "w/Momentum"
    assert slot.op.get_attr("_class") == [b"loc:@w"]
    ref_slot = slot_creator.create_zeros_slot(tf.Variable([1.0], name="r"), "Momentum")
    assert not slot_creator.is_resource_variable(ref_slot)


def test_slots_ignore_control_dependencies_and_name_scopes():
    w = tf.Variable([1.0], name="w")
    with tf.name_scope("outer"), tf.control_dependencies([tf.no_op(name="gate")]):
        slot = slot_creator.create_zeros_slot(w, "RMSProp")
    assert slot.op.name == "w/RMSProp"
    assert slot.initializer.control_inputs == []


def test_not_colocated_when_asked():
    w = tf.Variable([1.0], name="w")
    slot = slot_creator.create_zeros_slot(w, "Ftrl", colocate_with_primary=False)
    assert slot.op.get_attr("_class") == [b"loc:@w/Ftrl"]
