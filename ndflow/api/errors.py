"""`tf.errors`: TensorFlow's error classes and codes. Re-exports only."""

from ndflow.framework import errors as _errors

OpError = _errors.OpError
OK = _errors.OK
CANCELLED = _errors.CANCELLED
UNKNOWN = _errors.UNKNOWN
INVALID_ARGUMENT = _errors.INVALID_ARGUMENT
DEADLINE_EXCEEDED = _errors.DEADLINE_EXCEEDED
NOT_FOUND = _errors.NOT_FOUND
ALREADY_EXISTS = _errors.ALREADY_EXISTS
PERMISSION_DENIED = _errors.PERMISSION_DENIED
RESOURCE_EXHAUSTED = _errors.RESOURCE_EXHAUSTED
FAILED_PRECONDITION = _errors.FAILED_PRECONDITION
ABORTED = _errors.ABORTED
OUT_OF_RANGE = _errors.OUT_OF_RANGE
UNIMPLEMENTED = _errors.UNIMPLEMENTED
INTERNAL = _errors.INTERNAL
UNAVAILABLE = _errors.UNAVAILABLE
DATA_LOSS = _errors.DATA_LOSS
UNAUTHENTICATED = _errors.UNAUTHENTICATED
CancelledError = _errors.CancelledError
UnknownError = _errors.UnknownError
InvalidArgumentError = _errors.InvalidArgumentError
DeadlineExceededError = _errors.DeadlineExceededError
NotFoundError = _errors.NotFoundError
AlreadyExistsError = _errors.AlreadyExistsError
PermissionDeniedError = _errors.PermissionDeniedError
UnauthenticatedError = _errors.UnauthenticatedError
ResourceExhaustedError = _errors.ResourceExhaustedError
FailedPreconditionError = _errors.FailedPreconditionError
AbortedError = _errors.AbortedError
OutOfRangeError = _errors.OutOfRangeError
UnimplementedError = _errors.UnimplementedError
InternalError = _errors.InternalError
UnavailableError = _errors.UnavailableError
DataLossError = _errors.DataLossError
exception_type_from_error_code = _errors.exception_type_from_error_code
error_code_from_exception_type = _errors.error_code_from_exception_type
