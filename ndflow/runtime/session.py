"""Session and InteractiveSession (`tf.compat.v1.Session`).

`Session.run` maps TF's fetch structures (single, list, tuple, dict, namedtuple, nested;
tensors, ops, names) to unique graph elements, finds or compiles the plan for that
signature, checks and converts the feeds, runs the plan and rebuilds the structure.
It is safe to call from several threads at once.

A run is traced (executor.execute_traced) when its RunOptions ask for a trace and it has a
RunMetadata to fill, or while a run observer (the profiler) is registered; the choice is
made once per run.
"""

from __future__ import annotations

import collections
import itertools
import threading

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_util
from ndflow.proto import config_pb2
from ndflow.proto import graph_pb2
from ndflow.proto import types_pb2
from ndflow.runtime import blas_threads
from ndflow.runtime import executor
from ndflow.runtime import functions
from ndflow.runtime import kernel_context
from ndflow.runtime import memory
from ndflow.runtime import plan as plan_lib
from ndflow.runtime import resources

Tensor = graph_lib.Tensor
Operation = graph_lib.Operation

# (type, fetch_fn(value) -> list of fetchables, rebuild_fn(list of values) -> value,
#  feed_fn(key, value) -> list of (tensor, value) pairs)
_CONVERSIONS: list = []

_step_ids = itertools.count(1)

# Process-wide observers of traced runs, `observer(step_stats)`; while there is one, every run
# is traced. Replaced, never mutated, so a run reads a consistent tuple without a lock.
_run_observers: tuple = ()
_run_observers_lock = threading.Lock()


def add_run_observer(observer) -> None:
    """Traces every Session.run from now on, calling `observer(step_stats)` after each (the
    StepStats proto of that run; the observer must not modify it)."""
    global _run_observers
    with _run_observers_lock:
        _run_observers = (*_run_observers, observer)


def remove_run_observer(observer) -> None:
    """Stops calling `observer`; runs are untraced again once no observer is left."""
    global _run_observers
    with _run_observers_lock:
        _run_observers = tuple(o for o in _run_observers if o != observer)


def register_session_run_conversion_functions(
    tensor_type, fetch_function, feed_function=None, feed_function_for_partial_run=None
):
    """Mirrors `tf.compat.v1.Session.register_session_run_conversion_functions`.

    `fetch_function(value)` returns `(fetchables, rebuild)` where `rebuild(values)` makes the
    fetched result; `feed_function(key, value)` returns a list of (tensor, value) pairs.
    """
    del feed_function_for_partial_run  # ndflow has no partial runs
    for entry in _CONVERSIONS:
        if entry[0] is tensor_type:
            raise ValueError(f"{tensor_type} has already been registered so ignore it.")
    _CONVERSIONS.append((tensor_type, fetch_function, feed_function))


class _DeviceAttributes:
    """One entry of `Session.list_devices()`."""

    def __init__(self, name, device_type, memory_limit_bytes, incarnation):
        self.name = name
        self.device_type = device_type
        self.memory_limit_bytes = memory_limit_bytes
        self.incarnation = incarnation

    def __repr__(self) -> str:
        return (
            f"_DeviceAttributes({self.name}, {self.device_type}, "
            f"{self.memory_limit_bytes}, {self.incarnation})"
        )


# ---------------------------------------------------------------------- fetch structures


class _Fetch:
    """A fetch structure flattened to unique graph elements, and how to rebuild it."""

    __slots__ = ("elements", "rebuild")

    def __init__(self, elements, rebuild):
        self.elements = elements
        self.rebuild = rebuild


def _flatten_fetch(graph, fetch, elements: list):
    """Appends `fetch`'s graph elements to `elements`; returns a function of the values."""
    if fetch is None:
        raise TypeError(f"Fetch argument {fetch!r} has invalid type {type(fetch)}")
    for tensor_type, fetch_fn, _ in _CONVERSIONS:
        if isinstance(fetch, tensor_type):
            parts, rebuild = fetch_fn(fetch)
            builders = [_flatten_fetch(graph, part, elements) for part in parts]
            return lambda values: rebuild([b(values) for b in builders])
    if isinstance(fetch, (list, tuple)):
        builders = [_flatten_fetch(graph, item, elements) for item in fetch]
        return _sequence_builder(fetch, builders)
    if isinstance(fetch, collections.abc.Mapping):
        keys = list(fetch.keys())
        builders = [_flatten_fetch(graph, fetch[key], elements) for key in keys]
        kind = type(fetch)
        return lambda values: kind(zip(keys, [b(values) for b in builders]))
    element = _fetch_element(graph, fetch)
    index = len(elements)
    elements.append(element)
    return lambda values: values[index]


def _sequence_builder(fetch, builders):
    kind = type(fetch)
    if isinstance(fetch, tuple) and hasattr(fetch, "_fields"):
        return lambda values: kind(*[b(values) for b in builders])
    if kind in (list, tuple):
        return lambda values: kind(b(values) for b in builders)
    return lambda values: kind([b(values) for b in builders])


def _fetch_element(graph, fetch):
    try:
        return graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
    except TypeError as err:
        raise TypeError(
            f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a "
            f"string or Tensor. ({err})"
        ) from None
    except (ValueError, KeyError) as err:
        message = err.args[0] if err.args else str(err)
        raise ValueError(
            f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({message})"
        ) from None


def _value_of_fetch(value, deref: bool):
    if deref:
        value = value.read()
    if value.__class__ is np.ndarray:
        if value.ndim == 0:
            return value[()]
        if not (value.flags.writeable and value.flags.owndata):
            return value.copy()
    return value


# ---------------------------------------------------------------------- feeds


def _feed_pairs(graph, feed_dict):
    """The feed dict as (tensor, value) pairs, composite keys expanded."""
    pairs = []
    for key, value in feed_dict.items():
        expanded = _expand_composite_feed(key, value)
        if expanded is not None:
            pairs.extend((graph.as_graph_element(t, allow_operation=False), v) for t, v in expanded)
            continue
        pairs.append((_feed_tensor(graph, key), value))
    return pairs


def _expand_composite_feed(key, value):
    for tensor_type, _, feed_fn in _CONVERSIONS:
        if feed_fn is not None and isinstance(key, tensor_type):
            return feed_fn(key, value)
    return None


def _feed_tensor(graph, key):
    try:
        tensor = graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
    except (TypeError, ValueError, KeyError) as err:
        message = err.args[0] if err.args else str(err)
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {message}") from None
    if not graph.is_feedable(tensor):
        raise ValueError(f"Tensor {tensor.name} may not be fed.")
    return tensor


def _convert_feed(spec, value):
    if isinstance(value, Tensor):
        raise TypeError(
            "The value of a feed cannot be a tf.Tensor object. Acceptable feed "
            "values include Python scalars, strings, lists, numpy ndarrays, or "
            f"TensorHandles. For reference, the tensor object was {value} which "
            f"was passed to the argument `feed_dict` with key {spec.tensor}."
        )
    if spec.is_string:
        array = tensor_util.to_numpy(value, dtypes.string)
    elif spec.np_dtype is None:
        array = value
    else:
        array = _numeric_feed(spec, value)
    dims = spec.dims
    if dims is not None and not _shape_fits(dims, np.shape(array)):
        raise ValueError(
            f"Cannot feed value of shape {np.shape(array)!r} for Tensor "
            f"{spec.tensor.name!r}, which has shape "
            f"{str(spec.tensor.shape)!r}"
        )
    return array


def _numeric_feed(spec, value):
    if value.__class__ is np.ndarray and value.dtype == spec.np_dtype:
        return value
    try:
        return np.asarray(value, dtype=spec.np_dtype)
    except (TypeError, ValueError, OverflowError) as err:
        raise TypeError(
            f"Cannot convert a feed value of type {type(value).__name__} to the "
            f"dtype {spec.tensor.dtype.base_dtype.name} of Tensor "
            f"{spec.tensor.name!r}: {err}"
        ) from None


def _check_feed_dtype(index: int, tensor, value) -> None:
    """TF's executor check: "Expects arg[i] to be float but int32 is provided"."""
    want = tensor.dtype.base_dtype
    got = dtypes.string if value.dtype.kind in "OSU" else dtypes.as_dtype(value.dtype)
    if got.base_dtype != want:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expects arg[{index}] to be {_cpp_name(want)} but {_cpp_name(got)} is provided",
        )


def _cpp_name(dtype) -> str:
    """TF's C++ `DataTypeString`: DT_FLOAT -> "float", DT_INT32 -> "int32"."""
    return types_pb2.DataType.Name(dtype.as_datatype_enum)[3:].lower()


def _shape_fits(dims, shape) -> bool:
    if len(dims) != len(shape):
        return False
    for want, got in zip(dims, shape):
        if want is not None and want != got:
            return False
    return True


# ---------------------------------------------------------------------- sessions


def _apply_intra_op_parallelism(config) -> None:
    """`ConfigProto.intra_op_parallelism_threads` > 0 caps the BLAS threads process-wide (TF's
    intra-op pool is process-wide too); 0, TF's "the system picks", leaves BLAS as it is."""
    threads = getattr(config, "intra_op_parallelism_threads", 0)
    if threads > 0:
        blas_threads.set_threads(threads)


class BaseSession:
    """The shared machinery of Session and InteractiveSession."""

    def __init__(self, target: str = "", graph=None, config=None):
        if graph is None:
            graph = graph_lib.get_default_graph()
        if not isinstance(graph, graph_lib.Graph):
            raise TypeError(f"graph must be a tf.Graph, but got {type(graph)}")
        self._graph = graph
        memory.tune_allocator()
        _apply_intra_op_parallelism(config)
        self._target = target if isinstance(target, str) else target.decode()
        self._config = config
        self._resources = resources.ResourceMgr()
        self._plans: dict = {}
        self._plans_lock = threading.Lock()
        self._closed = False
        self._default_context_stack: list = []

    # -- properties ---------------------------------------------------------------

    @property
    def graph(self):
        return self._graph

    @property
    def graph_def(self):
        from ndflow.framework import graph_def

        return graph_def.as_graph_def(self._graph)

    @property
    def sess_str(self) -> str:
        return self._target

    @property
    def resources(self) -> resources.ResourceMgr:
        """This session's resource manager (variables, tables, iterators, queues)."""
        return self._resources

    def list_devices(self) -> list:
        return [
            _DeviceAttributes("/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 268435456, 0)
        ]

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        """Mirrors `Session.close`: frees resources; later runs raise RuntimeError."""
        if self._closed:
            return
        self._closed = True
        self._resources.close()
        self._plans = {}

    def as_default(self):
        """Mirrors `Session.as_default`: makes this the default session in a `with` block."""
        return graph_lib.default_session(self)

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - never raise from a finalizer
            pass

    # -- running -------------------------------------------------------------------

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Mirrors `Session.run`."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        fetch, feeds, values = self._prepare(fetches, feed_dict)
        plan = self._plan_for(fetch.elements, feeds)
        converted = [_convert_feed(spec, value) for spec, value in zip(plan.feeds, values)]
        results = self._execute(plan, converted, options, run_metadata)
        return fetch.rebuild(results)

    def run_arrays(self, fetch_names, feeds):
        """Runs like TF's C++ `Session::Run` (the path TF Serving uses): `feeds` is a list of
        (tensor name, ndarray) taken as-is, with no static-shape check; a dtype mismatch is
        the runtime's InvalidArgumentError. Returns the fetched arrays in order.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        elements = tuple(self._graph.as_graph_element(name) for name in fetch_names)
        tensors = tuple(_feed_tensor(self._graph, name) for name, _ in feeds)
        values = [value for _, value in feeds]
        for index, (tensor, value) in enumerate(zip(tensors, values)):
            _check_feed_dtype(index, tensor, value)
        plan = self._plan_for(elements, tensors)
        return self._execute(plan, values, None, None)

    def _prepare(self, fetches, feed_dict):
        elements: list = []
        rebuild = _flatten_fetch(self._graph, fetches, elements)
        pairs = _feed_pairs(self._graph, feed_dict) if feed_dict else []
        feeds = tuple(tensor for tensor, _ in pairs)
        values = [value for _, value in pairs]
        return _Fetch(elements, rebuild), feeds, values

    def _plan_for(self, elements, feeds):
        key = (tuple(elements), feeds)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        with self._plans_lock:
            plan = self._plans.get(key)
            if plan is None:
                plan = self._compile(elements, feeds)
                self._plans[key] = plan
        return plan

    def _compile(self, elements, feeds):
        if len(set(map(id, feeds))) != len(feeds):
            raise ValueError("The same tensor is fed more than once.")
        unique_tensors = _unique([e for e in elements if isinstance(e, Tensor)])
        for element in elements:
            if not self._graph.is_fetchable(element):
                raise ValueError(f"Operation {element.name!r} has been marked as not fetchable.")
        targets = _unique([e for e in elements if isinstance(e, Operation)])
        self._graph._mark_ran()
        compiled = plan_lib.compile_plan(unique_tensors, targets, list(feeds))
        positions = {id(t): i for i, t in enumerate(unique_tensors)}
        return _SessionPlan(compiled, [positions.get(id(e)) for e in elements])

    def _execute(self, plan, feed_values, options, run_metadata):
        trace = None
        if run_metadata is not None or _run_observers:
            trace = _trace_for(options, run_metadata)
        ctx = kernel_context.KernelContext(
            self,
            self._resources,
            next(_step_ids),
            options,
            run_metadata,
            functions.call_function,
            trace,
        )
        if trace is None:
            raw = executor.execute(plan.compiled, feed_values, ctx)
        else:
            raw = executor.execute_traced(plan.compiled, feed_values, ctx)
        values = [_value_of_fetch(v, d) for v, d in zip(raw, plan.compiled.fetch_deref)]
        if run_metadata is not None or trace is not None:
            self._report_run(plan.compiled, options, run_metadata, trace)
        return [None if p is None else values[p] for p in plan.element_positions]

    def _report_run(self, plan, options, run_metadata, trace) -> None:
        """Hands the trace to the observers and fills `run_metadata` as TF does: cleared,
        then step_stats if the options asked for a trace, the partition graph if asked."""
        step_stats = None if trace is None else trace.step_stats()
        if step_stats is not None:
            for observer in _run_observers:
                observer(step_stats)
        if run_metadata is None:
            return
        run_metadata.Clear()
        if step_stats is not None and _wants_trace(options):
            run_metadata.step_stats.CopyFrom(step_stats)
        if options is not None and getattr(options, "output_partition_graphs", False):
            run_metadata.partition_graphs.add().CopyFrom(_partition_graph(self._graph, plan))

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """Mirrors `Session.make_callable`: a fast function of the `feed_list` values."""
        elements: list = []
        rebuild = _flatten_fetch(self._graph, fetches, elements)
        feeds = tuple(_feed_tensor(self._graph, key) for key in (feed_list or ()))
        plan = self._plan_for(elements, feeds)

        def call(*args, **kwargs):
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if len(args) != len(feeds):
                raise TypeError(f"Expected {len(feeds)} feed values, got {len(args)}.")
            converted = [_convert_feed(spec, v) for spec, v in zip(plan.compiled.feeds, args)]
            options = kwargs.get("options") if accept_options else None
            metadata = kwargs.get("run_metadata") if accept_options else None
            return rebuild(self._execute(plan, converted, options, metadata))

        return call

    def partial_run_setup(self, fetches, feeds=None):
        raise errors.UnimplementedError(
            None, None, "Partial runs are not supported by ndflow; use Session.run."
        )


class _SessionPlan:
    """A compiled plan plus where each requested element's value sits in its fetch list."""

    __slots__ = ("compiled", "element_positions")

    def __init__(self, compiled, element_positions):
        self.compiled = compiled
        self.element_positions = element_positions

    @property
    def feeds(self):
        return self.compiled.feeds


def _wants_trace(options) -> bool:
    return (
        options is not None and getattr(options, "trace_level", 0) > config_pb2.RunOptions.NO_TRACE
    )


def _trace_for(options, run_metadata):
    """A StepTrace if this run is to be traced, else None."""
    if _run_observers or (run_metadata is not None and _wants_trace(options)):
        return kernel_context.StepTrace()
    return None


def _partition_graph(graph, plan) -> graph_pb2.GraphDef:
    """The pruned graph this plan runs, as TF's partition graph: every node on the CPU device,
    fed tensors' producers included (TF shows them as _Arg nodes), plus the function library."""
    graph_def = graph_pb2.GraphDef()
    graph_def.versions.producer = graph_lib.GRAPH_DEF_VERSION
    graph_def.versions.min_consumer = graph_lib.GRAPH_DEF_VERSION_MIN_CONSUMER
    ops = _unique([spec.tensor.op for spec in plan.feeds] + list(plan.graph_ops))
    for op in ops:
        node = graph_def.node.add()
        node.CopyFrom(op.node_def)
        node.device = kernel_context.CPU_DEVICE
    for function in graph._function_library.values():
        graph_def.library.function.add().CopyFrom(function.definition)
    return graph_def


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


class Session(BaseSession):
    """Mirrors `tf.compat.v1.Session`.

    >>> with Session() as sess:
    ...     sess.run(c)
    """

    def __enter__(self):
        self._default_graph_context = self._graph.as_default()
        self._default_session_context = self.as_default()
        self._default_graph_context.__enter__()
        self._default_session_context.__enter__()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self._default_session_context.__exit__(exc_type, exc_value, traceback)
        self._default_graph_context.__exit__(exc_type, exc_value, traceback)
        self.close()

    @staticmethod
    def reset(target, containers=None, config=None) -> None:
        """Mirrors `Session.reset`; in-process sessions hold their own resources."""
        del target, containers, config


class InteractiveSession(BaseSession):
    """Mirrors `tf.compat.v1.InteractiveSession`: installs itself as the default session."""

    def __init__(self, target: str = "", graph=None, config=None):
        super().__init__(target, graph, config)
        self._default_session_context = self.as_default()
        self._default_session_context.__enter__()
        self._default_graph_context = self._graph.as_default()
        self._default_graph_context.__enter__()

    def close(self) -> None:
        if not self._closed and hasattr(self, "_default_graph_context"):
            self._default_graph_context.__exit__(None, None, None)
            self._default_session_context.__exit__(None, None, None)
        super().close()


def _fetch_indexed_slices(value):
    parts = [value.values, value.indices]
    if value.dense_shape is not None:
        parts.append(value.dense_shape)

    def rebuild(values):
        shape = values[2] if len(values) > 2 else None
        return indexed_slices.IndexedSlicesValue(values[0], values[1], shape)

    return parts, rebuild


def _feed_indexed_slices(key, value):
    pairs = [(key.values, value[0]), (key.indices, value[1])]
    if key.dense_shape is not None and len(value) > 2 and value[2] is not None:
        pairs.append((key.dense_shape, value[2]))
    return pairs


register_session_run_conversion_functions(
    indexed_slices.IndexedSlices, _fetch_indexed_slices, _feed_indexed_slices
)


def _fetch_sparse(value):
    def rebuild(values):
        return sparse_tensor.SparseTensorValue(*values)

    return [value.indices, value.values, value.dense_shape], rebuild


def _feed_sparse(key, value):
    return [(key.indices, value[0]), (key.values, value[1]), (key.dense_shape, value[2])]


register_session_run_conversion_functions(sparse_tensor.SparseTensor, _fetch_sparse, _feed_sparse)
