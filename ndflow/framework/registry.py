"""The op registry: every op type ndflow knows, by TensorFlow's type name.

Op family modules fill it at import time with `register_op`. Importing a GraphDef needs
nothing but this registry; an unregistered type is a `NotFoundError` naming it.
"""

from __future__ import annotations

from ndflow.framework import errors
from ndflow.framework import op_def

_REGISTRY: dict[str, op_def.OpDef] = {}

# Gradients registered by name with `tf.RegisterGradient` (user code, overrides).
_USER_GRADIENTS: dict[str, object] = {}

# Ops explicitly declared to have no gradient (TF's `ops.NotDifferentiable`), with a reason.
_NOT_DIFFERENTIABLE: dict[str, str] = {}


def register_op(
    name: str,
    *,
    inputs=(),
    outputs=(),
    attrs=(),
    shape,
    kernel,
    grad=None,
    stateful: bool = False,
    commutative: bool = False,
    aggregate: bool = False,
    allows_uninitialized_input: bool = False,
    forwards_input: int | None = None,
    summary: str = "",
) -> op_def.OpDef:
    """Registers one op type: its TF spec strings, shape function, kernel and gradient.

    Raises:
      OpDefError: at import time, for a duplicate name, a missing shape function or
        kernel, or a spec string that does not parse.
    """
    if name in _REGISTRY:
        raise op_def.OpDefError(f"Op {name!r} is already registered")
    if shape is None or not callable(shape):
        raise op_def.OpDefError(f"Op {name!r} needs a shape function")
    if kernel is None or not callable(kernel):
        raise op_def.OpDefError(f"Op {name!r} needs a kernel")
    definition = op_def.build_op_def(
        name,
        list(inputs),
        list(outputs),
        list(attrs),
        shape=shape,
        kernel=kernel,
        grad=grad,
        is_stateful=stateful,
        is_commutative=commutative,
        is_aggregate=aggregate,
        allows_uninitialized_input=allows_uninitialized_input,
        forwards_input=forwards_input,
        summary=summary,
    )
    _REGISTRY[name] = definition
    return definition


def donated(ctx, value) -> bool:
    """Whether the kernel may write into `value`, its `forwards_input` input (TF's
    forward_input): the executor found no other reference to the array and this run no
    longer needs it. Kernels run for constant folding get ctx None and never may."""
    return ctx is not None and ctx.donated is value


def lookup_op(name: str) -> op_def.OpDef:
    """The OpDef registered under `name`; `NotFoundError` if there is none."""
    found = _REGISTRY.get(name)
    if found is None:
        raise errors.NotFoundError(
            None,
            None,
            f"Op type not registered '{name}' in binary running on this host (ndflow). "
            "Make sure the Op and Kernel are registered in the binary running in this process.",
        )
    return found


def is_registered(name: str) -> bool:
    return name in _REGISTRY


def registered_ops() -> dict[str, op_def.OpDef]:
    """A copy of the registry, by type name."""
    return dict(_REGISTRY)


def set_gradient(name: str, grad) -> None:
    """Attaches a gradient to an already registered op (TF's `RegisterGradient`)."""
    definition = lookup_op(name)
    if definition.grad is not None:
        raise KeyError(f"Registering two gradient with name '{name}'!")
    definition.grad = grad


def not_differentiable(name: str, reason: str = "not differentiable") -> None:
    """Mirrors `tf.no_gradient`: declares that op `name` has no gradient, on purpose."""
    _NOT_DIFFERENTIABLE[name] = reason


def is_not_differentiable(name: str) -> bool:
    return name in _NOT_DIFFERENTIABLE


def not_differentiable_reason(name: str) -> str | None:
    return _NOT_DIFFERENTIABLE.get(name)


class RegisterGradient:
    """Mirrors `tf.RegisterGradient`: a decorator registering `fn(op, *grads)` by name.

    The name is an op type, or any name that `Graph.gradient_override_map` maps types to.

    >>> @RegisterGradient("MySquareGrad")
    ... def _square_grad(op, grad):
    ...     return grad * 2.0 * op.inputs[0]
    """

    def __init__(self, op_type: str):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn):
        if self._op_type in _USER_GRADIENTS:
            raise KeyError(f"Registering two gradient with name '{self._op_type}'!")
        _USER_GRADIENTS[self._op_type] = fn
        return fn


def gradient_function(op_type: str):
    """The gradient function for `op_type` (user-registered first), or None."""
    found = _USER_GRADIENTS.get(op_type)
    if found is not None:
        return found
    definition = _REGISTRY.get(op_type)
    return None if definition is None else definition.grad
