"""Python functions as graph ops: PyFunc / PyFuncStateless (`tf.py_func`,
`tf.numpy_function`).

The op's `token` attr names a Python callable in this process's registry, as in
TensorFlow; the graph keeps the callable alive. Exceptions raised by the callable reach
the caller as TF's error classes (StopIteration -> OutOfRangeError, ValueError/TypeError
-> InvalidArgumentError, ...), chained to the original exception and with its traceback in
the message.
"""

from __future__ import annotations

import itertools
import threading
import traceback
import weakref

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape

register_op = registry.register_op

_callables: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_counter = itertools.count()
_lock = threading.Lock()

_ERROR_CLASSES = (
    (StopIteration, errors.OutOfRangeError),
    ((ValueError, TypeError), errors.InvalidArgumentError),
    (MemoryError, errors.ResourceExhaustedError),
    (NotImplementedError, errors.UnimplementedError),
)


class _Callable:
    """A registered function (weakly referenced by the registry, strongly by its graph)."""

    def __init__(self, func):
        self.func = func


def register_callable(func, graph) -> str:
    """Registers `func` for PyFunc ops in `graph`; returns its token."""
    entry = _Callable(func)
    with _lock:
        token = f"pyfunc_{next(_counter)}"
        _callables[token] = entry
    # A function's graph is dropped after tracing: the outermost graph keeps the callable.
    while getattr(graph, "_outer_graph", None) is not None:
        graph = graph._outer_graph
    holders = graph.__dict__.setdefault("_py_funcs_used_in_graph", [])
    holders.append(entry)
    return token


def _lookup(token: str):
    entry = _callables.get(token)
    if entry is None:
        raise errors.InvalidArgumentError(None, None, f"callback {token} is not found")
    return entry.func


def _as_error(token: str, error: BaseException) -> errors.OpError:
    detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    message = f"{type(error).__name__}: {error}\n{detail}"
    for python_classes, error_class in _ERROR_CLASSES:
        if isinstance(error, python_classes):
            return error_class(None, None, message)
    return errors.UnknownError(None, None, message)


def _as_array(value):
    if isinstance(value, (bytes, str)):
        return np.array(value.encode() if isinstance(value, str) else value, dtype=object)
    array = np.asarray(value)
    if (
        array.dtype.kind in "SUO"
        and array.dtype != object
        or (array.dtype == object and any(isinstance(v, str) for v in array.flat))
    ):
        return np.vectorize(lambda v: v.encode() if isinstance(v, str) else v, otypes=[object])(
            array
        )
    return array


# TF's C++ type names (DataTypeString) where they differ from the Python names.
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def _cpp_name(dtype) -> str:
    return _CPP_NAMES.get(dtype.name, dtype.name)


def _check_output(token, index, array, dtype):
    expected = dtypes.as_dtype(dtype)
    actual = dtypes.as_dtype(array.dtype) if array.dtype != object else dtypes.string
    if actual != expected:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{index}-th value returned by {token} is {_cpp_name(actual)}, but "
            f"expects {_cpp_name(expected)}",
        )


def call(token: str, inputs, output_types) -> list:
    """Runs the callable `token` on NumPy inputs; checks its results against output_types."""
    func = _lookup(token)
    try:
        result = func(*inputs)
    except errors.OpError:
        raise
    except Exception as error:  # noqa: BLE001 - every Python error becomes TF's class
        raise _as_error(token, error) from error
    if not output_types:
        return []
    values = list(result) if isinstance(result, (list, tuple)) else [result]
    if len(values) != len(output_types):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{token} returns {len(values)} values, but expects to see {len(output_types)} values.",
        )
    arrays = [_as_array(v) for v in values]
    for index, (array, dtype) in enumerate(zip(arrays, output_types)):
        _check_output(token, index, array, dtype)
    return arrays


def _py_func_kernel(ctx, input, token, Tout):
    return call(token, list(input), Tout)


def _unknown_shapes(op):
    return [tensor_shape.unknown_shape() for _ in op.attrs["Tout"]]


for _name, _stateful in (("PyFunc", True), ("PyFuncStateless", False)):
    register_op(
        _name,
        inputs=["input: Tin"],
        outputs=["output: Tout"],
        attrs=["token: string", "Tin: list(type) >= 0", "Tout: list(type) >= 0"],
        shape=_unknown_shapes,
        kernel=_py_func_kernel,
        stateful=_stateful,
    )
    registry.not_differentiable(_name, "a Python function")


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """Mirrors `tf.numpy_function` / TF1's `tf.py_func`: `func` called on NumPy values.

    Returns one Tensor when `Tout` is a single dtype, else a list (the Operation when the
    list is empty).
    """
    graph = graph_lib.get_default_graph()
    single = not isinstance(Tout, (list, tuple))
    output_types = [dtypes.as_dtype(t) for t in ([Tout] if single else Tout)]
    inputs = [op_builder.convert_to_tensor(x) for x in inp]
    token = register_callable(func, graph)
    op = op_builder.create_op(
        "PyFunc" if stateful else "PyFuncStateless",
        inputs,
        token=token,
        Tout=output_types,
        name=name,
    )
    if not op.outputs:
        return op
    return op.outputs[0] if single else list(op.outputs)


py_func = numpy_function
