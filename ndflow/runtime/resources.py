"""The per-Session resource manager: variables, tables, iterators, queues, RNG states.

Resources live in containers (TF's `container` attr, "" by default) under a name (the
op's `shared_name`, or its node name). Kernels reach them through `ctx.resources`.
"""

from __future__ import annotations

import threading

from ndflow.framework import errors


class ResourceMgr:
    """Mirrors TF's ResourceMgr: resources keyed by (container, name)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._containers: dict[str, dict[str, object]] = {}

    def lookup(self, container: str, name: str):
        """The resource, or `NotFoundError` naming it."""
        found = self._containers.get(container, {}).get(name)
        if found is None:
            raise errors.NotFoundError(None, None, f"Resource {container}/{name} does not exist.")
        return found

    def get(self, container: str, name: str):
        """The resource, or None."""
        return self._containers.get(container, {}).get(name)

    def lookup_or_create(self, container: str, name: str, factory):
        """The resource, created by `factory()` on first use (atomically)."""
        found = self._containers.get(container, {}).get(name)
        if found is not None:
            return found
        with self._lock:
            bucket = self._containers.setdefault(container, {})
            found = bucket.get(name)
            if found is None:
                found = factory()
                bucket[name] = found
            return found

    def create(self, container: str, name: str, resource) -> None:
        """Adds a resource; `AlreadyExistsError` if the name is taken."""
        with self._lock:
            bucket = self._containers.setdefault(container, {})
            if name in bucket:
                raise errors.AlreadyExistsError(
                    None, None, f"Resource {container}/{name} already exists."
                )
            bucket[name] = resource

    def delete(self, container: str, name: str) -> None:
        with self._lock:
            bucket = self._containers.get(container, {})
            if name not in bucket:
                raise errors.NotFoundError(
                    None, None, f"Resource {container}/{name} does not exist."
                )
            _close(bucket.pop(name))

    def cleanup(self, container: str | None = None) -> None:
        """Drops one container's resources (all containers when None)."""
        with self._lock:
            names = list(self._containers) if container is None else [container]
            for name in names:
                for resource in self._containers.pop(name, {}).values():
                    _close(resource)

    def resources(self, container: str = "") -> dict:
        return dict(self._containers.get(container, {}))


def _close(resource) -> None:
    close = getattr(resource, "close", None)
    if callable(close):
        close()
