"""The model server's core (TF Serving's `ServerCore`, `GetModelStatusImpl` and the
`HandleReloadConfigRequest` path): config validation, source -> manager wiring, model-spec
resolution, version labels, status and config reloads (also by polling the config file).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from ndflow.framework import errors
from ndflow.proto import get_model_status_pb2
from ndflow.proto import model_management_pb2
from ndflow.proto import session_bundle_config_pb2
from ndflow.serving import batching
from ndflow.serving import config as config_lib
from ndflow.serving import loader
from ndflow.serving import manager as manager_lib
from ndflow.serving import metrics as metrics_lib
from ndflow.serving import source as source_lib

_log = logging.getLogger("ndflow.serving")

_STATE_NAMES = get_model_status_pb2.ModelVersionStatus.State


def _is_absolute(base_path: str) -> bool:
    return os.path.isabs(base_path) or "://" in base_path


def _check_model_config(model, old_platforms: dict) -> None:
    """TF Serving's per-model checks (`ServerCore::ValidateConfig` and friends)."""
    has_type = model.model_type != 0
    if has_type and model.model_platform:
        raise errors.InvalidArgumentError(
            None, None, "Illegal setting both model_type(deprecated) and model_platform."
        )
    if not has_type and not model.model_platform:
        raise errors.InvalidArgumentError(
            None, None, "Illegal setting neither model_type(deprecated) nor model_platform."
        )
    platform = model.model_platform or ("tensorflow" if model.model_type == 1 else "other")
    if platform != "tensorflow":
        raise errors.FailedPreconditionError(
            None, None, f"Model {model.name} requested unsupported platform {platform}"
        )
    if not _is_absolute(model.base_path):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected model {model.name} to have an absolute path or URI; got "
            f"base_path()={model.base_path}",
        )
    previous = old_platforms.get(model.name)
    if previous is not None and previous != platform:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Illegal to change a model's platform. For model {model.name} platform was "
            f"{previous} and new platform requested is {platform}",
        )


def validate_config(config, old_models: dict) -> list:
    """The ModelConfigs of `config` after TF Serving's checks; `old_models` {name: config}."""
    if config.WhichOneof("config") != "model_config_list":
        raise errors.InvalidArgumentError(
            None,
            None,
            "ServerModelConfig type not supported by HandleReloadConfigRequest. Only "
            "ModelConfigList is currently supported",
        )
    models = list(config.model_config_list.config)
    names: set = set()
    platforms = {name: "tensorflow" for name in old_models}
    for model in models:
        if model.name in names:
            raise errors.InvalidArgumentError(
                None, None, f"Illegal to list model {model.name} multiple times in config list"
            )
        names.add(model.name)
        _check_model_config(model, platforms)
    return models


class ServerCore:
    """Mirrors TF Serving's `ServerCore`: owns the source, the manager and the live config.

    >>> core = ServerCore(config_lib.parse_flags(["--model_base_path=/models/half_plus_two"]))
    >>> core.start()
    >>> with core.servable(model_pb2.ModelSpec(name="default")) as servable: ...
    """

    def __init__(self, options: config_lib.ServerOptions, model_server_config=None):
        self.options = options
        self.config = model_server_config or config_lib.initial_model_config(options)
        self.metrics = metrics_lib.ServingMetrics()
        self.batching_parameters = None
        if options.enable_batching and options.batching_parameters_file:
            self.batching_parameters = config_lib.read_batching_parameters(
                options.batching_parameters_file
            )
        self.manager = None
        self._source = None
        self._models: dict = {}  # name -> ModelConfig
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._config_poller = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> None:
        """Loads every configured model and waits until each one's latest version is
        AVAILABLE (TF's startup rule; forever for a base path without versions, unless
        `timeout`).

        Raises:
          UnknownError: "N servable(s) did not become available: {...}".
          InvalidArgumentError / FailedPreconditionError: the config is invalid.
        """
        self.manager = manager_lib.Manager(self.options, self._load, self._on_state)
        self._source = source_lib.FileSystemSource(
            self.manager.set_aspired_versions, self.options.file_system_poll_wait_seconds
        )
        self._apply_config(self.config, timeout, "servable(s)")
        self._source.start()
        if self.options.model_config_file and self.options.model_config_file_poll_wait_seconds > 0:
            self._config_poller = threading.Thread(
                target=self._poll_config_file, name="config_file_poll", daemon=True
            )
            self._config_poller.start()

    def stop(self) -> None:
        """Stops polling and unloads every model (in-flight requests finish first)."""
        self._stop.set()
        if self._source is not None:
            self._source.stop()
        if self._config_poller is not None:
            self._config_poller.join()
        if self.manager is not None:
            self.manager.stop()

    def _load(self, name, version, path, options, cancelled):
        started = time.monotonic()
        try:
            servable = loader.load_with_retries(name, version, path, options, cancelled)
        except errors.OpError:
            self.metrics.record_model_load(path, time.monotonic() - started, False)
            raise
        self.metrics.record_model_load(path, time.monotonic() - started, True)
        if self.batching_parameters is not None or self.options.enable_batching:
            _add_batching(servable, self.batching_parameters, self.metrics)
        return servable

    def _on_state(self, name, version, state, error) -> None:
        self.metrics.set_model_state(name, version, _STATE_NAMES.Name(state))

    # -- config ------------------------------------------------------------------------------

    def _apply_config(self, config, timeout, noun: str) -> None:
        with self._reload_lock:
            models = validate_config(config, self._models)
            self._check_labels(models)
            added = [m.name for m in models if m.name not in self._models]
            self._models = {m.name: m for m in models}
            self.config = config
            # Labels were checked above; they apply now, so one may precede its version's load.
            for model in models:
                self.manager.set_labels(model.name, dict(model.version_labels))
            self._source.update_config(models)
        failed = self.manager.wait_for_latest(added, timeout)
        if failed:
            details = ", ".join(
                f"{{name: {name} version: {self._latest_on_record(name)}}} due to error: "
                f"{error.message}"
                for name, error in sorted(failed.items())
            )
            raise errors.UnknownError(
                None, None, f"{len(failed)} {noun} did not become available: {{{details}}}"
            )

    def _latest_on_record(self, name: str):
        states = self.manager.version_states(name)
        return states[0][0] if states else -1

    def _check_labels(self, models) -> None:
        """TF's label rule: a label must point at an AVAILABLE version, except a new or
        unchanged label with `--allow_version_labels_for_unavailable_models`."""
        for model in models:
            current = self.manager.labels(model.name)
            available = set(self.manager.available_versions(model.name))
            for label, version in model.version_labels.items():
                unchanged_or_new = current.get(label, version) == version
                allowed = self.options.allow_version_labels_for_unavailable_models
                if version in available or (allowed and unchanged_or_new):
                    continue
                raise errors.FailedPreconditionError(
                    None,
                    None,
                    f"Request to assign label to version {version} of model {model.name}, "
                    "which is not currently available for inference",
                )

    def reload_config(
        self, request: model_management_pb2.ReloadConfigRequest
    ) -> model_management_pb2.ReloadConfigResponse:
        """Mirrors `HandleReloadConfigRequest`: the new list replaces the old one and the call
        waits for newly added models. The outcome is in `response.status` (never raised)."""
        response = model_management_pb2.ReloadConfigResponse()
        try:
            self._apply_config(request.config, None, "model(s)")
        except errors.OpError as error:
            _log.error("ReloadConfig failed: %s", error.message)
            response.status.error_code = error.error_code
            response.status.error_message = error.message
        return response

    def _poll_config_file(self) -> None:
        path = self.options.model_config_file
        while not self._stop.wait(self.options.model_config_file_poll_wait_seconds):
            try:
                config = config_lib.read_model_server_config(path)
            except errors.OpError as error:
                _log.error("Failed to read model config file %s: %s", path, error.message)
                continue
            if config == self.config:
                continue
            request = model_management_pb2.ReloadConfigRequest(config=config)
            self.reload_config(request)

    # -- requests ----------------------------------------------------------------------------

    def servable(self, model_spec):
        """The Servable a ModelSpec names: its version, its version_label, or the latest
        AVAILABLE version. Use it as a context manager so unloading waits for the request.

        Raises:
          InvalidArgumentError: no name, or an unknown label.
          NotFoundError: "Servable not found for request: Latest(m)" / "Specific(m, v)".
        """
        if not model_spec.name:
            raise errors.InvalidArgumentError(None, None, "ModelSpec has no name specified.")
        choice = model_spec.WhichOneof("version_choice")
        version = model_spec.version.value if choice == "version" else None
        label = model_spec.version_label if choice == "version_label" else None
        return self.manager.servable(model_spec.name, version, label)

    def model_status(
        self, request: get_model_status_pb2.GetModelStatusRequest
    ) -> get_model_status_pb2.GetModelStatusResponse:
        """Mirrors TF Serving's `GetModelStatusImpl` (labels are ignored, as upstream)."""
        if not request.HasField("model_spec"):
            raise errors.InvalidArgumentError(None, None, "Missing ModelSpec")
        name = request.model_spec.name
        states = self.manager.version_states(name)
        if request.model_spec.WhichOneof("version_choice") == "version":
            version = request.model_spec.version.value
            states = [entry for entry in states if entry[0] == version]
            if not states:
                raise errors.NotFoundError(
                    None, None, f"Could not find version {version} of model {name}"
                )
        if not states:
            raise errors.NotFoundError(None, None, f"Could not find any versions of model {name}")
        response = get_model_status_pb2.GetModelStatusResponse()
        for version, state, error in states:
            entry = response.model_version_status.add(version=version, state=state)
            if error is not None:
                entry.status.error_code = error.error_code
                entry.status.error_message = error.message
        return response


def _add_batching(servable, parameters, metrics) -> None:
    """Routes the servable's session runs through a BatchScheduler (`--enable_batching`)."""
    parameters = parameters or session_bundle_config_pb2.BatchingParameters()
    run = servable.run_arrays

    def run_fn(feeds, fetches):
        return run(list(fetches), list(feeds.items()))

    scheduler = batching.BatchScheduler(parameters, run_fn, metrics)
    servable.run_arrays = lambda fetches, feeds: scheduler.run(dict(feeds), list(fetches))
    servable.on_close(scheduler.stop)
