"""Operation and Tensor: the nodes and edges of a Graph (`tf.Operation`, `tf.Tensor`).

Also the default-session stack, which `Tensor.eval` and `Operation.run` consult.
"""

from __future__ import annotations

import contextlib
import threading

from ndflow.framework import attr_value
from ndflow.framework import dtypes
from ndflow.framework import op_def as op_def_lib
from ndflow.framework import tensor_shape


class Tensor:
    """Mirrors `tf.Tensor` in graph mode: a symbolic handle to one output of an Operation."""

    # NumPy defers to Tensor's reflected operators (np.float32(2) * t builds a Mul).
    __array_priority__ = 100

    def __init__(self, op: Operation, value_index: int, dtype: dtypes.DType):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = tensor_shape.unknown_shape()
        self._consumers: list[Operation] = []
        self._name = f"{op.name}:{value_index}"

    @property
    def op(self) -> Operation:
        return self._op

    @property
    def graph(self):
        return self._op.graph

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def device(self) -> str:
        return self._op.device

    @property
    def shape(self) -> tensor_shape.TensorShape:
        return self._shape

    def get_shape(self) -> tensor_shape.TensorShape:
        return self._shape

    def set_shape(self, shape) -> None:
        """Mirrors `Tensor.set_shape`: refines the static shape (ValueError if incompatible)."""
        shape = tensor_shape.as_shape(shape)
        if not self._shape.is_compatible_with(shape):
            raise ValueError(
                f"Tensor's shape {self._shape} is not compatible with supplied shape {shape}."
            )
        self._shape = self._shape.merge_with(shape)

    @property
    def ndim(self):
        return self._shape.rank

    def consumers(self) -> list[Operation]:
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        """Mirrors `Tensor.eval`: runs this tensor in `session` or the default session."""
        session = _session_for_eval(session, self.graph, "evaluate tensor")
        return session.run(self, feed_dict)

    def _as_node_def_input(self) -> str:
        if self._value_index == 0:
            return self._op.name
        return self._name

    def _as_graph_element(self) -> Tensor:
        return self

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self._name}' shape={self._shape} dtype={self._dtype.name}>"

    def __str__(self) -> str:
        return f'Tensor("{self._name}", shape={self._shape}, dtype={self._dtype.name})'

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self):
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is "
            "not None:` instead of `if t:` to test if a tensor is defined, and "
            "use TensorFlow ops such as tf.cond to execute subgraphs conditioned "
            "on the value of a tensor."
        )

    def __iter__(self):
        shape = self._shape
        if shape.rank is None or shape.rank == 0 or shape[0].value is None:
            raise TypeError(
                "Tensor objects are only iterable when eager execution is enabled."
                " To iterate over this tensor use tf.map_fn."
            )
        return iter([self[i] for i in range(shape[0].value)])

    def __len__(self):
        raise TypeError(
            f"len is not well defined for symbolic Tensors. ({self._name}) Please "
            "call `x.shape` rather than `len(x)` for shape information."
        )

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(
            f"Cannot convert a symbolic Tensor ({self._name}) to a numpy array."
        )

    def __reduce__(self):
        raise TypeError("Tensor objects cannot be pickled; fetch their values with a Session.")

    @staticmethod
    def _override_operator(name: str, fn) -> None:
        """Installs a Python operator on Tensor (called by the math family, as in TF)."""
        setattr(Tensor, name, fn)


def _session_for_eval(session, graph, what):
    session = session or get_default_session()
    if session is None:
        raise ValueError(
            f"Cannot {what} using `eval()`: No default session is registered. "
            "Use `with sess.as_default()` or pass an explicit session to "
            "`eval(session=sess)`"
        )
    if session.graph is not graph:
        raise ValueError(
            f"Cannot use the given session to {what}: the tensor's graph is "
            "different from the session's graph."
        )
    return session


class Operation:
    """Mirrors `tf.Operation`: one node of the graph, with inputs, attrs and outputs."""

    def __init__(
        self,
        graph,
        name: str,
        definition: op_def_lib.OpDef,
        inputs,
        attrs,
        output_dtypes,
        control_inputs,
        device: str,
    ):
        self._graph = graph
        self._name = name
        self._op_def = definition
        self._inputs = list(inputs)
        self._attrs = attrs
        self._control_inputs = _dedupe(control_inputs)
        self._device = device
        self._outputs = [Tensor(self, i, dtype) for i, dtype in enumerate(output_dtypes)]
        self._control_outputs: list[Operation] = []
        self._id = -1
        self._original_op = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> str:
        return self._op_def.name

    @property
    def op_def(self) -> op_def_lib.OpDef:
        return self._op_def

    @property
    def graph(self):
        return self._graph

    @property
    def inputs(self) -> tuple:
        return tuple(self._inputs)

    @property
    def outputs(self) -> list:
        return list(self._outputs)

    @property
    def control_inputs(self) -> list:
        return list(self._control_inputs)

    @property
    def _control_outputs_list(self) -> list:
        return list(self._control_outputs)

    @property
    def device(self) -> str:
        return self._device

    @property
    def attrs(self) -> dict:
        """The native attr values, by name (read them; do not mutate)."""
        return self._attrs

    @property
    def traceback(self) -> list:
        return []

    def values(self) -> tuple:
        return tuple(self._outputs)

    def get_attr(self, name: str):
        """Mirrors `Operation.get_attr`: bytes for strings, protos for shapes and tensors."""
        if name not in self._attrs:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.")
        return attr_value.to_get_attr_value(self._attrs[name], self._attr_type(name))

    def _attr_type(self, name: str) -> str:
        declared = self._op_def.attr_map.get(name)
        if declared is not None:
            return declared.type
        return attr_value.infer_attr_type(self._attrs[name])

    def _set_attr(self, name: str, value) -> None:
        self._graph._check_mutable(self)
        self._attrs[name] = value

    def colocation_groups(self) -> list:
        groups = [
            c.encode() if isinstance(c, str) else c
            for c in self._attrs.get("_class", [])
            if (c if isinstance(c, str) else c.decode()).startswith("loc:@")
        ]
        return groups or [f"loc:@{self._name}".encode()]

    @property
    def node_def(self):
        """The NodeDef proto of this op, as it appears in `Graph.as_graph_def()`."""
        from ndflow.proto import node_def_pb2

        node = node_def_pb2.NodeDef(name=self._name, op=self.type, device=self._device)
        node.input.extend(t._as_node_def_input() for t in self._inputs)
        # TF's GraphDef lists control inputs sorted by name (Graph::ToGraphDef).
        node.input.extend(sorted("^" + op.name for op in self._control_inputs))
        for key in sorted(self._attrs):
            node.attr[key].CopyFrom(attr_value.to_proto(self._attrs[key], self._attr_type(key)))
        return node

    def run(self, feed_dict=None, session=None) -> None:
        """Mirrors `Operation.run`: runs this op in `session` or the default session."""
        session = _session_for_eval(session, self._graph, "execute operation")
        session.run(self, feed_dict)

    def _add_control_input(self, op: Operation) -> None:
        self._add_control_inputs([op])

    def _add_control_inputs(self, ops) -> None:
        self._graph._check_mutable(self)
        for op in ops:
            if op not in self._control_inputs:
                self._control_inputs.append(op)
                op._control_outputs.append(self)

    def _update_input(self, index: int, tensor: Tensor) -> None:
        self._graph._check_mutable(self)
        old = self._inputs[index]
        old._consumers.remove(self)
        self._inputs[index] = tensor
        tensor._consumers.append(self)

    def _as_graph_element(self) -> Operation:
        return self

    def __repr__(self) -> str:
        return f"<tf.Operation '{self._name}' type={self.type}>"

    def __str__(self) -> str:
        return str(self.node_def)

    def __hash__(self) -> int:
        return id(self)


def _dedupe(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


class _DefaultStack(threading.local):
    """A per-thread stack of defaults (graphs or sessions) entered with `with`."""

    def __init__(self):
        super().__init__()
        self.stack: list = []

    @contextlib.contextmanager
    def get_controller(self, default):
        self.stack.append(default)
        try:
            yield default
        finally:
            if self.stack and self.stack[-1] is default:
                self.stack.pop()
            elif default in self.stack:
                self.stack.remove(default)

    def get_default(self):
        return self.stack[-1] if self.stack else None


_default_session_stack = _DefaultStack()


def get_default_session():
    """Mirrors `tf.get_default_session`: the innermost `with sess.as_default()` session."""
    return _default_session_stack.get_default()


def default_session(session):
    """A context manager making `session` the default (used by `Session.as_default`)."""
    return _default_session_stack.get_controller(session)
