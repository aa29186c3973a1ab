"""Linalg ops against golden files recorded from real TensorFlow (tools/goldens/linalg.py).

Each golden is a Python expression over named inputs, evaluated here with `tf` bound to
ndflow in the placeholder modes the recording used. Static shapes and dtypes, the error
classes and messages (at graph build or at run time) and the values must match TF's; values
within the case's rtol and atol (exactly, signed zeros included, when both are 0), since
LAPACK and Eigen agree only to rounding. The builders' GraphDefs (node names, op types,
inputs, attrs) are compared with TF's too.
"""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.ops import test_math_goldens as math_runner
from tests.support import golden

FAMILY = "linalg"


def _compare(actual, expected, meta, context):
    rtol, atol = meta["rtol"], meta.get("atol", 0.0)
    if not rtol and not atol:
        math_runner._compare(actual, expected, 0, context)
        return
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    wide = np.complex128 if actual.dtype.kind == "c" else np.float64
    np.testing.assert_allclose(
        actual.astype(wide), expected.astype(wide), rtol=rtol, atol=atol, err_msg=context
    )


def _check_mode(case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"{FAMILY}/{case}[{mode}]: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            math_runner._check_build_error(expected, arrays, meta, mode, context)
            return
        result, feed = math_runner._build(meta["call"], arrays, mode)
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        shapes = [None if t.shape.rank is None else t.shape.as_list() for t in outputs]
        assert shapes == expected["shapes"], f"{context}: static shapes {shapes}"
        assert [t.dtype.name for t in outputs] == expected["dtypes"], context
        with tf.Session(graph=graph) as sess:
            if "run_error" in expected:
                error_class = getattr(tf.errors, expected["run_error"])
                with pytest.raises(error_class) as caught:
                    sess.run(outputs, feed)
                assert expected["message"] in caught.value.message, f"{context}: {caught.value}"
                return
            values = sess.run(outputs, feed)
    for index, value in enumerate(values):
        _compare(value, arrays[f"{mode}_out{index}"], meta, f"{context} output {index}")


CASES = [case for case in golden.cases(FAMILY) if case != "graph_structure"]


def test_goldens_were_recorded():
    assert len(CASES) >= 100


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    arrays, meta = golden.load(FAMILY, case)
    with np.errstate(all="ignore"):
        for mode in meta["modes"]:
            _check_mode(case, arrays, meta, mode)


def _graph_nodes(expr):
    """[name, op, inputs, {attr: text}] of the graph `expr` builds, exactly as
    tools/goldens/linalg.py's `graph_nodes` records them from TF."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [3, 3], name="x")
        v = tf.placeholder(tf.float32, [3], name="v")
        eval(expr, {"tf": tf, "x": x, "v": v})  # noqa: S307 - the recorded expressions
    nodes = []
    for node in graph.as_graph_def().node:
        attrs = {
            key: " ".join(str(value).split())
            for key, value in sorted(node.attr.items())
            if key not in ("value", "_output_shapes")
        }
        nodes.append([node.name, node.op, list(node.input), attrs])
    return nodes


GRAPHS = golden.load(FAMILY, "graph_structure")[1]["graphs"]


@pytest.mark.parametrize("expr", sorted(GRAPHS))
def test_builders_make_tf_graph_defs(expr):
    """The same node names, op types, inputs and attrs as TF's graph for the builder."""
    assert _graph_nodes(expr) == GRAPHS[expr]
