"""TensorArray (`tf.TensorArray`) on TF's TensorArrayV3 op family.

A TensorArray lives for one step: the TensorArrayV3 kernel creates its storage and the
`resource` handle carries it to the read/write ops. A float "flow" tensor threads through
every operation so that they run in program order (and so while loops carry it).
Gradients are TF's: each gradient computation gets its own accumulator TensorArray
(TensorArrayGradV3, keyed by the "gradients..." name scope), in which writes add up.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

register_op = registry.register_op
apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor


class TensorArrayState:
    """The storage of one TensorArray during a step."""

    def __init__(
        self, dtype, size, dynamic_size, clear_after_read, element_shape, name, accumulate=False
    ):
        self.dtype = dtype
        self.items: list = [None] * size
        self.read_cleared: set[int] = set()
        self.dynamic_size = dynamic_size
        self.clear_after_read = clear_after_read
        self.element_shape = element_shape
        self.name = name
        self.accumulate = accumulate
        self.grads: dict[str, TensorArrayState] = {}
        self.closed = False

    def write(self, index: int, value) -> None:
        self._check_open()
        if index < 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Tried to write to index {index} "
                "but array is not resizeable and size is: "
                f"{len(self.items)}",
            )
        if index >= len(self.items):
            if not self.dynamic_size:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Tried to write to index {index} but array is not "
                    f"resizeable and size is: {len(self.items)}",
                )
            self.items.extend([None] * (index + 1 - len(self.items)))
        self._store(index, np.asarray(value))

    def _store(self, index, value):
        self._refine_shape(value.shape)
        current = self.items[index]
        if current is not None and not self.accumulate:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray {self.name}: Could not write to TensorArray index "
                f"{index} because it has already been written to.",
            )
        self.items[index] = value if current is None else current + value

    def _refine_shape(self, shape):
        """The first write fixes an unknown element shape (so a gradient array can make
        zeros for the elements no gradient reached), as TF's TensorArray does."""
        if self.element_shape is None:
            self.element_shape = tuple(shape)
            return
        if len(self.element_shape) == len(shape):
            self.element_shape = tuple(
                d if d is not None else s for d, s in zip(self.element_shape, shape)
            )

    def read(self, index: int):
        self._check_open()
        if not 0 <= index < len(self.items):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray {self.name}: Tried to read from index {index} but "
                f"array size is: {len(self.items)}",
            )
        if index in self.read_cleared:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray {self.name}: Could not read index {index} twice "
                "because it was cleared after a previous read (perhaps try setting "
                "clear_after_read = false?)",
            )
        value = self.items[index]
        if value is None:
            value = self._zeros(index)
        if self.clear_after_read and not self.accumulate:
            self.read_cleared.add(index)
        return value

    def _zeros(self, index):
        shape = self.element_shape
        if shape is None or any(d is None for d in shape):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray {self.name}: Could not read from TensorArray index "
                f"{index}.  Furthermore, the element shape is not fully defined: "
                f"{_dims(shape)}.  It is possible you are working with a resizeable "
                "TensorArray and stop_gradients is not allowing the gradients to be written.",
            )
        return np.zeros(shape, dtype=self.dtype.as_numpy_dtype)

    def _check_open(self):
        if self.closed:
            raise errors.InvalidArgumentError(
                None, None, f"TensorArray {self.name} has already been closed."
            )


def _dims(shape):
    if shape is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _flow():
    return np.float32(0.0)


# ---------------------------------------------------------------------- ops


def _ta_shape(op):
    return [tensor_shape.scalar(), tensor_shape.scalar()]


def _ta_kernel(ctx, size, dtype, element_shape, dynamic_size, clear_after_read, tensor_array_name):
    shape = element_shape.as_tuple()
    name = tensor_array_name or (ctx.node_name if ctx is not None else "TensorArray")
    state = TensorArrayState(dtype, int(size), dynamic_size, clear_after_read, shape, name)
    return state, _flow()


register_op(
    "TensorArrayV3",
    inputs=["size: int32"],
    outputs=["handle: resource", "flow: float"],
    attrs=[
        "dtype: type",
        "element_shape: shape = { unknown_rank: true }",
        "dynamic_size: bool = false",
        "clear_after_read: bool = true",
        "identical_element_shapes: bool = false",
        "tensor_array_name: string = ''",
    ],
    shape=_ta_shape,
    kernel=_ta_kernel,
    stateful=True,
)


def _flow_out_shape(op):
    return [tensor_shape.scalar()]


def _write_kernel(ctx, handle, index, value, flow_in):
    handle.write(int(index), value)
    return _flow()


register_op(
    "TensorArrayWriteV3",
    inputs=["handle: resource", "index: int32", "value: T", "flow_in: float"],
    outputs=["flow_out: float"],
    attrs=["T: type"],
    shape=_flow_out_shape,
    kernel=_write_kernel,
    stateful=True,
)


def _read_shape(op):
    return [tensor_shape.unknown_shape()]


def _read_kernel(ctx, handle, index, flow_in, dtype):
    return handle.read(int(index))


register_op(
    "TensorArrayReadV3",
    inputs=["handle: resource", "index: int32", "flow_in: float"],
    outputs=["value: dtype"],
    attrs=["dtype: type"],
    shape=_read_shape,
    kernel=_read_kernel,
    stateful=True,
)


def _gather_shape(op):
    indices = op.inputs[1].shape
    count = indices[0].value if indices.rank == 1 else None
    return [tensor_shape.TensorShape([count]).concatenate(op.attrs["element_shape"])]


def _gather_kernel(ctx, handle, indices, flow_in, dtype, element_shape):
    values = [handle.read(int(i)) for i in np.asarray(indices).reshape(-1)]
    if values:
        return np.stack(values).astype(dtype.as_numpy_dtype, copy=False)
    shape = element_shape.as_tuple() if element_shape.rank is not None else handle.element_shape
    if shape is None or any(d is None for d in shape):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"TensorArray {handle.name}: Could not gather from an empty "
            "TensorArray with an unknown element shape.",
        )
    return np.zeros((0,) + tuple(shape), dtype=dtype.as_numpy_dtype)


register_op(
    "TensorArrayGatherV3",
    inputs=["handle: resource", "indices: int32", "flow_in: float"],
    outputs=["value: dtype"],
    attrs=["dtype: type", "element_shape: shape = { unknown_rank: true }"],
    shape=_gather_shape,
    kernel=_gather_kernel,
    stateful=True,
)


def _scatter_kernel(ctx, handle, indices, value, flow_in):
    indices = np.asarray(indices).reshape(-1)
    value = np.asarray(value)
    if value.shape[:1] != indices.shape:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected len(indices) == values.shape[0], but saw: "
            f"{indices.size} vs. {value.shape[0] if value.ndim else 0}",
        )
    for position, index in enumerate(indices):
        handle.write(int(index), value[position])
    return _flow()


register_op(
    "TensorArrayScatterV3",
    inputs=["handle: resource", "indices: int32", "value: T", "flow_in: float"],
    outputs=["flow_out: float"],
    attrs=["T: type"],
    shape=_flow_out_shape,
    kernel=_scatter_kernel,
    stateful=True,
)


def _concat_shape(op):
    rest = op.attrs["element_shape_except0"]
    return [tensor_shape.TensorShape([None]).concatenate(rest), tensor_shape.TensorShape([None])]


def _concat_kernel(ctx, handle, flow_in, dtype, element_shape_except0):
    values = [handle.read(i) for i in range(len(handle.items))]
    lengths = np.asarray([np.shape(v)[0] for v in values], dtype=np.int64)
    if values:
        return np.concatenate(values).astype(dtype.as_numpy_dtype, copy=False), lengths
    rest = element_shape_except0.as_tuple() or ()
    return np.zeros((0,) + tuple(d or 0 for d in rest), dtype.as_numpy_dtype), lengths


register_op(
    "TensorArrayConcatV3",
    inputs=["handle: resource", "flow_in: float"],
    outputs=["value: dtype", "lengths: int64"],
    attrs=["dtype: type", "element_shape_except0: shape = { unknown_rank: true }"],
    shape=_concat_shape,
    kernel=_concat_kernel,
    stateful=True,
)


def _split_kernel(ctx, handle, value, lengths, flow_in):
    value = np.asarray(value)
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.sum() != value.shape[0]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected sum of lengths to be equal to values.shape[0], but sum of "
            f"lengths is {lengths.sum()} and value's shape is: {_dims(value.shape)}",
        )
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    for index in range(lengths.size):
        handle.write(index, value[offsets[index] : offsets[index + 1]])
    return _flow()


register_op(
    "TensorArraySplitV3",
    inputs=["handle: resource", "value: T", "lengths: int64", "flow_in: float"],
    outputs=["flow_out: float"],
    attrs=["T: type"],
    shape=_flow_out_shape,
    kernel=_split_kernel,
    stateful=True,
)


def _size_kernel(ctx, handle, flow_in):
    return np.int32(len(handle.items))


register_op(
    "TensorArraySizeV3",
    inputs=["handle: resource", "flow_in: float"],
    outputs=["size: int32"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_size_kernel,
    stateful=True,
)


def _close_kernel(ctx, handle):
    handle.closed = True


register_op(
    "TensorArrayCloseV3",
    inputs=["handle: resource"],
    shape=lambda op: [],
    kernel=_close_kernel,
    stateful=True,
)


def _grad_kernel(ctx, handle, flow_in, source):
    grad = handle.grads.get(source)
    if grad is None:
        grad = TensorArrayState(
            handle.dtype,
            len(handle.items),
            handle.dynamic_size,
            False,
            handle.element_shape,
            f"{handle.name}@{source}",
            accumulate=True,
        )
        handle.grads[source] = grad
    return grad, _flow()


register_op(
    "TensorArrayGradV3",
    inputs=["handle: resource", "flow_in: float"],
    outputs=["grad_handle: resource", "flow_out: float"],
    attrs=["source: string"],
    shape=_ta_shape,
    kernel=_grad_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- gradients


def _grad_source(tensor) -> str:
    """TF's `_GetGradSource`: the "gradients..." scope prefix of a gradient tensor's name."""
    tokens = tensor.name.split("/")
    positions = [i for i, token in enumerate(tokens) if token.startswith("gradients")]
    if not positions:
        raise ValueError(
            f"Expected op/tensor name to start with gradients (excluding scope), "
            f"got: {tensor.name}. This means that a tf.gradients op with this op "
            "in its dependency path has a custom name that does not start with "
            "'gradients'."
        )
    return "/".join(tokens[: positions[-1] + 1])


def _grad_array(op, flow, source_tensor):
    dtype = op.attrs.get("dtype") or op.attrs.get("T")
    return TensorArray(dtype, handle=op.inputs[0], flow=flow).grad(
        _grad_source(source_tensor), flow
    )


def _read_grad(op, grad):
    flow = op.inputs[2]
    written = _grad_array(op, flow, grad).write(op.inputs[1], grad)
    return [None, None, written.flow]


def _write_grad(op, flow):
    # The barrier keeps the gradient read after the forward write (TF's write_barrier).
    flow_out = apply_op("Identity", op.outputs[0], name="flow_out")
    with graph_lib.control_dependencies([flow_out]):
        flow = apply_op("Identity", flow, name="write_barrier")
    grad_array = _grad_array(op, flow, flow)
    return [None, None, grad_array.read(op.inputs[1]), flow]


def _gather_grad(op, grad):
    flow = op.inputs[2]
    scattered = _grad_array(op, flow, grad).scatter(op.inputs[1], grad)
    return [None, None, scattered.flow]


def _scatter_grad(op, flow):
    grad_array = _grad_array(op, flow, flow)
    return [None, None, grad_array.gather(op.inputs[1]), flow]


def _concat_grad(op, grad, unused_lengths_grad):
    flow = op.inputs[1]
    lengths = op.outputs[1]
    split = _grad_array(op, flow, grad).split(grad, lengths)
    return [None, split.flow]


def _split_grad(op, flow):
    grad_array = _grad_array(op, flow, flow)
    return [None, grad_array.concat(), None, flow]


registry.set_gradient("TensorArrayReadV3", _read_grad)
registry.set_gradient("TensorArrayWriteV3", _write_grad)
registry.set_gradient("TensorArrayGatherV3", _gather_grad)
registry.set_gradient("TensorArrayScatterV3", _scatter_grad)
registry.set_gradient("TensorArrayConcatV3", _concat_grad)
registry.set_gradient("TensorArraySplitV3", _split_grad)
for _name in ("TensorArrayV3", "TensorArraySizeV3", "TensorArrayCloseV3", "TensorArrayGradV3"):
    registry.not_differentiable(_name, "TensorArray bookkeeping")


# ---------------------------------------------------------------------- tf.TensorArray


class TensorArray:
    """Mirrors TF1's `tf.TensorArray` (graph mode, TensorArrayV3 ops).

    Each write returns a new TensorArray sharing the handle with a new flow.

    >>> ta = TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0)
    >>> ta.stack()
    """

    def __init__(
        self,
        dtype,
        size=None,
        dynamic_size=None,
        clear_after_read=None,
        tensor_array_name=None,
        handle=None,
        flow=None,
        infer_shape=True,
        element_shape=None,
        colocate_with_first_write_call=True,
        name=None,
    ):
        del colocate_with_first_write_call
        self._dtype = dtypes.as_dtype(dtype).base_dtype
        self._infer_shape = infer_shape
        self._element_shape = (
            tensor_shape.as_shape(element_shape)
            if element_shape is not None
            else tensor_shape.unknown_shape()
        )
        self._dynamic_size = bool(dynamic_size)
        if handle is not None:
            if flow is None:
                raise ValueError("flow must not be None if handle is not None.")
            self._handle, self._flow = handle, flow
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        with graph_lib.name_scope(name, "TensorArray", [size]) as scope:
            self._handle, self._flow = apply_op(
                "TensorArrayV3",
                op_builder.convert_to_tensor(size, dtype=dtypes.int32),
                dtype=self._dtype,
                element_shape=self._element_shape,
                dynamic_size=self._dynamic_size,
                clear_after_read=True if clear_after_read is None else clear_after_read,
                tensor_array_name=tensor_array_name or "",
                name=scope,
            )

    @property
    def handle(self):
        return self._handle

    @property
    def flow(self):
        return self._flow

    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self):
        return self._element_shape

    def _with_flow(self, flow, element_shape=None):
        result = TensorArray(
            self._dtype,
            handle=self._handle,
            flow=flow,
            infer_shape=self._infer_shape,
            element_shape=element_shape or self._element_shape,
        )
        result._dynamic_size = self._dynamic_size
        return result

    def _merged_shape(self, shape):
        if not self._infer_shape:
            return self._element_shape
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(
                f"Inconsistent shapes: saw {shape} but expected "
                f"{self._element_shape} (and infer_shape=True)"
            )
        return self._element_shape.merge_with(shape)

    def identity(self):
        """A TensorArray whose flow is an Identity of this one's."""
        return self._with_flow(apply_op("Identity", self._flow))

    def grad(self, source, flow=None, name=None):
        """The gradient accumulator TensorArray for gradient computation `source`."""
        flow = self._flow if flow is None else flow
        with graph_lib.name_scope(name, "TensorArrayGrad", [self._handle]):
            handle, grad_flow = apply_op("TensorArrayGradV3", self._handle, flow, source=source)
        return TensorArray(
            self._dtype,
            handle=handle,
            flow=grad_flow,
            infer_shape=self._infer_shape,
            element_shape=self._element_shape,
        )

    def read(self, index, name=None):
        """Mirrors `TensorArray.read`."""
        value = apply_op(
            "TensorArrayReadV3",
            self._handle,
            index,
            self._flow,
            dtype=self._dtype,
            name=name or "TensorArrayReadV3",
        )
        if self._element_shape.rank is not None:
            value.set_shape(self._element_shape)
        return value

    def write(self, index, value, name=None):
        """Mirrors `TensorArray.write`: returns the TensorArray after the write."""
        with graph_lib.name_scope(name, "TensorArrayWrite", [self._handle, index, value]):
            value = op_builder.convert_to_tensor(value, dtype=self._dtype, name="value")
            flow = apply_op("TensorArrayWriteV3", self._handle, index, value, self._flow)
        return self._with_flow(flow, self._merged_shape(value.shape))

    def stack(self, name=None):
        """Mirrors `TensorArray.stack`: all elements stacked on a new first axis."""
        with graph_lib.name_scope(name, "TensorArrayStack", [self._handle]):
            size = self.size()
            return self.gather(
                apply_op("Range", op_builder.constant(0), size, op_builder.constant(1))
            )

    def gather(self, indices, name=None):
        """Mirrors `TensorArray.gather`."""
        value = apply_op(
            "TensorArrayGatherV3",
            self._handle,
            indices,
            self._flow,
            dtype=self._dtype,
            element_shape=self._element_shape,
            name=name or "TensorArrayGatherV3",
        )
        return value

    def unstack(self, value, name=None):
        """Mirrors `TensorArray.unstack`: writes each row of `value`."""
        with graph_lib.name_scope(name, "TensorArrayUnstack", [self._handle, value]):
            value = op_builder.convert_to_tensor(value, dtype=self._dtype, name="value")
            count = apply_op(
                "StridedSlice", apply_op("Shape", value), [0], [1], [1], shrink_axis_mask=1
            )
            indices = apply_op("Range", op_builder.constant(0), count, op_builder.constant(1))
            return self.scatter(indices, value)

    def scatter(self, indices, value, name=None):
        """Mirrors `TensorArray.scatter`."""
        with graph_lib.name_scope(name, "TensorArrayScatter", [self._handle, value, indices]):
            value = op_builder.convert_to_tensor(value, dtype=self._dtype, name="value")
            flow = apply_op("TensorArrayScatterV3", self._handle, indices, value, self._flow)
        shape = value.shape[1:] if value.shape.rank is not None else tensor_shape.unknown_shape()
        return self._with_flow(flow, self._merged_shape(shape))

    def concat(self, name=None):
        """Mirrors `TensorArray.concat`."""
        rest = self._element_shape[1:] if self._element_shape.rank else tensor_shape.unknown_shape()
        value, _ = apply_op(
            "TensorArrayConcatV3",
            self._handle,
            self._flow,
            dtype=self._dtype,
            element_shape_except0=rest,
            name=name or "TensorArrayConcatV3",
        )
        return value

    def split(self, value, lengths, name=None):
        """Mirrors `TensorArray.split`."""
        with graph_lib.name_scope(name, "TensorArraySplit", [self._handle, value, lengths]):
            value = op_builder.convert_to_tensor(value, dtype=self._dtype, name="value")
            lengths = op_builder.convert_to_tensor(lengths, dtype=dtypes.int64, name="lengths")
            flow = apply_op("TensorArraySplitV3", self._handle, value, lengths, self._flow)
        return self._with_flow(flow)

    def size(self, name=None):
        """Mirrors `TensorArray.size`."""
        static = (
            None
            if self._dynamic_size
            else tensor_util.constant_value(self._handle.op.inputs[0])
            if self._handle.op.type == "TensorArrayV3"
            else None
        )
        if static is not None:
            return op_builder.constant(int(static), dtype=dtypes.int32)
        return apply_op("TensorArraySizeV3", self._handle, self._flow, name=name)

    def close(self, name=None):
        """Mirrors `TensorArray.close`."""
        return apply_op("TensorArrayCloseV3", self._handle, name=name)
