"""The file-system source (TF Serving's `FileSystemStoragePathSource`).

Polls each model's base path for numeric version directories and tells the manager, per
model, the complete list of aspired versions under the model's version policy
(`latest { num_versions }`, `all {}`, `specific { versions }`).
"""

from __future__ import annotations

import logging
import os
import threading

_log = logging.getLogger("ndflow.serving")


def _parse_version(name: str):
    """`00000123` -> 123; names that are not non-negative integers are not versions."""
    if not name.isdigit():
        return None
    return int(name)


def list_versions(base_path: str) -> dict:
    """{version: path} of the numeric children of `base_path`. Two dirs with the same
    number (`1` and `001`): the lexicographically last wins, with a warning (TF's rule).

    Raises:
      FileNotFoundError: the base path does not exist.
    """
    versions: dict = {}
    for child in sorted(os.listdir(base_path)):
        version = _parse_version(child)
        if version is None:
            continue
        if version in versions:
            _log.warning(
                "Duplicate version directories detected: %s and %s", versions[version], child
            )
        versions[version] = os.path.join(base_path, child)
    return versions


def aspired_versions(model_config, on_disk: dict) -> list:
    """[(version, path)] that `model_config.model_version_policy` aspires, highest first."""
    policy = model_config.model_version_policy
    choice = policy.WhichOneof("policy_choice")
    if choice == "all":
        chosen = sorted(on_disk, reverse=True)
    elif choice == "specific":
        chosen = _specific(model_config, on_disk)
    else:
        # No policy, or latest with num_versions 0, means latest 1 (TF's rule).
        count = max(1, policy.latest.num_versions) if choice == "latest" else 1
        chosen = sorted(on_disk, reverse=True)[:count]
    return [(version, on_disk[version]) for version in chosen]


def _specific(model_config, on_disk: dict) -> list:
    wanted = list(model_config.model_version_policy.specific.versions)
    if not wanted:
        _log.warning(
            "No versions specified for servable %s under specific policy.", model_config.name
        )
    missing = sorted(set(wanted) - set(on_disk))
    if missing:
        _log.warning(
            "Versions %s of servable %s not found under base path %s",
            missing,
            model_config.name,
            model_config.base_path,
        )
    return sorted(set(wanted) & set(on_disk), reverse=True)


class FileSystemSource:
    """Mirrors TF Serving's `FileSystemStoragePathSource`.

    `aspire(name, [(version, path), ...])` is the manager's callback. `poll_wait_seconds`:
    > 0 polls every that many seconds, 0 polls once, < 0 never polls by itself (call `poll`).
    """

    def __init__(self, aspire, poll_wait_seconds: float = 1):
        self._aspire = aspire
        self._poll_wait = poll_wait_seconds
        self._models: dict = {}  # name -> ModelConfig
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    def update_config(self, model_configs) -> None:
        """Replaces the served models; a model no longer listed aspires no versions (unloads)."""
        new_models = {config.name: config for config in model_configs}
        with self._lock:
            removed = set(self._models) - set(new_models)
            self._models = new_models
        for name in sorted(removed):
            self._aspire(name, [])
        if self._poll_wait >= 0:
            self.poll()

    def poll(self) -> bool:
        """One poll of every base path. If any base path is missing, nothing is updated in
        this iteration (TF's rule); returns whether the iteration succeeded."""
        with self._lock:
            models = list(self._models.values())
        found = {}
        for config in models:
            try:
                found[config.name] = list_versions(config.base_path)
            except OSError:
                _log.error(
                    "Could not find base path %s for servable %s", config.base_path, config.name
                )
                return False
        for config in models:
            if not found[config.name]:
                _log.warning(
                    "No versions of servable %s found under base path %s. Did you forget to "
                    "name your leaf directory as a number (eg. '/1/')?",
                    config.name,
                    config.base_path,
                )
            self._aspire(config.name, aspired_versions(config, found[config.name]))
        return True

    def start(self) -> None:
        """Starts periodic polling (after the first poll, which `update_config` does)."""
        if self._poll_wait <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="fs_source_poll", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._poll_wait):
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - a poll failure must not end polling
                _log.exception("File system poll failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
