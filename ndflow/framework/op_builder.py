"""Building ops from the registry: `apply_op`, `convert_to_tensor` and `constant`.

`apply_op("MatMul", a, b, transpose_a=True)` is ndflow's `_apply_op_helper`: it converts the
inputs to tensors, infers type attrs from them, fills defaults, checks allowed values and
creates the op inside a name scope, so helper constants are named like TF's ("Add/y").
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import attr_value
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_def as op_def_lib
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.proto import tensor_pb2

Tensor = graph_lib.Tensor

# (priority, base type, conversion function); lower priority runs first, as in TF.
_CONVERSION_FUNCTIONS: list = []


def register_tensor_conversion_function(base_type, conversion_func, priority: int = 100):
    """Mirrors `tf.register_tensor_conversion_function`.

    `conversion_func(value, dtype=None, name=None, as_ref=False)` returns a Tensor or
    NotImplemented.
    """
    if not callable(conversion_func):
        raise TypeError("conversion_func must be callable.")
    _CONVERSION_FUNCTIONS.append((priority, base_type, conversion_func))
    _CONVERSION_FUNCTIONS.sort(key=lambda entry: entry[0])


def convert_to_tensor(
    value, dtype=None, name=None, as_ref=False, preferred_dtype=None, dtype_hint=None
) -> Tensor:
    """Mirrors `tf.convert_to_tensor`."""
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    preferred_dtype = preferred_dtype or dtype_hint
    if isinstance(value, Tensor):
        return _check_tensor_dtype(value, dtype)
    for _, base_type, fn in _CONVERSION_FUNCTIONS:
        if isinstance(value, base_type):
            result = fn(value, dtype=dtype, name=name, as_ref=as_ref)
            if result is not NotImplemented:
                return _check_tensor_dtype(result, dtype)
    if isinstance(value, graph_lib.Operation):
        raise TypeError(
            f"Can't convert Operation '{value.name}' to Tensor (target dtype="
            f"{dtype}, name={name}, as_ref={as_ref})"
        )
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        return _autopack(value, dtype, name)
    if dtype is None and preferred_dtype is not None:
        try:
            return constant(value, dtype=preferred_dtype, name=name or "Const")
        except (TypeError, ValueError):
            pass
    if value is None:
        raise ValueError(
            "Attempt to convert a value (None) with an unsupported type "
            "(<class 'NoneType'>) to a Tensor."
        )
    return constant(value, dtype=dtype, name=name or "Const")


def _check_tensor_dtype(tensor, dtype):
    if dtype is not None and not dtype.is_compatible_with(tensor.dtype):
        raise ValueError(
            f"Tensor conversion requested dtype {dtype.name} for Tensor with "
            f"dtype {tensor.dtype.name}: {tensor!r}"
        )
    return tensor


def _contains_tensor(value) -> bool:
    for item in value:
        if isinstance(item, Tensor) or hasattr(item, "_as_graph_element"):
            return True
        if isinstance(item, (list, tuple)) and _contains_tensor(item):
            return True
    return False


def _autopack(value, dtype, name):
    """TF's autopacking: a nested list holding Tensors becomes a Pack op named "packed".

    As TF's `_autopacking_helper`, a non-tensor element becomes a constant named by its
    position (`packed/1`), and a nested list is packed under its position's scope.
    """
    if dtype is None:
        dtype = _first_tensor_dtype(value)
    with graph_lib.name_scope(name, "packed") as scope:
        elements = [_autopack_element(item, index, dtype) for index, item in enumerate(value)]
        return apply_op("Pack", elements, axis=0, name=scope)


def _autopack_element(item, index, dtype):
    if isinstance(item, Tensor) or hasattr(item, "_as_graph_element"):
        return convert_to_tensor(item, dtype=dtype)
    if isinstance(item, (list, tuple)) and _contains_tensor(item):
        return _autopack(item, dtype, str(index))
    return constant(item, dtype=dtype, name=str(index))


def _first_tensor_dtype(value):
    for item in value:
        if isinstance(item, (list, tuple)):
            found = _first_tensor_dtype(item)
            if found is not None:
                return found
        elif isinstance(item, Tensor) or hasattr(item, "_as_graph_element"):
            return convert_to_tensor(item).dtype.base_dtype
    return None


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False) -> Tensor:
    """Mirrors TF1 `tf.constant`: a scalar broadcasts to `shape`; a short list is padded
    with its last element."""
    dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
    array = tensor_util.to_numpy(value, dtype)
    if shape is not None:
        array = tensor_util.fit_to_shape(array, shape, verify_shape)
    array = np.array(array, copy=True)
    array.flags.writeable = False
    dtype = dtype or dtypes.as_dtype(array.dtype)
    return apply_op("Const", value=array, dtype=dtype, name=name)


# ---------------------------------------------------------------------- apply_op


def apply_op(op_type: str, *args, name=None, **kwargs):
    """Builds one op of `op_type`: TF's `_apply_op_helper`.

    Returns the op's output Tensor (single output), a list of Tensors (one list output, or
    several outputs), or the Operation when the op has no outputs.
    """
    op = create_op(op_type, *args, name=name, **kwargs)
    return _op_result(op.op_def, op)


def create_op(op_type: str, *args, name=None, **kwargs):
    """Like `apply_op`, but always returns the Operation."""
    definition = registry.lookup_op(op_type)
    values, attrs = _bind_arguments(definition, args, kwargs)
    graph = graph_lib.get_graph_of(_graph_elements(values))
    with graph.as_default(), graph.name_scope(name or op_type) as scope:
        inputs = _convert_inputs(definition, values, attrs, graph)
        _check_and_default_attrs(definition, attrs)
        return graph._create_op_internal(definition, inputs, attrs, scope)


def _bind_arguments(definition, args, kwargs):
    input_names = [arg.name for arg in definition.input_args]
    if len(args) > len(input_names):
        raise TypeError(
            f"{definition.name} takes {len(input_names)} inputs but {len(args)} were given"
        )
    values = dict(zip(input_names, args))
    attrs = {}
    for key, value in kwargs.items():
        if key in definition.attr_map:
            attrs[key] = value
        elif key in input_names and key not in values:
            values[key] = value
        else:
            raise TypeError(f"{definition.name} got an unexpected keyword argument '{key}'")
    missing = [n for n in input_names if n not in values]
    if missing:
        raise TypeError(f"{definition.name} missing required input argument '{missing[0]}'")
    return values, attrs


def _graph_elements(values):
    found = []
    for value in values.values():
        items = value if isinstance(value, (list, tuple)) else [value]
        found.extend(
            item
            for item in items
            if isinstance(item, (Tensor, graph_lib.Operation)) or hasattr(item, "_as_graph_element")
        )
    return found


def _convert_inputs(definition, values, attrs, graph):
    inputs = []
    for arg in definition.input_args:
        converted = _convert_arg(definition, arg, values[arg.name], attrs)
        for tensor in converted:
            inputs.append(_in_graph(graph, tensor))
    return inputs


def _in_graph(graph, tensor):
    if tensor.graph is graph:
        return tensor
    if hasattr(graph, "capture"):
        return graph.capture(tensor)
    raise ValueError(f"Tensor {tensor} must be from the same graph as the op being created.")


def _convert_arg(definition, arg, value, attrs):
    if arg.number_attr:
        return _convert_number_list(definition, arg, value, attrs)
    if arg.type_list_attr:
        return _convert_type_list(definition, arg, value, attrs)
    dtype = arg.type if arg.type is not None else _known_type(definition, arg.type_attr, attrs)
    tensor = _convert_one(
        definition,
        arg,
        value,
        dtype,
        _default_type(definition, arg.type_attr) if dtype is None else None,
    )
    if arg.type_attr and arg.type is None:
        _set_type_attr(definition, arg, attrs, tensor.dtype.base_dtype)
    if arg.type is not None and tensor.dtype.base_dtype != arg.type:
        raise TypeError(
            f"Input '{arg.name}' of '{definition.name}' Op has type "
            f"{tensor.dtype.base_dtype.name} that does not match expected type of "
            f"{arg.type.name}."
        )
    return [tensor]


def _convert_one(definition, arg, value, dtype, preferred, name=None):
    try:
        tensor = convert_to_tensor(
            value, dtype=dtype, as_ref=arg.is_ref, preferred_dtype=preferred, name=name or arg.name
        )
    except TypeError as err:
        if dtype is None:
            raise
        raise TypeError(
            f"Expected {dtype.name} passed to parameter '{arg.name}' of op "
            f"'{definition.name}', got {value!r} of type '{type(value).__name__}' instead. "
            f"Error: {err}"
        ) from None
    except ValueError as err:
        if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
            raise TypeError(_mismatch_message(definition, arg, value, dtype)) from err
        raise
    if arg.is_ref and not tensor.dtype.is_ref_dtype:
        raise TypeError(
            f"'{definition.name}' Op requires that input '{arg.name}' be a mutable "
            "tensor (e.g.: a tf.Variable)"
        )
    return tensor


def _mismatch_message(definition, arg, value, dtype):
    actual = convert_to_tensor(value).dtype.base_dtype
    source = _type_source(definition, arg)
    return (
        f"Input '{arg.name}' of '{definition.name}' Op has type {actual.name} that does "
        f"not match type {dtype.name} of argument '{source}'."
    )


def _type_source(definition, arg):
    for other in definition.input_args:
        if other.type_attr == arg.type_attr and other is not arg:
            return other.name
    return arg.name


def _known_type(definition, type_attr, attrs):
    if type_attr in attrs:
        return dtypes.as_dtype(attrs[type_attr])
    return None


def _default_type(definition, type_attr):
    attr = definition.attr_map.get(type_attr)
    if attr is not None and attr.has_default:
        return attr.default
    return None


def _set_type_attr(definition, arg, attrs, dtype):
    attr = definition.attr_map[arg.type_attr]
    if attr.allowed_values and dtype not in attr.allowed_values:
        allowed = ", ".join(t.name for t in attr.allowed_values)
        raise TypeError(
            f"Value passed to parameter '{arg.name}' has DataType {dtype.name} not "
            f"in list of allowed values: {allowed}"
        )
    attrs[arg.type_attr] = dtype


def _convert_number_list(definition, arg, value, attrs):
    if not isinstance(value, (list, tuple)):
        raise TypeError(
            f"Expected list for '{arg.name}' argument to '{definition.name}' Op, not {value!r}."
        )
    dtype = arg.type if arg.type is not None else _known_type(definition, arg.type_attr, attrs)
    if dtype is None:
        dtype = _first_tensor_dtype(value)
    preferred = _default_type(definition, arg.type_attr) if dtype is None else None
    tensors = []
    for index, item in enumerate(value):
        # TF's convert_n_to_tensor names list elements "<arg>_<i>" (e.g. "values_0").
        tensor = _convert_one(definition, arg, item, dtype, preferred, f"{arg.name}_{index}")
        dtype = dtype or tensor.dtype.base_dtype
        tensors.append(tensor)
    _set_number_attr(definition, arg, attrs, len(tensors))
    if arg.type_attr and arg.type is None:
        if not tensors and arg.type_attr not in attrs:
            raise TypeError(
                f"Don't know how to infer type variable from empty input list "
                f"passed to input '{arg.name}' of '{definition.name}' Op."
            )
        if tensors:
            _set_type_attr(definition, arg, attrs, tensors[0].dtype.base_dtype)
    return tensors


def _set_number_attr(definition, arg, attrs, count):
    if arg.number_attr in attrs and attrs[arg.number_attr] != count:
        raise ValueError(
            f"List argument '{arg.name}' to '{definition.name}' Op with length "
            f"{count} must match length {attrs[arg.number_attr]} of attr "
            f"'{arg.number_attr}'."
        )
    attrs[arg.number_attr] = count


def _convert_type_list(definition, arg, value, attrs):
    if not isinstance(value, (list, tuple)):
        value = [value]
    wanted = attrs.get(arg.type_list_attr)
    wanted = [dtypes.as_dtype(t) for t in wanted] if wanted is not None else [None] * len(value)
    if len(wanted) != len(value):
        raise ValueError(
            f"List argument '{arg.name}' to '{definition.name}' Op with length "
            f"{len(value)} does not match {len(wanted)} types in attr "
            f"'{arg.type_list_attr}'."
        )
    tensors = [
        _convert_one(definition, arg, item, dtype, None, f"{arg.name}_{index}")
        for index, (item, dtype) in enumerate(zip(value, wanted))
    ]
    attrs[arg.type_list_attr] = [t.dtype.base_dtype for t in tensors]
    return tensors


def _check_and_default_attrs(definition, attrs):
    for attr in definition.attrs:
        if attr.name not in attrs:
            if not attr.has_default:
                raise TypeError(f"Missing required attr '{attr.name}' for op '{definition.name}'.")
            attrs[attr.name] = _copy_default(attr.default)
            continue
        attrs[attr.name] = _coerce_attr(definition, attr, attrs[attr.name])


def _copy_default(value):
    return list(value) if isinstance(value, list) else value


def _coerce_attr(definition, attr, value):
    kind = attr.type
    if kind.startswith("list("):
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"Expected list for attr {attr.name}, got {value!r}.")
        items = [_coerce_scalar(definition, attr, kind[5:-1], v) for v in value]
        _check_minimum(definition, attr, len(items), "length")
        return items
    coerced = _coerce_scalar(definition, attr, kind, value)
    if kind == "int":
        _check_minimum(definition, attr, coerced, "value")
    return coerced


def _coerce_scalar(definition, attr, kind, value):
    if kind == "type":
        return _coerce_type(attr, value)
    if kind == "string":
        return _coerce_string(definition, attr, value)
    if kind == "int":
        return _coerce_int(attr, value)
    if kind == "bool":
        return _coerce_bool(attr, value)
    return _SIMPLE_COERCIONS.get(kind, _unchanged)(value)


def _unchanged(value):
    return value


def _coerce_type(attr, value):
    dtype = dtypes.as_dtype(value).base_dtype
    if attr.allowed_values and dtype not in attr.allowed_values:
        allowed = ", ".join(t.name for t in attr.allowed_values)
        raise TypeError(
            f"Value passed to parameter '{attr.name}' has DataType "
            f"{dtype.name} not in list of allowed values: {allowed}"
        )
    return dtype


def _coerce_bool(attr, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"Expected bool for argument '{attr.name}' not {value!r}.")
    return bool(value)


def _coerce_tensor(value):
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, tensor_pb2.TensorProto):
        return tensor_util.make_ndarray(value)
    return tensor_util.to_numpy(value)


def _coerce_func(value):
    return value if isinstance(value, attr_value.FuncAttr) else _func_attr(value)


_SIMPLE_COERCIONS = {
    "float": float,
    "shape": tensor_shape.as_shape,
    "tensor": _coerce_tensor,
    "func": _coerce_func,
}


def _coerce_string(definition, attr, value):
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if not isinstance(value, str):
        raise TypeError(f"Expected string for argument '{attr.name}' not {value!r}.")
    if attr.allowed_values and value not in attr.allowed_values:
        allowed = ", ".join(f'"{v}"' for v in attr.allowed_values)
        raise ValueError(
            f"Attr '{attr.name}' of '{definition.name}' Op passed string "
            f"'{value}' not in: {allowed}."
        )
    return value


def _coerce_int(attr, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        try:
            as_int = int(value)
        except (TypeError, ValueError):
            raise TypeError(f"Expected int for argument '{attr.name}' not {value!r}.") from None
        if as_int != value:
            raise TypeError(f"Expected int for argument '{attr.name}' not {value!r}.")
        return as_int
    return int(value)


def _check_minimum(definition, attr, value, what):
    if attr.minimum is not None and value < attr.minimum:
        if what == "length":
            raise ValueError(
                f"Attr '{attr.name}' of '{definition.name}' Op passed list of "
                f"length {value} less than minimum {attr.minimum}."
            )
        raise ValueError(
            f"Attr '{attr.name}' of '{definition.name}' Op passed {value} less "
            f"than minimum {attr.minimum}."
        )


def _func_attr(value):
    name = getattr(value, "name", None)
    if isinstance(value, str):
        return attr_value.FuncAttr(value)
    if name is None:
        raise TypeError(f"Don't know how to convert {value!r} to a func attr.")
    return attr_value.FuncAttr(name)


def _op_result(definition, op):
    outputs = op._outputs
    args = definition.output_args
    if not args:
        return op
    if len(args) == 1:
        return list(outputs) if args[0].is_list else outputs[0]
    result, position = [], 0
    for arg in args:
        count = len(op_def_lib.arg_types(arg, op.attrs))
        if arg.is_list:
            result.append(outputs[position : position + count])
        else:
            result.append(outputs[position])
        position += count
    return result


# ---------------------------------------------------------------------- built-in conversions


def _shape_to_tensor(shape, dtype=None, name=None, as_ref=False):
    """TF's TensorShape conversion: a fully known shape as an int32 (or int64) vector."""
    del as_ref
    if not shape.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a Tensor.")
    dims = shape.as_list()
    large = any(d >= 2**31 for d in dims)
    if dtype is None:
        dtype = dtypes.int64 if large else dtypes.int32
    elif dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(
            f"Cannot convert TensorShape {shape} to dtype {dtype}. Allowed dtypes "
            "are tf.int32 and tf.int64."
        )
    return constant(dims, dtype=dtype, name=name or "Const")


def _dimension_to_tensor(dimension, dtype=None, name=None, as_ref=False):
    """TF's Dimension conversion: a known dimension as an int32 scalar."""
    del as_ref
    if dimension.value is None:
        raise ValueError("Cannot convert an unknown Dimension to a Tensor.")
    return constant(dimension.value, dtype=dtype or dtypes.int32, name=name or "Const")


register_tensor_conversion_function(tensor_shape.TensorShape, _shape_to_tensor)
register_tensor_conversion_function(tensor_shape.Dimension, _dimension_to_tensor)
