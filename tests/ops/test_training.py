"""Training ops (ndflow/ops/training.py): every Apply*, ResourceApply*, SparseApply* and
ResourceSparseApply* op against an element-by-element reference of TF's formula, with
repeated indices, static shape inference and TF's errors; the kernels against values
recorded from real TensorFlow (tests/golden/optimizers/kernel_*); and the scatter updates
the sparse optimizer paths use."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.ops import state
from ndflow.ops import training
from tests.support import golden
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import training as ref

apply_op = op_builder.apply_op

# ---------------------------------------------------------------------- per-algorithm data

# Scalar inputs by TF's names, and the attr variants each algorithm is checked with.
SCALARS = {
    "GradientDescent": {"alpha": 0.1},
    "ProximalGradientDescent": {"alpha": 0.1, "l1": 0.05, "l2": 0.2},
    "Adadelta": {"lr": 1.0, "rho": 0.9, "epsilon": 1e-6},
    "Adagrad": {"lr": 0.1},
    "AdagradV2": {"lr": 0.1, "epsilon": 0.01},
    "ProximalAdagrad": {"lr": 0.1, "l1": 0.05, "l2": 0.2},
    "Ftrl": {"lr": 0.1, "l1": 0.05, "l2": 0.2, "lr_power": -0.5},
    "FtrlV2": {"lr": 0.1, "l1": 0.05, "l2": 0.2, "l2_shrinkage": 0.1, "lr_power": -0.6},
    "Momentum": {"lr": 0.1, "momentum": 0.9},
    "Adam": {
        "beta1_power": 0.81,
        "beta2_power": 0.998,
        "lr": 0.1,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-3,
    },
    "RMSProp": {"lr": 0.1, "rho": 0.9, "momentum": 0.5, "epsilon": 1e-6},
    "CenteredRMSProp": {"lr": 0.1, "rho": 0.9, "momentum": 0.5, "epsilon": 1e-6},
}
OPTIONS = {
    "Adagrad": [{}, {"update_slots": False}],
    "AdagradV2": [{}, {"update_slots": False}],
    "Ftrl": [{}, {"multiply_linear_by_lr": True}],
    "FtrlV2": [{}, {"multiply_linear_by_lr": True}],
    "Momentum": [{}, {"use_nesterov": True}],
    "Adam": [{}, {"use_nesterov": True}],
}
ELEMENTS = {
    "GradientDescent": ref.gradient_descent,
    "ProximalGradientDescent": ref.proximal_gradient_descent,
    "Adadelta": ref.adadelta,
    "Adagrad": ref.adagrad,
    "AdagradV2": ref.adagrad_v2,
    "ProximalAdagrad": ref.proximal_adagrad,
    "Ftrl": ref.ftrl,
    "FtrlV2": ref.ftrl_v2,
    "Momentum": ref.momentum,
    "Adam": ref.adam,
    "RMSProp": ref.rms_prop,
    "CenteredRMSProp": ref.centered_rms_prop,
}
# Slots that must stay positive (square roots of them are taken).
POSITIVE = {"accum", "accum_update", "v", "ms"}
ALGORITHMS = {a.name: a for a in training.ALGORITHMS}
SHAPE = (4, 3)
INDICES = np.array([2, 0, 2, 3, 2], np.int32)


def _state_value(name, shape, dtype, rng):
    if name in POSITIVE:
        return rng.uniform(0.5, 2.0, size=shape).astype(dtype)
    if name == "mg":
        return rng.uniform(-0.3, 0.3, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def _inputs(algorithm, sparse, dtype, rng, index_dtype=np.int32):
    """(input arrays in layout order, states, grad, indices) for one case."""
    layout = training.input_layout(algorithm, sparse)
    grad_shape = (len(INDICES),) + SHAPE[1:] if sparse else SHAPE
    arrays, states = [], []
    grad = rng.normal(size=grad_shape).astype(dtype)
    for name, kind in layout:
        if kind in ("var", "slot"):
            value = _state_value(name, SHAPE, dtype, rng)
            states.append(value)
        elif kind == "scalar":
            value = np.asarray(SCALARS[algorithm.name][name], dtype=dtype)
        elif kind == "grad":
            value = grad
        else:
            value = INDICES.astype(index_dtype)
        arrays.append(value)
    return arrays, states, grad


def _expected(algorithm, sparse, states, grad, options):
    element = ELEMENTS[algorithm.name]
    scalars = SCALARS[algorithm.name]
    if sparse:
        return ref.sparse(element, states, grad, INDICES, scalars, options)
    return ref.dense(element, states, grad, scalars, options)


# ---------------------------------------------------------------------- building one op


def _variable(value, resource):
    """A variable initialized from `value`: (what the op takes, reader, initializer)."""
    dtype = value.dtype.base_dtype
    if resource:
        handle = apply_op("VarHandleOp", dtype=dtype, shape=value.shape)
        init = apply_op("AssignVariableOp", handle, value)
        return handle, lambda: apply_op("ReadVariableOp", handle, dtype=dtype), init
    ref_tensor = state.variable_op_v2(value.shape, dtype)
    init = state.assign(ref_tensor, value, validate_shape=False)
    return ref_tensor, lambda: tf.identity(ref_tensor), init.op


def builder(algorithm, resource, sparse, options):
    """Builds the op on variables initialized from the state inputs; returns the variable
    and slot values read after the update (the ref op's own output for the variable)."""
    layout = training.input_layout(algorithm, sparse)
    op_type = training.op_type(algorithm, resource, sparse)

    def build(*inputs):
        args, readers, inits = [], [], []
        for (_, kind), value in zip(layout, inputs):
            if kind in ("var", "slot"):
                target, reader, init = _variable(value, resource)
                args.append(target)
                readers.append(reader)
                inits.append(init)
            else:
                args.append(value)
        with tf.control_dependencies(inits):
            update = apply_op(op_type, *args, **options)
        update_op = update if resource else update.op
        with tf.control_dependencies([update_op]):
            values = [read() for read in readers]
        if not resource:
            values[0] = tf.identity(update)
        return values

    return build


def _shape_cases(algorithm, resource, sparse):
    layout = training.input_layout(algorithm, sparse)

    def shapes(var, slot, grad, scalar=(), indices=(2,)):
        table = {
            "var": var,
            "slot": slot,
            "scalar": list(scalar),
            "grad": grad,
            "indices": (list(indices), tf.int32),
        }
        return [table[kind] for _, kind in layout]

    sparse_grad = [2, 3] if sparse else [4, 3]
    has_slots = any(kind == "slot" for _, kind in layout)
    merged = [4, 3] if has_slots or not sparse else [None, 3]
    read_shape = lambda var, merged: var if resource else merged  # noqa: E731
    cases = [
        ShapeCase(shapes([4, 3], [4, 3], sparse_grad), expected=[4, 3]),
        ShapeCase(
            shapes([None, 3], [4, None], sparse_grad), expected=read_shape([None, 3], merged)
        ),
        ShapeCase(
            shapes(None, None, [None, 3] if sparse else [4, 3]),
            expected=read_shape(None, [None, 3] if sparse else [4, 3]),
        ),
        ShapeCase(
            shapes([4, 3], [4, 3], [2, 2] if sparse else [4, 2]),
            error="Dimension 1 in both shapes must be equal, but are 3 and 2",
        ),
        ShapeCase(
            shapes([4, 3], [4, 3], sparse_grad, scalar=[2]),
            error="Shape must be rank 0 but is rank 1",
        ),
    ]
    if has_slots:
        cases.append(
            ShapeCase(
                shapes([4, 3], [4, 3, 1], sparse_grad),
                error="Shapes must be equal rank, but are 2 and 3",
            )
        )
    if sparse:
        cases += [
            ShapeCase(
                shapes([4, 3], [4, 3], [2, 3], indices=(3,)),
                error="Dimensions must be equal, but are 3 and 2",
            ),
            ShapeCase(
                shapes([4, 3], [4, 3], [], indices=(1,)),
                error="Argument grad must not be a scalar. Got grad with rank 0",
            ),
            ShapeCase(
                shapes([4, 3], [4, 3], [2, 3], indices=(2, 1)),
                error="Shape must be rank 1 but is rank 2",
            ),
        ]
    return cases


def _spec(algorithm, resource, sparse):
    op_type = training.op_type(algorithm, resource, sparse)
    rng = np.random.default_rng(len(op_type))
    cases = []
    for options in OPTIONS.get(algorithm.name, [{}]):
        for dtype in (np.float32, np.float64):
            index_dtype = np.int64 if dtype == np.float64 else np.int32
            arrays, states, grad = _inputs(algorithm, sparse, dtype, rng, index_dtype)
            expected = _expected(algorithm, sparse, states, grad, options)
            cases.append((arrays, expected, options))
    rows = []
    for options in OPTIONS.get(algorithm.name, [{}]):
        chosen = [(a, e) for a, e, o in cases if o == options]
        rows.append(
            OpSpec(
                op_type,
                builder(algorithm, resource, sparse, options),
                cases=chosen,
                shape_cases=_shape_cases(algorithm, resource, sparse) if not options else [],
                grad="an in-place optimizer update",
                id=f"{op_type}{options or ''}",
            )
        )
    return rows


TRAINING_SPECS = [
    row
    for algorithm in training.ALGORITHMS
    for resource in (False, True)
    for sparse in ((False, True) if algorithm.sparse else (False,))
    for row in _spec(algorithm, resource, sparse)
]


# ---------------------------------------------------------------------- scatter updates


def _scatter(op_type, resource):
    def build(params, indices, updates):
        target, reader, init = _variable(params, resource)
        with tf.control_dependencies([init]):
            update = apply_op(op_type, target, indices, updates)
        if not resource:
            return tf.identity(update)
        with tf.control_dependencies([update]):
            return reader()

    return build


def _scatter_reference(params, indices, updates, sign):
    out = params.astype(np.float64).copy()
    updates = np.broadcast_to(updates, indices.shape + params.shape[1:])
    for position in np.ndindex(*indices.shape):
        out[indices[position]] += sign * updates[position]
    return out.astype(params.dtype)


_PARAMS = np.arange(10, dtype=np.float32).reshape(5, 2)
_SCATTER_INDICES = np.array([1, 1, 3], np.int32)
_UPDATES = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 4.0]], np.float32)
_SCATTER_SHAPES = [
    ShapeCase([[5, 2], ([3], tf.int32), [3, 2]], expected=[5, 2]),
    ShapeCase([[None, 2], ([None], tf.int32), [3, 2]], expected=[None, 2]),
    ShapeCase([None, ([3], tf.int32), [3, 2]], expected=None),
    ShapeCase(
        [[5, 2], ([2], tf.int32), [3, 2]],
        error="Dimension 0 in both shapes must be equal, but are 3 and 2",
    ),
]

SCATTER_SPECS = [
    OpSpec(
        op_type,
        _scatter(op_type, resource),
        cases=[
            (
                [_PARAMS, _SCATTER_INDICES, _UPDATES],
                _scatter_reference(_PARAMS, _SCATTER_INDICES, _UPDATES, sign),
            ),
            (
                [
                    _PARAMS.astype(np.int64),
                    np.array([[4], [0]], np.int64),
                    np.array([[[1, 2]], [[3, 4]]], np.int64),
                ],
                _scatter_reference(
                    _PARAMS.astype(np.int64),
                    np.array([[4], [0]]),
                    np.array([[[1, 2]], [[3, 4]]]),
                    sign,
                ),
            ),
            (
                [_PARAMS, _SCATTER_INDICES, np.float32(2.0)],
                _scatter_reference(_PARAMS, _SCATTER_INDICES, np.float32(2.0), sign),
            ),
        ],
        shape_cases=_SCATTER_SHAPES if not resource else _SCATTER_SHAPES[:1],
        grad="an in-place scatter update",
    )
    for op_type, resource, sign in (
        ("ScatterAdd", False, 1),
        ("ScatterSub", False, -1),
        ("ResourceScatterAdd", True, 1),
    )
]

OP_SPECS = TRAINING_SPECS + SCATTER_SPECS


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_rows(spec):
    op_check.check_cases(spec)
    op_check.check_shape_cases(spec)


@pytest.mark.parametrize("spec", TRAINING_SPECS[::3], ids=str)
def test_dynamic_shapes(spec):
    """The same values with every placeholder dim unknown at graph-build time."""
    for inputs, expected in spec.cases:
        dtypes = [tf.as_dtype(np.asarray(a).dtype) for a in inputs]
        outputs, values = op_check.run_builder(spec.builder, inputs, dtypes, static=False)
        for tensor, value, want in zip(outputs, values, expected):
            op_check.assert_value_close(value, want, tensor.dtype.base_dtype, str(spec))


@pytest.mark.parametrize("algorithm", training.ALGORITHMS, ids=lambda a: a.name)
def test_scalar_variables(algorithm):
    """0-d variables and slots (a bias, a scale) update in place like any other."""
    rng = np.random.default_rng(7)
    layout = training.input_layout(algorithm, False)
    arrays, states = [], []
    for name, kind in layout:
        if kind in ("var", "slot"):
            value = _state_value(name, (), np.float32, rng)
            states.append(value)
        elif kind == "scalar":
            value = np.float32(SCALARS[algorithm.name][name])
        else:
            value = grad = np.float32(0.75)
        arrays.append(np.asarray(value, np.float32))
    for options in OPTIONS.get(algorithm.name, [{}]):
        build = builder(algorithm, False, False, options)
        _, values = op_check.run_builder(build, arrays, [tf.float32] * len(arrays))
        expected = ref.dense(
            ELEMENTS[algorithm.name], states, grad, SCALARS[algorithm.name], options
        )
        for value, want in zip(values, expected):
            op_check.assert_value_close(value, want, tf.float32, f"{algorithm.name}{options}")


# ---------------------------------------------------------------------- goldens from TF


KERNEL_CASES = [c for c in golden.cases("optimizers") if c.startswith("kernel_")]


@pytest.mark.parametrize("case", KERNEL_CASES)
def test_kernels_match_tensorflow(case):
    arrays, meta = golden.load("optimizers", case)
    with tf.Graph().as_default():
        variables = {name: tf.Variable(arrays[f"in_{name}"], name=name) for name in meta["states"]}
        inputs = dict(variables)
        inputs.update({k: tf.constant(v, tf.float32) for k, v in meta["scalars"].items()})
        dense_gd = meta["op_type"] in ("ApplyGradientDescent", "ApplyProximalGradientDescent")
        inputs["delta" if dense_gd else "grad"] = tf.constant(arrays["grad"])
        if meta["sparse"]:
            inputs["indices"] = tf.constant(arrays["indices"])
        update = apply_op(meta["op_type"], **inputs, **meta["attrs"])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for run in (1, 2):
                sess.run(update)
                for name, variable in variables.items():
                    np.testing.assert_allclose(
                        sess.run(variable),
                        arrays[f"run{run}_{name}"],
                        rtol=1e-5,
                        atol=1e-6,
                        err_msg=f"{case}: {name} after run {run}",
                    )


def test_every_algorithm_has_kernel_goldens():
    recorded = {golden.load("optimizers", c)[1]["op_type"] for c in KERNEL_CASES}
    expected = {
        training.op_type(a, False, sparse)
        for a in training.ALGORITHMS
        for sparse in ((False, True) if a.sparse else (False,))
    }
    assert expected <= recorded


# ---------------------------------------------------------------------- behaviour and errors


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _run(fetch, init=True):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetch)


def test_repeated_indices_update_twice_in_order(graph):
    var = tf.Variable([1.0, 2.0, 3.0])
    accum = tf.Variable([0.1, 0.1, 0.1])
    update = apply_op("SparseApplyAdagrad", var, accum, 0.5, [1.0, 2.0], [0, 0])
    value = _run(update)
    # accum 0.1 -> 1.1 -> 5.1; var 1 - 0.5/sqrt(1.1) - 1.0/sqrt(5.1).
    want = 1.0 - 0.5 / np.sqrt(1.1) - 1.0 / np.sqrt(5.1)
    np.testing.assert_allclose(value, [want, 2.0, 3.0], rtol=1e-6)


def test_update_is_in_place_and_returns_the_ref(graph):
    var = tf.Variable([1.0, 2.0])
    update = apply_op("ApplyGradientDescent", var, 0.5, [2.0, 2.0])
    assert update.dtype == tf.float32._as_ref()
    assert update.op.inputs[0] is var._ref()
    with tf.Session() as sess:
        sess.run(var.initializer)
        sess.run(update.op)
        sess.run(update.op)
        np.testing.assert_array_equal(sess.run(var), [-1.0, 0.0])


def test_resource_ops_have_no_outputs(graph):
    var = tf.Variable([1.0, 2.0], use_resource=True)
    update = apply_op("ResourceApplyGradientDescent", var.handle, 0.5, [2.0, 2.0])
    assert isinstance(update, tf.Operation) and not update.outputs
    with tf.Session() as sess:
        sess.run(var.initializer)
        sess.run(update)
        np.testing.assert_array_equal(sess.run(var), [0.0, 1.0])


def test_use_locking_is_accepted(graph):
    var = tf.Variable([1.0, 2.0])
    accum = tf.Variable([0.0, 0.0])
    update = apply_op("ApplyMomentum", var, accum, 1.0, [1.0, 1.0], 0.5, use_locking=True)
    np.testing.assert_array_equal(_run(update), [0.0, 1.0])


def test_uninitialized_slot_is_failed_precondition(graph):
    var = tf.Variable([1.0])
    accum = tf.Variable([0.1], name="accum")
    update = apply_op("ApplyAdagrad", var, accum, 0.1, [1.0])
    with tf.Session() as sess:
        sess.run(var.initializer)
        with pytest.raises(
            errors.FailedPreconditionError, match="Attempting to use uninitialized variables: accum"
        ):
            sess.run(update)


def test_integer_variables_have_no_kernel(graph):
    var = tf.Variable([1, 2])
    update = apply_op("ApplyGradientDescent", var, 1, [1, 1])
    with pytest.raises(errors.InvalidArgumentError, match="No OpKernel was registered"):
        _run(update)


@pytest.mark.parametrize(
    ("op_type", "args", "message"),
    [
        (
            "ApplyGradientDescent",
            ([1.0, 2.0], [1.0, 1.0, 1.0]),
            r"var and delta do not have the same shape\[2\] \[3\]",
        ),
        (
            "SparseApplyMomentum",
            ([[1.0], [2.0]], [[1.0]], [5]),
            "Index 5 at offset 0 in indices is out of range",
        ),
        (
            "SparseApplyMomentum",
            ([[1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]], [0]),
            "grad must be the same size as indices in the first dimension.",
        ),
        (
            "SparseApplyMomentum",
            ([[1.0, 2.0]], [[1.0, 2.0, 3.0]], [0]),
            "var and grad must match in dimension 1",
        ),
    ],
)
def test_runtime_shape_errors(graph, op_type, args, message):
    var = tf.Variable(args[0], validate_shape=False)
    grad = tf.placeholder(tf.float32)
    if op_type == "ApplyGradientDescent":
        update = apply_op(op_type, var, 0.1, grad)
        feed = {grad: args[1]}
    else:
        accum = tf.Variable(np.zeros_like(args[0], np.float32), validate_shape=False)
        indices = tf.placeholder(tf.int32)
        update = apply_op(op_type, var, accum, 0.1, grad, indices, 0.9)
        feed = {grad: args[1], indices: args[2]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(errors.InvalidArgumentError, match=message):
            sess.run(update, feed)


def test_scalar_hyperparameter_must_be_scalar_at_run_time(graph):
    var = tf.Variable([1.0, 2.0])
    lr = tf.placeholder(tf.float32)
    update = apply_op("ApplyGradientDescent", var, lr, [1.0, 1.0])
    with tf.Session() as sess:
        sess.run(var.initializer)
        with pytest.raises(errors.InvalidArgumentError, match=r"alpha is not a scalar: \[2\]"):
            sess.run(update, {lr: [0.1, 0.2]})


def test_scatter_index_out_of_range(graph):
    var = tf.Variable(np.zeros((5, 2), np.float32))
    update = apply_op("ScatterAdd", var, [[1], [7]], np.ones((2, 1, 2), np.float32))
    with pytest.raises(errors.InvalidArgumentError, match=r"indices\[1,0\] = 7 is not in \[0, 5\)"):
        _run(update)


def test_ops_are_stateful_and_not_differentiable():
    for name in ("ApplyAdam", "ResourceSparseApplyFtrlV2", "ScatterSub", "ResourceScatterAdd"):
        definition = tf.get_default_graph() and op_builder.registry.lookup_op(name)
        assert definition.is_stateful
        assert definition.grad is None
        assert op_builder.registry.is_not_differentiable(name)
