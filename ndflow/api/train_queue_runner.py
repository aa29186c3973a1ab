"""`tf.compat.v1.train.queue_runner`: re-exports only."""

from ndflow.train import queue_runner as _queue_runner

QueueRunner = _queue_runner.QueueRunner
add_queue_runner = _queue_runner.add_queue_runner
start_queue_runners = _queue_runner.start_queue_runners
