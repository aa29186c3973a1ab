"""Device strings: TF's "/job:j/replica:r/task:t/device:CPU:0", parsed and merged.

`tf.device` scopes nest by merging specs field by field, inner over outer, as TF1 does.
"""

from __future__ import annotations

_FIELDS = ("job", "replica", "task", "device_type", "device_index")


def parse_device(spec: str) -> dict:
    """The fields of a device string; "/cpu:0" and "/device:CPU:0" give the same fields."""
    fields: dict = {}
    for part in (spec or "").split("/"):
        if not part:
            continue
        key, _, rest = part.partition(":")
        lower = key.lower()
        if lower in ("job", "replica", "task"):
            fields[lower] = rest if lower == "job" else int(rest)
        elif lower == "device":
            _parse_type_index(rest, fields)
        elif lower in ("cpu", "gpu", "tpu"):
            _parse_type_index(f"{key}:{rest}", fields)
        else:
            raise ValueError(f"Unknown attribute: '{part}' in '{spec}'")
    return fields


def _parse_type_index(text, fields):
    device_type, _, index = text.partition(":")
    fields["device_type"] = (
        device_type.upper() if device_type.lower() in ("cpu", "gpu", "tpu") else device_type
    )
    if index and index != "*":
        fields["device_index"] = int(index)


def device_string(fields: dict) -> str:
    """The canonical device string for parsed fields."""
    out = []
    for key in ("job", "replica", "task"):
        if key in fields:
            out.append(f"/{key}:{fields[key]}")
    if "device_type" in fields:
        index = fields.get("device_index", "*")
        out.append(f"/device:{fields['device_type']}:{index}")
    return "".join(out)


def canonical_device(spec: str) -> str:
    """Mirrors TF's canonicalization: "/cpu:0" -> "/device:CPU:0"."""
    return device_string(parse_device(spec))


def merge_device(outer: str, inner: str) -> str:
    """`inner` specialized by `outer`: inner's fields win, outer fills the gaps."""
    merged = parse_device(outer)
    merged.update(parse_device(inner))
    return device_string(merged)
