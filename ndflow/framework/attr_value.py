"""Op attrs: native Python values <-> TensorFlow's AttrValue protos.

Inside ndflow an attr is a native value: str, int, float, bool, DType, TensorShape, ndarray
(for `tensor` attrs), FuncAttr (for `func` attrs) or a list of those.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import op_def as op_def_lib
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

_SCALAR_FIELDS = {
    "string": "s",
    "int": "i",
    "float": "f",
    "bool": "b",
    "type": "type",
    "shape": "shape",
    "tensor": "tensor",
    "func": "func",
}
_FIELD_TYPES = {field: kind for kind, field in _SCALAR_FIELDS.items()}


class FuncAttr:
    """A `func` attr: a function name plus attrs to instantiate it with (NameAttrList)."""

    __slots__ = ("name", "attr")

    def __init__(self, name: str, attr: dict | None = None):
        self.name = name
        self.attr = dict(attr or {})

    def __eq__(self, other) -> bool:
        return isinstance(other, FuncAttr) and (self.name, self.attr) == (other.name, other.attr)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"FuncAttr({self.name!r})"


# Python types of native attr values and their attr types, checked in order (bool before int).
_NATIVE_TYPES = (
    ((str, bytes), "string"),
    ((bool, np.bool_), "bool"),
    ((int, np.integer), "int"),
    ((float, np.floating), "float"),
    ((dtypes.DType,), "type"),
    ((tensor_shape.TensorShape,), "shape"),
    ((np.ndarray,), "tensor"),
    ((FuncAttr,), "func"),
)


def infer_attr_type(value) -> str:
    """The attr type of a native value whose OpDef does not declare it (e.g. `_class`)."""
    if isinstance(value, (list, tuple)):
        if not value:
            return "list(string)"
        return f"list({infer_attr_type(value[0])})"
    for python_types, attr_type in _NATIVE_TYPES:
        if isinstance(value, python_types):
            return attr_type
    raise TypeError(f"Cannot infer an attr type for {value!r}")


def to_proto(value, attr_type: str | None = None):
    """An AttrValue proto for a native value of the given attr type."""
    from ndflow.proto import attr_value_pb2

    attr_type = attr_type or infer_attr_type(value)
    proto = attr_value_pb2.AttrValue()
    if attr_type.startswith("list("):
        element = attr_type[5:-1]
        proto.list.SetInParent()
        field = getattr(proto.list, _SCALAR_FIELDS[element])
        for item in value:
            _append(field, element, item)
        return proto
    _set_scalar(proto, attr_type, value)
    return proto


def _set_scalar(proto, attr_type, value):
    if attr_type == "string":
        proto.s = value if isinstance(value, bytes) else str(value).encode("utf-8")
    elif attr_type == "int":
        proto.i = int(value)
    elif attr_type == "float":
        proto.f = float(value)
    elif attr_type == "bool":
        proto.b = bool(value)
    elif attr_type == "type":
        proto.type = dtypes.as_dtype(value).as_datatype_enum
    elif attr_type == "shape":
        proto.shape.CopyFrom(tensor_shape.as_shape(value).as_proto())
    elif attr_type == "tensor":
        proto.tensor.CopyFrom(_tensor_proto(value))
    elif attr_type == "func":
        proto.func.CopyFrom(_func_proto(value))
    else:
        raise TypeError(f"Unknown attr type {attr_type}")


def _append(field, element, item):
    if element == "string":
        field.append(item if isinstance(item, bytes) else str(item).encode("utf-8"))
    elif element == "type":
        field.append(dtypes.as_dtype(item).as_datatype_enum)
    elif element == "shape":
        field.add().CopyFrom(tensor_shape.as_shape(item).as_proto())
    elif element == "tensor":
        field.add().CopyFrom(_tensor_proto(item))
    elif element == "func":
        field.add().CopyFrom(_func_proto(item))
    elif element == "int":
        field.append(int(item))
    elif element == "float":
        field.append(float(item))
    else:
        field.append(bool(item))


def _tensor_proto(value):
    if hasattr(value, "tensor_content"):
        return value
    return tensor_util.make_tensor_proto(value)


def _func_proto(value):
    from ndflow.proto import attr_value_pb2

    if isinstance(value, str):
        value = FuncAttr(value)
    proto = attr_value_pb2.NameAttrList(name=value.name)
    for key, item in value.attr.items():
        proto.attr[key].CopyFrom(item if hasattr(item, "WhichOneof") else to_proto(item))
    return proto


def from_proto(proto, attr_type: str | None = None):
    """The native value of an AttrValue proto."""
    kind = proto.WhichOneof("value")
    if kind == "list":
        return _list_from_proto(proto.list, attr_type)
    if kind is None:
        return [] if attr_type and attr_type.startswith("list(") else None
    value = getattr(proto, kind)
    return _scalar_from_proto(_FIELD_TYPES.get(kind, kind), value)


def _list_from_proto(list_proto, attr_type):
    if attr_type and attr_type.startswith("list("):
        element = attr_type[5:-1]
        values = getattr(list_proto, _SCALAR_FIELDS[element])
        return [_scalar_from_proto(element, v) for v in values]
    for field, element in _FIELD_TYPES.items():
        values = getattr(list_proto, field)
        if len(values):
            return [_scalar_from_proto(element, v) for v in values]
    return []


def _scalar_from_proto(attr_type, value):
    if attr_type == "string":
        return _decode(value)
    if attr_type == "type":
        return dtypes.as_dtype(value)
    if attr_type == "shape":
        return tensor_shape.TensorShape(value)
    if attr_type == "tensor":
        return tensor_util.make_ndarray(value)
    if attr_type == "func":
        return FuncAttr(value.name, {k: from_proto(v) for k, v in value.attr.items()})
    if attr_type == "placeholder":
        return value
    return value


def _decode(raw: bytes):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def to_get_attr_value(value, attr_type: str):
    """What TF's `Operation.get_attr` returns: bytes for strings, protos for shapes/tensors."""
    if attr_type.startswith("list("):
        element = attr_type[5:-1]
        return [to_get_attr_value(v, element) for v in value]
    if attr_type == "string":
        return value if isinstance(value, bytes) else str(value).encode("utf-8")
    if attr_type in ("shape", "tensor", "func"):
        proto = to_proto(value, attr_type)
        return getattr(proto, _SCALAR_FIELDS[attr_type])
    return value


def op_def_to_proto(definition: op_def_lib.OpDef):
    """The `OpDef` proto TensorFlow would list for this op."""
    from ndflow.proto import op_def_pb2

    proto = op_def_pb2.OpDef(
        name=definition.name,
        is_stateful=definition.is_stateful,
        is_commutative=definition.is_commutative,
        is_aggregate=definition.is_aggregate,
        allows_uninitialized_input=definition.allows_uninitialized_input,
    )
    for arg in definition.input_args:
        proto.input_arg.add().CopyFrom(_arg_proto(arg))
    for arg in definition.output_args:
        proto.output_arg.add().CopyFrom(_arg_proto(arg))
    for attr in definition.attrs:
        proto.attr.add().CopyFrom(_attr_def_proto(attr))
    return proto


def _arg_proto(arg):
    from ndflow.proto import op_def_pb2

    return op_def_pb2.OpDef.ArgDef(
        name=arg.name,
        type=arg.type.as_datatype_enum if arg.type is not None else 0,
        type_attr=arg.type_attr,
        number_attr=arg.number_attr,
        type_list_attr=arg.type_list_attr,
        is_ref=arg.is_ref,
    )


def _attr_def_proto(attr):
    from ndflow.proto import op_def_pb2

    proto = op_def_pb2.OpDef.AttrDef(name=attr.name, type=attr.type)
    if attr.has_default:
        proto.default_value.CopyFrom(to_proto(attr.default, attr.type))
    if attr.minimum is not None:
        proto.has_minimum = True
        proto.minimum = attr.minimum
    if attr.allowed_values:
        element = "type" if "type" in attr.type else "string"
        proto.allowed_values.CopyFrom(to_proto(list(attr.allowed_values), f"list({element})"))
    return proto
