"""One-line op checks: build the op, check its static shape and dtype, run it, compare with
an independent NumPy reference (tinygrad's `helper_test_op`, JAX's op-record tables).

A family test module lists one `OpSpec` per registered op type in `OP_SPECS`;
`tests/ops/test_registry_complete.py` fails when a registered op has no row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

import ndflow as tf
from ndflow.framework import dtypes

# Relative tolerance per dtype (STYLE.md).
RTOL = {
    dtypes.float16: 1e-3,
    dtypes.bfloat16: 1e-2,
    dtypes.float32: 1e-5,
    dtypes.float64: 1e-9,
    dtypes.complex64: 1e-5,
    dtypes.complex128: 1e-9,
}


@dataclasses.dataclass
class ShapeCase:
    """One static-shape inference case: input shapes (None = unknown rank) and the
    expected output shape, or `error` (a substring of the ValueError message)."""

    inputs: list
    expected: object = None
    error: str | None = None


@dataclasses.dataclass
class OpSpec:
    """One row of a family's op table.

    op_type: the registered op type name this row covers.
    builder: function of input Tensors returning the output Tensor (or list).
    reference: independent NumPy function of the input arrays (None when covered by
      `cases` of explicit expected values).
    shapes: input shapes for the forward check.
    dtypes: element types to test; each entry is one dtype for every input, or a tuple
      with one dtype per input.
    domain: input generator name (see `generate`).
    cases: explicit (inputs, expected) pairs, for edge cases and TF golden values.
    shape_cases: static shape inference cases, checked without a Session.
    grad: "reason" string when the op is not differentiable, else None (gradient rows
      live with the training issue's gradient checks).
    """

    op_type: str
    builder: Callable
    reference: Callable | None = None
    shapes: list = dataclasses.field(default_factory=list)
    dtypes: list = dataclasses.field(default_factory=lambda: [dtypes.float32])
    domain: str = "any"
    cases: list = dataclasses.field(default_factory=list)
    shape_cases: list = dataclasses.field(default_factory=list)
    grad: str | None = None
    id: str = ""

    def __str__(self) -> str:
        return self.id or self.op_type


# ---------------------------------------------------------------------- input domains


def generate(domain: str, shape, dtype: dtypes.DType, rng: np.random.Generator) -> np.ndarray:
    """Inputs from a named domain, respecting the op's valid range."""
    np_dtype = np.dtype(dtype.as_numpy_dtype) if dtype is not dtypes.string else object
    if dtype is dtypes.string:
        words = np.array([b"a", b"bc", b"", b"hello", b"xyz"], dtype=object)
        return rng.choice(words, size=shape)
    if dtype is dtypes.bool:
        return rng.random(shape) < 0.5
    if dtype.is_integer:
        low, high = _int_range(domain, dtype)
        return rng.integers(low, high, size=shape).astype(np_dtype)
    values = _float_values(domain, shape, rng)
    if dtype.is_complex:
        values = values + 1j * _float_values(domain, shape, rng)
    return np.asarray(values).astype(np_dtype)


def _int_range(domain, dtype):
    if domain in ("positive", "nonzero"):
        return 1, 10
    if domain == "unsigned" or dtype.is_unsigned:
        return 0, 10
    return -10, 10


def _float_values(domain, shape, rng):
    if domain == "positive":
        return rng.uniform(0.1, 3.0, size=shape)
    if domain == "unit":
        return rng.uniform(-0.9, 0.9, size=shape)
    if domain == "nonzero":
        sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
        return sign * rng.uniform(0.5, 3.0, size=shape)
    if domain == "away_from_kinks":
        sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
        return sign * rng.uniform(0.1, 3.0, size=shape) + 0.013
    if domain == "distinct":
        size = int(np.prod(shape, dtype=np.int64))
        return (rng.permutation(size).reshape(shape) - size / 2) * 0.37 + 0.01
    return rng.normal(size=shape)


# ---------------------------------------------------------------------- running


def run_builder(builder, arrays, input_dtypes, static=True):
    """Builds `builder` on placeholders fed with `arrays`; returns (outputs, values).

    With static=False the placeholders have unknown dims, exercising dynamic shapes.
    """
    with tf.Graph().as_default() as graph:
        placeholders = []
        for array, dtype in zip(arrays, input_dtypes):
            shape = np.shape(array) if static else [None] * np.ndim(array)
            placeholders.append(tf.placeholder(dtype, shape=shape))
        outputs = builder(*placeholders)
        with tf.Session(graph=graph) as sess:
            values = sess.run(outputs, dict(zip(placeholders, arrays)))
    return outputs, values


def assert_value_close(actual, expected, dtype: dtypes.DType, context: str = "") -> None:
    """Exact dtype, shape, and values within the dtype's tolerance."""
    # np.asarray of a `bytes` would drop its trailing NUL bytes ('S' dtype).
    actual_array = np.asarray(actual, object if isinstance(actual, bytes) else None)
    expected_array = np.asarray(expected, object if isinstance(expected, bytes) else None)
    if dtype is not None and dtype.is_numpy_compatible and dtype is not dtypes.string:
        want = np.dtype(dtype.as_numpy_dtype)
        assert actual_array.dtype == want, f"{context}: dtype {actual_array.dtype} != {want}"
    assert actual_array.shape == expected_array.shape, (
        f"{context}: shape {actual_array.shape} != expected {expected_array.shape}"
    )
    rtol = RTOL.get(dtype, 0)
    if rtol == 0 or actual_array.dtype.kind not in "fc":
        np.testing.assert_array_equal(actual_array, expected_array, err_msg=context)
        return
    np.testing.assert_allclose(
        actual_array.astype(np.complex128 if actual_array.dtype.kind == "c" else np.float64),
        expected_array,
        rtol=rtol,
        atol=rtol,
        err_msg=context,
    )


def _as_list(value):
    return value if isinstance(value, (list, tuple)) else [value]


def _dtype_tuple(entry, count):
    if isinstance(entry, (tuple, list)):
        return tuple(entry)
    return (entry,) * count


def check_forward(spec: OpSpec, static: bool = True) -> None:
    """Runs `spec` for each dtype on generated inputs and compares with its reference."""
    if spec.reference is None:
        return
    rng = np.random.default_rng(0)
    for entry in spec.dtypes:
        input_dtypes = _dtype_tuple(entry, len(spec.shapes))
        arrays = [
            generate(spec.domain, shape, dtype, rng)
            for shape, dtype in zip(spec.shapes, input_dtypes)
        ]
        outputs, values = run_builder(spec.builder, arrays, input_dtypes, static)
        expected = _as_list(spec.reference(*arrays))
        for tensor, value, want in zip(_as_list(outputs), _as_list(values), expected):
            context = f"{spec}[{entry}]"
            assert_value_close(value, want, tensor.dtype.base_dtype, context)
            assert tensor.shape.is_compatible_with(np.shape(value)), (
                f"{context}: static shape {tensor.shape} vs runtime {np.shape(value)}"
            )


def check_cases(spec: OpSpec) -> None:
    """Runs each explicit (inputs, expected) case of `spec`."""
    for inputs, expected in spec.cases:
        arrays = [np.asarray(x) if not isinstance(x, np.ndarray) else x for x in inputs]
        input_dtypes = [
            dtypes.as_dtype(a.dtype) if a.dtype.kind not in "OSU" else dtypes.string for a in arrays
        ]
        outputs, values = run_builder(spec.builder, arrays, input_dtypes)
        for tensor, value, want in zip(_as_list(outputs), _as_list(values), _as_list(expected)):
            assert_value_close(value, want, tensor.dtype.base_dtype, f"{spec} case {inputs}")


def check_shape_cases(spec: OpSpec) -> None:
    """Checks each static shape inference case without starting a Session."""
    for case in spec.shape_cases:
        with tf.Graph().as_default():
            placeholders = [_placeholder_for(item) for item in case.inputs]
            if case.error is not None:
                try:
                    spec.builder(*placeholders)
                except ValueError as err:
                    assert case.error in str(err), f"{spec}: {err!s} lacks {case.error!r}"
                    continue
                raise AssertionError(f"{spec}: expected a ValueError with {case.error!r}")
            output = _as_list(spec.builder(*placeholders))[0]
            expected = tf.TensorShape(case.expected)
            assert output.shape.as_tuple() == expected.as_tuple(), (
                f"{spec}: inferred {output.shape}, expected {expected} for {case.inputs}"
            )


def _placeholder_for(item):
    """A placeholder from a shape, or from (shape, dtype)."""
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dtypes.DType):
        shape, dtype = item
    else:
        shape, dtype = item, dtypes.float32
    return tf.placeholder(dtype, shape=shape)


def check_op(builder, reference, shapes, dtype=dtypes.float32, domain="any") -> None:
    """The one-line form: `check_op(tf.nn.relu, ref.relu, [(4, 5)])`."""
    spec = OpSpec("", builder, reference, shapes, [dtype], domain)
    check_forward(spec)
    check_forward(spec, static=False)
