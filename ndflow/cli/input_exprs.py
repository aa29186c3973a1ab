"""Evaluating `saved_model_cli run --input_exprs` values without `eval`.

An expression is a Python literal (what `ast.literal_eval` accepts) or a call of a small set
of NumPy constructors (`np.ones(2)`, `np.random.rand(1, 3)`, `np.array([[1, 2]],
dtype=np.float32)`), combined with `+ - * /` and the `.astype(...)` / `.reshape(...)` methods.
Anything else — other names, attributes, imports, lambdas, comprehensions — is refused, so a
command line cannot run arbitrary code. TensorFlow 2.21's `saved_model_cli` accepts literals
only; older ones called `eval`.
"""

from __future__ import annotations

import ast
import operator

import numpy as np

_FUNCTIONS = {
    "array": np.array,
    "asarray": np.asarray,
    "zeros": np.zeros,
    "ones": np.ones,
    "full": np.full,
    "arange": np.arange,
    "linspace": np.linspace,
    "eye": np.eye,
    "identity": np.identity,
    "zeros_like": np.zeros_like,
    "ones_like": np.ones_like,
    "full_like": np.full_like,
    "reshape": np.reshape,
    "stack": np.stack,
    "concatenate": np.concatenate,
    "tile": np.tile,
    "repeat": np.repeat,
    "expand_dims": np.expand_dims,
    "random.rand": np.random.rand,
    "random.randn": np.random.randn,
    "random.random": np.random.random,
    "random.uniform": np.random.uniform,
    "random.normal": np.random.normal,
    "random.randint": np.random.randint,
}
_CONSTANTS = {
    "pi": np.pi,
    "e": np.e,
    "inf": np.inf,
    "nan": np.nan,
    "newaxis": np.newaxis,
    **{
        name: getattr(np, name)
        for name in (
            "float16 float32 float64 half single double int8 int16 int32 int64 uint8 uint16 "
            "uint32 uint64 bool_ str_ bytes_ complex64 complex128"
        ).split()
    },
}
_METHODS = {"astype", "reshape"}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_BINARY[ast.Div] = operator.truediv
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def evaluate(text: str):
    """The value of one `--input_exprs` expression.

    Raises:
      RuntimeError: the text is not a literal or an allowed NumPy expression (TF's message
        for a bad literal, plus the construct that was refused).

    >>> evaluate("np.ones((1, 3), dtype=np.float32)")
    array([[1., 1., 1.]], dtype=float32)
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _evaluate(tree.body)
    except (SyntaxError, ValueError, TypeError) as error:
        raise RuntimeError(
            f'Expression "{text}" is not a valid python literal or allowed numpy expression '
            f"({error})."
        ) from None


def _evaluate(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_evaluate(item) for item in node.elts]
        return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict):
        return {_evaluate(k): _evaluate(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.Attribute):
        return _constant(node)
    if isinstance(node, ast.Call):
        return _call(node)
    raise ValueError(f"{type(node).__name__} is not allowed")


def _numpy_name(node) -> str | None:
    """ "random.rand" for `np.random.rand` (or `numpy.random.rand`); None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in ("np", "numpy") or not parts:
        return None
    return ".".join(reversed(parts))


def _constant(node):
    name = _numpy_name(node)
    if name not in _CONSTANTS:
        raise ValueError(f"attribute {ast.unparse(node)} is not allowed")
    return _CONSTANTS[name]


def _call(node):
    args = [_evaluate(arg) for arg in node.args]
    if any(keyword.arg is None for keyword in node.keywords):
        raise ValueError("**kwargs is not allowed")
    kwargs = {keyword.arg: _evaluate(keyword.value) for keyword in node.keywords}
    name = _numpy_name(node.func)
    if name in _FUNCTIONS:
        return _FUNCTIONS[name](*args, **kwargs)
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _METHODS and name is None:
        target = _evaluate(func.value)
        if isinstance(target, np.ndarray):
            return getattr(target, func.attr)(*args, **kwargs)
    raise ValueError(f"call of {ast.unparse(func)} is not allowed")
