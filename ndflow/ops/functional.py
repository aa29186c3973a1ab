"""Higher-order functions on tensors: `tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr`.

As in TensorFlow, each is a while loop over the first dimension, reading the elements from
TensorArrays and writing results into TensorArrays, so they run as one While op and are
differentiable through it.
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import control_flow

apply_op = op_builder.apply_op
TensorArray = control_flow.TensorArray


def _elements(elems, name="elem"):
    flat = [op_builder.convert_to_tensor(t, name=name) for t in nest.flatten(elems)]
    if not flat:
        raise ValueError(
            f"elems must be a Tensor or (possibly nested) sequence of Tensors. "
            f"Got {elems}, which does not contain any Tensors."
        )
    for tensor in flat:
        if tensor.shape.rank is not None and tensor.shape.rank < 1:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    return flat


def _length(flat):
    static = tensor_shape.Dimension(None)
    for tensor in flat:
        first = tensor.shape[0] if tensor.shape.rank is not None else tensor_shape.Dimension(None)
        static = static.merge_with(first)
    if static.value is not None:
        return static, op_builder.constant(static.value, dtype=dtypes.int32)
    return static, array.shape(flat[0], out_type=dtypes.int32)[0]


def _unstacked(flat, n):
    return [TensorArray(t.dtype, size=n, infer_shape=True).unstack(t) for t in flat]


def _result_arrays(dtype_structure, n, infer_shape, element_shapes=None):
    flat = nest.flatten(dtype_structure)
    shapes = element_shapes or [None] * len(flat)
    return [
        TensorArray(d, size=n, infer_shape=infer_shape, element_shape=s)
        for d, s in zip(flat, shapes)
    ]


def map_fn(
    fn,
    elems,
    dtype=None,
    parallel_iterations=None,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    name=None,
    fn_output_signature=None,
):
    """Mirrors `tf.map_fn`: `fn` applied to each slice of `elems` along axis 0, stacked.

    Args:
      fn: callable of one element (with the structure of `elems`).
      elems: a tensor or nested structure of tensors with equal first dimensions.
      dtype: the output structure's dtypes when it differs from `elems`'.
      fn_output_signature: TF2's name for `dtype`.

    Returns:
      The stacked results, in `dtype`'s (or `elems`') structure.

    >>> map_fn(lambda x: x * x, tf.constant([1, 2, 3]))
    """
    signature = fn_output_signature if fn_output_signature is not None else dtype
    iterations = parallel_iterations or 10
    with graph_lib.name_scope(name, "map", nest.flatten(elems)):
        flat = _elements(elems)
        n_static, n = _length(flat)
        inputs = _unstacked(flat, n)
        output_dtypes = (
            signature
            if signature is not None
            else nest.pack_sequence_as(elems, [t.dtype.base_dtype for t in flat])
        )
        element_shapes = (
            None
            if signature is not None
            else [t.shape[1:] if t.shape.rank is not None else None for t in flat]
        )
        outputs = _result_arrays(output_dtypes, n, infer_shape, element_shapes)

        def compute(i, arrays):
            element = nest.pack_sequence_as(elems, [ta.read(i) for ta in inputs])
            result = fn(element)
            nest.assert_same_structure(output_dtypes, result, check_types=False)
            values = nest.flatten(result)
            return i + 1, [ta.write(i, v) for ta, v in zip(arrays, values)]

        _, done = control_flow.while_loop(
            lambda i, _: i < n,
            compute,
            (op_builder.constant(0), outputs),
            parallel_iterations=iterations,
            back_prop=back_prop,
            swap_memory=swap_memory,
            maximum_iterations=n,
        )
        stacked = [_stack(ta, n_static) for ta in done]
        return nest.pack_sequence_as(output_dtypes, stacked)


def _stack(ta, n_static):
    value = ta.stack()
    if value.shape.rank is not None:
        value.set_shape(tensor_shape.TensorShape([n_static]).concatenate(value.shape[1:]))
    return value


def scan(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    reverse=False,
    name=None,
):
    """Mirrors `tf.scan`: the running accumulation `a = fn(a, x)` over `elems`, stacked.

    Without `initializer`, the first element starts the accumulation (and is the first
    output), as in TensorFlow.
    """
    with graph_lib.name_scope(name, "scan", nest.flatten(elems)):
        flat = _elements(elems)
        n_static, n = _length(flat)
        inputs = _unstacked(flat, n)
        start, first_index, initial = _scan_start(elems, inputs, initializer, n, reverse)
        structure = initial
        flat_initial = [op_builder.convert_to_tensor(v) for v in nest.flatten(initial)]
        outputs = [
            TensorArray(t.dtype, size=n, infer_shape=infer_shape, element_shape=t.shape)
            for t in flat_initial
        ]
        if initializer is None:
            outputs = [ta.write(first_index, v) for ta, v in zip(outputs, flat_initial)]

        def compute(i, accumulated, arrays):
            element = nest.pack_sequence_as(elems, [ta.read(i) for ta in inputs])
            packed = nest.pack_sequence_as(structure, accumulated)
            result = fn(packed, element)
            nest.assert_same_structure(structure, result, check_types=False)
            values = [op_builder.convert_to_tensor(v) for v in nest.flatten(result)]
            step = -1 if reverse else 1
            return (i + step, values, [ta.write(i, v) for ta, v in zip(arrays, values)])

        bound = (lambda i, *_: i >= 0) if reverse else (lambda i, *_: i < n)
        _, _, done = control_flow.while_loop(
            bound,
            compute,
            (start, flat_initial, outputs),
            parallel_iterations=parallel_iterations,
            back_prop=back_prop,
            swap_memory=swap_memory,
            maximum_iterations=n,
        )
        return nest.pack_sequence_as(structure, [_stack(ta, n_static) for ta in done])


def _scan_start(elems, inputs, initializer, n, reverse):
    last = apply_op("Sub", n, op_builder.constant(1))
    first_index = last if reverse else op_builder.constant(0)
    if initializer is not None:
        start = last if reverse else op_builder.constant(0)
        return start, first_index, initializer
    initial = nest.pack_sequence_as(elems, [ta.read(first_index) for ta in inputs])
    start = apply_op("Sub", last, op_builder.constant(1)) if reverse else op_builder.constant(1)
    return start, first_index, initial


def _fold(
    fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name, default_name, reverse
):
    with graph_lib.name_scope(name, default_name, nest.flatten(elems)):
        flat = _elements(elems)
        _, n = _length(flat)
        inputs = _unstacked(flat, n)
        last = apply_op("Sub", n, op_builder.constant(1))
        if initializer is None:
            first = last if reverse else op_builder.constant(0)
            initializer = nest.pack_sequence_as(elems, [ta.read(first) for ta in inputs])
            start = (
                apply_op("Sub", last, op_builder.constant(1)) if reverse else op_builder.constant(1)
            )
        else:
            start = last if reverse else op_builder.constant(0)
        structure = initializer
        flat_initial = [op_builder.convert_to_tensor(v) for v in nest.flatten(initializer)]

        def compute(i, accumulated):
            element = nest.pack_sequence_as(elems, [ta.read(i) for ta in inputs])
            result = fn(nest.pack_sequence_as(structure, accumulated), element)
            values = [op_builder.convert_to_tensor(v) for v in nest.flatten(result)]
            return i + (-1 if reverse else 1), values

        bound = (lambda i, _: i >= 0) if reverse else (lambda i, _: i < n)
        _, result = control_flow.while_loop(
            bound,
            compute,
            (start, flat_initial),
            parallel_iterations=parallel_iterations,
            back_prop=back_prop,
            swap_memory=swap_memory,
            maximum_iterations=n,
        )
        return nest.pack_sequence_as(structure, result)


def foldl(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """Mirrors `tf.foldl`: `a = fn(a, x)` over `elems` from the first element."""
    return _fold(
        fn,
        elems,
        initializer,
        parallel_iterations,
        back_prop,
        swap_memory,
        name,
        "foldl",
        reverse=False,
    )


def foldr(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """Mirrors `tf.foldr`: `a = fn(a, x)` over `elems` from the last element."""
    return _fold(
        fn,
        elems,
        initializer,
        parallel_iterations,
        back_prop,
        swap_memory,
        name,
        "foldr",
        reverse=True,
    )
