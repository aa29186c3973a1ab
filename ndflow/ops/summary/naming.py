"""How TF1 summary builders name things (summary_op_util.py): tag cleaning, the summary
scope that yields (tag, scope) with `family` handling, and adding to collections."""

from __future__ import annotations

import contextlib
import logging
import re

from ndflow.framework import graph as graph_lib

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def clean_tag(name):
    """Mirrors TF's `clean_tag`: invalid characters become "_", leading slashes go; the
    change is logged as TF logs it."""
    if name is None:
        return None
    new_name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    if new_name != name:
        logging.getLogger("ndflow").info(
            "Summary name %s is illegal; using %s instead.", name, new_name
        )
    return new_name


@contextlib.contextmanager
def summary_scope(name, family=None, default_name=None, values=None):
    """Mirrors TF's `summary_scope`: yields (tag, scope); the tag is the unique scope name,
    prefixed by `family` when one is given."""
    name = clean_tag(name)
    family = clean_tag(family)
    scope_base_name = name if family is None else f"{family}/{name}"
    with graph_lib.name_scope(scope_base_name, default_name, values) as scope:
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"
        yield tag, scope


def collect(value, collections, default_collections) -> None:
    """Adds `value` to each collection key (`default_collections` when None)."""
    keys = default_collections if collections is None else collections
    for key in keys:
        graph_lib.add_to_collection(key, value)
