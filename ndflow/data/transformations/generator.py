"""`Dataset.from_generator`: TF's structure — a one-element id dataset flat-mapped to a
GeneratorDataset whose init/next/finalize functions call into Python (PyFunc ops), so
every iterator (each epoch of a `repeat`, each re-initialization) gets a fresh generator.
"""

from __future__ import annotations

import threading

import numpy as np

from ndflow.data import functions
from ndflow.data import structure
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_spec
from ndflow.ops import script

apply_op = op_builder.apply_op


class _GeneratorState:
    """The live Python iterators of one `from_generator` dataset, by iterator id."""

    def __init__(self, generator):
        self._generator = generator
        self._lock = threading.Lock()
        self._next_id = 0
        self._args: dict = {}
        self._iterators: dict = {}

    def get_next_id(self, *args):
        with self._lock:
            iterator_id = self._next_id
            self._next_id += 1
            self._args[iterator_id] = args
        return np.array(iterator_id, dtype=np.int64)

    def get_iterator(self, iterator_id):
        iterator_id = int(iterator_id)
        with self._lock:
            iterator = self._iterators.get(iterator_id)
            if iterator is not None:
                return iterator
            args = self._args.pop(iterator_id)
        iterator = iter(self._generator(*args))
        with self._lock:
            self._iterators[iterator_id] = iterator
        return iterator

    def iterator_completed(self, iterator_id):
        with self._lock:
            self._iterators.pop(int(iterator_id), None)


def _signature(output_types, output_shapes, output_signature):
    if output_signature is not None:
        if output_types is not None:
            raise TypeError(
                "The `output_types` argument can not be used together with the "
                "`output_signature` argument."
            )
        if output_shapes is not None:
            raise TypeError(
                "The `output_shapes` argument can not be used together with the "
                "`output_signature` argument."
            )
        for spec in structure.flatten(output_signature):
            if not isinstance(spec, tensor_spec.TensorSpec):
                raise TypeError(
                    "`output_signature` must contain objects that are subclass of "
                    f"`tf.TypeSpec` but found {type(spec)} which is not."
                )
        return output_signature
    if output_types is None:
        raise TypeError(
            "To specify the output signature you need to provide either the "
            "`output_signature` argument or the `output_types` argument."
        )
    return structure.spec_from_types_shapes(output_types, output_shapes)


def _converter(signature):
    """The PyFunc body: the generator's next element, checked against the signature."""
    flat_specs = structure.flatten(signature)
    types = structure.types(signature)

    def convert(values):
        try:
            flat_values = _flatten_up_to(types, values)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"`generator` yielded an element that did not match the expected "
                f"structure. The expected structure was {types}, but the yielded "
                f"element was {values}."
            ) from error
        return [_convert_value(value, spec) for value, spec in zip(flat_values, flat_specs)]

    return convert


def _flatten_up_to(shallow, value) -> list:
    if not isinstance(shallow, (tuple, dict)):
        return [value]
    if isinstance(shallow, dict):
        return [
            leaf for key in sorted(shallow) for leaf in _flatten_up_to(shallow[key], value[key])
        ]
    if not isinstance(value, (tuple, list)) or len(value) != len(shallow):
        raise ValueError("structure mismatch")
    return [leaf for s, v in zip(shallow, value) for leaf in _flatten_up_to(s, v)]


def _convert_value(value, spec):
    numpy_dtype = spec.dtype.as_numpy_dtype
    try:
        array = np.asarray(value, dtype=numpy_dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"`generator` yielded an element that could not be converted to the "
            f"expected type. The expected type was {spec.dtype.name}, but the "
            f"yielded element was {value}."
        ) from error
    if spec.dtype == dtypes.string:
        array = (
            np.vectorize(lambda v: v.encode() if isinstance(v, str) else v, otypes=[object])(array)
            if array.size
            else array
        )
    if not spec.shape.is_compatible_with(array.shape):
        raise TypeError(
            f"`generator` yielded an element of shape {array.shape} where an "
            f"element of shape {spec.shape} was expected."
        )
    return array


def from_generator(
    dataset_class,
    generator,
    output_types=None,
    output_shapes=None,
    args=None,
    output_signature=None,
    name=None,
):
    """The elements `generator(*args)` yields, checked against the signature, as a
    `dataset_class` (the Dataset facade)."""
    if not callable(generator):
        raise TypeError("`generator` must be a Python callable.")
    signature = _signature(output_types, output_shapes, output_signature)
    args = tuple(op_builder.convert_to_tensor(a, name="args") for a in (args or ()))
    state = _GeneratorState(generator)
    convert = _converter(signature)
    flat_specs = structure.flatten(signature)
    flat_types = [s.dtype for s in flat_specs]

    def get_iterator_id(unused_dummy):
        return script.numpy_function(state.get_next_id, list(args), dtypes.int64)

    def next_element(iterator_id):
        def next_values(iterator_id):
            return convert(next(state.get_iterator(iterator_id)))

        values = script.numpy_function(next_values, [iterator_id], flat_types)
        for tensor, spec in zip(values, flat_specs):
            tensor.set_shape(spec.shape)
        return structure.pack(signature, values)

    def finalize(iterator_id):
        def completed(iterator_id):
            state.iterator_completed(iterator_id)
            return np.array(0, dtype=np.int64)

        return script.numpy_function(completed, [iterator_id], dtypes.int64)

    def flat_map_fn(dummy):
        variant = _generator_dataset(
            dummy, get_iterator_id, next_element, finalize, signature, name
        )
        return dataset_class(variant, signature)

    return dataset_class.from_tensors(0, name=name).flat_map(flat_map_fn, name=name)


def _generator_dataset(init_args, init_func, next_func, finalize_func, signature, name):
    init_spec = structure.element_spec(init_args)
    init = functions.trace(init_func, init_spec, "from_generator")
    step = functions.trace(next_func, init.output_spec, "from_generator")
    final = functions.trace(finalize_func, init.output_spec, "from_generator")
    variant = apply_op(
        "GeneratorDataset",
        structure.to_tensor_list(init_args) + list(init.captured),
        step.captured,
        final.captured,
        init_func=init.attr,
        next_func=step.attr,
        finalize_func=final.attr,
        output_types=structure.flat_types(signature),
        output_shapes=[tensor_shape.as_shape(s) for s in structure.flat_shapes(signature)],
        name=name or "GeneratorDataset",
    )
    return variant
