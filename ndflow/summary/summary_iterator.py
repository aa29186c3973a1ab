"""`tf.train.summary_iterator`: the Events of an event file."""

from __future__ import annotations

from ndflow.formats import event_file


def summary_iterator(path) -> event_file.EventFileReader:
    """Mirrors `tf.compat.v1.train.summary_iterator`: an iterator of the Event protos in the
    event file at `path`.

    Iteration stops at the end of the file, or at a record its writer has not finished; a
    later loop over the same iterator continues with the events added since (TF's
    "continuously check for new summary values" pattern).

    Args:
      path: an event file, such as `logdir/events.out.tfevents.1700000000.host`.

    Returns:
      An iterator of `Event` protos.

    Raises:
      NotFoundError: `path` does not exist.
      DataLossError: a record's checksum is wrong (the message names the offset and file).

    >>> for event in summary_iterator(path):
    ...     for value in event.summary.value:
    ...         print(event.step, value.tag, value.simple_value)
    """
    return event_file.EventFileReader(path)
