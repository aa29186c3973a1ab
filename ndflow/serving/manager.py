"""The aspired-versions manager (TF Serving's `AspiredVersionsManager` + `BasicManager` +
`AvailabilityPreservingPolicy` + `ServableStateMonitor`).

The source tells it, per model, which versions are aspired; a manager thread applies the
availability-preserving policy one action per model at a time (load the highest new aspired
version; unload an un-aspired version only once an aspired one serves), loads on a thread
pool with retries, and records each version's state as GetModelStatus reports it.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading

from ndflow.framework import errors
from ndflow.proto import get_model_status_pb2
from ndflow.serving import loader

_log = logging.getLogger("ndflow.serving")

State = get_model_status_pb2.ModelVersionStatus.State
START = State.Value("START")
LOADING = State.Value("LOADING")
AVAILABLE = State.Value("AVAILABLE")
UNLOADING = State.Value("UNLOADING")
END = State.Value("END")

_TICK_SECONDS = 0.1  # TF's manager thread period


class VersionState:
    """One version's harness (TF's `LoaderHarness`): state, error and the loaded servable."""

    def __init__(self, version: int, path: str):
        self.version = version
        self.path = path
        self.state = START
        self.error: errors.OpError | None = None
        self.servable = None
        self.aspired = True
        self.busy = False
        # END and may be loaded afresh when aspired again: unloaded, or failed and un-aspired
        # since (TF never retries a failed version that stays aspired).
        self.reloadable = False
        self.cancelled = threading.Event()


def _load_fn(name, version, path, options, cancelled):
    return loader.load_with_retries(name, version, path, options, cancelled)


class Manager:
    """Mirrors TF Serving's `AspiredVersionsManager` with `AvailabilityPreservingPolicy`.

    `load_fn(name, version, path, options, cancelled) -> Servable` loads one version (tests
    substitute it); `on_state(name, version, state, error)` observes transitions (metrics).
    """

    def __init__(self, options, load_fn=_load_fn, on_state=None):
        self._options = options
        self._load_fn = load_fn
        self._on_state = on_state
        self._streams: dict = {}  # name -> {version: VersionState}
        self._serving: dict = {}  # name -> {version: Servable}, AVAILABLE versions only
        self._labels: dict = {}  # name -> {label: version}
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        workers = max(1, options.num_load_threads, 4 * (os.cpu_count() or 1))
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, "servable_load")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="manager", daemon=True)
        self._thread.start()

    # -- the source's callback --------------------------------------------------------

    def set_aspired_versions(self, name: str, versions) -> None:
        """Replaces the aspired versions of `name` with `[(version, path), ...]`."""
        wanted = dict(versions)
        with self._lock:
            stream = self._streams.setdefault(name, {})
            for harness in stream.values():
                self._set_aspired(name, harness, harness.version in wanted)
            for version, path in wanted.items():
                self._aspire_one(name, stream, version, path)
            self._changed.notify_all()

    def _set_aspired(self, name: str, harness: VersionState, aspired: bool) -> None:
        harness.aspired = aspired
        if aspired:
            return
        harness.cancelled.set()
        if harness.state == END:
            harness.reloadable = True
        if harness.state == START:
            # Never loaded: it just leaves (TF publishes END for it).
            harness.state = END
            harness.reloadable = True
            self._publish(name, harness)

    def _aspire_one(self, name, stream, version, path) -> None:
        harness = stream.get(version)
        if harness is not None and not harness.reloadable:
            return
        fresh = VersionState(version, path)
        stream[version] = fresh
        self._publish(name, fresh)

    # -- the policy -------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self._changed.wait(_TICK_SECONDS)
                if self._stop.is_set():
                    return
                for name, stream in self._streams.items():
                    self._step(name, stream)

    def _step(self, name: str, stream: dict) -> None:
        """One AvailabilityPreservingPolicy action for one model, if none is in flight."""
        if any(harness.busy for harness in stream.values()):
            return
        to_unload = _unload_candidate(stream)
        if to_unload is not None:
            self._start_unload(name, to_unload)
            return
        new = [h for h in stream.values() if h.aspired and h.state == START]
        if new:
            self._start_load(name, max(new, key=lambda h: h.version))

    def _start_load(self, name: str, harness: VersionState) -> None:
        harness.busy = True
        harness.state = LOADING
        self._publish(name, harness)
        self._pool.submit(self._load, name, harness)

    def _load(self, name: str, harness: VersionState) -> None:
        try:
            servable = self._load_fn(
                name, harness.version, harness.path, self._options, harness.cancelled
            )
        except Exception as error:  # noqa: BLE001 - recorded as the version's status
            self._finish_load(name, harness, None, _as_op_error(error))
            return
        self._finish_load(name, harness, servable, None)

    def _finish_load(self, name, harness, servable, error) -> None:
        with self._lock:
            harness.busy = False
            harness.servable = servable
            harness.error = error
            harness.reloadable = error is not None and not harness.aspired
            harness.state = AVAILABLE if error is None else END
            if error is None:
                self._serving.setdefault(name, {})[harness.version] = servable
            self._publish(name, harness)
            self._changed.notify_all()
        if error is None:
            _log.info(
                "Successfully loaded servable version {name: %s version: %d}", name, harness.version
            )

    def _start_unload(self, name: str, harness: VersionState) -> None:
        harness.busy = True
        harness.state = UNLOADING
        # Stop routing new requests to it first; in-flight ones finish (TF's quiescing).
        self._serving.get(name, {}).pop(harness.version, None)
        self._publish(name, harness)
        self._pool.submit(self._unload, name, harness)

    def _unload(self, name: str, harness: VersionState) -> None:
        servable = harness.servable
        if servable is not None:
            servable.wait_idle(self._options.rest_api_timeout_in_ms / 1000.0)
            servable.close()
        with self._lock:
            # The servable's memory goes with its last reference (a late request may hold one).
            harness.servable = None
            harness.busy = False
            harness.state = END
            harness.reloadable = True
            self._publish(name, harness)
            self._changed.notify_all()
        _log.info("Done unloading servable version {name: %s version: %d}", name, harness.version)

    def _publish(self, name: str, harness: VersionState) -> None:
        if self._on_state is not None:
            self._on_state(name, harness.version, harness.state, harness.error)

    # -- queries ----------------------------------------------------------------------------

    def servable(self, name: str, version: int | None = None, label: str | None = None):
        """The Servable for Latest(name), Specific(name, version) or a label's version.

        Raises:
          InvalidArgumentError: unknown label.
          NotFoundError: "Servable not found for request: Latest(m)" / "Specific(m, 7)".
        """
        with self._lock:
            if label:
                version = self._labels.get(name, {}).get(label)
                if version is None:
                    raise errors.InvalidArgumentError(
                        None, None, f"Unrecognized servable version label: {label}"
                    )
            serving = self._serving.get(name, {})
            if version is None and serving:
                return serving[max(serving)]
            if version is not None and version in serving:
                return serving[version]
        request = f"Latest({name})" if version is None else f"Specific({name}, {version})"
        raise errors.NotFoundError(None, None, f"Servable not found for request: {request}")

    def version_states(self, name: str) -> list:
        """[(version, state, error)] of every version ever tracked for `name`, highest first."""
        with self._lock:
            stream = self._streams.get(name, {})
            return [(v, stream[v].state, stream[v].error) for v in sorted(stream, reverse=True)]

    def available_versions(self, name: str) -> list:
        with self._lock:
            return sorted(self._serving.get(name, {}))

    def labels(self, name: str) -> dict:
        with self._lock:
            return dict(self._labels.get(name, {}))

    def set_labels(self, name: str, labels: dict) -> None:
        with self._lock:
            self._labels[name] = dict(labels)

    def wait_for_latest(self, names, timeout: float | None = None) -> dict:
        """Waits until the highest known version of each model is AVAILABLE or has failed
        (TF's `WaitUntilServablesReachState` on Latest(name)); returns {name: error} for the
        failed ones. Waits forever for a model with no versions, as TF does."""
        names = list(names)
        with self._lock:
            self._changed.wait_for(
                lambda: self._stop.is_set() or all(self._settled(n) for n in names), timeout
            )
            return {n: self._latest_error(n) for n in names if self._latest_error(n)}

    def _latest(self, name: str):
        stream = self._streams.get(name, {})
        aspired = [v for v, h in stream.items() if h.aspired]
        return stream[max(aspired)] if aspired else None

    def _settled(self, name: str) -> bool:
        harness = self._latest(name)
        if harness is None:
            return False
        return harness.state == AVAILABLE or (harness.state == END and not harness.busy)

    def _latest_error(self, name: str):
        harness = self._latest(name)
        return harness.error if harness is not None and harness.state == END else None

    def stop(self) -> None:
        """Unloads every version and stops the manager thread."""
        with self._lock:
            for stream in self._streams.values():
                for harness in stream.values():
                    harness.aspired = False
                    harness.cancelled.set()
            self._changed.notify_all()
            self._changed.wait_for(self._all_unloaded, self._options.rest_api_timeout_in_ms / 1e3)
            self._stop.set()
            self._changed.notify_all()
        self._thread.join()
        self._pool.shutdown(wait=True)

    def _all_unloaded(self) -> bool:
        return all(
            h.state in (START, END) and not h.busy
            for stream in self._streams.values()
            for h in stream.values()
        )


def _unload_candidate(stream: dict):
    """AvailabilityPreservingPolicy's unload choice: the lowest un-aspired AVAILABLE version,
    once no version is aspired, an aspired one is AVAILABLE, or several un-aspired serve."""
    unaspired_ready = [h for h in stream.values() if h.state == AVAILABLE and not h.aspired]
    if not unaspired_ready:
        return None
    aspired = [h for h in stream.values() if h.aspired]
    aspired_ready = any(h.state == AVAILABLE for h in aspired)
    if not aspired or aspired_ready or len(unaspired_ready) > 1:
        return min(unaspired_ready, key=lambda h: h.version)
    return None


def _as_op_error(error: Exception) -> errors.OpError:
    if isinstance(error, errors.OpError):
        return error
    return errors.UnknownError(None, None, f"{type(error).__name__}: {error}")
