"""TensorFlow's error classes and canonical codes (`tf.errors`).

Runtime failures are `OpError` subclasses carrying the failing node, as in TensorFlow.
"""

from __future__ import annotations

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """Mirrors `tf.errors.OpError`: a failure while running an op.

    Args:
      node_def: the failing node's NodeDef (or None).
      op: the failing `Operation` (or None).
      message: what went wrong.
      error_code: one of the canonical codes in this module.
    """

    def __init__(self, node_def, op, message: str, error_code: int = UNKNOWN, *args):
        super().__init__(message, *args)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code

    def __reduce__(self):
        return (type(self), (self._node_def, None, self._message, self._error_code))

    @property
    def message(self) -> str:
        return self._message

    @property
    def op(self):
        return self._op

    @property
    def node_def(self):
        return self._node_def

    @property
    def error_code(self) -> int:
        return self._error_code

    @property
    def experimental_payloads(self) -> dict:
        return {}

    def __str__(self) -> str:
        if self._op is None:
            return self._message
        return f"{self._message}\n\t [[{{{{node {self._op.name}}}}}]]"


def _subclass(name: str, code: int, doc: str) -> type:
    def __init__(self, node_def, op, message, *args):
        OpError.__init__(self, node_def, op, message, code, *args)

    def __reduce__(self):
        return (type(self), (self._node_def, None, self._message))

    return type(name, (OpError,), {"__init__": __init__, "__reduce__": __reduce__, "__doc__": doc})


CancelledError = _subclass("CancelledError", CANCELLED, "Mirrors `tf.errors.CancelledError`.")
UnknownError = _subclass("UnknownError", UNKNOWN, "Mirrors `tf.errors.UnknownError`.")
InvalidArgumentError = _subclass(
    "InvalidArgumentError", INVALID_ARGUMENT, "Mirrors `tf.errors.InvalidArgumentError`."
)
DeadlineExceededError = _subclass(
    "DeadlineExceededError", DEADLINE_EXCEEDED, "Mirrors `tf.errors.DeadlineExceededError`."
)
NotFoundError = _subclass("NotFoundError", NOT_FOUND, "Mirrors `tf.errors.NotFoundError`.")
AlreadyExistsError = _subclass(
    "AlreadyExistsError", ALREADY_EXISTS, "Mirrors `tf.errors.AlreadyExistsError`."
)
PermissionDeniedError = _subclass(
    "PermissionDeniedError", PERMISSION_DENIED, "Mirrors `tf.errors.PermissionDeniedError`."
)
UnauthenticatedError = _subclass(
    "UnauthenticatedError", UNAUTHENTICATED, "Mirrors `tf.errors.UnauthenticatedError`."
)
ResourceExhaustedError = _subclass(
    "ResourceExhaustedError", RESOURCE_EXHAUSTED, "Mirrors `tf.errors.ResourceExhaustedError`."
)
FailedPreconditionError = _subclass(
    "FailedPreconditionError", FAILED_PRECONDITION, "Mirrors `tf.errors.FailedPreconditionError`."
)
AbortedError = _subclass("AbortedError", ABORTED, "Mirrors `tf.errors.AbortedError`.")
OutOfRangeError = _subclass("OutOfRangeError", OUT_OF_RANGE, "Mirrors `tf.errors.OutOfRangeError`.")
UnimplementedError = _subclass(
    "UnimplementedError", UNIMPLEMENTED, "Mirrors `tf.errors.UnimplementedError`."
)
InternalError = _subclass("InternalError", INTERNAL, "Mirrors `tf.errors.InternalError`.")
UnavailableError = _subclass(
    "UnavailableError", UNAVAILABLE, "Mirrors `tf.errors.UnavailableError`."
)
DataLossError = _subclass("DataLossError", DATA_LOSS, "Mirrors `tf.errors.DataLossError`.")

_CODE_TO_CLASS = {
    CANCELLED: CancelledError,
    UNKNOWN: UnknownError,
    INVALID_ARGUMENT: InvalidArgumentError,
    DEADLINE_EXCEEDED: DeadlineExceededError,
    NOT_FOUND: NotFoundError,
    ALREADY_EXISTS: AlreadyExistsError,
    PERMISSION_DENIED: PermissionDeniedError,
    UNAUTHENTICATED: UnauthenticatedError,
    RESOURCE_EXHAUSTED: ResourceExhaustedError,
    FAILED_PRECONDITION: FailedPreconditionError,
    ABORTED: AbortedError,
    OUT_OF_RANGE: OutOfRangeError,
    UNIMPLEMENTED: UnimplementedError,
    INTERNAL: InternalError,
    UNAVAILABLE: UnavailableError,
    DATA_LOSS: DataLossError,
}


def exception_type_from_error_code(error_code: int) -> type:
    """Mirrors `tf.errors.exception_type_from_error_code`."""
    return _CODE_TO_CLASS[error_code]


def error_code_from_exception_type(cls: type) -> int:
    """Mirrors `tf.errors.error_code_from_exception_type`."""
    for code, klass in _CODE_TO_CLASS.items():
        if klass is cls:
            return code
    return UNKNOWN
