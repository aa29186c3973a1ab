"""TF's queue family (`tf.queue`): the queue ops with TF's names (FIFOQueueV2,
QueueEnqueueV2, QueueDequeueManyV2, ... and the legacy ref-handle forms), their
Session-resident stores, and the TF1 queue classes. Importing the package registers every
queue op."""

from ndflow.ops.queue import queue_ops
from ndflow.ops.queue import queues
from ndflow.ops.queue import stores

QueueBase = queues.QueueBase
FIFOQueue = queues.FIFOQueue
PaddingFIFOQueue = queues.PaddingFIFOQueue
RandomShuffleQueue = queues.RandomShuffleQueue
PriorityQueue = queues.PriorityQueue

__all__ = [
    "FIFOQueue",
    "PaddingFIFOQueue",
    "PriorityQueue",
    "QueueBase",
    "RandomShuffleQueue",
    "queue_ops",
    "queues",
    "stores",
]
