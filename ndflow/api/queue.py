"""`tf.compat.v1.queue`: re-exports only. The queues live in ndflow/ops/queue."""

from ndflow.ops import queue as _queue

QueueBase = _queue.QueueBase
FIFOQueue = _queue.FIFOQueue
PaddingFIFOQueue = _queue.PaddingFIFOQueue
PriorityQueue = _queue.PriorityQueue
RandomShuffleQueue = _queue.RandomShuffleQueue
