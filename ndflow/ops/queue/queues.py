"""TF1's queue classes (`tf.queue.*`, python/ops/data_flow_ops.py): QueueBase, FIFOQueue,
PaddingFIFOQueue, RandomShuffleQueue and PriorityQueue. Each builds its V2 resource op and
the enqueue/dequeue ops on its handle, with TF's node names ("fifo_queue_enqueue",
"fifo_queue_DequeueMany"...) and static shapes on the dequeued tensors."""

from __future__ import annotations

import functools
import hashlib

from ndflow.framework import dtypes as dtypes_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import random as random_lib
from ndflow.ops.array import gathering
from ndflow.ops.array import joining


def _as_type_list(dtypes) -> list:
    if isinstance(dtypes, (list, tuple)):
        return [dtypes_lib.as_dtype(d) for d in dtypes]
    return [dtypes_lib.as_dtype(dtypes)]


def _as_shape_list(shapes, dtypes, unknown_dim_allowed=False, unknown_rank_allowed=False):
    """TF's shapes argument: None, one shape, or one per component."""
    del dtypes
    if shapes is None:
        return None
    if isinstance(shapes, tensor_shape.TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("shapes must be a TensorShape or a list or tuple of TensorShapes.")
    if all(shape is None or isinstance(shape, int) for shape in shapes):
        shapes = [shapes]
    shapes = [tensor_shape.as_shape(s) for s in shapes]
    if not unknown_dim_allowed and any(not s.is_fully_defined() for s in shapes):
        raise ValueError(f"All shapes must be fully defined: {shapes}")
    if not unknown_rank_allowed and any(s.dims is None for s in shapes):
        raise ValueError(f"All shapes must have a defined rank: {shapes}")
    return shapes


def _as_name_list(names, dtypes):
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(dtypes):
        raise ValueError("List of names must have the same length as the list of dtypes")
    return list(names)


def _shape_common(s1, s2) -> tensor_shape.TensorShape:
    """The most specific shape compatible with both."""
    if s1.dims is None or s2.dims is None or len(s1.dims) != len(s2.dims):
        return tensor_shape.unknown_shape()
    merged = [a if a == b else None for a, b in zip(s1.as_list(), s2.as_list())]
    return tensor_shape.TensorShape(merged)


class QueueBase:
    """Mirrors `tf.queue.QueueBase`: the enqueue and dequeue methods over a queue handle.

    >>> q = FIFOQueue(3, "float")
    >>> init = q.enqueue_many(([0.0, 0.1, 0.2],))
    """

    def __init__(self, dtypes, shapes, names, queue_ref):
        self._dtypes = list(dtypes)
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes")
            self._shapes = [tensor_shape.as_shape(s) for s in shapes]
        else:
            self._shapes = [tensor_shape.unknown_shape() for _ in self._dtypes]
        if names is not None:
            if len(names) != len(dtypes):
                raise ValueError("Queue names must have the same length as dtypes")
            self._names = list(names)
        else:
            self._names = None
        self._queue_ref = queue_ref
        self._name = self._queue_ref.op.name.split("/")[-1]

    @staticmethod
    def from_list(index, queues):
        """Mirrors `QueueBase.from_list`: a queue whose handle is `queues[index]`.

        Raises:
          TypeError: when `queues` is not a list of queues with matching dtypes and names.
        """
        if not queues or not isinstance(queues, list):
            raise TypeError("A list of queues expected")
        if not all(isinstance(x, QueueBase) for x in queues):
            raise TypeError("A list of queues expected")
        dtypes = queues[0].dtypes
        if not all(dtypes == q.dtypes for q in queues[1:]):
            raise TypeError("Queues do not have matching component dtypes.")
        names = queues[0].names
        if not all(names == q.names for q in queues[1:]):
            raise TypeError("Queues do not have matching component names.")
        queue_shapes = [q.shapes for q in queues]
        reduced = [functools.reduce(_shape_common, s) for s in zip(*queue_shapes)]
        queue_refs = joining.stack([q.queue_ref for q in queues])
        selected = gathering.gather(queue_refs, index)
        return QueueBase(dtypes=dtypes, shapes=reduced, names=names, queue_ref=selected)

    @property
    def queue_ref(self):
        """The underlying queue handle."""
        return self._queue_ref

    @property
    def name(self) -> str:
        """The name of the underlying queue."""
        return self._queue_ref.op.name

    @property
    def dtypes(self) -> list:
        return self._dtypes

    @property
    def shapes(self) -> list:
        return self._shapes

    @property
    def names(self):
        return self._names

    def _check_enqueue_dtypes(self, vals) -> list:
        """The values as Tensors of the queue's dtypes, in component order."""
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError(
                    f"Keys in dictionary to enqueue do not match names of Queue.  "
                    f"Dictionary: {sorted(vals.keys())}, Queue: {sorted(self._names)}"
                )
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        return [
            op_builder.convert_to_tensor(val, dtype=dtype, name=f"component_{i}")
            for i, (val, dtype) in enumerate(zip(vals, self._dtypes))
        ]

    def _scope_vals(self, vals) -> list:
        if isinstance(vals, (list, tuple)):
            return list(vals)
        if isinstance(vals, dict):
            return list(vals.values())
        return [vals]

    def enqueue(self, vals, name=None):
        """Mirrors `QueueBase.enqueue`: an op adding one element (blocks while full).

        Raises:
          ValueError: when a value's shape does not fit the queue's.
        """
        with graph_lib.name_scope(name, f"{self._name}_enqueue", self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            for val, shape in zip(vals, self._shapes):
                val.shape.assert_is_compatible_with(shape)
            return self._apply("QueueEnqueue", self._queue_ref, vals, name=scope)

    def enqueue_many(self, vals, name=None):
        """Mirrors `QueueBase.enqueue_many`: an op adding the slices of `vals` along dim 0.

        Raises:
          ValueError: when the values differ in their first dim or do not fit the queue.
        """
        default = f"{self._name}_EnqueueMany"
        with graph_lib.name_scope(name, default, self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            batch_dim = vals[0].shape.with_rank_at_least(1)[0]
            for val, shape in zip(vals, self._shapes):
                val_shape = val.shape.with_rank_at_least(1)
                batch_dim = batch_dim.merge_with(val_shape[0])
                val_shape[1:].assert_is_compatible_with(shape)
            return self._apply("QueueEnqueueMany", self._queue_ref, vals, name=scope)

    def _apply(self, op_type: str, *args, **kwargs):
        """Builds the V2 op on a resource handle, the legacy op on a ref handle."""
        suffix = "V2" if self._queue_ref.dtype == dtypes_lib.resource else ""
        return op_builder.apply_op(op_type + suffix, *args, **kwargs)

    def _dequeue_return_value(self, tensors):
        if self._names:
            return dict(zip(self._names, tensors))
        if len(tensors) == 1:
            return tensors[0]
        return list(tensors)

    def dequeue(self, name=None):
        """Mirrors `QueueBase.dequeue`: an op taking one element (blocks while empty).

        Raises (at run time): OutOfRangeError once the queue is closed and empty.
        """
        name = name or f"{self._name}_Dequeue"
        ret = self._apply("QueueDequeue", self._queue_ref, component_types=self._dtypes, name=name)
        tensors = _as_list(ret)
        for output, shape in zip(tensors, self._shapes):
            output.set_shape(shape)
        return self._dequeue_return_value(tensors)

    def dequeue_many(self, n, name=None):
        """Mirrors `QueueBase.dequeue_many`: `n` elements stacked on a new first dim.

        Raises (at run time): OutOfRangeError when the queue is closed with fewer than n.
        """
        name = name or f"{self._name}_DequeueMany"
        ret = self._apply(
            "QueueDequeueMany", self._queue_ref, n, component_types=self._dtypes, name=name
        )
        tensors = _as_list(ret)
        value = tensor_util.constant_value(tensors[0].op.inputs[1])
        batch = tensor_shape.TensorShape([None if value is None else int(value)])
        for output, shape in zip(tensors, self._shapes):
            output.set_shape(batch.concatenate(shape))
        return self._dequeue_return_value(tensors)

    def dequeue_up_to(self, n, name=None):
        """Mirrors `QueueBase.dequeue_up_to`: like dequeue_many, but a closed queue gives
        what it has left (OutOfRangeError only once it is empty)."""
        name = name or f"{self._name}_DequeueUpTo"
        ret = self._apply(
            "QueueDequeueUpTo", self._queue_ref, n, component_types=self._dtypes, name=name
        )
        tensors = _as_list(ret)
        for output, shape in zip(tensors, self._shapes):
            output.set_shape(tensor_shape.TensorShape([None]).concatenate(shape))
        return self._dequeue_return_value(tensors)

    def close(self, cancel_pending_enqueues=False, name=None):
        """Mirrors `QueueBase.close`: an op closing the queue to further enqueues; with
        `cancel_pending_enqueues`, blocked enqueues fail with CancelledError."""
        name = name or f"{self._name}_Close"
        return self._apply(
            "QueueClose",
            self._queue_ref,
            cancel_pending_enqueues=cancel_pending_enqueues,
            name=name,
        )

    def is_closed(self, name=None):
        """Mirrors `QueueBase.is_closed`: a bool scalar, true once closed."""
        name = name or f"{self._name}_IsClosed"
        return self._apply("QueueIsClosed", self._queue_ref, name=name)

    def size(self, name=None):
        """Mirrors `QueueBase.size`: the number of elements, an int32 scalar."""
        name = name or f"{self._name}_Size"
        return self._apply("QueueSize", self._queue_ref, name=name)


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _queue_op(op_type: str, shapes, shared_name, name, **attrs):
    return op_builder.apply_op(
        op_type,
        shapes=[] if shapes is None else shapes,
        shared_name=shared_name or "",
        name=name,
        **attrs,
    )


class FIFOQueue(QueueBase):
    """Mirrors `tf.queue.FIFOQueue`: elements leave in the order they were enqueued.

    >>> q = FIFOQueue(10, [tf.int32], shapes=[[]])
    >>> x = q.dequeue()
    """

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):  # fmt: skip
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, dtypes)
        names = _as_name_list(names, dtypes)
        queue_ref = _queue_op(
            "FIFOQueueV2", shapes, shared_name, name, component_types=dtypes, capacity=capacity
        )
        super().__init__(dtypes, shapes, names, queue_ref)


class PaddingFIFOQueue(QueueBase):
    """Mirrors `tf.queue.PaddingFIFOQueue`: a FIFO queue whose shapes may have unknown
    dims; dequeue_many pads each batch with zeros to its largest element.

    >>> q = PaddingFIFOQueue(10, [tf.int32], shapes=[[None]])
    """

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):  # fmt: skip
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, dtypes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError(
                f"Shapes must be provided for all components, but received {len(dtypes)} "
                f"dtypes and {len(shapes)} shapes."
            )
        queue_ref = _queue_op(
            "PaddingFIFOQueueV2",
            shapes,
            shared_name,
            name,
            component_types=dtypes,
            capacity=capacity,
        )
        super().__init__(dtypes, shapes, names, queue_ref)


class RandomShuffleQueue(QueueBase):
    """Mirrors `tf.queue.RandomShuffleQueue`: dequeues take random elements, leaving at
    least `min_after_dequeue` until the queue is closed.

    >>> q = RandomShuffleQueue(10, 2, [tf.int32], shapes=[[]], seed=1)
    """

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None,
                 seed=None, shared_name=None, name="random_shuffle_queue"):  # fmt: skip
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, dtypes)
        names = _as_name_list(names, dtypes)
        seed1, seed2 = _queue_seeds(seed, shared_name)
        queue_ref = _queue_op(
            "RandomShuffleQueueV2",
            shapes,
            shared_name,
            name,
            component_types=dtypes,
            capacity=capacity,
            min_after_dequeue=min_after_dequeue,
            seed=seed1,
            seed2=seed2,
        )
        super().__init__(dtypes, shapes, names, queue_ref)


def _queue_seeds(seed, shared_name):
    """TF's RandomShuffleQueue seeds: with only a graph seed and a shared name, seed2 comes
    from both, so every queue sharing the name shuffles alike."""
    seed1, seed2 = random_lib.get_seed(seed)
    if seed1 is None and seed2 is None:
        return 0, 0
    if seed is None and shared_name is not None:
        digest = hashlib.md5((str(seed1) + shared_name).encode("utf-8")).hexdigest()  # noqa: S324
        seed2 = int(digest[:8], 16) & 0x7FFFFFFF
    return seed1, seed2


class PriorityQueue(QueueBase):
    """Mirrors `tf.queue.PriorityQueue`: every element starts with an int64 scalar
    priority, and the smallest priority leaves first.

    >>> q = PriorityQueue(10, [tf.string], shapes=[[]])
    >>> add = q.enqueue((tf.constant(3, tf.int64), "x"))
    """

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):  # fmt: skip
        types = _as_type_list(types)
        shapes = _as_shape_list(shapes, types)
        queue_ref = _queue_op(
            "PriorityQueueV2", shapes, shared_name, name, component_types=types, capacity=capacity
        )
        priority_dtypes = [dtypes_lib.int64, *types]
        priority_shapes = [tensor_shape.scalar(), *shapes] if shapes else shapes
        super().__init__(priority_dtypes, priority_shapes, names, queue_ref)
