"""Nested structures (TF's `tf.nest`): lists, tuples, namedtuples and dicts of leaves.

Dicts flatten in sorted key order, as TensorFlow's do. tf.data's own rule treats Python
lists as leaves (values to convert), not structures: pass `lists=False`.
"""

from __future__ import annotations

import collections.abc

# Types that tf.data's rule treats as values although they are tuples (SparseTensorValue),
# registered by their modules.
_DATA_LEAF_TYPES: tuple = ()


def register_data_leaf(cls) -> None:
    """Makes `cls` a leaf under tf.data's rule (`lists=False`)."""
    global _DATA_LEAF_TYPES
    _DATA_LEAF_TYPES = (*_DATA_LEAF_TYPES, cls)


def is_nested(structure, lists: bool = True) -> bool:
    if isinstance(structure, list):
        return lists
    if not lists and isinstance(structure, _DATA_LEAF_TYPES):
        return False
    return isinstance(structure, (tuple, collections.abc.Mapping))


def _children(structure):
    if isinstance(structure, collections.abc.Mapping):
        return [structure[key] for key in sorted(structure)]
    return list(structure)


def flatten(structure, lists: bool = True) -> list:
    """Mirrors `tf.nest.flatten`."""
    if not is_nested(structure, lists):
        return [structure]
    result = []
    for child in _children(structure):
        result.extend(flatten(child, lists))
    return result


def _rebuild(structure, values):
    if isinstance(structure, collections.abc.Mapping):
        keys = sorted(structure)
        rebuilt = dict(zip(keys, values))
        return type(structure)((key, rebuilt[key]) for key in structure)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*values)
    return type(structure)(values)


def _pack(structure, flat, index, lists):
    if not is_nested(structure, lists):
        return flat[index], index + 1
    values = []
    for child in _children(structure):
        value, index = _pack(child, flat, index, lists)
        values.append(value)
    return _rebuild(structure, values), index


def pack_sequence_as(structure, flat_sequence, lists: bool = True):
    """Mirrors `tf.nest.pack_sequence_as`."""
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure, lists))
    if expected != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {expected} atoms, but "
            f"flat_sequence had {len(flat_sequence)} items. Structure: "
            f"{structure}, flat_sequence: {flat_sequence}."
        )
    packed, _ = _pack(structure, flat_sequence, 0, lists)
    return packed


def assert_same_structure(first, second, check_types: bool = True, lists: bool = True) -> None:
    """Mirrors `tf.nest.assert_same_structure`."""
    if is_nested(first, lists) != is_nested(second, lists):
        raise ValueError(
            f"The two structures don't have the same nested structure.\n\n"
            f"First structure: {first}\n\nSecond structure: {second}"
        )
    if not is_nested(first, lists):
        return
    _check_types(first, second, check_types)
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
        assert_same_structure(a, b, check_types, lists)


def _check_types(first, second, check_types):
    if not check_types or type(first) is type(second):
        return
    plain = (list, tuple)
    if type(first) in plain and type(second) in plain:
        return
    raise TypeError(
        f"The two structures don't have the same sequence type. First structure "
        f"has type {type(first)}, while second structure has type "
        f"{type(second)}."
    )


def map_structure(fn, *structures, lists: bool = True):
    """Mirrors `tf.nest.map_structure`."""
    for other in structures[1:]:
        assert_same_structure(structures[0], other, lists=lists)
    flats = [flatten(s, lists) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)], lists)
