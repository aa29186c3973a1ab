"""Training ops: the in-place updates optimizers apply (ApplyGradientDescent, ApplyAdam...)
with their ResourceApply*, SparseApply* and ResourceSparseApply* variants.

Each algorithm is one row of `ALGORITHMS`: TF's input layout and one NumPy update written the
way TF's training_ops.cc functor computes it. Ref versions (`var: Ref(T)`) update the storage
of ref variables in place and output the ref; resource versions update the state a `resource`
handle names and have no outputs. Sparse versions update the rows `indices` names, one
occurrence at a time as TF's kernels do: a row named twice is updated twice, in order (as
rounds of distinct rows, so there is no per-row Python loop).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import state

register_op = registry.register_op

# ---------------------------------------------------------------------- update formulas
# Each updates `var` and its slot arrays in place; scalars arrive as 0-d values of dtype T.


def _gradient_descent(var, grad, alpha):
    var -= grad * alpha


def _proximal(var, prox, lr, l1, l2):
    """The FOBOS step shared by the proximal ops: shrink `prox` by lr*l1, scale by l2."""
    if l1 > 0:
        var[...] = np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0) / (1 + l2 * lr)
    else:
        var[...] = prox / (1 + l2 * lr)


def _proximal_gradient_descent(var, grad, alpha, l1, l2):
    _proximal(var, var - grad * alpha, alpha, l1, l2)


def _adadelta(var, accum, accum_update, grad, lr, rho, epsilon):
    accum[...] = accum * rho + np.square(grad) * (1 - rho)
    update = np.sqrt(accum_update + epsilon) * (1 / np.sqrt(accum + epsilon)) * grad
    var -= update * lr
    accum_update[...] = accum_update * rho + np.square(update) * (1 - rho)


def _adagrad(var, accum, grad, lr, update_slots=True):
    if update_slots:
        accum += np.square(grad)
    var -= grad * lr * (1 / np.sqrt(accum))


def _adagrad_v2(var, accum, grad, lr, epsilon, update_slots=True):
    if update_slots:
        accum += np.square(grad)
    var -= grad * lr / (np.sqrt(accum) + epsilon)


def _proximal_adagrad(var, accum, grad, lr, l1, l2):
    accum += np.square(grad)
    learning_rate = lr * (1 / np.sqrt(accum))
    _proximal(var, var - grad * learning_rate, learning_rate, l1, l2)


def _ftrl(
    var, accum, linear, grad, lr, l1, l2, lr_power, l2_shrinkage=None, multiply_linear_by_lr=False
):
    shrunk = grad if l2_shrinkage is None else grad + 2 * l2_shrinkage * var
    new_accum = accum + np.square(grad)
    if lr_power == -0.5:
        new_power, old_power = np.sqrt(new_accum), np.sqrt(accum)
    else:
        new_power, old_power = np.power(new_accum, -lr_power), np.power(accum, -lr_power)
    if multiply_linear_by_lr:
        linear += shrunk * lr - (new_power - old_power) * var
        l1, quadratic = l1 * lr, new_power + 2 * l2 * lr
    else:
        linear += shrunk - (new_power - old_power) / lr * var
        quadratic = new_power / lr + 2 * l2
    var[...] = np.where(np.abs(linear) > l1, (l1 * np.sign(linear) - linear) / quadratic, 0)
    accum[...] = new_accum


def _ftrl_v2(
    var, accum, linear, grad, lr, l1, l2, l2_shrinkage, lr_power, multiply_linear_by_lr=False
):
    _ftrl(var, accum, linear, grad, lr, l1, l2, lr_power, l2_shrinkage, multiply_linear_by_lr)


def _momentum(var, accum, grad, lr, momentum, use_nesterov=False):
    accum[...] = accum * momentum + grad
    if use_nesterov:
        var -= grad * lr + accum * momentum * lr
    else:
        var -= accum * lr


def _adam(
    var,
    m,
    v,
    grad,
    beta1_power,
    beta2_power,
    lr,
    beta1,
    beta2,
    epsilon,
    use_nesterov=False,
    scratch=None,
):
    # TF's fused loop as NumPy passes through two scratch arrays (the step is hot: every
    # variable, every training step); the dense path lends the variable's kept scratch.
    alpha = lr * np.sqrt(1 - beta2_power) / (1 - beta1_power)
    first, second = scratch if scratch is not None else (np.empty_like(m), np.empty_like(m))
    np.subtract(grad, m, out=first)
    first *= 1 - beta1
    m += first
    np.square(grad, out=first)
    first -= v
    first *= 1 - beta2
    v += first
    np.sqrt(v, out=first)
    first += epsilon
    if use_nesterov:
        np.multiply(grad, 1 - beta1, out=second)
        second += beta1 * m
        second *= alpha
    else:
        np.multiply(m, alpha, out=second)
    second /= first
    var -= second


def _rms_prop(var, ms, mom, grad, lr, rho, momentum, epsilon):
    ms += (np.square(grad) - ms) * (1 - rho)
    mom[...] = mom * momentum + grad * lr / np.sqrt(ms + epsilon)
    var -= mom


def _centered_rms_prop(var, mg, ms, mom, grad, lr, rho, momentum, epsilon):
    ms += (np.square(grad) - ms) * (1 - rho)
    mg += (grad - mg) * (1 - rho)
    mom[...] = mom * momentum + grad * lr / np.sqrt(ms - np.square(mg) + epsilon)
    var -= mom


# ---------------------------------------------------------------------- the algorithm table

_FLOATS = frozenset([dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64])
_FLOATS_COMPLEX = _FLOATS | {dtypes.complex64, dtypes.complex128}
_FLOAT_DOUBLE = frozenset([dtypes.float32, dtypes.float64])


@dataclasses.dataclass(frozen=True)
class Algorithm:
    """One training algorithm: its op name stem, TF's input layout and its update.

    layout: (input name, kind) pairs of the dense op, kind "var", "slot", "scalar" or
      "grad"; sparse ops insert "indices" after the grad.
    attrs: attr specs after `use_locking` (passed to `update` as keywords).
    sparse: whether TF has SparseApply/ResourceSparseApply versions.
    """

    name: str
    layout: tuple
    update: object
    dtypes: frozenset = _FLOATS_COMPLEX
    attrs: tuple = ()
    sparse: bool = True
    sparse_dtypes: frozenset | None = None
    scratch: bool = False


def _layout(spec: str) -> tuple:
    """TF's input order as words: "var", slots marked "name*", the gradient ("grad", or
    "delta" in the two gradient-descent ops) and every other word a scalar."""
    kinds = []
    for word in spec.split():
        if word in ("grad", "delta"):
            kinds.append((word, "grad"))
        elif word.endswith("*"):
            kinds.append((word[:-1], "slot"))
        else:
            kinds.append((word, "var" if word == "var" else "scalar"))
    return tuple(kinds)


ALGORITHMS = (
    Algorithm("GradientDescent", _layout("var alpha delta"), _gradient_descent, sparse=False),
    Algorithm(
        "ProximalGradientDescent",
        _layout("var alpha l1 l2 delta"),
        _proximal_gradient_descent,
        dtypes=_FLOAT_DOUBLE,
    ),
    Algorithm("Adadelta", _layout("var accum* accum_update* lr rho epsilon grad"), _adadelta),
    Algorithm(
        "Adagrad", _layout("var accum* lr grad"), _adagrad, attrs=("update_slots: bool = true",)
    ),
    Algorithm(
        "AdagradV2",
        _layout("var accum* lr epsilon grad"),
        _adagrad_v2,
        attrs=("update_slots: bool = true",),
    ),
    Algorithm(
        "ProximalAdagrad",
        _layout("var accum* lr l1 l2 grad"),
        _proximal_adagrad,
        dtypes=_FLOAT_DOUBLE,
    ),
    Algorithm(
        "Ftrl",
        _layout("var accum* linear* grad lr l1 l2 lr_power"),
        _ftrl,
        dtypes=_FLOATS,
        attrs=("multiply_linear_by_lr: bool = false",),
    ),
    Algorithm(
        "FtrlV2",
        _layout("var accum* linear* grad lr l1 l2 l2_shrinkage lr_power"),
        _ftrl_v2,
        dtypes=_FLOATS,
        attrs=("multiply_linear_by_lr: bool = false",),
    ),
    Algorithm(
        "Momentum",
        _layout("var accum* lr grad momentum"),
        _momentum,
        attrs=("use_nesterov: bool = false",),
    ),
    Algorithm(
        "Adam",
        _layout("var m* v* beta1_power beta2_power lr beta1 beta2 epsilon grad"),
        _adam,
        attrs=("use_nesterov: bool = false",),
        sparse=False,
        scratch=True,
    ),
    Algorithm(
        "RMSProp",
        _layout("var ms* mom* lr rho momentum epsilon grad"),
        _rms_prop,
        sparse_dtypes=_FLOATS_COMPLEX - {dtypes.bfloat16},
    ),
    Algorithm(
        "CenteredRMSProp",
        _layout("var mg* ms* mom* lr rho momentum epsilon grad"),
        _centered_rms_prop,
        sparse_dtypes=_FLOATS_COMPLEX - {dtypes.bfloat16},
    ),
)


def op_type(algorithm: Algorithm, resource: bool, sparse: bool) -> str:
    """The TF op name, e.g. ResourceSparseApplyAdagrad."""
    return (
        ("Resource" if resource else "") + ("Sparse" if sparse else "") + "Apply" + (algorithm.name)
    )


def input_layout(algorithm: Algorithm, sparse: bool) -> tuple:
    """The (name, kind) inputs of one variant: sparse ops call the grad `grad` and add
    `indices` right after it."""
    if not sparse:
        return algorithm.layout
    layout = []
    for name, kind in algorithm.layout:
        if kind == "grad":
            layout += [("grad", "grad"), ("indices", "indices")]
        else:
            layout.append((name, kind))
    return tuple(layout)


def _input_specs(layout, resource):
    specs = []
    for name, kind in layout:
        if kind in ("var", "slot"):
            specs.append(f"{name}: resource" if resource else f"{name}: Ref(T)")
        elif kind == "indices":
            specs.append("indices: Tindices")
        else:
            specs.append(f"{name}: T")
    return specs


# ---------------------------------------------------------------------- shape functions


def _variable_shape(tensor, resource):
    """The shape of the variable an input names: a ref's own shape, or the shape a
    VarHandleOp declares (unknown for other resource producers, as TF without handle data)."""
    if not resource:
        return tensor.shape
    if tensor.op.type == "VarHandleOp":
        return tensor_shape.as_shape(tensor.op.attrs["shape"])
    return tensor_shape.unknown_shape()


def _sparse_grad(shape, grad, indices):
    """TF's HandleGradAndIndicesInputs for sparse ops: indices a vector as long as grad's
    first dim, grad's trailing dims those of the variable."""
    indices = shape_errors.require_rank(indices, 1)
    if grad.rank == 0:
        raise shape_errors.ShapeError("Argument grad must not be a scalar. Got grad with rank 0")
    if grad.rank is None:
        return shape
    shape_errors.merge_dims(indices.as_list()[0], grad.as_list()[0])
    return shape_errors.merge_shapes(shape, tensor_shape.TensorShape([None]).concatenate(grad[1:]))


def _shape_fn(layout, resource):
    def shape(op):
        result = tensor_shape.unknown_shape()
        inputs = op.inputs
        for index, (_, kind) in enumerate(layout):
            if kind in ("var", "slot"):
                result = shape_errors.merge_shapes(result, _variable_shape(inputs[index], resource))
            elif kind == "scalar":
                shape_errors.require_rank(inputs[index].shape, 0)
            elif kind == "grad" and index + 1 < len(layout) and layout[index + 1][1] == "indices":
                result = _sparse_grad(result, inputs[index].shape, inputs[index + 1].shape)
            elif kind == "grad":
                result = shape_errors.merge_shapes(result, inputs[index].shape)
        return [] if resource else [result]

    return shape


# ---------------------------------------------------------------------- kernels


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _dims(value) -> str:
    return "[" + ",".join(str(d) for d in np.shape(value)) + "]"


_SCALAR_WORDS = {
    "l1": "l1 regularization strength",
    "l2": "l2 regularization strength",
    "l2_shrinkage": "l2 shrinkage regularization strength",
}


def _check_scalars(scalars: dict) -> None:
    for name, value in scalars.items():
        if np.ndim(value) != 0:
            raise _invalid(f"{_SCALAR_WORDS.get(name, name)} is not a scalar: {_dims(value)}")


def _check_dtype(ctx, op_name, dtype, allowed) -> None:
    """TF registers these kernels for float (and some complex) types only."""
    if dtype not in allowed:
        raise _invalid(
            f"No OpKernel was registered to support Op '{op_name}' used by {{{{node "
            f"{ctx.node_name}}}}} with these attrs: [T={dtypes.cpp_name(dtype)}]"
        )


def _ref_state(ctx, buffer, index):
    """A ref input's buffer, with TF's message when it was never initialized."""
    if not buffer.initialized:
        tensor = ctx.node.inputs[index]
        name = tensor.op.name if tensor.value_index == 0 else tensor.name
        raise errors.FailedPreconditionError(
            None, None, f"Attempting to use uninitialized variables: {name}"
        )
    return buffer


def _check_slots(names, arrays) -> None:
    var = arrays[0]
    for name, array in zip(names[1:], arrays[1:]):
        if np.shape(array) != np.shape(var):
            raise _invalid(f"var and {name} do not have the same shape{_dims(var)} {_dims(array)}")


def _check_dense(grad_name, var, grad) -> None:
    if np.shape(grad) != np.shape(var):
        raise _invalid(f"var and {grad_name} do not have the same shape{_dims(var)} {_dims(grad)}")


def _check_sparse(var, grad, indices) -> None:
    if var.ndim < 1:
        raise _invalid("var must be at least 1 dimensional")
    if np.ndim(indices) != 1:
        raise _invalid("indices must be one-dimensional")
    for dim in range(1, var.ndim):
        if np.ndim(grad) <= dim or grad.shape[dim] != var.shape[dim]:
            raise _invalid(f"var and grad must match in dimension {dim}")
    if np.ndim(grad) < 1 or grad.shape[0] != indices.shape[0]:
        raise _invalid("grad must be the same size as indices in the first dimension.")
    bad = np.flatnonzero((indices < 0) | (indices >= var.shape[0]))
    if bad.size:
        raise _invalid(f"Index {indices[bad[0]]} at offset {bad[0]} in indices is out of range")


def _rounds(indices):
    """(rows, positions) groups applying `indices` in order: round k holds the k-th
    occurrence of each row, so rows within a round are distinct."""
    count = indices.shape[0]
    order = np.argsort(indices, kind="stable")
    ordered = indices[order]
    first = np.ones(count, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    if first.all():
        return [(indices, slice(None))]
    starts = np.maximum.accumulate(np.where(first, np.arange(count), 0))
    occurrence = np.empty(count, dtype=np.int64)
    occurrence[order] = np.arange(count) - starts
    positions = [np.flatnonzero(occurrence == k) for k in range(int(occurrence.max()) + 1)]
    return [(indices[p], p) for p in positions]


def _apply_sparse(update, names, arrays, grad, indices, scalars, options) -> None:
    if indices.shape[0] == 0:
        return
    for rows, positions in _rounds(indices):
        parts = [array[rows] for array in arrays]
        update(**dict(zip(names, parts)), grad=grad[positions], **scalars, **options)
        for array, part in zip(arrays, parts):
            array[rows] = part


class _Call:
    """One kernel call's inputs, split by kind."""

    def __init__(self, layout, inputs):
        self.states, self.state_positions, self.scalars = [], [], {}
        self.grad = self.indices = None
        for index, ((name, kind), value) in enumerate(zip(layout, inputs)):
            if kind in ("var", "slot"):
                self.states.append(value)
                self.state_positions.append(index)
            elif kind == "scalar":
                self.scalars[name] = value
            elif kind == "grad":
                self.grad = np.asarray(value)
            else:
                self.indices = np.asarray(value)


def _kernel(algorithm, layout, resource, sparse):
    name = op_type(algorithm, resource, sparse)
    names = [n for n, kind in layout if kind in ("var", "slot")]
    grad_name = next(n for n, kind in layout if kind == "grad")
    allowed = algorithm.sparse_dtypes if sparse and algorithm.sparse_dtypes else algorithm.dtypes
    option_names = [spec.split(":")[0] for spec in algorithm.attrs]

    def kernel(ctx, *inputs, T, use_locking=False, **attrs):
        _check_dtype(ctx, name, T, allowed)
        call = _Call(layout, inputs)
        options = {key: attrs[key] for key in option_names}
        if resource:
            buffers = [state.variable_state(ctx, h, name) for h in call.states]
        else:
            buffers = [_ref_state(ctx, b, i) for b, i in zip(call.states, call.state_positions)]
        if use_locking:
            with buffers[0].lock:
                _run(algorithm, names, grad_name, sparse, buffers, call, options)
        else:
            _run(algorithm, names, grad_name, sparse, buffers, call, options)
        return None if resource else call.states[0]

    return kernel


def _run(algorithm, names, grad_name, sparse, buffers, call, options) -> None:
    arrays = [buffer.storage() for buffer in buffers]
    _check_scalars(call.scalars)
    _check_slots(names, arrays)
    if sparse:
        _check_sparse(arrays[0], call.grad, call.indices)
        _apply_sparse(
            algorithm.update, names, arrays, call.grad, call.indices, call.scalars, options
        )
        return
    _check_dense(grad_name, arrays[0], call.grad)
    if algorithm.scratch:
        options = {**options, "scratch": buffers[0].scratch(2)}
    algorithm.update(**dict(zip(names, arrays)), grad=call.grad, **call.scalars, **options)


# ---------------------------------------------------------------------- registration


def _register(algorithm: Algorithm, resource: bool, sparse: bool) -> None:
    layout = input_layout(algorithm, sparse)
    attrs = ["T: numbertype"]
    if sparse:
        attrs.append("Tindices: {int32, int64}")
    attrs += ["use_locking: bool = false", *algorithm.attrs]
    name = op_type(algorithm, resource, sparse)
    register_op(
        name,
        inputs=_input_specs(layout, resource),
        outputs=[] if resource else ["out: Ref(T)"],
        attrs=attrs,
        shape=_shape_fn(layout, resource),
        kernel=_kernel(algorithm, layout, resource, sparse),
        stateful=True,
    )
    registry.not_differentiable(name, "an in-place optimizer update (TF has no gradient)")


for _algorithm in ALGORITHMS:
    for _resource in (False, True):
        for _sparse in (False, True) if _algorithm.sparse else (False,):
            _register(_algorithm, _resource, _sparse)
