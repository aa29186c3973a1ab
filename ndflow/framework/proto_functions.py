"""Which collections serialize as which protos, and the name rewriting that goes with it.

A MetaGraph stores a collection of Python objects (variables, savers, queue runners) as
serialized protos. The object's module registers the proto type and the two conversions
here (TF's `ops.register_proto_function`); `train/meta_graph.py` looks them up. Names
inside those protos are stripped of an export scope on the way out and given an import
scope on the way in (TF's `ops.strip_name_scope` / `ops.prepend_name_scope`).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class _ProtoFunctions(NamedTuple):
    proto_type: type | None
    to_proto: object
    from_proto: object


_REGISTRY: dict[str, _ProtoFunctions] = {}


def register_proto_function(collection_name, proto_type=None, to_proto=None, from_proto=None):
    """Mirrors TF's `ops.register_proto_function`.

    Args:
      collection_name: the collection key, e.g. `GraphKeys.GLOBAL_VARIABLES`.
      proto_type: the proto class the collection's items serialize to.
      to_proto: `fn(item, export_scope=None) -> proto or None` (None skips the item).
      from_proto: `fn(proto, import_scope=None) -> item`.
    """
    if to_proto is not None and not callable(to_proto):
        raise TypeError("to_proto must be callable.")
    if from_proto is not None and not callable(from_proto):
        raise TypeError("from_proto must be callable.")
    _REGISTRY[collection_name] = _ProtoFunctions(proto_type, to_proto, from_proto)


def get_collection_proto_type(collection_name):
    """Mirrors TF's `ops.get_collection_proto_type`; None when nothing is registered."""
    found = _REGISTRY.get(collection_name)
    return None if found is None else found.proto_type


def get_to_proto_function(collection_name):
    """Mirrors TF's `ops.get_to_proto_function`; None when nothing is registered."""
    found = _REGISTRY.get(collection_name)
    return None if found is None else found.to_proto


def get_from_proto_function(collection_name):
    """Mirrors TF's `ops.get_from_proto_function`; None when nothing is registered."""
    found = _REGISTRY.get(collection_name)
    return None if found is None else found.from_proto


def _as_str(name) -> str:
    return name.decode("utf-8") if isinstance(name, bytes) else name


def strip_name_scope(name, export_scope):
    """Mirrors TF's `ops.strip_name_scope`: removes a leading `export_scope/` from `name`,
    also after a control-input "^" or a colocation "loc:@" prefix."""
    if not export_scope:
        return name
    scope = export_scope[:-1] if export_scope.endswith("/") else export_scope
    pattern = r"([\^]|loc:@|^)" + scope + r"[\/]+(.*)"
    return re.sub(pattern, r"\1\2", _as_str(name), count=1)


def prepend_name_scope(name, import_scope):
    """Mirrors TF's `ops.prepend_name_scope`: puts `import_scope/` in front of `name`, after a
    control-input "^" or a colocation "loc:@" prefix."""
    if not import_scope:
        return name
    scope = import_scope[:-1] if import_scope.endswith("/") else import_scope
    return re.sub(r"([\^]|loc:@|^)(.*)", r"\1" + scope + r"/\2", _as_str(name), count=1)
