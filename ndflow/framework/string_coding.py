"""Text and bytes conversions (`tf.compat.as_bytes`, `as_text`, `as_str`, `path_to_str`)."""

from __future__ import annotations

import os


def as_bytes(bytes_or_text, encoding: str = "utf-8") -> bytes:
    """Mirrors `tf.compat.as_bytes`."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding: str = "utf-8") -> str:
    """Mirrors `tf.compat.as_text`."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value, encoding: str = "utf-8") -> str:
    """Mirrors `tf.compat.as_str_any`."""
    if isinstance(value, (bytes, bytearray)):
        return as_text(value, encoding)
    return str(value)


def path_to_str(path):
    """Mirrors `tf.compat.path_to_str`."""
    if isinstance(path, os.PathLike):
        return os.fspath(path)
    return path
