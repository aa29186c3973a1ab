"""`tensorflow_model_server`'s flags and config files (TF Serving `model_servers/main.cc`).

`parse_flags` follows TF's flag rules: only `--name=value`; a bool flag also takes a bare
`--name` and `=true/false` (any case) or `=1/0`. `read_*` parse the text-format protos of
`--model_config_file`, `--batching_parameters_file` and `--monitoring_config_file`.
"""

from __future__ import annotations

import dataclasses
import os

from google.protobuf import text_format

from ndflow.framework import errors
from ndflow.proto import model_server_config_pb2
from ndflow.proto import monitoring_config_pb2
from ndflow.proto import session_bundle_config_pb2
from ndflow.proto import ssl_config_pb2

_CPUS = os.cpu_count() or 1

# TF Serving's full proto names, used in parse errors (ndflow's packages are its own).
_TF_NAMES = {
    "ModelServerConfig": "tensorflow.serving.ModelServerConfig",
    "BatchingParameters": "tensorflow.serving.BatchingParameters",
    "MonitoringConfig": "tensorflow.serving.MonitoringConfig",
}


@dataclasses.dataclass
class ServerOptions:
    """Every `tensorflow_model_server` flag with TF's default (plus ndflow's bind flags)."""

    port: int = 8500
    grpc_socket_path: str = ""
    grpc_channel_arguments: str = ""
    grpc_max_threads: int = 4 * _CPUS
    rest_api_port: int = 0
    rest_api_num_threads: int = 4 * _CPUS
    rest_api_timeout_in_ms: int = 30000
    rest_api_enable_cors_support: bool = False
    # ndflow-only: the addresses to bind (TF binds 0.0.0.0).
    rest_api_host: str = "0.0.0.0"
    host: str = "0.0.0.0"
    # ndflow-only: REST request bodies larger than this are refused with 413.
    rest_api_max_body_bytes: int = 64 * 1024 * 1024
    model_name: str = "default"
    model_base_path: str = ""
    model_config_file: str = ""
    model_config_file_poll_wait_seconds: int = 0
    # TF's flag is int32; ndflow also accepts fractions (`0.2`) so version swaps can be
    # picked up sub-second (the load-reliability test swaps 20 versions in seconds).
    file_system_poll_wait_seconds: float = 1
    enable_batching: bool = False
    batching_parameters_file: str = ""
    enable_per_model_batching_parameters: bool = False
    allow_version_labels_for_unavailable_models: bool = False
    num_load_threads: int = 0
    num_unload_threads: int = 0
    max_num_load_retries: int = 5
    load_retry_interval_micros: int = 60_000_000
    flush_filesystem_caches: bool = True
    tensorflow_session_parallelism: int = 0
    tensorflow_intra_op_parallelism: int = 0
    tensorflow_inter_op_parallelism: int = 0
    tensorflow_session_config_file: str = ""
    per_process_gpu_memory_fraction: float = 0.0
    saved_model_tags: str = "serve"
    enable_model_warmup: bool = True
    num_request_iterations_for_warmup: int = 0
    monitoring_config_file: str = ""
    platform_config_file: str = ""
    ssl_config_file: str = ""
    use_alts_credentials: bool = False
    enable_signature_method_name_check: bool = False
    remove_unused_fields_from_bundle_metagraph: bool = True
    prefer_tflite_model: bool = False
    num_tflite_pools: int = _CPUS
    num_tflite_interpreters_per_pool: int = 1
    xla_cpu_compilation_enabled: bool = False
    xla_gpu_compilation_enabled: bool = False
    enable_profiler: bool = True
    thread_pool_factory_config_file: str = ""
    mixed_precision: str = ""
    skip_initialize_tpu: bool = False
    enable_grpc_healthcheck_service: bool = False
    enable_serialization_as_tensor_content: bool = False
    version: bool = False
    help: bool = False

    @property
    def tags(self) -> list:
        """`--saved_model_tags` as the tag set of the MetaGraph to load."""
        return [tag for tag in self.saved_model_tags.split(",") if tag]


_FIELDS = {field.name: field for field in dataclasses.fields(ServerOptions)}


class FlagError(ValueError):
    """A flag TF Serving would refuse: unknown, malformed or with an unparsable value."""


def usage() -> str:
    """The flag list, one `--name=default (type)` line each, like TF's usage text."""
    lines = ["usage: tensorflow_model_server [--port=8500] [--rest_api_port=8501] ...", "Flags:"]
    for name, field in _FIELDS.items():
        lines.append(f"\t--{name}={field.default!s}\t{field.type}")
    return "\n".join(lines)


def _parse_bool(name: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise FlagError(f"Illegal value '{text}' for bool flag --{name}")


def _parse_value(name: str, text: str):
    kind = _FIELDS[name].type
    if kind == "bool":
        return _parse_bool(name, text)
    if kind == "str":
        return text
    try:
        return int(text) if kind == "int" else float(text)
    except ValueError:
        raise FlagError(f"Illegal value '{text}' for {kind} flag --{name}") from None


def _parse_one(arg: str, values: dict) -> None:
    if not arg.startswith("--"):
        raise FlagError(f"unknown argument: {arg}")
    name, has_value, text = arg[2:].partition("=")
    if name not in _FIELDS:
        raise FlagError(f"unknown argument: {arg}")
    if not has_value and _FIELDS[name].type != "bool":
        raise FlagError(f"Flag --{name} needs a value: --{name}=<value>")
    values[name] = _parse_value(name, text) if has_value else True


def parse_flags(argv) -> ServerOptions:
    """Parses `tensorflow_model_server` flags into ServerOptions.

    Unlike TF Serving, which prints "unknown argument" and carries on, an unknown flag is an
    error here: a typo in a deployment should not silently run a different server.

    Raises:
      FlagError: unknown flag, a non-bool flag without `=value`, or a value that does not
        parse as the flag's type.

    >>> parse_flags(["--port=9000", "--enable_batching"]).port
    9000
    """
    values: dict = {}
    for arg in argv:
        _parse_one(arg, values)
    return ServerOptions(**values)


def validate_options(options: ServerOptions) -> None:
    """TF Serving's startup checks on flag combinations (`Server::BuildAndStart`).

    Raises:
      InvalidArgumentError: with TF Serving's message.
    """
    problem = _options_problem(options)
    if problem:
        raise errors.InvalidArgumentError(None, None, problem)


def _options_problem(options: ServerOptions) -> str:
    if options.port == 0 and not options.grpc_socket_path:
        return (
            "At least one of server_options.grpc_port or server_options.grpc_socket_path "
            "must be set."
        )
    if not options.model_base_path and not options.model_config_file:
        return "Both server_options.model_base_path and server_options.model_config_file are empty!"
    if options.rest_api_port and options.rest_api_port == options.port:
        return "server_options.http_port cannot be same as grpc_port. Please use a different port."
    if options.use_alts_credentials and options.ssl_config_file:
        return "Either use_alts_credentials must be false or ssl_config_file must be empty."
    if options.batching_parameters_file and not options.enable_batching:
        return "Batching parameters file was set, but batching was not enabled."
    parallelism = (
        options.tensorflow_session_parallelism,
        options.tensorflow_intra_op_parallelism,
        options.tensorflow_inter_op_parallelism,
    )
    if all(value > 0 for value in parallelism):
        return (
            "Either configure server_options.tensorflow_session_parallelism or "
            "(server_options.tensorflow_intra_op_parallelism, "
            "server_options.tensorflow_inter_op_parallelism) separately. "
            "You cannot configure all."
        )
    return ""


def parse_text_proto(text: str, message):
    """Parses a text-format proto into `message`.

    Raises:
      InvalidArgumentError: "Error parsing text-format tensorflow.serving.X: <line>:<col>: ..."
        (TF Serving's prefix, which its tests grep for).
    """
    short_name = message.DESCRIPTOR.name
    full_name = _TF_NAMES.get(short_name, message.DESCRIPTOR.full_name)
    try:
        text_format.Parse(text, message)
    except text_format.ParseError as error:
        where = f"{error.GetLine()}:{error.GetColumn()}: " if error.GetLine() else ""
        detail = str(error).split(" : ", 1)[-1]
        raise errors.InvalidArgumentError(
            None, None, f"Error parsing text-format {full_name}: {where}{detail}"
        ) from None
    return message


def _read_text_proto(path: str, message):
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise errors.NotFoundError(None, None, f"{path}; {reason}") from None
    return parse_text_proto(text, message)


def read_model_server_config(path) -> model_server_config_pb2.ModelServerConfig:
    """Reads `--model_config_file`: a text-format ModelServerConfig."""
    return _read_text_proto(os.fsdecode(path), model_server_config_pb2.ModelServerConfig())


def read_batching_parameters(path) -> session_bundle_config_pb2.BatchingParameters:
    """Reads `--batching_parameters_file`: a text-format BatchingParameters."""
    return _read_text_proto(os.fsdecode(path), session_bundle_config_pb2.BatchingParameters())


def read_monitoring_config(path) -> monitoring_config_pb2.MonitoringConfig:
    """Reads `--monitoring_config_file`: a text-format MonitoringConfig."""
    return _read_text_proto(os.fsdecode(path), monitoring_config_pb2.MonitoringConfig())


def read_ssl_config(path) -> ssl_config_pb2.SSLConfig:
    """Reads `--ssl_config_file`: a text-format SSLConfig (PEM key, certificate, CA)."""
    return _read_text_proto(os.fsdecode(path), ssl_config_pb2.SSLConfig())


def single_model_config(options: ServerOptions) -> model_server_config_pb2.ModelServerConfig:
    """The ModelServerConfig of single-model mode (`--model_name`, `--model_base_path`)."""
    config = model_server_config_pb2.ModelServerConfig()
    model = config.model_config_list.config.add()
    model.name = options.model_name
    model.base_path = options.model_base_path
    model.model_platform = "tensorflow"
    return config


def initial_model_config(options: ServerOptions) -> model_server_config_pb2.ModelServerConfig:
    """The config the server starts with: the config file if given, else single-model mode."""
    if options.model_config_file:
        return read_model_server_config(options.model_config_file)
    return single_model_config(options)
