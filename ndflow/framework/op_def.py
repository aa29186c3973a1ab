"""OpDef: an op's signature parsed from TensorFlow-style spec strings.

Inputs and outputs read "x: T", "values: N * T", "ref: Ref(T)", "handle: resource" or
"components: Toutput_types"; attrs read "T: {float, double} = DT_FLOAT",
"N: int >= 1", "padding: {'SAME', 'VALID'}", "shape: shape = { unknown_rank: true }",
"strides: list(int) = [1, 1]". A spec that does not parse fails at import time.
"""

from __future__ import annotations

import inspect
import re

from ndflow.framework import dtypes
from ndflow.framework import tensor_shape

_NO_DEFAULT = object()

_SCALAR_ATTR_TYPES = ("string", "int", "float", "bool", "type", "shape", "tensor", "func")

_ARG_RE = re.compile(r"^\s*(\w+)\s*:\s*(.+?)\s*$")


class OpDefError(ValueError):
    """A malformed op registration; raised at import time."""


class ArgDef:
    """One input or output argument of an op."""

    __slots__ = ("name", "type", "type_attr", "number_attr", "type_list_attr", "is_ref")

    def __init__(
        self, name, type=None, type_attr="", number_attr="", type_list_attr="", is_ref=False
    ):
        self.name = name
        self.type = type
        self.type_attr = type_attr
        self.number_attr = number_attr
        self.type_list_attr = type_list_attr
        self.is_ref = is_ref

    @property
    def is_list(self) -> bool:
        return bool(self.number_attr or self.type_list_attr)

    def __repr__(self) -> str:
        return f"ArgDef({self.name!r})"


class AttrDef:
    """One attr of an op: its type, default, allowed values and minimum."""

    __slots__ = ("name", "type", "default", "allowed_values", "minimum")

    def __init__(self, name, type, default=_NO_DEFAULT, allowed_values=None, minimum=None):
        self.name = name
        self.type = type
        self.default = default
        self.allowed_values = allowed_values
        self.minimum = minimum

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    def __repr__(self) -> str:
        return f"AttrDef({self.name!r}, {self.type!r})"


class OpDef:
    """Everything about one op type: signature, flags, shape function, kernel, gradient."""

    def __init__(
        self,
        name,
        input_args,
        output_args,
        attrs,
        *,
        shape,
        kernel,
        grad=None,
        is_stateful=False,
        is_commutative=False,
        is_aggregate=False,
        allows_uninitialized_input=False,
        forwards_input=None,
        summary="",
    ):
        self.name = name
        self.input_args = input_args
        self.output_args = output_args
        self.attrs = attrs
        self.attr_map = {a.name: a for a in attrs}
        self.shape_fn = shape
        self.kernel = kernel
        self.grad = grad
        self.is_stateful = is_stateful
        self.is_commutative = is_commutative
        self.is_aggregate = is_aggregate
        self.allows_uninitialized_input = allows_uninitialized_input
        # The input whose buffer the kernel may take over at its last use (TF's
        # forward_input): the executor offers it as `ctx.donated` (see registry.donated).
        self.forwards_input = forwards_input
        self.summary = summary
        self.kernel_attrs = _kernel_attr_names(kernel, attrs)

    @property
    def is_differentiable(self) -> bool:
        return self.grad is not None

    def __repr__(self) -> str:
        return f"OpDef({self.name!r})"


def _kernel_attr_names(kernel, attrs):
    """Attr names the kernel accepts as keywords; None means all (it takes **kwargs)."""
    if kernel is None:
        return ()
    params = inspect.signature(kernel).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    names = {
        p.name
        for p in params
        if p.kind is inspect.Parameter.KEYWORD_ONLY
        or p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    }
    return tuple(a.name for a in attrs if a.name in names)


def parse_arg(spec: str, attr_map: dict) -> ArgDef:
    """Parses an input/output spec such as "values: N * T" or "ref: Ref(T)"."""
    match = _ARG_RE.match(spec)
    if match is None:
        raise OpDefError(f"Cannot parse arg spec {spec!r}")
    name, type_expr = match.groups()
    is_ref = False
    ref = re.fullmatch(r"Ref\((.+)\)", type_expr)
    if ref:
        is_ref, type_expr = True, ref.group(1).strip()
    number_attr = ""
    star = re.fullmatch(r"(\w+)\s*\*\s*(\w+)", type_expr)
    if star:
        number_attr, type_expr = star.groups()
        _require_attr(attr_map, number_attr, "int", spec)
    if type_expr in attr_map:
        attr = attr_map[type_expr]
        if attr.type == "type":
            return ArgDef(name, type_attr=type_expr, number_attr=number_attr, is_ref=is_ref)
        if attr.type == "list(type)" and not number_attr:
            return ArgDef(name, type_list_attr=type_expr, is_ref=is_ref)
        raise OpDefError(f"Attr {type_expr!r} in arg spec {spec!r} is not a type attr")
    try:
        fixed = dtypes.as_dtype(type_expr)
    except TypeError:
        raise OpDefError(f"Unknown type {type_expr!r} in arg spec {spec!r}") from None
    return ArgDef(name, type=fixed, number_attr=number_attr, is_ref=is_ref)


def _require_attr(attr_map, name, attr_type, spec):
    if name not in attr_map or attr_map[name].type != attr_type:
        raise OpDefError(f"Arg spec {spec!r} needs an attr {name!r} of type {attr_type}")


def parse_attr(spec: str) -> AttrDef:
    """Parses an attr spec such as "T: {float, double} = DT_FLOAT" or "N: int >= 1"."""
    name, rest = _split_name(spec)
    rest, default_text = _split_default(rest)
    type_expr, minimum = _split_minimum(rest)
    attr_type, allowed = _parse_attr_type(type_expr, spec)
    default = _NO_DEFAULT
    if default_text is not None:
        default = parse_default(attr_type, default_text, spec)
    return AttrDef(name, attr_type, default, allowed, minimum)


def _split_name(spec):
    match = re.match(r"^\s*(\w+)\s*:\s*(.+?)\s*$", spec, re.S)
    if match is None:
        raise OpDefError(f"Cannot parse attr spec {spec!r}")
    return match.groups()


def _split_minimum(rest):
    match = re.fullmatch(r"(.+?)\s*>=\s*(-?\d+)", rest, re.S)
    if match:
        return match.group(1).strip(), int(match.group(2))
    return rest.strip(), None


def _split_default(rest):
    depth = 0
    for i, ch in enumerate(rest):
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == "=" and depth == 0 and rest[i - 1 : i] != ">":
            return rest[:i].strip(), rest[i + 1 :].strip()
    return rest.strip(), None


def _parse_attr_type(type_expr, spec):
    if type_expr in _SCALAR_ATTR_TYPES:
        return type_expr, None
    if type_expr in dtypes.TYPE_SETS:
        return "type", tuple(dtypes.TYPE_SETS[type_expr])
    inner = re.fullmatch(r"list\((.+)\)", type_expr)
    if inner:
        element_type, allowed = _parse_attr_type(inner.group(1).strip(), spec)
        return f"list({element_type})", allowed
    braces = re.fullmatch(r"\{(.*)\}", type_expr, re.S)
    if braces is None:
        raise OpDefError(f"Unknown attr type {type_expr!r} in {spec!r}")
    items = [item.strip() for item in braces.group(1).split(",") if item.strip()]
    if all(item[0] in "'\"" for item in items):
        return "string", tuple(item[1:-1] for item in items)
    allowed = []
    for item in items:
        allowed.extend(dtypes.TYPE_SETS.get(item) or [_parse_dtype(item, spec)])
    return "type", tuple(allowed)


def _parse_dtype(text, spec):
    try:
        return dtypes.as_dtype(text)
    except TypeError:
        raise OpDefError(f"Unknown type {text!r} in {spec!r}") from None


def parse_default(attr_type: str, text: str, spec: str = ""):
    """Parses a default value written as in TF's REGISTER_OP."""
    if attr_type.startswith("list("):
        return _parse_list_default(attr_type[5:-1], text.strip(), spec)
    parser = _DEFAULT_PARSERS.get(attr_type)
    if parser is None:
        raise OpDefError(f"Attr type {attr_type} cannot have a default in {spec!r}")
    return parser(text, spec)


def _parse_list_default(element, body, spec):
    if not (body.startswith("[") and body.endswith("]")):
        raise OpDefError(f"List default must be [...] in {spec!r}")
    items = [item.strip() for item in _split_top_level(body[1:-1])]
    return [parse_default(element, item, spec) for item in items if item]


def _parse_string_default(text, spec):
    if len(text) < 2 or text[0] not in "'\"" or text[-1] != text[0]:
        raise OpDefError(f"String default must be quoted in {spec!r}")
    body = text[1:-1]
    if "\\" not in body:
        return body
    # C escapes, as REGISTER_OP's CUnescape reads them (PrintV2's `end = "\n"`).
    return body.encode("utf-8").decode("unicode_escape")


def _parse_bool_default(text, spec):
    if text not in ("true", "false"):
        raise OpDefError(f"Bool default must be true or false in {spec!r}")
    return text == "true"


_DEFAULT_PARSERS = {
    "string": _parse_string_default,
    "int": lambda text, spec: int(text),
    "float": lambda text, spec: float(text),
    "bool": _parse_bool_default,
    "type": lambda text, spec: _parse_dtype(text, spec),
    "shape": lambda text, spec: _parse_shape_default(text, spec),
}


def _split_top_level(text):
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _parse_shape_default(text, spec):
    compact = text.replace(" ", "")
    if compact == "{unknown_rank:true}":
        return tensor_shape.unknown_shape()
    if compact in ("{}", "[]"):
        return tensor_shape.scalar()
    if compact.startswith("[") and compact.endswith("]"):
        return tensor_shape.TensorShape(
            [None if d == "-1" else int(d) for d in compact[1:-1].split(",") if d]
        )
    raise OpDefError(f"Cannot parse shape default {text!r} in {spec!r}")


def build_op_def(name, inputs, outputs, attrs, **kwargs) -> OpDef:
    """Parses the spec strings of one op into an OpDef."""
    attr_defs = [parse_attr(spec) for spec in attrs]
    attr_map = {a.name: a for a in attr_defs}
    if len(attr_map) != len(attr_defs):
        raise OpDefError(f"Op {name} declares an attr twice")
    input_args = [parse_arg(spec, attr_map) for spec in inputs]
    output_args = [parse_arg(spec, attr_map) for spec in outputs]
    return OpDef(name, input_args, output_args, attr_defs, **kwargs)


def output_types(definition: OpDef, attrs: dict) -> list:
    """The output DTypes of an op with these attrs (list args expanded, refs as _ref types)."""
    return _arg_types(definition.output_args, attrs)


def input_types(definition: OpDef, attrs: dict) -> list:
    """The input DTypes an op with these attrs expects (list args expanded)."""
    return _arg_types(definition.input_args, attrs)


def _arg_types(args, attrs):
    result = []
    for arg in args:
        for dtype in arg_types(arg, attrs):
            result.append(dtype._as_ref() if arg.is_ref else dtype)
    return result


def arg_types(arg: ArgDef, attrs: dict) -> list:
    """The base DTypes of one (possibly list) argument."""
    if arg.type_list_attr:
        return list(attrs[arg.type_list_attr])
    dtype = arg.type if arg.type is not None else attrs[arg.type_attr]
    if arg.number_attr:
        return [dtype] * attrs[arg.number_attr]
    return [dtype]
