"""String hashing into buckets: StringToHashBucketFast (FarmHash Fingerprint64),
StringToHashBucketStrong (SipHash-2-4 with a key) and the legacy StringToHashBucket (TF's
Hash64). Bucket ids equal TensorFlow's: `hash % num_buckets` in uint64.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops.string import buffers
from ndflow.ops.string import hash_functions


def _same_shape(op):
    return [op.inputs[0].shape]


def _buckets(hashes: np.ndarray, num_buckets: int, shape) -> np.ndarray:
    return (hashes % np.uint64(num_buckets)).astype(np.int64).reshape(shape)


def _fast_kernel(ctx, input, num_buckets):
    hashes = hash_functions.fingerprint64(buffers.flat(input))
    return _buckets(hashes, num_buckets, np.shape(input))


registry.register_op(
    "StringToHashBucketFast",
    inputs=["input: string"],
    outputs=["output: int64"],
    attrs=["num_buckets: int >= 1"],
    shape=_same_shape,
    kernel=_fast_kernel,
)
registry.not_differentiable("StringToHashBucketFast", "bucket ids are integers")


def string_to_hash_bucket_fast(input, num_buckets, name=None):
    """Mirrors `tf.strings.to_hash_bucket_fast`: `Fingerprint64(s) % num_buckets`.

    Args:
      input: a string tensor.
      num_buckets: the number of buckets, >= 1.
      name: the op name.

    Returns:
      An int64 Tensor of input's shape, TensorFlow's bucket ids.

    >>> string_to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3)  # [0, 2, 2]
    """
    return op_builder.apply_op("StringToHashBucketFast", input, num_buckets=num_buckets, name=name)


def _strong_kernel(ctx, input, num_buckets, key):
    if len(key) != 2:
        raise errors.InvalidArgumentError(None, None, "Key must have 2 elements")
    hashes = hash_functions.siphash24(buffers.flat(input), key[0], key[1])
    return _buckets(hashes, num_buckets, np.shape(input))


registry.register_op(
    "StringToHashBucketStrong",
    inputs=["input: string"],
    outputs=["output: int64"],
    attrs=["num_buckets: int >= 1", "key: list(int)"],
    shape=_same_shape,
    kernel=_strong_kernel,
)
registry.not_differentiable("StringToHashBucketStrong", "bucket ids are integers")


def string_to_hash_bucket_strong(input, num_buckets, key, name=None):
    """Mirrors `tf.strings.to_hash_bucket_strong`: keyed SipHash-2-4 modulo num_buckets.

    Args:
      input: a string tensor.
      num_buckets: the number of buckets, >= 1.
      key: two integers, the 128-bit SipHash key.
      name: the op name.

    Returns:
      An int64 Tensor of input's shape.

    >>> string_to_hash_bucket_strong(["Hello"], 3, [1, 2])
    """
    return op_builder.apply_op(
        "StringToHashBucketStrong", input, num_buckets=num_buckets, key=list(key), name=name
    )


def _legacy_kernel(ctx, string_tensor, num_buckets):
    hashes = hash_functions.hash64(buffers.flat(string_tensor))
    return _buckets(hashes, num_buckets, np.shape(string_tensor))


registry.register_op(
    "StringToHashBucket",
    inputs=["string_tensor: string"],
    outputs=["output: int64"],
    attrs=["num_buckets: int >= 1"],
    shape=_same_shape,
    kernel=_legacy_kernel,
)
registry.not_differentiable("StringToHashBucket", "bucket ids are integers")


def string_to_hash_bucket(string_tensor=None, num_buckets=None, name=None, input=None):
    """Mirrors TF1's `tf.string_to_hash_bucket` / `tf.strings.to_hash_bucket` (deprecated:
    TF's Hash64 modulo num_buckets).

    Args:
      string_tensor: a string tensor.
      num_buckets: the number of buckets, >= 1.
      name: the op name.
      input: alias of `string_tensor`.

    Returns:
      An int64 Tensor of input's shape.

    >>> string_to_hash_bucket(["Hello", "TensorFlow", "2.x"], 3)  # [2, 0, 1]
    """
    if input is not None and string_tensor is not None:
        raise ValueError("Cannot specify both 'input' and 'string_tensor'.")
    string_tensor = input if string_tensor is None else string_tensor
    return op_builder.apply_op(
        "StringToHashBucket", string_tensor, num_buckets=num_buckets, name=name
    )
