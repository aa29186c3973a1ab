"""Golden graphs for variables, variable scopes, initializers and random ops, recorded from
real TensorFlow.

Each case is a small TF1 program (source text). It runs here on `tensorflow.compat.v1` and,
in tests/ops/test_variable_scope.py, on ndflow; the test compares the two graphs node by node
(names, op types, inputs, attrs, small Const values), the variable collections and the values
the program puts in `out` (scope names, error messages...). Random *values* are never
compared: ndflow's streams are not TF's; only ops, seeds and initializer limits are.
"""

from __future__ import annotations

import json

# Shared by the TF and ndflow runs: the program text may call these.
PRELUDE = '''
def error_of(fn):
    """`ClassName: message` of what fn() raises: the first line that is not TF's run-time
    framing or a traceback."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001
        text = getattr(err, "message", None) or str(err)
        lines = [line for line in text.split("\\n") if line.strip() and not line.startswith(
            ("\\t", "Graph execution", "Detected at", "  ", "Node:"))]
        return type(err).__name__ + ": " + (lines[0] if lines else "")
    return "no error"


def run_error(fetches, feed_dict=None):
    def run():
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(fetches, feed_dict)
    return error_of(run)
'''

CASES = {
    "get_variable_defaults": """
with tf.variable_scope("dense"):
    kernel = tf.get_variable("kernel", [3, 2])
    bias = tf.get_variable("bias", [2], initializer=tf.zeros_initializer())
    steps = tf.get_variable("steps", [], dtype=tf.int32)
    flags = tf.get_variable("flags", [2], dtype=tf.bool)
    out["names"] = [kernel.name, bias.name, steps.name, flags.name]
    out["scope"] = tf.get_variable_scope().name
""",
    "initializers_seeded": """
tf.set_random_seed(3)
tf.get_variable("a", [5, 4], initializer=tf.glorot_normal_initializer())
tf.get_variable("b", [3, 3, 2, 4], initializer=tf.initializers.he_uniform())
tf.get_variable("c", [7], initializer=tf.initializers.he_normal(seed=11))
tf.get_variable("d", [6, 2], initializer=tf.initializers.lecun_uniform())
tf.get_variable("e", [6, 2], initializer=tf.initializers.lecun_normal())
tf.get_variable("f", [4, 6], initializer=tf.variance_scaling_initializer(
    2.0, mode="fan_out", distribution="untruncated_normal"))
tf.get_variable("g", [4, 6], initializer=tf.variance_scaling_initializer(
    0.5, mode="fan_avg", distribution="uniform", seed=2))
tf.get_variable("h", [2, 2, 3], initializer=tf.variance_scaling_initializer(distribution="normal"))
tf.get_variable("i", [], initializer=tf.glorot_uniform_initializer())
tf.get_variable("j", [3, 5], initializer=tf.random_normal_initializer(1.0, 0.1, seed=5))
tf.get_variable("k", [3, 5], initializer=tf.truncated_normal_initializer(stddev=0.02))
tf.get_variable("l", [3, 5], initializer=tf.random_uniform_initializer(-0.5, 0.5))
tf.get_variable("m", [3, 5], initializer=tf.random_uniform_initializer())
tf.get_variable("n", [4, 3], initializer=tf.uniform_unit_scaling_initializer(1.5))
tf.get_variable("o", [2, 3], dtype=tf.float64, initializer=tf.initializers.glorot_uniform())
tf.get_variable("p", [4, 3], initializer=tf.random_uniform_initializer(0, 10, dtype=tf.int32),
                dtype=tf.int32)
""",
    "initializers_constant": """
tf.get_variable("a", [3, 2], initializer=tf.constant_initializer([1, 2, 3]))
tf.get_variable("b", [2], initializer=tf.constant_initializer(7))
tf.get_variable("c", [2, 2], dtype=tf.int64, initializer=tf.ones_initializer())
tf.get_variable("d", initializer=[[1.0, 2.0]])
tf.get_variable("e", initializer=tf.constant([4, 5]))
tf.get_variable("f", [2], initializer=tf.initializers.constant(0.5))
tf.get_variable("g", [3], initializer=tf.initializers.zeros)
tf.get_variable("h", [2, 1000], initializer=tf.zeros_initializer())
out["configs"] = [tf.constant_initializer([1, 2]).get_config(),
                  tf.variance_scaling_initializer().get_config(),
                  tf.glorot_uniform_initializer(seed=4).get_config(),
                  tf.random_uniform_initializer(-1.0, 1.0).get_config()]
""",
    "initializers_linalg": """
tf.get_variable("q", [3, 2], initializer=tf.orthogonal_initializer(gain=2.0, seed=1))
tf.get_variable("r", [2, 3], initializer=tf.orthogonal_initializer())
tf.get_variable("s", [2, 2], initializer=tf.initializers.identity())
tf.get_variable("t", [2, 3], initializer=tf.initializers.identity(gain=0.5))
""",
    "variable_scopes": """
with tf.variable_scope("outer") as outer:
    a = tf.get_variable("a", [1])
    with tf.variable_scope("inner"):
        b = tf.get_variable("b", [1])
        x = tf.add(1.0, 2.0, name="x")
    with tf.name_scope("ns"):
        c = tf.get_variable("c", [1])
        y = tf.constant(1.0, name="y")
with tf.variable_scope(outer, reuse=True) as again:
    a2 = tf.get_variable("a")
    z = tf.constant(1.0, name="z")
with tf.variable_scope(outer):
    w = tf.constant(1.0, name="w")
with tf.variable_scope(None, default_name="block"):
    d = tf.get_variable("d", [1])
with tf.variable_scope(None, default_name="block"):
    e = tf.get_variable("e", [1])
with tf.name_scope("top"):
    with tf.variable_scope("vs", auxiliary_name_scope=False) as vs:
        f = tf.get_variable("f", [1])
        g = tf.constant(1.0, name="g")
    with tf.variable_scope(vs, auxiliary_name_scope=False):
        h = tf.constant(1.0, name="h")
with tf.variable_scope("outer/inner", reuse=tf.AUTO_REUSE):
    b2 = tf.get_variable("b", [1])
    b3 = tf.get_variable("new", [1])
out["same"] = [a2 is a, b2 is b]
out["names"] = [v.name for v in (a, b, c, d, e, f, b3)]
out["ops"] = [t.name for t in (x, y, z, w, g, h)]
out["scopes"] = [outer.name, outer.original_name_scope, again.name,
                 again.original_name_scope, vs.name, vs.original_name_scope]
out["reuse"] = [str(outer.reuse), str(again.reuse)]
""",
    "reuse_inheritance": """
with tf.variable_scope("root"):
    v = tf.get_variable("v", [2])
with tf.variable_scope("root", reuse=True):
    with tf.variable_scope("", reuse=False):
        out["inner_reuse"] = str(tf.get_variable_scope().reuse)
    out["same"] = tf.get_variable("v", [2]) is v
with tf.variable_scope("other") as scope:
    tf.get_variable("u", [1])
    scope.reuse_variables()
    out["reused"] = tf.get_variable("u", [1]).name
with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
    first = tf.get_variable("x", [3])
with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
    out["auto_same"] = tf.get_variable("x", [3]) is first
""",
    "errors": """
with tf.variable_scope("foo"):
    tf.get_variable("w", [2, 3])
def exists():
    with tf.variable_scope("foo"):
        tf.get_variable("w", [2, 3])
def missing():
    with tf.variable_scope("foo", reuse=True):
        tf.get_variable("nope", [1])
def shape():
    with tf.variable_scope("foo", reuse=True):
        tf.get_variable("w", [3, 3])
def dtype():
    with tf.variable_scope("foo", reuse=True):
        tf.get_variable("w", [2, 3], dtype=tf.int32)
def no_shape():
    tf.get_variable("s")
def const_with_shape():
    tf.get_variable("k", [2], initializer=[1.0, 2.0])
def bad_reuse():
    tf.variable_scope("x", reuse="yes")
def reuse_no_name():
    with tf.variable_scope(None, default_name="d", reuse=True):
        pass
def complex_default():
    tf.get_variable("cplx", [2], dtype=tf.complex64)
def mismatched_init():
    tf.get_variable("mm", initializer=[1, 2], dtype=tf.float32)
def bad_scope_type():
    with tf.variable_scope(3):
        pass
def bad_mode():
    tf.variance_scaling_initializer(mode="fan")
def bad_scale():
    tf.variance_scaling_initializer(scale=0.0)
def bad_distribution():
    tf.variance_scaling_initializer(distribution="cauchy")
def int_normal():
    tf.random_normal_initializer(dtype=tf.int32)
def orthogonal_1d():
    tf.orthogonal_initializer()([3])
def bad_constant():
    tf.constant_initializer({"a": 1})
def uniform_int_no_max():
    tf.random_uniform([2], dtype=tf.int32)
def uniform_int8():
    tf.random_uniform([2], dtype=tf.int8)
def categorical_int16():
    tf.random.categorical([[1.0, 2.0]], 3, dtype=tf.int16)
def on_read_trainable():
    tf.get_variable("sync", [1], trainable=True,
                    synchronization=tf.VariableSynchronization.ON_READ)
out["errors"] = [error_of(f) for f in (
    exists, missing, shape, dtype, no_shape, const_with_shape, bad_reuse, reuse_no_name,
    complex_default, mismatched_init, bad_scope_type, bad_mode, bad_scale, bad_distribution,
    int_normal, orthogonal_1d, bad_constant, uniform_int_no_max, uniform_int8,
    categorical_int16, on_read_trainable)]
""",
    "custom_getters": """
calls = []
def outer_getter(getter, name, *args, **kwargs):
    calls.append("outer:" + name)
    return getter(name + "_o", *args, **kwargs)
def inner_getter(getter, name, *args, **kwargs):
    calls.append("inner:" + name)
    return getter(name + "_i", *args, **kwargs)
with tf.variable_scope("a", custom_getter=outer_getter):
    with tf.variable_scope("b", custom_getter=inner_getter):
        v = tf.get_variable("v", [1])
w = tf.get_variable("w", [1], custom_getter=inner_getter)
out["calls"] = calls
out["names"] = [v.name, w.name]
""",
    "local_and_collections": """
with tf.variable_scope("m"):
    l = tf.get_local_variable("count", [], dtype=tf.int64)
    n = tf.get_variable("frozen", [2], trainable=False)
    c = tf.get_variable("custom", [2], collections=["mine"])
    scope = tf.get_variable_scope()
    out["scope_vars"] = [v.name for v in scope.global_variables()]
    out["scope_trainable"] = [v.name for v in scope.trainable_variables()]
    out["scope_local"] = [v.name for v in scope.local_variables()]
out["mine"] = [v.name for v in tf.get_collection("mine")]
""",
    "resource_variables": """
v = tf.Variable(1.5, use_resource=True, name="v")
with tf.variable_scope("dense"):
    k = tf.get_variable("kernel", [3, 2], use_resource=True)
with tf.variable_scope("res", use_resource=True):
    r = tf.get_variable("r", [2], initializer=tf.ones_initializer())
r1 = v.read_value()
a = v.assign(2.0)
b = v.assign_add(1.0)
c = v.assign_sub(1.0, read_value=False)
s = k.sparse_read([0, 2])
x = v + 1.0
proto = v.to_proto()
out["proto"] = [proto.variable_name, proto.initializer_name, proto.snapshot_name,
                proto.initial_value_name, proto.is_resource, proto.trainable]
out["names"] = [v.name, k.name, r.name, v.handle.name, v.initializer.name,
                k.initial_value.name, c.name, s.name, x.name]
out["shapes"] = [str(k.shape), str(s.shape), str(v.handle.shape)]
out["dtypes"] = [k.dtype.name, v.handle.dtype.name]
""",
    "resource_variable_values": """
v = tf.Variable([1.0, 2.0], use_resource=True, name="v")
a = v.assign_add([1.0, 1.0])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out["after_add"] = sess.run(a).tolist()
    out["read"] = sess.run(v).tolist()
    out["init"] = bool(sess.run(v.is_initialized()))
g = tf.gradients(tf.reduce_sum(v * v), [v])[0]
with tf.Session() as sess:
    sess.run(v.initializer)
    out["grad"] = sess.run(g).tolist()
u = tf.Variable(tf.zeros([2]), use_resource=True, name="u")
def read_uninitialized():
    with tf.Session() as sess:
        sess.run(u.value())
out["uninit"] = error_of(read_uninitialized)
out["bad_shape"] = error_of(lambda: v.assign([1.0, 2.0, 3.0]))
""",
    "random_ops": """
tf.set_random_seed(5)
a = tf.random_normal([2, 3])
b = tf.random_uniform([2], seed=7)
c = tf.random_uniform([2, 2], -1.0, 1.0)
d = tf.random_uniform([2], 0, 10, dtype=tf.int64)
e = tf.truncated_normal([4], mean=1.0, stddev=0.5, dtype=tf.float64)
f = tf.random_shuffle([1, 2, 3])
m = tf.multinomial([[1.0, 2.0]], 3)
k = tf.random.categorical([[1.0, 2.0]], 2, dtype=tf.int32)
n = tf.random.normal([2], seed=0)
u = tf.random.uniform([3], maxval=4.0)
s = tf.random.shuffle(tf.constant([[1, 2], [3, 4]]), seed=2)
t = tf.random.truncated_normal(tf.constant([2, 2]))
p = tf.random_normal(tf.TensorShape([2, 1]))
out["seeds"] = [tf.random.get_seed(None), tf.random.get_seed(3), tf.get_seed(0)]
out["shapes"] = [str(x.shape) for x in (a, b, c, d, e, f, m, k, n, u, s, t, p)]
""",
    "random_seeds_without_graph_seed": """
out["seeds"] = [tf.random.get_seed(None), tf.random.get_seed(7), tf.random.get_seed(0)]
tf.set_random_seed(0)
out["zero"] = [tf.random.get_seed(0), tf.random.get_seed(None), tf.random.get_seed(2**40)]
""",
    "random_runtime_errors": """
lo = tf.placeholder(tf.int32, [])
shape = tf.placeholder(tf.int32, [None])
samples = tf.placeholder(tf.int32, [])
logits = tf.placeholder(tf.float32, [None, None])
out["errors"] = [
    run_error(tf.random_uniform([2], lo, 5, dtype=tf.int32), {lo: 5}),
    run_error(tf.random_uniform([0], lo, 5, dtype=tf.int32), {lo: 5}),
    run_error(tf.random_normal(shape), {shape: [-2, 3]}),
    run_error(tf.random_uniform(shape), {shape: [2, -1]}),
    run_error(tf.multinomial(logits, samples), {logits: [[1.0, 2.0]], samples: -1}),
    run_error(tf.multinomial(logits, 2), {logits: [[]]}),
    error_of(lambda: tf.random_normal([-2, 3])),
    error_of(lambda: tf.random_normal([[2, 3]])),
    error_of(lambda: tf.random_uniform([2], [1, 2], 5, dtype=tf.int32)),
    error_of(lambda: tf.multinomial([1.0, 2.0], 3)),
    error_of(lambda: tf.multinomial([[1.0, 2.0]], -1)),
    error_of(lambda: tf.multinomial([[1.0, 2.0]], [3])),
]
""",
}


def _attr_value(value) -> object:
    """An AttrValue proto as plain JSON (the same function reads ndflow's protos)."""
    kind = value.WhichOneof("value")
    if kind == "list":
        items = value.list
        return {
            "list": [
                [x.decode("utf-8", "replace") for x in items.s],
                list(items.i),
                list(items.f),
                list(items.b),
                list(items.type),
                [_shape(s) for s in items.shape],
            ]
        }
    if kind == "shape":
        return {"shape": _shape(value.shape)}
    if kind == "tensor":
        return {"tensor": None}
    if kind == "s":
        return {"s": value.s.decode("utf-8", "replace")}
    return {kind: getattr(value, kind)} if kind else None


def _shape(proto):
    if proto.unknown_rank:
        return None
    return [d.size for d in proto.dim]


def describe_graph(graph_def, make_ndarray) -> list:
    """The nodes of a GraphDef as JSON-friendly rows: name, op, inputs, attrs, Const value."""
    rows = []
    for node in graph_def.node:
        attrs = {k: _attr_value(v) for k, v in sorted(node.attr.items())}
        value = None
        if node.op == "Const":
            array = make_ndarray(node.attr["value"].tensor)
            if array.size <= 64 and array.dtype.kind in "biuf":
                value = array.tolist()
        rows.append(
            {
                "name": node.name,
                "op": node.op,
                "inputs": list(node.input),
                "attrs": attrs,
                "value": value,
            }
        )
    return rows


def run_case(tf, source: str) -> dict:
    """Runs one program in a fresh graph; returns its graph, collections and `out`."""
    out: dict = {}
    graph = tf.Graph()
    with graph.as_default():
        namespace = {"tf": tf, "out": out}
        exec(PRELUDE, namespace)  # noqa: S102 - our own program text
        exec(source, namespace)  # noqa: S102 - our own program text
    collections = {
        key: [getattr(v, "name", str(v)) for v in graph.get_collection(key)]
        for key in ("variables", "trainable_variables", "local_variables", "regularization_losses")
    }
    return {"graph": graph.as_graph_def(), "collections": collections, "out": out}


def generate(tf, writer) -> None:
    import tensorflow as real_tf

    # TF1 semantics: ref variables unless use_resource=True (restored afterwards).
    resource_default = tf.resource_variables_enabled()
    tf.disable_resource_variables()
    try:
        _generate(tf, writer, real_tf.make_ndarray)
    finally:
        if resource_default:
            tf.enable_resource_variables()


def _generate(tf, writer, make_ndarray) -> None:
    for case, source in CASES.items():
        result = run_case(tf, source)
        nodes = describe_graph(result["graph"], make_ndarray)
        meta = {
            "source": source,
            "nodes": nodes,
            "collections": result["collections"],
            "out": json.loads(json.dumps(result["out"], default=str)),
        }
        writer.save(case, {}, meta)
