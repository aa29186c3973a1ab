"""The gRPC front end: TF Serving's PredictionService and ModelService on a grpc.server.

ndflow's protos live in package `ndflow.serving`, so the services are registered by hand under
TF Serving's full names (`/tensorflow.serving.PredictionService/Predict`...) with generic
handlers; the messages are wire-compatible. Errors become gRPC statuses with TF's code numbers
and messages (cut at 1024 characters plus "...TRUNCATED", as TF Serving's `ToGRPCStatus`).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import time

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf import descriptor_pool
from google.protobuf import message_factory

from ndflow.framework import errors
from ndflow.proto import classification_pb2
from ndflow.proto import get_model_metadata_pb2
from ndflow.proto import get_model_status_pb2
from ndflow.proto import inference_pb2
from ndflow.proto import model_management_pb2
from ndflow.proto import predict_pb2
from ndflow.proto import regression_pb2
from ndflow.serving import config

PREDICTION_SERVICE = "tensorflow.serving.PredictionService"
MODEL_SERVICE = "tensorflow.serving.ModelService"

# TF Serving lifts gRPC's 4 MiB default to INT32_MAX in both directions.
_MAX_MESSAGE_BYTES = 2**31 - 1
_ERROR_MESSAGE_LIMIT = 1024
_STATUS_BY_CODE = {status.value[0]: status for status in grpc.StatusCode}
_COUNTED_METHODS = frozenset(["Predict", "Classify", "Regress", "MultiInference"])

# method -> (request class, response class, the `_Service` method serving it)
_PREDICTION_METHODS = {
    "Predict": (predict_pb2.PredictRequest, predict_pb2.PredictResponse, "predict"),
    "Classify": (
        classification_pb2.ClassificationRequest,
        classification_pb2.ClassificationResponse,
        "classify",
    ),
    "Regress": (regression_pb2.RegressionRequest, regression_pb2.RegressionResponse, "regress"),
    "MultiInference": (
        inference_pb2.MultiInferenceRequest,
        inference_pb2.MultiInferenceResponse,
        "multi_inference",
    ),
    "GetModelMetadata": (
        get_model_metadata_pb2.GetModelMetadataRequest,
        get_model_metadata_pb2.GetModelMetadataResponse,
        "metadata",
    ),
}
_MODEL_METHODS = {
    "GetModelStatus": (
        get_model_status_pb2.GetModelStatusRequest,
        get_model_status_pb2.GetModelStatusResponse,
        "model_status",
    ),
    "HandleReloadConfigRequest": (
        model_management_pb2.ReloadConfigRequest,
        model_management_pb2.ReloadConfigResponse,
        "reload_config",
    ),
}


@dataclasses.dataclass
class GrpcServer:
    """A running gRPC front end: the bound TCP `port` (0 when only a socket), the unix
    `socket_path`, and `stop`."""

    server: grpc.Server
    port: int
    socket_path: str

    def stop(self, grace_seconds: float | None = None) -> None:
        """Stops accepting calls and waits up to `grace_seconds` for in-flight ones."""
        self.server.stop(grace_seconds).wait()

    def wait_for_termination(self, timeout: float | None = None) -> bool:
        return self.server.wait_for_termination(timeout)


def serve(core, options) -> GrpcServer:
    """Starts TF Serving's gRPC services for `core` as `tensorflow_model_server` does.

    Binds `options.host:options.port` unless the port is 0 and a `grpc_socket_path` is given
    (TF's socket-only mode); a port of 0 without a socket picks a free port (ndflow's test
    mode). Binds `unix:<grpc_socket_path>` when set.
    """
    server = grpc.server(
        concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, options.grpc_max_threads), thread_name_prefix="ndflow-grpc"
        ),
        options=_server_arguments(options),
    )
    service = _Service(core, options)
    server.add_generic_rpc_handlers(
        (
            _generic_handler(PREDICTION_SERVICE, _PREDICTION_METHODS, service),
            _generic_handler(MODEL_SERVICE, _MODEL_METHODS, service),
        )
    )
    if options.enable_grpc_healthcheck_service:
        server.add_generic_rpc_handlers((_health_handler(),))
    port = _bind(server, options, _credentials(options))
    server.start()
    return GrpcServer(server=server, port=port, socket_path=options.grpc_socket_path)


def _server_arguments(options) -> list:
    arguments = {
        "grpc.max_receive_message_length": _MAX_MESSAGE_BYTES,
        "grpc.max_send_message_length": _MAX_MESSAGE_BYTES,
    }
    arguments.update(parse_channel_arguments(options.grpc_channel_arguments))
    return list(arguments.items())


def parse_channel_arguments(text: str) -> dict:
    """`--grpc_channel_arguments`: comma-separated `key=value`, int-looking values as ints."""
    arguments = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, _, value = item.partition("=")
        try:
            arguments[key.strip()] = int(value)
        except ValueError:
            arguments[key.strip()] = value.strip()
    return arguments


def _credentials(options):
    """TF Serving's BuildServerCredentials: TLS from `--ssl_config_file` (the server's key
    and certificate, `custom_ca` to check clients with, `client_verify` to require them),
    else none. A config that cannot be used fails the start rather than serving plaintext."""
    if not options.ssl_config_file:
        return None
    ssl = config.read_ssl_config(options.ssl_config_file)
    if not ssl.server_key or not ssl.server_cert:
        raise errors.InvalidArgumentError(
            None, None, f"{options.ssl_config_file}: server_key and server_cert are required"
        )
    return grpc.ssl_server_credentials(
        [(ssl.server_key.encode(), ssl.server_cert.encode())],
        root_certificates=ssl.custom_ca.encode() or None,
        require_client_auth=ssl.client_verify,
    )


def _bind(server, options, credentials) -> int:
    port = 0
    if options.port or not options.grpc_socket_path:
        port = _add_port(server, f"{options.host}:{options.port}", credentials)
    if options.grpc_socket_path:
        _add_port(server, f"unix:{options.grpc_socket_path}", credentials)
    return port


def _add_port(server, address: str, credentials) -> int:
    try:
        if credentials is None:
            bound = server.add_insecure_port(address)
        else:
            bound = server.add_secure_port(address, credentials)
    except RuntimeError as err:
        raise errors.UnavailableError(
            None, None, f"Failed to bind gRPC to {address}: {err}"
        ) from err
    if bound == 0:
        raise errors.UnavailableError(None, None, f"Failed to bind gRPC to {address}")
    return bound


def _generic_handler(service_name: str, methods: dict, service) -> grpc.GenericRpcHandler:
    handlers = {
        method: grpc.unary_unary_rpc_method_handler(
            service.method(method, api),
            request_deserializer=request_class.FromString,
            response_serializer=response_class.SerializeToString,
        )
        for method, (request_class, response_class, api) in methods.items()
    }
    return grpc.method_handlers_generic_handler(service_name, handlers)


class _Service:
    """Turns one gRPC call into one ServerCore / Servable call, and errors into statuses."""

    def __init__(self, core, options):
        self._core = core
        self._options = options
        # ServerCore owns the ServingMetrics (metrics.py) when monitoring is wired; duck-typed.
        self._metrics = getattr(core, "metrics", None)

    def method(self, method: str, api: str):
        call = getattr(self, f"_{api}")

        def handle(request, context):
            start = time.perf_counter()
            model = _model_name(request)
            try:
                response = call(request)
            except errors.OpError as err:
                self._record(model, method, err.error_code, start)
                _abort(context, err.error_code, err.message)
            except Exception as err:  # noqa: BLE001 - a bug must not take the server down
                self._record(model, method, errors.UNKNOWN, start)
                _abort(context, errors.UNKNOWN, f"{type(err).__name__}: {err}")
            self._record(model, method, errors.OK, start)
            return response

        handle.__name__ = method
        return handle

    def _record(self, model: str, method: str, code: int, start: float) -> None:
        # TF Serving counts the inference APIs only, labelled by gRPC method name.
        if self._metrics is None or method not in _COUNTED_METHODS:
            return
        self._metrics.record_request(model, method, "GRPC", code, time.perf_counter() - start)

    def _on_servable(self, model_spec, method: str, request):
        # Holding the servable for the call lets an unload wait for in-flight requests.
        with self._core.servable(model_spec) as servable:
            return getattr(servable, method)(request)

    def _predict(self, request):
        return self._on_servable(request.model_spec, "predict", request)

    def _classify(self, request):
        return self._on_servable(request.model_spec, "classify", request)

    def _regress(self, request):
        return self._on_servable(request.model_spec, "regress", request)

    def _multi_inference(self, request):
        if not request.tasks:
            raise errors.InvalidArgumentError(None, None, "Expected at least one task")
        return self._on_servable(request.tasks[0].model_spec, "multi_inference", request)

    def _metadata(self, request):
        return self._on_servable(request.model_spec, "metadata", request)

    def _model_status(self, request):
        return self._core.model_status(request)

    def _reload_config(self, request):
        response = self._core.reload_config(request)
        # TF Serving reports the reload outcome twice: in response.status and as the call status.
        if response.status.error_code != errors.OK:
            code = response.status.error_code
            raise errors.exception_type_from_error_code(code)(
                None, None, response.status.error_message
            )
        return response


def _model_name(request) -> str:
    if hasattr(request, "tasks"):
        return request.tasks[0].model_spec.name if request.tasks else ""
    if hasattr(request, "model_spec"):
        return request.model_spec.name
    return ""


def _abort(context, code: int, message: str) -> None:
    if len(message) > _ERROR_MESSAGE_LIMIT:
        message = message[:_ERROR_MESSAGE_LIMIT] + "...TRUNCATED"
    context.abort(_STATUS_BY_CODE.get(code, grpc.StatusCode.UNKNOWN), message)


# ---------------------------------------------------------------- grpc.health.v1


# The services TF Serving marks SERVING when `--enable_grpc_healthcheck_service` is on ("" is
# gRPC's overall server status).
_HEALTHY_SERVICES = frozenset(["", "ModelService", "PredictionService"])
_SERVING = 1


def _health_messages():
    """`grpc.health.v1` HealthCheckRequest/Response, built from a descriptor at run time: the
    two one-field messages do not justify a generated module or a grpcio-health dependency."""
    proto = descriptor_pb2.FileDescriptorProto(
        name="ndflow/serving/health.proto", package="ndflow.grpc.health.v1", syntax="proto3"
    )
    request = proto.message_type.add(name="HealthCheckRequest")
    request.field.add(name="service", number=1, type=9, label=1)  # string
    response = proto.message_type.add(name="HealthCheckResponse")
    response.field.add(name="status", number=1, type=5, label=1)  # the ServingStatus enum
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{proto.package}.{name}"))
        for name in ("HealthCheckRequest", "HealthCheckResponse")
    )


def _health_handler() -> grpc.GenericRpcHandler:
    request_class, response_class = _health_messages()

    def check(request, context):
        if request.service not in _HEALTHY_SERVICES:
            context.abort(grpc.StatusCode.NOT_FOUND, "service name unknown")
        return response_class(status=_SERVING)

    handler = grpc.unary_unary_rpc_method_handler(
        check,
        request_deserializer=request_class.FromString,
        response_serializer=response_class.SerializeToString,
    )
    return grpc.method_handlers_generic_handler("grpc.health.v1.Health", {"Check": handler})
