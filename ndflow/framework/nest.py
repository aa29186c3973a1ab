"""Nested structures (TF's `tf.nest`): lists, tuples, namedtuples and dicts of leaves.

Dicts flatten in sorted key order, as TensorFlow's do; everything else is a leaf.
"""

from __future__ import annotations

import collections.abc


def is_nested(structure) -> bool:
    return isinstance(structure, (list, tuple, collections.abc.Mapping))


def _children(structure):
    if isinstance(structure, collections.abc.Mapping):
        return [structure[key] for key in sorted(structure)]
    return list(structure)


def flatten(structure) -> list:
    """Mirrors `tf.nest.flatten`."""
    if not is_nested(structure):
        return [structure]
    result = []
    for child in _children(structure):
        result.extend(flatten(child))
    return result


def _rebuild(structure, values):
    if isinstance(structure, collections.abc.Mapping):
        keys = sorted(structure)
        rebuilt = dict(zip(keys, values))
        return type(structure)((key, rebuilt[key]) for key in structure)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*values)
    return type(structure)(values)


def _pack(structure, flat, index):
    if not is_nested(structure):
        return flat[index], index + 1
    values = []
    for child in _children(structure):
        value, index = _pack(child, flat, index)
        values.append(value)
    return _rebuild(structure, values), index


def pack_sequence_as(structure, flat_sequence):
    """Mirrors `tf.nest.pack_sequence_as`."""
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure))
    if expected != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {expected} atoms, but "
            f"flat_sequence had {len(flat_sequence)} items. Structure: "
            f"{structure}, flat_sequence: {flat_sequence}."
        )
    packed, _ = _pack(structure, flat_sequence, 0)
    return packed


def assert_same_structure(first, second, check_types: bool = True) -> None:
    """Mirrors `tf.nest.assert_same_structure`."""
    if is_nested(first) != is_nested(second):
        raise ValueError(
            f"The two structures don't have the same nested structure.\n\n"
            f"First structure: {first}\n\nSecond structure: {second}"
        )
    if not is_nested(first):
        return
    if (
        check_types
        and type(first) is not type(second)
        and not (
            isinstance(first, (list, tuple))
            and isinstance(second, (list, tuple))
            and not hasattr(first, "_fields")
            and not hasattr(second, "_fields")
        )
    ):
        raise TypeError(
            f"The two structures don't have the same sequence type. First "
            f"structure has type {type(first)}, while second structure has type "
            f"{type(second)}."
        )
    left, right = _children(first), _children(second)
    if len(left) != len(right):
        raise ValueError(
            f"The two structures don't have the same number of elements.\n\n"
            f"First structure: {first}\n\nSecond structure: {second}"
        )
    if isinstance(first, collections.abc.Mapping) and sorted(first) != sorted(second):
        raise ValueError(
            f"The two dictionaries don't have the same set of keys. First "
            f"structure has keys {sorted(first)}, while second structure has "
            f"keys {sorted(second)}."
        )
    for a, b in zip(left, right):
        assert_same_structure(a, b, check_types)


def map_structure(fn, *structures):
    """Mirrors `tf.nest.map_structure`."""
    for other in structures[1:]:
        assert_same_structure(structures[0], other)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
