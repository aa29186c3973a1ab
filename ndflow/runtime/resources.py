"""The per-Session resource manager: variables, tables, iterators, queues, RNG states.

As in TensorFlow, a resource is keyed by its container (the `container` attr, "" by
default), its kind (a ref variable, a resource variable, a table...) and its name (the
op's `shared_name`, or its node name). Kernels reach the manager through `ctx.resources`.
"""

from __future__ import annotations

import threading

from ndflow.framework import errors


class ResourceMgr:
    """Mirrors TF's ResourceMgr: resources keyed by (kind, container, name)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._resources: dict[tuple, object] = {}
        # True once the Session closed: resource ops still running must not create more.
        self.closed = False

    def lookup(self, kind: str, container: str, name: str):
        """The resource, or `NotFoundError` naming it."""
        found = self._resources.get((kind, container, name))
        if found is None:
            raise errors.NotFoundError(
                None, None, f"Resource {container or 'localhost'}/{name}/{kind} does not exist."
            )
        return found

    def get(self, kind: str, container: str, name: str):
        """The resource, or None."""
        return self._resources.get((kind, container, name))

    def lookup_or_create(self, kind: str, container: str, name: str, factory):
        """The resource, created by `factory()` on first use (atomically)."""
        key = (kind, container, name)
        found = self._resources.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._resources.get(key)
            if found is None:
                found = factory()
                self._resources[key] = found
            return found

    def create(self, kind: str, container: str, name: str, resource) -> None:
        """Adds a resource; `AlreadyExistsError` if the key is taken."""
        with self._lock:
            key = (kind, container, name)
            if key in self._resources:
                raise errors.AlreadyExistsError(
                    None, None, f"Resource {container or 'localhost'}/{name}/{kind} already exists."
                )
            self._resources[key] = resource

    def put(self, kind: str, container: str, name: str, resource) -> None:
        """Adds or replaces a resource."""
        with self._lock:
            self._resources[(kind, container, name)] = resource

    def delete(self, kind: str, container: str, name: str) -> None:
        """Removes a resource; `NotFoundError` if there is none."""
        with self._lock:
            resource = self._resources.pop((kind, container, name), None)
        if resource is None:
            raise errors.NotFoundError(
                None, None, f"Resource {container or 'localhost'}/{name}/{kind} does not exist."
            )
        _close(resource)

    def cleanup(self, container: str | None = None) -> None:
        """Drops one container's resources (all containers when None)."""
        with self._lock:
            keys = [k for k in self._resources if container is None or k[1] == container]
            dropped = [self._resources.pop(k) for k in keys]
        for resource in dropped:
            _close(resource)

    def close(self) -> None:
        """Session teardown: cancels what blocks on a resource (a resource's `cancel()`,
        e.g. a queue's blocked dequeues get CancelledError), then drops everything."""
        self.closed = True
        with self._lock:
            resources = list(self._resources.values())
        for resource in resources:
            cancel = getattr(resource, "cancel", None)
            if callable(cancel):
                cancel()
        self.cleanup()

    def items(self, kind: str | None = None) -> list:
        """(container, name, resource) triples, optionally of one kind."""
        return [
            (k[1], k[2], v)
            for k, v in list(self._resources.items())
            if kind is None or k[0] == kind
        ]


def _close(resource) -> None:
    close = getattr(resource, "close", None)
    if callable(close):
        close()
