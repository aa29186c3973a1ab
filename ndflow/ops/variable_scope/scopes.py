"""`tf.variable_scope`, `tf.get_variable_scope`, `tf.get_variable` and
`tf.get_local_variable`: TF1's VariableScope objects, the per-graph, per-thread scope store,
and the scope managers (`variable_scope` opens a name scope too; reopening a VariableScope
object opens a fresh one, as TF does).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import threading

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops.variable_scope import variable_store

GraphKeys = graph_lib.GraphKeys

# The graph collections holding the two stores, under TF's own keys.
_VARSTORE_KEY = ("__variable_store",)
_VARSCOPESTORE_KEY = ("__varscope",)


# ---------------------------------------------------------------------- VariableScope


class VariableScope:
    """Mirrors `tf.compat.v1.VariableScope`: the defaults `get_variable` uses in a scope
    (reuse, initializer, regularizer, dtype, custom getter...).

    >>> with variable_scope("foo") as scope:
    ...     scope.name
    'foo'
    """

    def __init__(
        self,
        reuse,
        name="",
        initializer=None,
        regularizer=None,
        caching_device=None,
        partitioner=None,
        custom_getter=None,
        name_scope="",
        dtype=dtypes.float32,
        use_resource=None,
        constraint=None,
    ):
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self) -> None:
        """Makes this scope reuse variables (`reuse=True`) from now on."""
        self._reuse = True

    def set_initializer(self, initializer) -> None:
        self._initializer = initializer

    def set_dtype(self, dtype) -> None:
        self._dtype = dtype

    def set_use_resource(self, use_resource) -> None:
        self._use_resource = use_resource

    def set_regularizer(self, regularizer) -> None:
        self._regularizer = regularizer

    def set_caching_device(self, caching_device) -> None:
        self._caching_device = caching_device

    def set_partitioner(self, partitioner) -> None:
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter) -> None:
        self._custom_getter = custom_getter

    def get_collection(self, name) -> list:
        """The collection's items whose names start with this scope's name."""
        return graph_lib.get_collection(name, self._name + "/" if self._name else "")

    def trainable_variables(self) -> list:
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def global_variables(self) -> list:
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def local_variables(self) -> list:
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(
        self,
        var_store,
        name,
        shape=None,
        dtype=None,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        custom_getter=None,
        constraint=None,
        synchronization=variable_store.VariableSynchronization.AUTO,
        aggregation=variable_store.VariableAggregation.NONE,
    ):
        """Gets or creates `<scope name>/<name>` in `var_store`, with this scope's defaults
        for every argument left None; the variable's ops start at the root name scope."""
        full_name = f"{self._name}/{name}" if self._name else name
        with graph_lib.name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = op_builder.convert_to_tensor(initializer).dtype.base_dtype
                if init_dtype != dtype:
                    raise ValueError(
                        f"Initializer type '{init_dtype}' and explicit dtype '{dtype}' don't match."
                    )
            return var_store.get_variable(
                full_name,
                shape=shape,
                dtype=self._dtype if dtype is None else dtype,
                initializer=self._initializer if initializer is None else initializer,
                regularizer=self._regularizer if regularizer is None else regularizer,
                reuse=self._reuse if reuse is None else reuse,
                trainable=trainable,
                collections=collections,
                caching_device=caching_device or self._caching_device,
                partitioner=self._partitioner if partitioner is None else partitioner,
                validate_shape=validate_shape,
                use_resource=self._use_resource if use_resource is None else use_resource,
                custom_getter=self._custom_getter if custom_getter is None else custom_getter,
                constraint=self._constraint if constraint is None else constraint,
                synchronization=synchronization,
                aggregation=aggregation,
            )


class _VariableScopeStore(threading.local):
    """TF's per-thread current scope and count of opened scope names, per graph."""

    def __init__(self):
        super().__init__()
        self.current_scope = VariableScope(False)
        self.variable_scopes_count: dict = {}

    def open_variable_scope(self, scope_name) -> None:
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name) -> None:
        prefix = None if scope_name is None else scope_name + "/"
        for key in self.variable_scopes_count:
            if prefix is None or key.startswith(prefix):
                self.variable_scopes_count[key] = 0

    def variable_scope_count(self, scope_name) -> int:
        return self.variable_scopes_count.get(scope_name, 0)


def _graph_singleton(key, factory):
    graph = graph_lib.get_default_graph()
    found = graph.get_collection(key)
    if found:
        return found[0]
    made = factory()
    graph.add_to_collection(key, made)
    return made


def get_variable_scope_store() -> _VariableScopeStore:
    """The default graph's variable-scope store (made on first use)."""
    return _graph_singleton(_VARSCOPESTORE_KEY, _VariableScopeStore)


def _get_default_variable_store() -> variable_store.VariableStore:
    return _graph_singleton(_VARSTORE_KEY, variable_store.VariableStore)


def get_variable_scope() -> VariableScope:
    """Mirrors `tf.compat.v1.get_variable_scope`: the current VariableScope.

    >>> get_variable_scope().reuse_variables()
    """
    return get_variable_scope_store().current_scope


def get_variable(
    name,
    shape=None,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable=None,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape=True,
    use_resource=None,
    custom_getter=None,
    constraint=None,
    synchronization=variable_store.VariableSynchronization.AUTO,
    aggregation=variable_store.VariableAggregation.NONE,
):
    """Mirrors `tf.compat.v1.get_variable`: gets the variable `<scope>/<name>` or creates it.

    Args:
      name: the variable's name inside the current variable scope.
      shape: its shape (not with a constant initializer).
      dtype: its type (the scope's, float32 by default).
      initializer: an initializer (object, class or callable), or a value/Tensor; defaults
        to the scope's, then glorot_uniform for floats and zeros for ints/bools/strings.
      regularizer: a function of the variable; its result joins REGULARIZATION_LOSSES.
      trainable: whether it joins TRAINABLE_VARIABLES (default True).
      collections: the collections to add it to (default [GLOBAL_VARIABLES]).
      caching_device: accepted, unused (ndflow has one device).
      partitioner: must be None (partitioned variables are not supported yet).
      validate_shape: False allows an initial value of unknown shape.
      use_resource: True makes a ResourceVariable.
      custom_getter: `fn(getter, name, *args, **kwargs)` wrapping the real getter.
      constraint: a projection an optimizer applies after updates.
      synchronization: a VariableSynchronization.
      aggregation: a VariableAggregation.

    Returns:
      The Variable.

    Raises:
      ValueError: on reuse violations ("Variable foo/w already exists, disallowed..."),
        shape or dtype mismatches, a missing shape, or a partitioner.

    >>> with variable_scope("dense"):
    ...     kernel = get_variable("kernel", [3, 2])
    >>> kernel.name
    'dense/kernel:0'
    """
    return get_variable_scope().get_variable(
        _get_default_variable_store(),
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=collections,
        caching_device=caching_device,
        partitioner=partitioner,
        validate_shape=validate_shape,
        use_resource=use_resource,
        custom_getter=custom_getter,
        constraint=constraint,
        synchronization=synchronization,
        aggregation=aggregation,
    )


def get_local_variable(
    name,
    shape=None,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable=False,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape=True,
    use_resource=None,
    custom_getter=None,
    constraint=None,
    synchronization=variable_store.VariableSynchronization.AUTO,
    aggregation=variable_store.VariableAggregation.NONE,
):
    """Mirrors `tf.compat.v1.get_local_variable`: `get_variable` into LOCAL_VARIABLES,
    never trainable.

    >>> get_local_variable("count", [], dtype=int32)
    """
    del trainable  # TF ignores it: local variables are never trainable
    return get_variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=False,
        collections=list(collections or []) + [GraphKeys.LOCAL_VARIABLES],
        caching_device=caching_device,
        partitioner=partitioner,
        validate_shape=validate_shape,
        use_resource=use_resource,
        custom_getter=custom_getter,
        constraint=constraint,
        synchronization=synchronization,
        aggregation=aggregation,
    )


# ---------------------------------------------------------------------- scope managers


def _maybe_wrap_custom_getter(custom_getter, old_getter):
    """Nests getters as TF does: the inner scope's getter receives the outer one."""
    if old_getter is None:
        return custom_getter

    def wrapped_custom_getter(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)

    return wrapped_custom_getter


def _get_unique_variable_scope(prefix: str) -> str:
    """`prefix`, or `prefix_N` when that scope was already opened (for default names)."""
    store = get_variable_scope_store()
    current = get_variable_scope()
    name = f"{current.name}/{prefix}" if current.name else prefix
    if store.variable_scope_count(name) == 0:
        return prefix
    index = 1
    while store.variable_scope_count(f"{name}_{index}") > 0:
        index += 1
    return f"{prefix}_{index}"


@dataclasses.dataclass(frozen=True)
class _ScopeSettings:
    """The arguments of a variable scope that a new VariableScope takes over."""

    initializer: object = None
    regularizer: object = None
    caching_device: object = None
    partitioner: object = None
    custom_getter: object = None
    dtype: object = None
    use_resource: object = None
    constraint: object = None

    def apply(self, scope: VariableScope, old_getter) -> None:
        if self.initializer is not None:
            scope.set_initializer(self.initializer)
        if self.regularizer is not None:
            scope.set_regularizer(self.regularizer)
        if self.caching_device is not None:
            scope.set_caching_device(self.caching_device)
        if self.partitioner is not None:
            scope.set_partitioner(self.partitioner)
        if self.custom_getter is not None:
            scope.set_custom_getter(_maybe_wrap_custom_getter(self.custom_getter, old_getter))
        if self.dtype is not None:
            scope.set_dtype(self.dtype)
        if self.use_resource is not None:
            scope.set_use_resource(self.use_resource)


def _derived_scope(base: VariableScope, reuse, name, name_scope, constraint) -> VariableScope:
    return VariableScope(
        reuse,
        name=name,
        initializer=base.initializer,
        regularizer=base.regularizer,
        caching_device=base.caching_device,
        partitioner=base.partitioner,
        dtype=base.dtype,
        use_resource=base.use_resource,
        custom_getter=base.custom_getter,
        name_scope=name_scope,
        constraint=constraint,
    )


class _pure_variable_scope:  # noqa: N801 - TF's name
    """TF's `_pure_variable_scope`: switches the current VariableScope, no name scope."""

    def __init__(self, name_or_scope, settings: _ScopeSettings, reuse=None, old_name_scope=None):
        self._name_or_scope = name_or_scope
        self._settings = settings
        self._reuse = reuse
        self._old_name_scope = old_name_scope
        self._var_scope_store = get_variable_scope_store()
        self._last_variable_scope_object = None
        if isinstance(name_or_scope, VariableScope):
            self._new_name = name_or_scope.name
            scope = _derived_scope(
                name_or_scope,
                name_or_scope.reuse if not reuse else reuse,
                self._new_name,
                name_or_scope.original_name_scope,
                settings.constraint,
            )
            settings.apply(scope, name_or_scope.custom_getter)
            self._cached_variable_scope_object = scope

    def __enter__(self) -> VariableScope:
        store = self._var_scope_store
        self._old = store.current_scope
        if isinstance(self._name_or_scope, VariableScope):
            store.open_variable_scope(self._new_name)
            self._old_subscopes = copy.copy(store.variable_scopes_count)
            scope = self._cached_variable_scope_object
        else:
            old = self._old
            self._new_name = (
                f"{old.name}/{self._name_or_scope}" if old.name else self._name_or_scope
            )
            self._reuse = self._reuse or old.reuse
            name_scope = (
                self._name_or_scope if self._old_name_scope is None else self._old_name_scope
            )
            scope = _derived_scope(
                old, self._reuse, self._new_name, name_scope, self._settings.constraint
            )
            self._settings.apply(scope, old.custom_getter)
            store.open_variable_scope(self._new_name)
        store.current_scope = scope
        self._last_variable_scope_object = scope
        return scope

    def __exit__(self, *exc_info) -> None:
        store = self._var_scope_store
        if store.current_scope is not self._last_variable_scope_object:
            raise RuntimeError("Improper nesting of variable_scope.")
        if isinstance(self._name_or_scope, VariableScope):
            store.variable_scopes_count = self._old_subscopes
        else:
            store.close_variable_subscopes(self._new_name)
        store.current_scope = self._old


class variable_scope:  # noqa: N801 - TF's name
    """Mirrors `tf.compat.v1.variable_scope`: a variable scope for `get_variable`, plus a
    name scope for the ops inside (unless `auxiliary_name_scope=False`).

    Reopening a VariableScope object keeps its variable names but opens a fresh name scope
    ("foo_1"), as in TF. `reuse=True` (or AUTO_REUSE) is inherited by nested scopes.

    Args:
      name_or_scope: a string or a VariableScope.
      default_name: the name (made unique) when `name_or_scope` is None.
      values: tensors, to pick their graph.
      initializer, regularizer, caching_device, partitioner, custom_getter, dtype,
      use_resource, constraint: defaults for `get_variable` in the scope.
      reuse: True, tf.AUTO_REUSE, or None/False to inherit.
      auxiliary_name_scope: False re-enters the current name scope instead of opening one.

    Raises:
      ValueError: for reuse=True without a name, or a reuse value that is not a bool.
      TypeError: for a name that is neither a string nor a VariableScope.

    >>> with variable_scope("foo", reuse=AUTO_REUSE):
    ...     v = get_variable("v", [1])
    """

    def __init__(
        self,
        name_or_scope,
        default_name=None,
        values=None,
        initializer=None,
        regularizer=None,
        caching_device=None,
        partitioner=None,
        custom_getter=None,
        reuse=None,
        dtype=None,
        use_resource=None,
        constraint=None,
        auxiliary_name_scope=True,
    ):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:
            reuse = None
        if not (reuse is True or reuse is None or reuse is variable_store.AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError(
                "The auxiliary_name_scope must be `True` or `False`, while get "
                f"{auxiliary_name_scope}"
            )
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._reuse = reuse
        self._auxiliary_name_scope = auxiliary_name_scope
        self._settings = _ScopeSettings(
            initializer=initializer,
            regularizer=regularizer,
            caching_device=caching_device,
            partitioner=partitioner,
            custom_getter=custom_getter,
            dtype=dtype,
            use_resource=use_resource,
            constraint=constraint,
        )
        self._graph = graph_lib.get_graph_of(values or [])
        self._pure_scope = None
        self._name_scope = None
        self._stacks: list = []

    def __enter__(self) -> VariableScope:
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(self._graph.as_default())
            if self._pure_scope is None:
                self._pure_scope = self._first_entry(stack)
            elif self._name_scope is not None:
                stack.enter_context(graph_lib.name_scope(self._name_scope))
            scope = stack.enter_context(self._pure_scope)
        except BaseException:
            stack.close()
            raise
        self._stacks.append(stack)
        return scope

    def __exit__(self, *exc_info) -> None:
        self._stacks.pop().__exit__(*exc_info)

    def _first_entry(self, stack) -> _pure_variable_scope:
        """TF's `_enter_scope_uncached`: opens the name scope, returns the variable scope."""
        current_name_scope = None
        if not self._auxiliary_name_scope:
            current = graph_lib.get_name_scope()
            current_name_scope = current + "/" if current else ""
        name_or_scope = self._name_or_scope
        if name_or_scope is None:
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            entered = self._enter_name_scope(stack, current_name_scope, self._default_name)
            unique_name = _get_unique_variable_scope(self._default_name)
            return _pure_variable_scope(unique_name, self._settings, old_name_scope=entered)
        if not isinstance(name_or_scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        own_name = (
            name_or_scope if isinstance(name_or_scope, str) else name_or_scope.name.split("/")[-1]
        )
        if not own_name and current_name_scope is None:
            return _pure_variable_scope(name_or_scope, self._settings, reuse=self._reuse)
        entered = self._enter_name_scope(stack, current_name_scope, own_name)
        if isinstance(name_or_scope, VariableScope):
            entered = name_or_scope.original_name_scope
        return _pure_variable_scope(
            name_or_scope, self._settings, reuse=self._reuse, old_name_scope=entered
        )

    def _enter_name_scope(self, stack, current_name_scope, name) -> str:
        self._name_scope = current_name_scope if current_name_scope is not None else name
        return stack.enter_context(graph_lib.name_scope(self._name_scope))


@contextlib.contextmanager
def variable_op_scope(
    values,
    name_or_scope,
    default_name=None,
    initializer=None,
    regularizer=None,
    caching_device=None,
    partitioner=None,
    custom_getter=None,
    reuse=None,
    dtype=None,
    use_resource=None,
    constraint=None,
):
    """Mirrors the deprecated `tf.compat.v1.variable_op_scope(values, name_or_scope, ...)`:
    `variable_scope(name_or_scope, default_name, values, ...)`.

    >>> with variable_op_scope([], "foo") as scope:
    ...     scope.name
    'foo'
    """
    with variable_scope(
        name_or_scope,
        default_name=default_name,
        values=values,
        initializer=initializer,
        regularizer=regularizer,
        caching_device=caching_device,
        partitioner=partitioner,
        custom_getter=custom_getter,
        reuse=reuse,
        dtype=dtype,
        use_resource=use_resource,
        constraint=constraint,
    ) as scope:
        yield scope
