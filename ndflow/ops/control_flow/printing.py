"""Printing ops: StringFormat and PrintV2 (`tf.print`) and TF1's Print (`tf.Print`).

Tensors are summarized as TensorFlow does: `[1 2 3]`, the first and last `summarize`
elements of long dimensions around "...", nested rows on separate lines.
"""

from __future__ import annotations

import sys

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape

register_op = registry.register_op
apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor


def summarize_tensor(value, limit: int, quote_strings: bool = True) -> str:
    """TF's SummarizeValue: a tensor as printed by tf.print (strings quoted, even scalars)."""
    array = np.asarray(value)
    if array.ndim == 0:
        return _scalar(array.item(), quote_strings)
    return _summarize_array(array, limit, quote_strings, 0)


def _scalar(item, quote_strings: bool) -> str:
    if isinstance(item, bytes):
        text = item.decode("utf-8", "replace")
        return f'"{text}"' if quote_strings else text
    if isinstance(item, (bool, np.bool_)):
        return "1" if item else "0"
    if isinstance(item, (float, np.floating)):
        return f"{item:g}" if np.isfinite(item) else str(item).replace("inf", "inf")
    return str(item)


def _summarize_array(array, limit, quote_strings, depth):
    if array.ndim == 1:
        parts = [_scalar(x, quote_strings) for x in _ends(list(array), limit)]
        return "[" + " ".join(parts) + "]"
    rows = [
        _summarize_array(row, limit, quote_strings, depth + 1) if row is not None else "..."
        for row in _ends(list(array), limit)
    ]
    return "[" + ("\n" + " " * (depth + 1)).join(rows) + "]"


def _ends(items, limit):
    if limit < 0 or len(items) <= 2 * limit:
        return items
    return items[:limit] + [_ELLIPSIS] + items[-limit:]


class _Ellipsis:
    def __str__(self):
        return "..."


_ELLIPSIS = _Ellipsis()


# ---------------------------------------------------------------------- StringFormat


def _string_format_kernel(ctx, inputs, template, placeholder, summarize):
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(inputs):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"num placeholders in template and num inputs must match: "
            f"{len(pieces) - 1} vs. {len(inputs)}",
        )
    out = [pieces[0]]
    for value, piece in zip(inputs, pieces[1:]):
        out.append(summarize_tensor(value, summarize))
        out.append(piece)
    return np.asarray("".join(out).encode("utf-8"), dtype=object)


register_op(
    "StringFormat",
    inputs=["inputs: T"],
    outputs=["output: string"],
    attrs=[
        "T: list(type) >= 0",
        "template: string = '%s'",
        "placeholder: string = '%s'",
        "summarize: int = 3",
    ],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_string_format_kernel,
)
registry.not_differentiable("StringFormat", "produces a string")


# ---------------------------------------------------------------------- PrintV2


_STREAMS = {
    "stderr": "stderr",
    "stdout": "stdout",
    "log(info)": "stderr",
    "log(warning)": "stderr",
    "log(error)": "stderr",
}


def _print_v2_kernel(ctx, input, output_stream, end):
    stream = getattr(sys, _STREAMS.get(output_stream, "stderr"))
    text = np.asarray(input).item()
    stream.write((text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)) + end)
    stream.flush()


register_op(
    "PrintV2",
    inputs=["input: string"],
    attrs=["output_stream: string = 'stderr'", "end: string = '\\n'"],
    shape=lambda op: [],
    kernel=_print_v2_kernel,
    stateful=True,
)
registry.not_differentiable("PrintV2", "a side effect with no outputs")


def print_v2(*inputs, output_stream=sys.stderr, summarize=3, sep=" ", end="\n", name=None):
    """Mirrors `tf.print`: prints its inputs when the returned op runs.

    >>> print_v2("loss:", loss)
    """
    stream = _stream_name(output_stream)
    with graph_lib.name_scope(name, "PrintV2"):
        parts, tensors = [], []
        for item in inputs:
            if isinstance(item, (str, bytes)):
                parts.append(item.decode() if isinstance(item, bytes) else item)
                continue
            parts.append("{}")
            tensors.append(op_builder.convert_to_tensor(item))
        formatted = apply_op(
            "StringFormat", tensors, template=sep.join(parts), placeholder="{}", summarize=summarize
        )
        return apply_op("PrintV2", formatted, output_stream=stream, end=end)


def _stream_name(output_stream) -> str:
    if output_stream is sys.stderr:
        return "stderr"
    if output_stream is sys.stdout:
        return "stdout"
    if isinstance(output_stream, str) and output_stream in _STREAMS:
        return output_stream
    raise ValueError(
        f"Unsupported output stream, logging level, or file.{output_stream}. "
        "Supported streams are sys.stdout, sys.stderr, tf.logging.info, "
        "tf.logging.warning, tf.logging.error."
    )


# ---------------------------------------------------------------------- Print (TF1)


class _PrintCounter:
    """How many times one Print node has printed in one session (its `first_n`)."""

    def __init__(self):
        self.count = 0


def _print_kernel(ctx, input, data, message, first_n, summarize):
    if first_n >= 0:
        counter = ctx.resources.lookup_or_create("PrintCounter", "", ctx.node_name, _PrintCounter)
        if counter.count >= first_n:
            return input
        counter.count += 1
    text = message + "".join(f"[{summarize_value(v, summarize)}]" for v in data)
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
    return input


def summarize_value(value, limit):
    array = np.asarray(value)
    if array.ndim == 0:
        return _scalar(array.item(), quote_strings=False)
    flat = array.reshape(-1)
    shown = list(flat) if limit < 0 or flat.size <= limit else list(flat[:limit]) + ["..."]
    return " ".join(x if isinstance(x, str) else _scalar(x, False) for x in shown)


def _print_grad(op, grad):
    return [grad] + [None] * (len(op.inputs) - 1)


register_op(
    "Print",
    inputs=["input: T", "data: U"],
    outputs=["output: T"],
    attrs=[
        "T: type",
        "U: list(type) >= 0",
        "message: string = ''",
        "first_n: int = -1",
        "summarize: int = 3",
    ],
    shape=lambda op: [op.inputs[0].shape],
    kernel=_print_kernel,
    grad=_print_grad,
    stateful=True,
)


def print_v1(input_, data, message=None, first_n=None, summarize=None, name=None):
    """Mirrors TF1's `tf.Print`: the identity of `input_` that prints `data` when run."""
    return apply_op(
        "Print",
        input_,
        list(data),
        message=message or "",
        first_n=-1 if first_n is None else first_n,
        summarize=3 if summarize is None else summarize,
        name=name,
    )
