"""State ops: reference variables (VariableV2, Assign, AssignAdd, AssignSub,
IsVariableInitialized) and `tf.Variable` built on them.

A variable's value lives in the Session's resource manager as a `RefBuffer`. The VariableV2
kernel outputs that buffer; ops with a `Ref(T)` input (Assign...) update it, and every other
consumer reads it (the plan dereferences at compile-time-known inputs).
"""

from __future__ import annotations

import threading

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import math

apply_op = op_builder.apply_op
register_op = registry.register_op
GraphKeys = graph_lib.GraphKeys


class RefBuffer:
    """A reference variable's storage in a Session: TF's ref-typed tensor buffer."""

    def __init__(self, name: str, dtype: dtypes.DType):
        self.name = name
        self.dtype = dtype
        self.lock = threading.Lock()
        self._value = None

    @property
    def initialized(self) -> bool:
        return self._value is not None

    def read(self):
        """The current value, as a read-only view (fetching it copies)."""
        value = self._value
        if value is None:
            raise errors.FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {self.name}"
            )
        if value.__class__ is not np.ndarray:
            return value
        view = value.view()
        view.flags.writeable = False
        return view

    def storage(self):
        """The writable array itself, for in-place update kernels (Apply*, Scatter*)."""
        if self._value is None:
            raise errors.FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {self.name}"
            )
        return self._value

    def assign(self, value) -> None:
        self._value = value


def _variable_key(ctx, container, shared_name):
    return container, shared_name or ctx.node.name


# ---------------------------------------------------------------------- VariableV2


def _variable_shape(op):
    return [op.attrs["shape"]]


def _variable_kernel(ctx, shape, dtype, container, shared_name):
    container, name = _variable_key(ctx, container, shared_name)
    return ctx.resources.lookup_or_create(container, name, lambda: RefBuffer(name, dtype))


register_op(
    "VariableV2",
    outputs=["ref: Ref(dtype)"],
    attrs=["shape: shape", "dtype: type", "container: string = ''", "shared_name: string = ''"],
    shape=_variable_shape,
    kernel=_variable_kernel,
    stateful=True,
)


def variable_op_v2(shape, dtype, name="Variable", container="", shared_name=""):
    """Builds a VariableV2 op (TF's `state_ops.variable_op_v2`)."""
    return apply_op(
        "VariableV2",
        shape=tensor_shape.as_shape(shape),
        dtype=dtype,
        name=name,
        container=container,
        shared_name=shared_name,
    )


# ---------------------------------------------------------------------- Assign family


def _assign_shape(op):
    ref, value = op.inputs[0].shape, op.inputs[1].shape
    if not op.attrs.get("validate_shape", True):
        return [value]
    try:
        return [shape_errors.merge_shapes(ref, value)]
    except shape_errors.ShapeError:
        raise shape_errors.ShapeError(
            f"Shapes must be equal rank, but are {ref.rank} and {value.rank}"
            if ref.rank != value.rank
            else f"Dimension mismatch: {ref} vs {value}"
        ) from None


def _assign_kernel(ctx, ref, value, validate_shape):
    current = ref._value
    if validate_shape and current is not None and np.shape(current) != np.shape(value):
        raise errors.InvalidArgumentError(
            None,
            None,
            "Assign requires shapes of both tensors to match. lhs shape= "
            f"{_dims(np.shape(current))} rhs shape= {_dims(np.shape(value))}",
        )
    ref.assign(np.array(value, dtype=ref.dtype.as_numpy_dtype, copy=True))
    return ref


def _dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


register_op(
    "Assign",
    inputs=["ref: Ref(T)", "value: T"],
    outputs=["output_ref: Ref(T)"],
    attrs=["T: type", "validate_shape: bool = true", "use_locking: bool = true"],
    shape=_assign_shape,
    kernel=_assign_kernel,
    allows_uninitialized_input=True,
)


def _update_kernel(ufunc, op_type):
    def kernel(ctx, ref, value):
        current = ref.read()
        if np.shape(current) != np.shape(value):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Must have the same shape. {op_type} lhs shape= "
                f"{_dims(np.shape(current))} rhs shape= {_dims(np.shape(value))}",
            )
        ref.assign(np.asarray(ufunc(current, value), dtype=ref.dtype.as_numpy_dtype))
        return ref

    return kernel


def _update_shape(op):
    return [shape_errors.merge_shapes(op.inputs[0].shape, op.inputs[1].shape)]


for _op_type, _ufunc in (("AssignAdd", np.add), ("AssignSub", np.subtract)):
    register_op(
        _op_type,
        inputs=["ref: Ref(T)", "value: T"],
        outputs=["output_ref: Ref(T)"],
        attrs=["T: numbertype", "use_locking: bool = false"],
        shape=_update_shape,
        kernel=_update_kernel(_ufunc, _op_type),
    )


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Mirrors `tf.compat.v1.assign`: stores `value` in variable `ref`; returns the ref."""
    if isinstance(ref, Variable):
        return ref.assign(value, use_locking=use_locking, name=name)
    attrs = {
        "use_locking": True if use_locking is None else use_locking,
        "validate_shape": True if validate_shape is None else validate_shape,
    }
    return apply_op("Assign", ref, value, name=name or "Assign", **attrs)


def assign_add(ref, value, use_locking=None, name=None):
    """Mirrors `tf.compat.v1.assign_add`."""
    ref = ref._ref() if isinstance(ref, Variable) else ref
    return apply_op(
        "AssignAdd", ref, value, use_locking=bool(use_locking), name=name or "AssignAdd"
    )


def assign_sub(ref, value, use_locking=None, name=None):
    """Mirrors `tf.compat.v1.assign_sub`."""
    ref = ref._ref() if isinstance(ref, Variable) else ref
    return apply_op(
        "AssignSub", ref, value, use_locking=bool(use_locking), name=name or "AssignSub"
    )


# ---------------------------------------------------------------------- IsVariableInitialized


def _is_initialized_kernel(ctx, ref):
    return np.asarray(ref.initialized)


register_op(
    "IsVariableInitialized",
    inputs=["ref: Ref(dtype)"],
    outputs=["is_initialized: bool"],
    attrs=["dtype: type"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_is_initialized_kernel,
    allows_uninitialized_input=True,
)
registry.not_differentiable("IsVariableInitialized")
registry.not_differentiable("VariableV2", "a variable has no inputs")


def is_variable_initialized(variable):
    """Mirrors `tf.compat.v1.is_variable_initialized`."""
    ref = variable._ref() if isinstance(variable, Variable) else variable
    return apply_op("IsVariableInitialized", ref, name="IsVariableInitialized")


# ---------------------------------------------------------------------- tf.Variable


class Variable:
    """Mirrors TF1's `tf.Variable` (a RefVariable: VariableV2 + Assign + read Identity).

    >>> w = Variable(0.3, name="W")
    >>> w.initializer  # the Assign op that sets its initial value
    """

    def __init__(
        self,
        initial_value=None,
        trainable=None,
        collections=None,
        validate_shape=True,
        caching_device=None,
        name=None,
        variable_def=None,
        dtype=None,
        expected_shape=None,
        import_scope=None,
        constraint=None,
        use_resource=None,
        synchronization=None,
        aggregation=None,
        shape=None,
    ):
        del caching_device, expected_shape, synchronization, aggregation
        if use_resource:
            raise ValueError(
                "use_resource=True is not supported yet: ndflow builds ref "
                "variables (VariableV2), as TF1 does by default."
            )
        if variable_def is not None:
            self._init_from_proto(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        self._trainable = True if trainable is None else bool(trainable)
        self._constraint = constraint
        self._save_slice_info = None
        self._build(initial_value, dtype, name, validate_shape, shape)
        collections = [GraphKeys.GLOBAL_VARIABLES] if collections is None else list(collections)
        if self._trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        self._variable.graph.add_to_collections(collections, self)

    def _build(self, initial_value, dtype, name, validate_shape, shape):
        from_fn = callable(initial_value)
        values = [] if from_fn else [initial_value]
        with graph_lib.name_scope(name, "Variable", values) as scope:
            graph = graph_lib.get_default_graph()
            true_name = scope[:-1]
            if from_fn:
                with graph._attr_scope({"_class": [f"loc:@{true_name}"]}):
                    with graph.name_scope("Initializer"), graph.device(None):
                        value = op_builder.convert_to_tensor(
                            initial_value(), dtype=dtype, name="initial_value"
                        )
                    self._variable = variable_op_v2(
                        _variable_shape_for(value, validate_shape, shape),
                        value.dtype.base_dtype,
                        name=scope,
                    )
            else:
                value = op_builder.convert_to_tensor(
                    initial_value, dtype=dtype, name="initial_value"
                )
                self._variable = variable_op_v2(
                    _variable_shape_for(value, validate_shape, shape),
                    value.dtype.base_dtype,
                    name=scope,
                )
            self._initial_value = value
            with graph.colocate_with(self._variable.op):
                self._initializer_op = apply_op(
                    "Assign",
                    self._variable,
                    value,
                    validate_shape=validate_shape,
                    use_locking=True,
                    name="Assign",
                ).op
            with graph.colocate_with(self._variable.op):
                self._snapshot = apply_op("Identity", self._variable, name="read")

    def _init_from_proto(self, variable_def, import_scope):
        graph = graph_lib.get_default_graph()

        def scoped(name):
            return f"{import_scope}/{name}" if import_scope else name

        self._variable = graph.as_graph_element(scoped(variable_def.variable_name))
        self._initializer_op = graph.as_graph_element(scoped(variable_def.initializer_name))
        self._snapshot = graph.as_graph_element(scoped(variable_def.snapshot_name))
        initial = variable_def.initial_value_name
        self._initial_value = graph.as_graph_element(scoped(initial)) if initial else None
        self._trainable = variable_def.trainable
        self._constraint = None
        self._save_slice_info = None

    # -- identity ------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self):
        return self._variable.op

    @property
    def graph(self):
        return self._variable.graph

    @property
    def device(self) -> str:
        return self._variable.device

    @property
    def dtype(self) -> dtypes.DType:
        return self._variable.dtype

    @property
    def shape(self) -> tensor_shape.TensorShape:
        return self._variable.shape

    def get_shape(self) -> tensor_shape.TensorShape:
        return self._variable.shape

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def initializer(self):
        return self._initializer_op

    @property
    def initial_value(self):
        return self._initial_value

    def _ref(self):
        return self._variable

    def _as_graph_element(self):
        return self._variable

    # -- reading -------------------------------------------------------------------

    def value(self):
        """The snapshot `<name>/read` created with the variable."""
        return self._snapshot

    def read_value(self):
        """A new Identity reading the variable."""
        return apply_op("Identity", self._variable, name="read")

    def eval(self, session=None):
        """Mirrors `Variable.eval`: the current value in `session` or the default session."""
        return self._variable.eval(session=session)

    def load(self, value, session=None):
        """Mirrors `Variable.load`: assigns `value` by running the initializer with a feed."""
        session = session or graph_lib.get_default_session()
        if session is None:
            raise ValueError(
                "Either session argument should be provided or default session "
                "should be established"
            )
        session.run(self._initializer_op, {self._initializer_op.inputs[1]: value})

    # -- writing -------------------------------------------------------------------

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Mirrors `Variable.assign`."""
        result = apply_op(
            "Assign",
            self._variable,
            value,
            use_locking=bool(use_locking),
            validate_shape=True,
            name=name or "Assign",
        )
        return result if read_value else result.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """Mirrors `Variable.assign_add`."""
        result = assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return result if read_value else result.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """Mirrors `Variable.assign_sub`."""
        result = assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return result if read_value else result.op

    # -- serialization ---------------------------------------------------------------

    def to_proto(self, export_scope=None):
        """Mirrors `Variable.to_proto`: a VariableDef naming this variable's ops."""
        from ndflow.proto import variable_pb2

        def strip(name):
            if export_scope and name.startswith(export_scope + "/"):
                return name[len(export_scope) + 1 :]
            return name

        proto = variable_pb2.VariableDef(
            variable_name=strip(self._variable.name),
            initializer_name=strip(self._initializer_op.name),
            snapshot_name=strip(self._snapshot.name),
            trainable=self._trainable,
            is_resource=False,
        )
        if self._initial_value is not None:
            proto.initial_value_name = strip(self._initial_value.name)
        return proto

    @staticmethod
    def from_proto(variable_def, import_scope=None):
        """Mirrors `Variable.from_proto`."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    def _get_save_slice_info(self):
        return self._save_slice_info

    def _set_save_slice_info(self, save_slice_info):
        self._save_slice_info = save_slice_info

    def __repr__(self) -> str:
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self):
        raise TypeError("'Variable' object is not iterable.")

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(
            f"Cannot convert a symbolic Variable ({self.name}) to a numpy array."
        )


VariableV1 = Variable
RefVariable = Variable


def _variable_shape_for(value, validate_shape, shape):
    if shape is not None:
        return tensor_shape.as_shape(shape)
    if not validate_shape:
        return tensor_shape.unknown_shape()
    if not value.shape.is_fully_defined():
        raise ValueError(f"initial_value must have a shape specified: {value}")
    return value.shape


def _variable_to_tensor(value, dtype=None, name=None, as_ref=False):
    if dtype is not None and not dtype.is_compatible_with(value.dtype):
        raise ValueError(
            f"Incompatible type conversion requested to type '{dtype.name}' for "
            f"variable of type '{value.dtype.name}'"
        )
    return value._ref() if as_ref else value.value()


op_builder.register_tensor_conversion_function(Variable, _variable_to_tensor)


def _install_variable_operators():
    """Variables take part in Python operators like their value, as in TF."""
    names = [
        name
        for name, member in vars(graph_lib.Tensor).items()
        if name.startswith("__") and callable(member) and name in _OPERATOR_NAMES
    ]
    for name in names:
        setattr(Variable, name, _delegating_operator(name))


_OPERATOR_NAMES = frozenset(
    [
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__floordiv__",
        "__rfloordiv__",
        "__mod__",
        "__rmod__",
        "__pow__",
        "__rpow__",
        "__matmul__",
        "__rmatmul__",
        "__neg__",
        "__abs__",
        "__invert__",
        "__and__",
        "__rand__",
        "__or__",
        "__ror__",
        "__xor__",
        "__rxor__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__getitem__",
    ]
)


def _delegating_operator(name):
    def operator(self, *args):
        return getattr(graph_lib.Tensor, name)(self.value(), *args)

    operator.__name__ = name
    return operator


_install_variable_operators()


# ---------------------------------------------------------------------- collections, init


def global_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.global_variables`."""
    return graph_lib.get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables() -> list:
    """Mirrors the deprecated `tf.compat.v1.all_variables`."""
    return global_variables()


def trainable_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.trainable_variables`."""
    return graph_lib.get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.local_variables`."""
    return graph_lib.get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.model_variables`."""
    return graph_lib.get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.moving_average_variables`."""
    return graph_lib.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def group(*inputs, name=None):
    """Mirrors `tf.group`: an op that runs all `inputs` (a NoOp with control inputs)."""
    ops = [graph_lib.get_default_graph().as_graph_element(x) for x in _flatten(inputs)]
    ops = [x.op if isinstance(x, graph_lib.Tensor) else x for x in ops]
    with graph_lib.name_scope(name, "group_deps", ops) as scope:
        with graph_lib.control_dependencies(ops):
            return array.no_op(name=scope)


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        elif isinstance(item, Variable):
            yield item.initializer
        else:
            yield item


def variables_initializer(var_list, name="init"):
    """Mirrors `tf.compat.v1.variables_initializer`."""
    if not var_list:
        return array.no_op(name=name)
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    """Mirrors `tf.compat.v1.global_variables_initializer`."""
    return variables_initializer(global_variables())


def local_variables_initializer():
    """Mirrors `tf.compat.v1.local_variables_initializer`."""
    return variables_initializer(local_variables())


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """Mirrors `tf.compat.v1.report_uninitialized_variables`: names of the uninitialized
    variables as a 1-D string tensor."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    with graph_lib.name_scope(name) as scope:
        if not var_list:
            return array.constant([], dtype=dtypes.string, name=scope)
        initialized = array.stack([is_variable_initialized(v) for v in var_list])
        names = array.constant([v.op.name for v in var_list])
        return array.boolean_mask(names, math.logical_not(initialized), name=scope)


def assert_variables_initialized(var_list=None):
    """Mirrors `tf.compat.v1.assert_variables_initialized`: true iff all are initialized."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    if not var_list:
        return None
    with graph_lib.name_scope("assert_variables_initialized"):
        checks = array.stack([is_variable_initialized(v) for v in var_list])
        return math.reduce_all(checks)
