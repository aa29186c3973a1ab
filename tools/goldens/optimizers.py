"""Golden cases for the training ops, the tf.train optimizers, learning-rate schedules and
clipping, recorded from real TensorFlow (tf.compat.v1, graph mode).

- `kernel_*`: one training op (ApplyAdam, SparseApplyFtrl...) run twice on fixed inputs; the
  variable and slot values after each run. Sparse cases repeat an index.
- `opt_<optimizer>_<ref|resource>_<path>`: an optimizer over 5 steps on fixed data and fixed
  initial values, recording the loss before each step and every optimizer variable (slots,
  beta powers) and model variable after it, plus the graph's non-gradient nodes (names, types,
  inputs) so slot and op names can be checked. Paths: `explicit` (apply_gradients with
  constant dense gradients), `minimize` (a MatMul/AddV2/Sub/Square/Mean model), `sparse`
  (apply_gradients with an IndexedSlices gradient repeating an index) and `gather`
  (minimize through tf.gather, whose gradient is an IndexedSlices).
- `decay_*`: learning-rate schedules evaluated at global steps 0..12.
- `clip_*`: clip_by_norm, clip_by_global_norm, global_norm, clip_by_average_norm.

Ref variables come from `disable_resource_variables()`; the resource runs pass
`use_resource=True`. The previous setting is restored afterwards.
"""

from __future__ import annotations

import numpy as np

F32 = np.float32

# (case suffix, training-op type, input name -> value, attrs, names of the ref inputs)
_VAR = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5], [1.0, -2.0]], F32)
_GRAD = np.array([[0.4, -0.3], [0.2, 0.1], [-0.6, 0.5], [0.05, -0.25]], F32)
_SPARSE_GRAD = np.array([[0.4, -0.3], [0.2, 0.1], [-0.6, 0.5]], F32)
_INDICES = np.array([2, 0, 2], np.int32)


def _slot(offset):
    return (np.abs(_VAR) * 0.3 + offset).astype(F32)


KERNELS = [
    ("GradientDescent", {"alpha": 0.1}, {}, []),
    ("ProximalGradientDescent", {"alpha": 0.1, "l1": 0.05, "l2": 0.2}, {}, []),
    ("ProximalGradientDescent", {"alpha": 0.1, "l1": 0.0, "l2": 0.2}, {}, []),
    ("Adadelta", {"lr": 1.0, "rho": 0.9, "epsilon": 1e-6}, {}, ["accum", "accum_update"]),
    ("Adagrad", {"lr": 0.1}, {}, ["accum"]),
    ("Adagrad", {"lr": 0.1}, {"update_slots": False}, ["accum"]),
    ("AdagradV2", {"lr": 0.1, "epsilon": 0.01}, {}, ["accum"]),
    ("ProximalAdagrad", {"lr": 0.1, "l1": 0.05, "l2": 0.2}, {}, ["accum"]),
    ("Ftrl", {"lr": 0.1, "l1": 0.05, "l2": 0.2, "lr_power": -0.5}, {}, ["accum", "linear"]),
    ("Ftrl", {"lr": 0.1, "l1": 0.05, "l2": 0.2, "lr_power": -0.7}, {}, ["accum", "linear"]),
    (
        "Ftrl",
        {"lr": 0.1, "l1": 0.05, "l2": 0.2, "lr_power": -0.5},
        {"multiply_linear_by_lr": True},
        ["accum", "linear"],
    ),
    (
        "FtrlV2",
        {"lr": 0.1, "l1": 0.05, "l2": 0.2, "l2_shrinkage": 0.1, "lr_power": -0.5},
        {},
        ["accum", "linear"],
    ),
    (
        "FtrlV2",
        {"lr": 0.1, "l1": 0.05, "l2": 0.2, "l2_shrinkage": 0.1, "lr_power": -0.6},
        {"multiply_linear_by_lr": True},
        ["accum", "linear"],
    ),
    ("Momentum", {"lr": 0.1, "momentum": 0.9}, {}, ["accum"]),
    ("Momentum", {"lr": 0.1, "momentum": 0.9}, {"use_nesterov": True}, ["accum"]),
    (
        "Adam",
        {
            "beta1_power": 0.9,
            "beta2_power": 0.999,
            "lr": 0.1,
            "beta1": 0.9,
            "beta2": 0.999,
            "epsilon": 1e-8,
        },
        {},
        ["m", "v"],
    ),
    (
        "Adam",
        {
            "beta1_power": 0.81,
            "beta2_power": 0.998,
            "lr": 0.1,
            "beta1": 0.9,
            "beta2": 0.999,
            "epsilon": 1e-3,
        },
        {"use_nesterov": True},
        ["m", "v"],
    ),
    ("RMSProp", {"lr": 0.1, "rho": 0.9, "momentum": 0.5, "epsilon": 1e-6}, {}, ["ms", "mom"]),
    (
        "CenteredRMSProp",
        {"lr": 0.1, "rho": 0.9, "momentum": 0.5, "epsilon": 1e-6},
        {},
        ["mg", "ms", "mom"],
    ),
]

# Which algorithms have SparseApply versions in TF.
DENSE_ONLY = ("GradientDescent", "Adam")

OPTIMIZERS = [
    ("gradient_descent", "tf.train.GradientDescentOptimizer(0.1)"),
    ("momentum", "tf.train.MomentumOptimizer(0.1, 0.9)"),
    ("nesterov", "tf.train.MomentumOptimizer(0.05, 0.8, use_nesterov=True)"),
    ("adagrad", "tf.train.AdagradOptimizer(0.1)"),
    ("adadelta", "tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6)"),
    ("adam", "tf.train.AdamOptimizer(0.1)"),
    ("rmsprop", "tf.train.RMSPropOptimizer(0.05, decay=0.9, momentum=0.5)"),
    ("rmsprop_centered", "tf.train.RMSPropOptimizer(0.05, momentum=0.3, centered=True)"),
    (
        "ftrl",
        "tf.train.FtrlOptimizer(0.2, l1_regularization_strength=0.01, "
        "l2_regularization_strength=0.02)",
    ),
    (
        "ftrl_v2",
        "tf.train.FtrlOptimizer(0.2, learning_rate_power=-0.7, "
        "l1_regularization_strength=0.01, l2_shrinkage_regularization_strength=0.05)",
    ),
    (
        "proximal_gd",
        "tf.train.ProximalGradientDescentOptimizer(0.1, "
        "l1_regularization_strength=0.01, l2_regularization_strength=0.02)",
    ),
    (
        "proximal_adagrad",
        "tf.train.ProximalAdagradOptimizer(0.1, "
        "l1_regularization_strength=0.01, l2_regularization_strength=0.02)",
    ),
]

STEPS = 5

# The model data, shared with tests/train/test_optimizer_goldens.py through the npz files.
DATA = {
    "x": np.array([[1.0, 2.0, -1.0], [0.5, -1.5, 2.0], [-2.0, 0.25, 1.0], [1.5, 1.0, 0.5]], F32),
    "y": np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.0], [2.0, 1.0]], F32),
    "w0": np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], F32),
    "b0": np.array([0.05, -0.1], F32),
    "gw": np.array([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.25]], F32),
    "gb": np.array([0.2, -0.6], F32),
    "emb0": np.array([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6], [0.7, 0.8], [-0.9, 1.0]], F32),
    "slice_values": np.array([[0.5, -0.25], [0.125, 1.0], [-0.75, 0.5]], F32),
    "slice_indices": np.array([3, 0, 3], np.int32),
    "ids": np.array([3, 0, 3, 1], np.int32),
    "targets": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5], [0.5, -0.5]], F32),
}


def generate(tf, writer):
    _kernels(tf, writer)
    was_enabled = tf.resource_variables_enabled()
    tf.disable_resource_variables()
    try:
        for name, expression in OPTIMIZERS:
            for resource in (False, True):
                for path in ("explicit", "minimize", "sparse", "gather"):
                    _optimizer_case(tf, writer, name, expression, resource, path)
        _global_step_case(tf, writer)
    finally:
        if was_enabled:
            tf.enable_resource_variables()
    _decay_cases(tf, writer)
    _clip_cases(tf, writer)


# ---------------------------------------------------------------------- kernels


def _kernels(tf, writer):
    seen = {}
    for algorithm, scalars, attrs, slots in KERNELS:
        count = seen[algorithm] = seen.get(algorithm, 0) + 1
        suffix = "" if count == 1 else f"_{count}"
        _kernel_case(
            tf,
            writer,
            f"kernel_{algorithm}{suffix}",
            "Apply" + algorithm,
            scalars,
            attrs,
            slots,
            sparse=False,
        )
        if algorithm not in DENSE_ONLY:
            _kernel_case(
                tf,
                writer,
                f"kernel_sparse_{algorithm}{suffix}",
                "SparseApply" + algorithm,
                scalars,
                attrs,
                slots,
                sparse=True,
            )


def _kernel_case(tf, writer, case, op_type, scalars, attrs, slots, sparse):
    states = {"var": _VAR}
    for offset, slot in enumerate(slots):
        states[slot] = _slot(0.1 * (offset + 1))
    grad = _SPARSE_GRAD if sparse else _GRAD
    with tf.Graph().as_default():
        variables = {k: tf.Variable(v, name=k, use_resource=False) for k, v in states.items()}
        inputs = dict(variables)
        inputs.update({k: tf.constant(v, F32) for k, v in scalars.items()})
        inputs[
            "delta"
            if op_type in ("ApplyGradientDescent", "ApplyProximalGradientDescent")
            else "grad"
        ] = tf.constant(grad)
        if sparse:
            inputs["indices"] = tf.constant(_INDICES)
        update = getattr(tf.raw_ops, op_type)(**inputs, **attrs)
        arrays = {f"in_{k}": v for k, v in states.items()}
        arrays["grad"] = grad
        arrays["indices"] = _INDICES
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for run in (1, 2):
                sess.run(update)
                for name, variable in variables.items():
                    arrays[f"run{run}_{name}"] = sess.run(variable)
    meta = {
        "op_type": op_type,
        "scalars": scalars,
        "attrs": attrs,
        "states": list(states),
        "sparse": sparse,
    }
    writer.save(case, arrays, meta)


# ---------------------------------------------------------------------- optimizers


def _model(tf, path, resource):
    """Builds one path's variables and (loss or None, grads_and_vars or None)."""

    def const(key):
        return tf.constant(DATA[key])

    if path in ("explicit", "minimize"):
        w = tf.Variable(DATA["w0"], name="w", use_resource=resource)
        b = tf.Variable(DATA["b0"], name="b", use_resource=resource)
        if path == "explicit":
            return None, [(const("gw"), w), (const("gb"), b)]
        prediction = tf.matmul(const("x"), w) + b
        return tf.reduce_mean(tf.square(prediction - const("y"))), None
    emb = tf.Variable(DATA["emb0"], name="emb", use_resource=resource)
    if path == "sparse":
        grad = tf.IndexedSlices(const("slice_values"), const("slice_indices"), tf.constant([5, 2]))
        return None, [(grad, emb)]
    rows = tf.gather(emb, const("ids"))
    return tf.reduce_sum(tf.square(rows - const("targets"))), None


def _optimizer_case(tf, writer, name, expression, resource, path):
    graph = tf.Graph()
    with graph.as_default():
        loss, grads_and_vars = _model(tf, path, resource)
        global_step = tf.train.get_or_create_global_step()
        optimizer = eval(expression, {"tf": tf})  # noqa: S307 - our own fixed table
        if loss is None:
            train = optimizer.apply_gradients(grads_and_vars, global_step=global_step)
        else:
            train = optimizer.minimize(loss, global_step=global_step)
        watched = tf.global_variables()
        optimizer_variables = [v.op.name for v in optimizer.variables()]
        arrays = {k: v for k, v in DATA.items()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(STEPS):
                if loss is not None:
                    arrays[f"loss{step}"] = sess.run(loss)
                sess.run(train)
                for variable in watched:
                    arrays[f"step{step}|{_key(variable.op.name)}"] = sess.run(variable)
    meta = {
        "optimizer": expression,
        "resource": resource,
        "path": path,
        "variables": [v.op.name for v in watched],
        "optimizer_variables": optimizer_variables,
        "slot_names": optimizer.get_slot_names(),
        "train_op": train.name,
        "train_op_type": train.type,
        "nodes": _nodes(graph),
    }
    kind = "resource" if resource else "ref"
    writer.save(f"opt_{name}_{kind}_{path}", arrays, meta)


def _key(name):
    return name.replace("/", "~")


def _nodes(graph):
    """(name, op type, inputs) of the nodes outside the gradients scope."""
    nodes = []
    for node in graph.as_graph_def().node:
        if node.name.startswith("gradients/") or node.name == "gradients":
            continue
        inputs = [i for i in node.input if not i.startswith("gradients/")]
        nodes.append([node.name, node.op, inputs])
    return nodes


def _global_step_case(tf, writer):
    graph = tf.Graph()
    with graph.as_default():
        step = tf.train.get_or_create_global_step()
        same = tf.train.get_or_create_global_step() is step
        found = tf.train.get_global_step() is step
        collections = [v.op.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_STEP)]
        increment = tf.assign_add(step, 1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(increment)
            value = tf.train.global_step(sess, step)
    meta = {
        "same": same,
        "found": found,
        "collection": collections,
        "dtype": step.dtype.name,
        "value": value,
        "nodes": _nodes(graph),
    }
    writer.save("global_step", {}, meta)


# ---------------------------------------------------------------------- schedules, clipping

DECAYS = [
    ("exponential", "tf.train.exponential_decay(0.1, step, 4, 0.5)"),
    ("exponential_staircase", "tf.train.exponential_decay(0.1, step, 4, 0.5, staircase=True)"),
    ("piecewise_constant", "tf.train.piecewise_constant(step, [3, 7], [1.0, 0.5, 0.1])"),
    (
        "piecewise_constant_int64_boundaries",
        "tf.train.piecewise_constant(step, [tf.constant(3, tf.int64), tf.constant(7, tf.int64)], "
        "[0.3, 0.2, 0.1])",
    ),
    ("polynomial", "tf.train.polynomial_decay(0.1, step, 8, 0.01)"),
    ("polynomial_power", "tf.train.polynomial_decay(0.1, step, 8, 0.01, power=2.0)"),
    ("polynomial_cycle", "tf.train.polynomial_decay(0.1, step, 5, 0.01, power=0.5, cycle=True)"),
    ("cosine", "tf.train.cosine_decay(0.1, step, 10)"),
    ("cosine_alpha", "tf.train.cosine_decay(0.1, step, 10, alpha=0.2)"),
    ("cosine_restarts", "tf.train.cosine_decay_restarts(0.1, step, 3)"),
    (
        "cosine_restarts_mul",
        "tf.train.cosine_decay_restarts(0.1, step, 3, t_mul=1.0, m_mul=0.5, alpha=0.1)",
    ),
    ("inverse_time", "tf.train.inverse_time_decay(0.1, step, 4, 0.5)"),
    ("inverse_time_staircase", "tf.train.inverse_time_decay(0.1, step, 4, 0.5, staircase=True)"),
    ("natural_exp", "tf.train.natural_exp_decay(0.1, step, 4, 0.5)"),
    ("natural_exp_staircase", "tf.train.natural_exp_decay(0.1, step, 4, 0.5, staircase=True)"),
    ("linear_cosine", "tf.train.linear_cosine_decay(0.1, step, 10)"),
    (
        "linear_cosine_args",
        "tf.train.linear_cosine_decay(0.1, step, 10, num_periods=2.0, alpha=0.1, beta=0.01)",
    ),
]


def _decay_cases(tf, writer):
    for name, expression in DECAYS:
        with tf.Graph().as_default():
            step = tf.placeholder(tf.int64, shape=[], name="step")
            rate = eval(expression, {"tf": tf, "step": step})  # noqa: S307 - fixed table
            with tf.Session() as sess:
                values = [sess.run(rate, {step: k}) for k in range(13)]
        meta = {"expression": expression, "dtype": rate.dtype.name}
        writer.save(f"decay_{name}", {"values": np.array(values)}, meta)


CLIP_DATA = {
    "a": np.array([[3.0, -4.0], [1.0, 2.0]], F32),
    "b": np.array([0.5, -1.5, 2.0], F32),
    "zero": np.zeros((2, 2), F32),
    "values": np.array([[1.0, 2.0], [-3.0, 0.5]], F32),
    "indices": np.array([4, 1], np.int32),
}

CLIPS = [
    ("clip_by_norm", "tf.clip_by_norm(a, 2.0)"),
    ("clip_by_norm_axes", "tf.clip_by_norm(a, 2.0, axes=[1])"),
    ("clip_by_norm_large", "tf.clip_by_norm(b, 100.0)"),
    ("clip_by_norm_zero", "tf.clip_by_norm(zero, 1.0)"),
    ("global_norm", "tf.global_norm([a, b])"),
    ("global_norm_none", "tf.global_norm([a, None, b])"),
    ("clip_by_global_norm", "tf.clip_by_global_norm([a, b], 2.0)"),
    ("clip_by_global_norm_none", "tf.clip_by_global_norm([a, None, b], 2.0)"),
    (
        "clip_by_global_norm_use_norm",
        "tf.clip_by_global_norm([a, b], 2.0, use_norm=tf.constant(10.0))",
    ),
    ("clip_by_global_norm_large", "tf.clip_by_global_norm([a, b], 100.0)"),
    (
        "clip_by_global_norm_slices",
        "tf.clip_by_global_norm([tf.IndexedSlices(values, indices, tf.constant([6, 2])), b], 1.5)",
    ),
    ("clip_by_average_norm", "tf.clip_by_average_norm(a, 1.0)"),
]


def _clip_cases(tf, writer):
    for name, expression in CLIPS:
        with tf.Graph().as_default() as graph:
            inputs = {k: tf.constant(v) for k, v in CLIP_DATA.items()}
            result = eval(expression, {"tf": tf, **inputs})  # noqa: S307 - fixed table
            fetches = _clip_fetches(tf, result)
            with tf.Session() as sess:
                values = sess.run(fetches)
        arrays = {f"out{i}": np.asarray(v) for i, v in enumerate(values)}
        arrays.update(CLIP_DATA)
        meta = {"expression": expression, "count": len(values), "nodes": _nodes(graph)}
        writer.save(name, arrays, meta)


def _clip_fetches(tf, result):
    """Flattens results: tensors, IndexedSlices (values, indices) and the (list, norm) pair."""
    items = list(result[0]) + [result[1]] if isinstance(result, tuple) else [result]
    fetches = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, tf.IndexedSlices):
            fetches += [item.values, item.indices]
        else:
            fetches.append(item)
    return fetches
