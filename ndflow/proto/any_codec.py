"""Pack and unpack ``google.protobuf.Any`` with TensorFlow's type URLs.

ndflow's messages live in package ``ndflow`` (``ndflow.serving``, ...), while TensorFlow writes
Any values whose type URL names its own package, e.g.
``type.googleapis.com/tensorflow.AssetFileDef``. :func:`pack` writes the TensorFlow URL so files
and responses read the same in TensorFlow; :func:`unpack` accepts the TensorFlow and the ndflow
spelling. Messages outside ndflow's packages (``google.protobuf.Int64Value``, ...) keep their
own name.
"""

from __future__ import annotations

from typing import TypeVar

from google.protobuf import any_pb2
from google.protobuf.message import Message

TYPE_URL_PREFIX = "type.googleapis.com/"

# ndflow package prefix -> TensorFlow package prefix, most specific first.
_PACKAGES = (
    ("ndflow.serving.", "tensorflow.serving."),
    ("ndflow.error.", "tensorflow.error."),
    ("ndflow.projector.", "tensorboard.projector."),
    ("ndflow.", "tensorflow."),
)

MessageT = TypeVar("MessageT", bound=Message)


def tensorflow_name(full_name: str) -> str:
    """TensorFlow's full name of the message called ``full_name`` in ndflow."""
    for ours, theirs in _PACKAGES:
        if full_name.startswith(ours):
            return theirs + full_name[len(ours) :]
    return full_name


def type_url(message: Message) -> str:
    """The type URL TensorFlow uses for ``message``'s type."""
    return TYPE_URL_PREFIX + tensorflow_name(message.DESCRIPTOR.full_name)


def pack(any_msg: any_pb2.Any, message: Message) -> any_pb2.Any:
    """Store ``message`` in ``any_msg`` under TensorFlow's type URL; return ``any_msg``."""
    any_msg.type_url = type_url(message)
    any_msg.value = message.SerializeToString(deterministic=True)
    return any_msg


def holds(any_msg: any_pb2.Any, message: Message) -> bool:
    """Whether ``any_msg`` holds a value of ``message``'s type (either URL spelling)."""
    name = any_msg.type_url.rsplit("/", 1)[-1]
    full_name = message.DESCRIPTOR.full_name
    return name in (full_name, tensorflow_name(full_name))


def unpack(any_msg: any_pb2.Any, message: MessageT) -> MessageT:
    """Parse the value of ``any_msg`` into ``message`` (replacing its contents); return it.

    Raises ValueError naming the URL found when ``any_msg`` holds another type.
    """
    if not holds(any_msg, message):
        raise ValueError(
            f"Any has type URL {any_msg.type_url!r}, expected "
            f"{type_url(message)!r} for {message.DESCRIPTOR.full_name}"
        )
    message.ParseFromString(any_msg.value)
    return message
