"""Golden Saver graphs, recorded from real TensorFlow (`tf.compat.v1.train.Saver`).

Each case is a small TF1 program (source text) that builds variables (ref, resource,
partitioned), lookup tables and one or more Savers. It runs here on `tensorflow.compat.v1`
and, in tests/train/test_saver_graph.py, on ndflow; the test compares the two graphs node
by node (names, op types, inputs, devices, attrs, Const values including the string
tensors `tensor_names` and `shape_and_slices`), the SaverDefs and the values the program
puts in `out` (error messages, checkpoint keys after a save). A MetaGraph's saver_def
names these nodes, so matching them is what makes ndflow's .meta files work in TF.
"""

from __future__ import annotations

import json
import tempfile

from goldens import variables as variable_goldens

# Shared by the TF and ndflow runs: the program text may call these.
PRELUDE = '''
def error_of(fn):
    """`ClassName: message` (first line) of what fn() raises."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001
        text = getattr(err, "message", None) or str(err)
        lines = [line for line in text.split("\\n") if line.strip()]
        return type(err).__name__ + ": " + (lines[0] if lines else "")
    return "no error"


def saver_def_of(saver):
    d = saver.as_saver_def()
    return {
        "filename_tensor_name": d.filename_tensor_name,
        "save_tensor_name": d.save_tensor_name,
        "restore_op_name": d.restore_op_name,
        "max_to_keep": d.max_to_keep,
        "sharded": d.sharded,
        "keep_checkpoint_every_n_hours": d.keep_checkpoint_every_n_hours,
        "version": int(d.version),
    }


def saved_keys(saver, path):
    """Runs the initializers, saves, and lists (key, shape) in the checkpoint."""
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.tables_initializer())
        prefix = saver.save(sess, path, write_meta_graph=False, write_state=False)
    return [[k, list(s)] for k, s in tf.train.list_variables(prefix)]
'''

CASES = {
    "ref_variables": """
v1 = tf.Variable([1.0, 2.0], name="v1")
v0 = tf.Variable(3, name="v0")
m = tf.Variable(tf.zeros([2, 3]), name="scope/m")
saver = tf.train.Saver()
out["saver_def"] = saver_def_of(saver)
out["savers"] = len(tf.get_collection("savers"))
out["keys"] = saved_keys(saver, tmpdir + "/ref")
""",
    "resource_variables": """
a = tf.Variable([1.0, 2.0], name="a", use_resource=True)
b = tf.get_variable("b", [2, 2], use_resource=True, initializer=tf.ones_initializer())
saver = tf.train.Saver()
out["saver_def"] = saver_def_of(saver)
out["keys"] = saved_keys(saver, tmpdir + "/res")
""",
    "mixed_dict_var_list": """
w = tf.Variable([[1.0, 2.0]], name="w")
r = tf.Variable(7, name="r", use_resource=True)
step = tf.train.get_or_create_global_step()
q = tf.Variable(5.0, name="q", use_resource=True)
u = tf.Variable([2, 3], name="u")
saver = tf.train.Saver({"zeta/weights": w, "alpha": r, "step": step, "q_read": q.value(),
                        "u_tensor": tf.get_default_graph().get_tensor_by_name("u:0")})
out["saver_def"] = saver_def_of(saver)
out["keys"] = saved_keys(saver, tmpdir + "/dict")
""",
    "list_of_tensors": """
w = tf.Variable([1.0], name="w")
r = tf.Variable(7, name="r", use_resource=True)
saver = tf.train.Saver([r, w])
out["saver_def"] = saver_def_of(saver)
""",
    "sharded_devices": """
with tf.device("/job:ps/task:0"):
    a = tf.Variable([1.0, 2.0], name="a")
    c = tf.Variable([3.0], name="c")
with tf.device("/job:ps/task:1"):
    b = tf.Variable(3, name="b", use_resource=True)
saver = tf.train.Saver(sharded=True)
out["saver_def"] = saver_def_of(saver)
""",
    "sharded_one_device": """
a = tf.Variable([1.0, 2.0], name="a")
b = tf.Variable(3, name="b", use_resource=True)
saver = tf.train.Saver(sharded=True, max_to_keep=None)
out["saver_def"] = saver_def_of(saver)
out["keys"] = saved_keys(saver, tmpdir + "/sharded")
""",
    "two_savers": """
a = tf.Variable([1.0, 2.0], name="a")
b = tf.Variable(3, name="b")
first = tf.train.Saver()
second = tf.train.Saver([b], max_to_keep=0)
out["saver_defs"] = [saver_def_of(first), saver_def_of(second)]
""",
    "named_saver_options": """
a = tf.Variable([1.0, 2.0], name="a")
b = tf.Variable([[1, 2], [3, 4]], name="b", use_resource=True)
with tf.name_scope("outer"):
    saver = tf.train.Saver(name="my_saver", filename="model.ckpt", max_to_keep=2,
                           keep_checkpoint_every_n_hours=0.5, reshape=True,
                           restore_sequentially=True)
out["saver_def"] = saver_def_of(saver)
""",
    "defer_build": """
a = tf.Variable([1.0, 2.0], name="a")
saver = tf.train.Saver(defer_build=True)
out["before"] = len([op for op in tf.get_default_graph().get_operations()
                     if op.name.startswith("save")])
out["save_unbuilt"] = error_of(lambda: saver.save(None, tmpdir + "/x"))
b = tf.Variable(3, name="b")
saver.build()
saver.build()
out["saver_def"] = saver_def_of(saver)
""",
    "mutable_hash_table": """
table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
dense = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, default_value=0.0,
                                              empty_key=0, deleted_key=-1, name="dense")
v = tf.Variable([1.0], name="v")
out["saveables"] = [s.name for s in tf.get_collection("saveable_objects")]
saver = tf.train.Saver()
out["saver_def"] = saver_def_of(saver)
out["keys"] = saved_keys(saver, tmpdir + "/tables")
""",
    "partitioned_variable": """
p = tf.get_variable("p", [10, 4], partitioner=tf.fixed_size_partitioner(3))
v = tf.Variable([1.0], name="v")
saver = tf.train.Saver()
out["saver_def"] = saver_def_of(saver)
out["keys"] = saved_keys(saver, tmpdir + "/partitioned")
""",
    "errors": """
a = tf.Variable([1.0], name="a")
b = tf.Variable([2.0], name="b")
c = tf.constant(1.0, name="c")
r = tf.Variable(1.0, name="r", use_resource=True)
out["duplicate_name"] = error_of(lambda: tf.train.Saver([a, a]))
out["two_names"] = error_of(lambda: tf.train.Saver({"x": a, "y": a}))
out["not_a_variable_list"] = error_of(lambda: tf.train.Saver([c]))
out["not_a_variable_dict"] = error_of(lambda: tf.train.Saver({"c": c}))
out["not_a_list"] = error_of(lambda: tf.train.Saver(a))
out["name_not_string"] = error_of(lambda: tf.train.Saver({1: a}))
out["defer_with_list"] = error_of(lambda: tf.train.Saver([a], defer_build=True))
out["bad_saver_def"] = error_of(lambda: tf.train.Saver(saver_def="x"))
out["resource_twice"] = error_of(lambda: tf.train.Saver({"x": r, "y": r}))
with tf.Graph().as_default():
    out["no_variables"] = error_of(lambda: tf.train.Saver())
    out["allow_empty"] = tf.train.Saver(allow_empty=True).as_saver_def() is None
""",
}


def _tensor_value(node, make_ndarray):
    """A Const's value as JSON (numbers, or strings for string tensors), when small."""
    array = make_ndarray(node.attr["value"].tensor)
    if array.size > 64:
        return None
    if array.dtype.kind in "SO":
        return [x.decode("utf-8", "replace") for x in array.ravel().tolist()]
    if array.dtype.kind in "biuf":
        return array.tolist()
    return None


def describe_graph(graph_def, make_ndarray) -> list:
    """The nodes as JSON rows: variables.py's rows plus the device and string Consts."""
    rows = variable_goldens.describe_graph(graph_def, make_ndarray)
    for row, node in zip(rows, graph_def.node):
        row["device"] = node.device
        if node.op == "Const":
            row["value"] = _tensor_value(node, make_ndarray)
    return rows


def run_case(tf, source: str, tmpdir: str) -> dict:
    """Runs one program in a fresh graph; returns its GraphDef and `out`."""
    out: dict = {}
    graph = tf.Graph()
    with graph.as_default():
        namespace = {"tf": tf, "out": out, "tmpdir": tmpdir}
        exec(PRELUDE, namespace)  # noqa: S102 - our own program text
        exec(source, namespace)  # noqa: S102 - our own program text
    return {"graph": graph.as_graph_def(), "out": out}


def generate(tf, writer) -> None:
    import tensorflow as real_tf

    # TF1 semantics: ref variables unless use_resource=True (restored afterwards).
    resource_default = tf.resource_variables_enabled()
    tf.disable_resource_variables()
    try:
        for case, source in CASES.items():
            with tempfile.TemporaryDirectory() as tmpdir:
                result = run_case(tf, source, tmpdir)
            meta = {
                "source": source,
                "nodes": describe_graph(result["graph"], real_tf.make_ndarray),
                "out": json.loads(json.dumps(result["out"], default=str)),
            }
            writer.save(case, {}, meta)
    finally:
        if resource_default:
            tf.enable_resource_variables()
