"""Reverse-mode autodiff on graphs: `tf.gradients`.

The walk is TensorFlow's: find the ops between `xs` and `ys` (forward through
backpropagatable tensors, backward from `ys`), count for each op how many consumers still
owe it a gradient, then visit ops whose consumers are all done, summing the gradients that
fan in to each output and calling the op's registered gradient, which builds ordinary ops
(so gradients of gradients work and the result is a valid TensorFlow GraphDef).
"""

from __future__ import annotations

import collections
import enum

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import control_flow

apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor
IndexedSlices = indexed_slices.IndexedSlices

_TRAINABLE = frozenset(
    [
        dtypes.float16,
        dtypes.bfloat16,
        dtypes.float32,
        dtypes.float64,
        dtypes.complex64,
        dtypes.complex128,
        dtypes.resource,
        dtypes.variant,
    ]
)


class AggregationMethod:
    """Mirrors `tf.AggregationMethod`: how gradients fanning in to one tensor are summed."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


class UnconnectedGradients(enum.Enum):
    """Mirrors `tf.UnconnectedGradients`: what an unconnected x gets, None or zeros."""

    NONE = "none"
    ZERO = "zero"


def is_trainable(tensor) -> bool:
    """Whether gradients flow through `tensor` (TF's `IsTrainable`)."""
    return tensor.dtype.base_dtype in _TRAINABLE


def gradients(
    ys,
    xs,
    grad_ys=None,
    name="gradients",
    colocate_gradients_with_ops=False,
    gate_gradients=False,
    aggregation_method=None,
    stop_gradients=None,
    unconnected_gradients=UnconnectedGradients.NONE,
):
    """Mirrors `tf.gradients`: the sum over `ys` of d(y)/d(x) for each x in `xs`.

    Args:
      ys: a Tensor or list of Tensors to differentiate.
      xs: a Tensor, Variable or list of them.
      grad_ys: optional gradients for `ys` (ones when None).
      name: the scope for the gradient ops.
      colocate_gradients_with_ops: place each gradient op with its forward op.
      gate_gradients: wait for all of an op's input gradients before using any.
      aggregation_method: an AggregationMethod value.
      stop_gradients: tensors to treat as constants.
      unconnected_gradients: "none" (None) or "zero" for xs that ys do not depend on.

    Returns:
      A list with one gradient (Tensor, IndexedSlices or None) per x.

    Raises:
      LookupError: an op on the path has no registered gradient.
      ValueError: bad arguments (mismatched grad_ys, unknown aggregation method).

    >>> dx, = gradients(x * x, [x])
    """
    ys = _as_list(ys)
    xs = [_as_gradient_source(x) for x in _as_list(xs)]
    grad_ys = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    stop_gradients = [] if stop_gradients is None else _as_list(stop_gradients)
    unconnected = UnconnectedGradients(unconnected_gradients)
    _check_aggregation(aggregation_method)
    values = list(ys) + list(xs) + list(stop_gradients) + [g for g in grad_ys if g is not None]
    with graph_lib.name_scope(name, "gradients", values):
        ys = [op_builder.convert_to_tensor(y, name="y") for y in ys]
        grad_ys = _default_grad_ys(grad_ys, ys, colocate_gradients_with_ops)
        walk = _Walk(ys, xs, stop_gradients, colocate_gradients_with_ops, gate_gradients)
        for y, grad_y in zip(ys, grad_ys):
            walk.add_grad(y, grad_y)
        walk.run()
        return [walk.result(x, unconnected) for x in xs]


def _as_list(value):
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _as_gradient_source(x):
    handle = getattr(x, "handle", None)
    if handle is not None and getattr(x, "_is_resource_variable", False):
        return handle
    if hasattr(x, "_ref") and not isinstance(x, Tensor):
        return x._ref()
    return op_builder.convert_to_tensor(x, as_ref=True)


def _check_aggregation(method):
    valid = (
        AggregationMethod.ADD_N,
        AggregationMethod.EXPERIMENTAL_TREE,
        AggregationMethod.EXPERIMENTAL_ACCUMULATE_N,
    )
    if method is not None and method not in valid:
        raise ValueError(
            f"Invalid `aggregation_method` specified {method}. Accepted values are {list(valid)}."
        )


def _default_grad_ys(grad_ys, ys, colocate):
    result = []
    for index, (y, grad_y) in enumerate(zip(ys, grad_ys)):
        with _maybe_colocate(y.op, colocate):
            result.append(_one_grad_y(index, y, grad_y))
    return result


def _one_grad_y(index, y, grad_y):
    if grad_y is None:
        if y.dtype.is_complex:
            raise TypeError(
                f"Gradients of complex tensors ({y}) must set grad_ys (y.dtype = {y.dtype.name})"
            )
        shape = apply_op("Shape", y, out_type=dtypes.int32)
        one = op_builder.constant(1, dtype=y.dtype.base_dtype)
        return apply_op("Fill", shape, one, name=f"grad_ys_{index}")
    if isinstance(grad_y, IndexedSlices):
        return IndexedSlices(
            apply_op("Identity", grad_y.values, name=f"grad_ys_{index}_values"),
            apply_op("Identity", grad_y.indices, name=f"grad_ys_{index}_indices"),
            grad_y.dense_shape,
        )
    grad_y = op_builder.convert_to_tensor(grad_y)
    # A resource's gradient is its value's gradient (a variable handle gets a float).
    if y.dtype.base_dtype != dtypes.resource and grad_y.dtype.base_dtype != y.dtype.base_dtype:
        raise TypeError(
            f"Type of grad_y {index} ({grad_y.dtype.name}) does not match type "
            f"of y ({y.dtype.name}) for y {y.name}"
        )
    return apply_op("Identity", grad_y, name=f"grad_ys_{index}")


def _maybe_colocate(op, colocate):
    if colocate:
        return op.graph.colocate_with(op)
    return _NULL_CONTEXT


class _NullContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


_NULL_CONTEXT = _NullContext()


class _Boundaries:
    """Function-graph captures crossed by a gradient computed inside a function body: a
    capture placeholder's "input" is the outer tensor it stands for (TF's func_graphs)."""

    def __init__(self):
        self.external_of: dict[int, Tensor] = {}
        self.internal_of: dict[int, list] = {}
        graph = graph_lib.get_default_graph()
        while graph is not None and graph.building_function:
            for outer, inner in getattr(graph, "captures", []):
                self.external_of[id(inner.op)] = outer
                self.internal_of.setdefault(id(outer), []).append(inner)
            graph = graph.outer_graph

    def inputs(self, op) -> list:
        outer = self.external_of.get(id(op))
        return [outer] if outer is not None else op._inputs

    def consumers(self, tensor) -> list:
        result = list(tensor._consumers)
        for inner in self.internal_of.get(id(tensor), ()):
            result.append(inner.op)
        return result


class _Walk:
    """One `tf.gradients` call: the ops between xs and ys and the gradients collected."""

    def __init__(self, ys, xs, stop_gradients, colocate, gate):
        self.ys = ys
        self.xs = xs
        self.colocate = colocate
        self.gate = gate
        self.grads: dict[int, list] = {}
        self.tensors: dict[int, Tensor] = {}
        self.boundaries = _Boundaries()
        self.between, self.pending = _between_ops(ys, xs, self.boundaries)
        self.stop_ops = _stop_ops(xs, stop_gradients, self.pending, self.boundaries)

    def add_grad(self, tensor, grad) -> None:
        self.tensors[id(tensor)] = tensor
        self.grads.setdefault(id(tensor), []).append(grad)

    def run(self) -> None:
        queue = collections.deque()
        seen = set()
        for y in self.ys:
            op = y.op
            if self.pending.get(id(op), 0) == 0 and id(op) in self.between and id(op) not in seen:
                seen.add(id(op))
                queue.append(op)
        while queue:
            op = queue.popleft()
            with _maybe_colocate(op, self.colocate):
                self._backprop(op)
            for tensor in self.boundaries.inputs(op):
                producer = tensor.op
                if id(producer) not in self.between:
                    continue
                self.pending[id(producer)] -= 1
                if self.pending[id(producer)] == 0:
                    queue.append(producer)

    def _aggregated(self, tensor):
        """The summed gradient of `tensor`, computed once (an AddN built at most once)."""
        grads = self.grads.get(id(tensor), [])
        if len(grads) <= 1:
            return grads[0] if grads else None
        total = _aggregate(grads)
        self.grads[id(tensor)] = [total]
        return total

    def _backprop(self, op) -> None:
        if id(op) in self.stop_ops:
            return
        out_grads = [self._aggregated(t) for t in op._outputs]
        if not any(g is not None for g in out_grads):
            return
        outer = self.boundaries.external_of.get(id(op))
        if outer is not None:
            self.add_grad(outer, out_grads[0])
            return
        grad_fn = _gradient_function(op)
        if grad_fn is None:
            return
        out_grads = _zeros_for_missing(op, out_grads)
        with graph_lib.name_scope(op.name + "_grad"):
            in_grads = _as_list(grad_fn(op, *out_grads))
            _verify(op, in_grads)
            if self.gate and sum(g is not None for g in in_grads) > 1:
                in_grads = _gate(in_grads)
        for tensor, grad in zip(op._inputs, in_grads):
            if grad is None:
                continue
            if isinstance(grad, Tensor) and tensor.dtype.base_dtype != dtypes.resource:
                grad.set_shape(tensor.shape)
            self.add_grad(tensor, grad)

    def result(self, x, unconnected):
        total = self._aggregated(x)
        if total is not None:
            return total
        if unconnected is UnconnectedGradients.ZERO:
            return apply_op("ZerosLike", x)
        return None


def _zeros_for_missing(op, out_grads):
    """TF's rule: outputs nobody differentiated get zero gradients (float outputs only)."""
    filled = []
    for tensor, grad in zip(op._outputs, out_grads):
        if (
            grad is None
            and is_trainable(tensor)
            and tensor.dtype.base_dtype not in (dtypes.resource, dtypes.variant)
        ):
            grad = apply_op("ZerosLike", tensor)
        filled.append(grad)
    return filled


def _gradient_function(op):
    override = op.graph._gradient_override_map.get(op.type, op.type)
    grad_fn = registry.gradient_function(override)
    if grad_fn is not None:
        return grad_fn
    if registry.is_not_differentiable(op.type):
        return None
    raise LookupError(
        f"No gradient defined for operation'{op.name}' (op type: {op.type}). "
        "In general every operation must have an associated "
        "`@tf.RegisterGradient` for correct autodiff, which this op is "
        "lacking. If you want to pretend this operation is a constant in your "
        "program, you may insert `tf.stop_gradient`."
    )


def _between_ops(ys, xs, boundaries):
    """The ops on a backpropagatable path from xs to ys, and each one's pending count."""
    reached = set()
    stack = [x.op for x in xs]
    while stack:
        op = stack.pop()
        if id(op) in reached:
            continue
        reached.add(id(op))
        for output in op._outputs:
            if is_trainable(output):
                stack.extend(boundaries.consumers(output))
    between: dict[int, object] = {}
    queue = collections.deque(y.op for y in ys)
    while queue:
        op = queue.popleft()
        if id(op) in reached and id(op) not in between:
            between[id(op)] = op
            queue.extend(t.op for t in boundaries.inputs(op))
    pending: dict[int, int] = collections.defaultdict(int)
    for op in between.values():
        for tensor in boundaries.inputs(op):
            if id(tensor.op) in between:
                pending[id(tensor.op)] += 1
    return between, pending


def _stop_ops(xs, stop_gradients, pending, boundaries):
    """xs ops none of whose inputs are on the path, plus the explicit stop_gradients ops."""
    stop = set()
    for x in xs:
        op = x.op
        if all(pending.get(id(t.op), 0) == 0 for t in boundaries.inputs(op)):
            stop.add(id(op))
    stop.update(id(op_builder.convert_to_tensor(t).op) for t in stop_gradients)
    return stop


def _verify(op, in_grads):
    if len(in_grads) != len(op._inputs):
        raise ValueError(
            f"Num gradients {len(in_grads)} generated for op {op.node_def} do "
            f"not match num inputs {len(op._inputs)}"
        )


def _gate(in_grads):
    ops = [g.op if isinstance(g, Tensor) else g.values.op for g in in_grads if g is not None]
    with graph_lib.control_dependencies(ops):
        return [None if g is None else _gated(g) for g in in_grads]


def _gated(grad):
    if isinstance(grad, IndexedSlices):
        return IndexedSlices(apply_op("Identity", grad.values), grad.indices, grad.dense_shape)
    return apply_op("Identity", grad)


def _aggregate(grads):
    """Sums the gradients that fan in to one output: AddN, or a concatenated IndexedSlices."""
    grads = [g for g in grads if g is not None]
    if not grads:
        return None
    if len(grads) == 1:
        return grads[0]
    if all(isinstance(g, Tensor) for g in grads):
        return apply_op("AddN", grads)
    if any(isinstance(g, Tensor) for g in grads):
        dense = [op_builder.convert_to_tensor(g) for g in grads]
        return apply_op("AddN", dense)
    return _concat_slices(grads)


def _concat_slices(grads):
    values = apply_op("ConcatV2", [g.values for g in grads], 0)
    indices = [g.indices for g in grads]
    # TF's _AsIndexedSlicesList: mixed int32/int64 indices are all widened to int64.
    if any(i.dtype == dtypes.int64 for i in indices):
        indices = [
            i if i.dtype == dtypes.int64 else apply_op("Cast", i, DstT=dtypes.int64)
            for i in indices
        ]
    indices = apply_op("ConcatV2", indices, 0)
    return IndexedSlices(values, indices, grads[0].dense_shape)


def hessians(
    ys,
    xs,
    name="hessians",
    colocate_gradients_with_ops=False,
    gate_gradients=False,
    aggregation_method=None,
):
    """Mirrors `tf.hessians`: for each x, the matrix of second derivatives of sum(ys),
    shaped x.shape + x.shape (a while loop over the gradient's elements, as TF builds it)."""
    xs = _as_list(xs)
    kwargs = {
        "colocate_gradients_with_ops": colocate_gradients_with_ops,
        "gate_gradients": gate_gradients,
        "aggregation_method": aggregation_method,
    }
    with graph_lib.name_scope(name, "hessians", xs):
        first = gradients(ys, xs, **kwargs)
        return [_hessian(g, x, kwargs) for g, x in zip(first, xs)]


def _hessian(gradient, x, kwargs):
    x = op_builder.convert_to_tensor(x)
    if gradient is None:
        return None
    flat = apply_op("Reshape", op_builder.convert_to_tensor(gradient), op_builder.constant([-1]))
    count = apply_op("Size", x, out_type=dtypes.int32)
    result = control_flow.TensorArray(x.dtype.base_dtype, size=count)

    def body(j, accumulated):
        row = gradients(flat[j], [x], **kwargs)[0]
        row = apply_op("ZerosLike", x) if row is None else row
        return j + 1, accumulated.write(j, row)

    _, done = control_flow.while_loop(
        lambda j, _: j < count, body, [op_builder.constant(0), result]
    )
    shape = apply_op("Shape", x, out_type=dtypes.int32)
    return apply_op("Reshape", done.stack(), apply_op("ConcatV2", [shape, shape], 0))
