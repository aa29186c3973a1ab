"""Checkpoint ops of the io family: SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename
and ShardedFilespec (TF's io_ops), with their `gen_io_ops`-style builders. The kernels read
and write V2 tensor bundles through ndflow/formats/tensor_bundle.py.

Also the legacy V1 ops Save, SaveSlices, Restore and RestoreSlice (ndflow/formats/
checkpoint_v1.py); like TF's, RestoreV2 reads a V1 checkpoint when the prefix has no `.index`.
"""

from __future__ import annotations

import glob

import numpy as np

from ndflow.formats import checkpoint_v1
from ndflow.formats import tensor_bundle
from ndflow.formats import tensor_slice
from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

_NOT_DIFFERENTIABLE = "checkpoint file access has no gradient"


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _strings(value) -> list[str]:
    return [_text(item) for item in np.asarray(value, dtype=object).reshape(-1)]


def _shape_text(shape) -> str:
    return "[" + ",".join(str(dim) for dim in shape) + "]"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _validate_inputs(prefix, tensor_names, shape_and_slices, num_tensors=None) -> None:
    """TF's `ValidateInputs` shared by SaveV2 and RestoreV2."""
    prefix = np.asarray(prefix, dtype=object)
    names = np.asarray(tensor_names, dtype=object)
    specs = np.asarray(shape_and_slices, dtype=object)
    if prefix.size != 1:
        raise _invalid(f"Input prefix should have a single element, got {prefix.size} instead.")
    if names.ndim != 1 or specs.ndim != 1:
        raise _invalid(
            "Input tensor_names and shape_and_slices should be an 1-D tensors, got "
            f"{_shape_text(names.shape)} and {_shape_text(specs.shape)} instead."
        )
    if names.size != specs.size:
        raise _invalid(
            "tensor_names and shape_and_slices have different number of elements: "
            f"{names.size} vs. {specs.size}"
        )
    if num_tensors is not None and num_tensors != names.size:
        raise _invalid(f"Got {names.size} tensor names but {num_tensors} tensors.")


# ---------------------------------------------------------------------- SaveV2


def _save_v2_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    for tensor in op.inputs[1:3]:
        shape = shape_errors.require_rank(tensor.shape, 1)
        _require_dim(shape, len(op.inputs) - 3, tensor)
    return []


def _require_dim(shape, expected: int, tensor) -> None:
    dim = shape.as_list()[0]
    if dim is not None and dim != expected:
        raise ValueError(
            f"Dimension 0 in both shapes must be equal, but are {dim} and {expected}. "
            f"Shapes are [{dim}] and [{expected}] for input {tensor.name}."
        )


def _save_v2_kernel(ctx, prefix, tensor_names, shape_and_slices, tensors):
    _validate_inputs(prefix, tensor_names, shape_and_slices, len(tensors))
    names = _strings(tensor_names)
    specs = _strings(shape_and_slices)
    writer = tensor_bundle.BundleWriter(_strings(prefix)[0])
    try:
        for name, spec, value in zip(names, specs, tensors):
            _save_one(writer, name, spec, np.asarray(value))
    except BaseException:
        writer.abort()
        raise
    writer.finish()


def _save_one(writer, name: str, spec: str, value: np.ndarray) -> None:
    if not spec:
        writer.add(name, value)
        return
    full_shape, part, part_shape = tensor_slice.parse_shape_and_slice(spec)
    if tuple(part_shape) != tuple(value.shape):
        raise _invalid(
            "Slice in shape_and_slice specification does not match the shape of the tensor to "
            f" save: {spec}, tensor: {_shape_text(value.shape)}"
        )
    writer.add_slice(name, full_shape, part, value)


registry.register_op(
    "SaveV2",
    inputs=[
        "prefix: string",
        "tensor_names: string",
        "shape_and_slices: string",
        "tensors: dtypes",
    ],
    attrs=["dtypes: list(type) >= 1"],
    shape=_save_v2_shape,
    kernel=_save_v2_kernel,
    stateful=True,
)
registry.not_differentiable("SaveV2", _NOT_DIFFERENTIABLE)


def save_v2(prefix, tensor_names, shape_and_slices, tensors, name=None):
    """Mirrors `tf.raw_ops.SaveV2` (`gen_io_ops.save_v2`): writes `tensors` as a V2
    checkpoint at `prefix`, each under its name; a non-empty shape_and_slices entry such as
    "10 4 0,4:-" saves that tensor as a slice of a larger one.

    Returns:
      The SaveV2 Operation.

    Raises:
      InvalidArgumentError: at run time, for mismatched counts or a slice that does not
        match its tensor.

    >>> save_v2("/tmp/ckpt/model", ["w", "b"], ["", ""], [w, b])
    """
    return op_builder.apply_op(
        "SaveV2", prefix, tensor_names, shape_and_slices, list(tensors), name=name
    )


# ---------------------------------------------------------------------- RestoreV2


def _restore_v2_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    count = len(op.outputs) if op.outputs else len(op.attrs["dtypes"])
    for tensor in op.inputs[1:3]:
        shape = shape_errors.require_rank(tensor.shape, 1)
        _require_dim(shape, count, tensor)
    specs = tensor_util.constant_value(op.inputs[2])
    if specs is None:
        return [tensor_shape.unknown_shape() for _ in range(count)]
    specs = _strings(specs)
    if len(specs) != count:
        raise ValueError("The number of shape_and_slice doesn't match tensor outputs.")
    return [_restored_shape(spec) for spec in specs]


def _restored_shape(spec: str):
    if not spec:
        return tensor_shape.unknown_shape()
    try:
        _, _, part_shape = tensor_slice.parse_shape_and_slice(spec)
    except errors.OpError as error:
        raise ValueError(error.message) from None
    return tensor_shape.TensorShape(list(part_shape))


def _restore_v2_kernel(ctx, prefix, tensor_names, shape_and_slices, dtypes):
    names = _strings(tensor_names)
    if len(names) != len(dtypes):
        raise _invalid(f"Got {len(names)} tensor names, but {len(dtypes)} expected dtypes.")
    _validate_inputs(prefix, tensor_names, shape_and_slices)
    prefix_text = _strings(prefix)[0]
    if not glob.glob(glob.escape(tensor_bundle.index_filename(prefix_text))):
        # TF's fallback: a prefix without a V2 index is read as a V1 file pattern.
        reader = checkpoint_v1.SliceReader(prefix_text)
        specs = _strings(shape_and_slices)
        return [_restore_v1(reader, n, s, t) for n, s, t in zip(names, specs, dtypes)]
    with tensor_bundle.BundleReader(prefix_text) as reader:
        _check_dtypes(reader, names, dtypes)
        return [
            _restore_one(reader, name, spec)
            for name, spec in zip(names, _strings(shape_and_slices))
        ]


def _check_dtypes(reader, names, expected) -> None:
    mismatched = []
    for index in sorted(range(len(names)), key=lambda i: names[i]):
        stored, _ = reader.dtype_and_shape(names[index])
        wanted = dtypes.as_dtype(expected[index]).base_dtype
        if stored != wanted:
            mismatched.append(
                f"tensor_name = {names[index]}; expected dtype {dtypes.cpp_name(wanted)} does "
                f"not equal original dtype {dtypes.cpp_name(stored)}"
            )
    if mismatched:
        raise _invalid("\n".join(mismatched))


def _restore_one(reader, name: str, spec: str) -> np.ndarray:
    if not spec:
        return reader.lookup(name)
    _, stored_shape = reader.dtype_and_shape(name)
    full_shape, part, _ = tensor_slice.parse_shape_and_slice(spec)
    if tuple(full_shape) != tuple(stored_shape):
        raise _invalid(
            f"tensor_name = {name}; shape in shape_and_slice spec {_shape_text(full_shape)} "
            f"does not match the shape stored in checkpoint: {_shape_text(stored_shape)}"
        )
    return reader.lookup_slice(name, part)


registry.register_op(
    "RestoreV2",
    inputs=["prefix: string", "tensor_names: string", "shape_and_slices: string"],
    outputs=["tensors: dtypes"],
    attrs=["dtypes: list(type) >= 1"],
    shape=_restore_v2_shape,
    kernel=_restore_v2_kernel,
    stateful=True,
)
registry.not_differentiable("RestoreV2", _NOT_DIFFERENTIABLE)


def restore_v2(prefix, tensor_names, shape_and_slices, dtypes, name=None):
    """Mirrors `tf.raw_ops.RestoreV2` (`gen_io_ops.restore_v2`): reads the named tensors
    of the V2 checkpoint at `prefix`; a non-empty shape_and_slices entry ("10 4 0,4:-")
    reads that slice of the stored tensor, as partitioned variables do.

    Returns:
      A list of Tensors, one per name, of the given dtypes.

    Raises:
      NotFoundError: at run time, when the checkpoint or a name is missing.
      InvalidArgumentError: at run time, when a stored dtype or shape differs.

    >>> w, b = restore_v2("/tmp/ckpt/model", ["w", "b"], ["", ""], [tf.float32, tf.float32])
    """
    result = op_builder.apply_op(
        "RestoreV2", prefix, tensor_names, shape_and_slices, dtypes=list(dtypes), name=name
    )
    return result if isinstance(result, list) else [result]


# ---------------------------------------------------------------------- MergeV2Checkpoints


def _merge_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 1)
    shape_errors.require_rank(op.inputs[1].shape, 0)
    return []


def _merge_kernel(
    ctx, checkpoint_prefixes, destination_prefix, delete_old_dirs, allow_missing_files
):
    prefixes = np.asarray(checkpoint_prefixes, dtype=object)
    destination = np.asarray(destination_prefix, dtype=object)
    if prefixes.ndim != 1:
        raise _invalid(
            "Input checkpoint_prefixes should be an 1-D tensor, got "
            f"{_shape_text(prefixes.shape)} instead."
        )
    if destination.ndim != 0:
        raise _invalid(
            "Input destination_prefix should be a scalar tensor, got "
            f"{_shape_text(destination.shape)} instead."
        )
    tensor_bundle.merge_bundles(
        _strings(prefixes),
        _text(destination.item()),
        delete_old_dirs=delete_old_dirs,
        allow_missing_files=allow_missing_files,
    )


registry.register_op(
    "MergeV2Checkpoints",
    inputs=["checkpoint_prefixes: string", "destination_prefix: string"],
    attrs=["delete_old_dirs: bool = true", "allow_missing_files: bool = false"],
    shape=_merge_shape,
    kernel=_merge_kernel,
    stateful=True,
)
registry.not_differentiable("MergeV2Checkpoints", _NOT_DIFFERENTIABLE)


def merge_v2_checkpoints(
    checkpoint_prefixes,
    destination_prefix,
    delete_old_dirs=True,
    allow_missing_files=False,
    name=None,
):
    """Mirrors `tf.raw_ops.MergeV2Checkpoints`: merges the per-shard bundles of a sharded
    save into one checkpoint at `destination_prefix` (renaming their data files, writing one
    index); with `delete_old_dirs`, removes the shards' directories when empty.

    >>> merge_v2_checkpoints(["/tmp/c_temp/part-00000-of-00002", ...], "/tmp/c")
    """
    return op_builder.apply_op(
        "MergeV2Checkpoints",
        checkpoint_prefixes,
        destination_prefix,
        delete_old_dirs=delete_old_dirs,
        allow_missing_files=allow_missing_files,
        name=name,
    )


# ---------------------------------------------------------------------- ShardedFilename


def _scalar_inputs(names, values):
    for input_name, value in zip(names, values):
        value = np.asarray(value)
        if value.size != 1:
            raise _invalid(f"{input_name} must be a scalar, got shape {_shape_text(value.shape)}")
    return [np.asarray(value).reshape(-1)[0] for value in values]


def _sharded_filename_kernel(ctx, basename, shard, num_shards):
    base, shard, count = _scalar_inputs(
        ("basename", "shard", "num_shards"), (basename, shard, num_shards)
    )
    text = f"{_text(base)}-{int(shard):05d}-of-{int(count):05d}"
    return np.asarray(text.encode("utf-8"), dtype=object)


registry.register_op(
    "ShardedFilename",
    inputs=["basename: string", "shard: int32", "num_shards: int32"],
    outputs=["filename: string"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_sharded_filename_kernel,
)
registry.not_differentiable("ShardedFilename", _NOT_DIFFERENTIABLE)


def sharded_filename(basename, shard, num_shards, name=None):
    """Mirrors `tf.raw_ops.ShardedFilename`: "%s-%05d-of-%05d" of basename, shard and
    num_shards.

    >>> sharded_filename("/tmp/c/part", 0, 2)  # b"/tmp/c/part-00000-of-00002"
    """
    return op_builder.apply_op("ShardedFilename", basename, shard, num_shards, name=name)


def _sharded_filespec_kernel(ctx, basename, num_shards):
    base, count = _scalar_inputs(("basename", "num_shards"), (basename, num_shards))
    text = f"{_text(base)}-?????-of-{int(count):05d}"
    return np.asarray(text.encode("utf-8"), dtype=object)


registry.register_op(
    "ShardedFilespec",
    inputs=["basename: string", "num_shards: int32"],
    outputs=["filename: string"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_sharded_filespec_kernel,
)
registry.not_differentiable("ShardedFilespec", _NOT_DIFFERENTIABLE)


def sharded_filespec(basename, num_shards, name=None):
    """Mirrors `tf.raw_ops.ShardedFilespec`: the glob "%s-?????-of-%05d" matching every
    shard name of `basename`.

    >>> sharded_filespec("/tmp/c/part", 2)  # b"/tmp/c/part-?????-of-00002"
    """
    return op_builder.apply_op("ShardedFilespec", basename, num_shards, name=name)


# ---------------------------------------------------------------------- V1: Save, SaveSlices


def _save_v1(filename, tensor_names, shapes_and_slices, data) -> None:
    """TF's `SaveTensors`: each tensor whole, or as the slice its spec names."""
    filename = np.asarray(filename, dtype=object)
    if filename.size != 1:
        raise _invalid(
            f"Input 0 (filename) must be a string scalar; got a tensor of {filename.size} elements"
        )
    names = _strings(tensor_names)
    if len(names) != len(data):
        raise _invalid(f"Expected {len(data)} elements for tensor_names, got {len(names)}")
    specs = _strings(shapes_and_slices) if shapes_and_slices is not None else [""] * len(names)
    if len(specs) != len(names):
        raise _invalid(f"Expected {len(names)} elements for shapes_and_slices, got {len(specs)}")
    writer = checkpoint_v1.SliceWriter(_text(filename.reshape(-1)[0]))
    # TF's SaveTensors adds the tensors in name order, which fixes the metadata's order.
    for name, spec, value in sorted(zip(names, specs, data), key=lambda row: row[0]):
        value = np.asarray(value)
        if not spec:
            writer.add(name, value.shape, tensor_slice.TensorSlice.full(value.ndim), value)
            continue
        full_shape, part, part_shape = tensor_slice.parse_shape_and_slice(spec)
        if tuple(part_shape) != value.shape:
            raise _invalid(
                "Slice in shape_and_slice specification does not match the shape of the tensor "
                f"to  save: {spec}, tensor: {_shape_text(value.shape)}"
            )
        writer.add(name, full_shape, part, value)
    writer.finish()


def _save_v1_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    return []


registry.register_op(
    "Save",
    inputs=["filename: string", "tensor_names: string", "data: T"],
    attrs=["T: list(type) >= 1"],
    shape=_save_v1_shape,
    kernel=lambda ctx, filename, tensor_names, data: _save_v1(filename, tensor_names, None, data),
    stateful=True,
)
registry.not_differentiable("Save", _NOT_DIFFERENTIABLE)

registry.register_op(
    "SaveSlices",
    inputs=[
        "filename: string",
        "tensor_names: string",
        "shapes_and_slices: string",
        "data: T",
    ],
    attrs=["T: list(type) >= 1"],
    shape=_save_v1_shape,
    kernel=lambda ctx, filename, tensor_names, shapes_and_slices, data: _save_v1(
        filename, tensor_names, shapes_and_slices, data
    ),
    stateful=True,
)
registry.not_differentiable("SaveSlices", _NOT_DIFFERENTIABLE)


def save(filename, tensor_names, data, name=None):
    """Mirrors `tf.raw_ops.Save`: writes `data` as a legacy V1 checkpoint file.

    >>> save("/tmp/model.ckpt", ["w"], [w])
    """
    return op_builder.apply_op("Save", filename, tensor_names, list(data), name=name)


def save_slices(filename, tensor_names, shapes_and_slices, data, name=None):
    """Mirrors `tf.raw_ops.SaveSlices`: as `save`, each tensor possibly a slice
    ("10 4 0,4:-") of a larger one.

    >>> save_slices("/tmp/model.ckpt", ["p"], ["10 4 0,4:-"], [part0])
    """
    return op_builder.apply_op(
        "SaveSlices", filename, tensor_names, shapes_and_slices, list(data), name=name
    )


# ---------------------------------------------------------------------- V1: Restore, RestoreSlice


def _restore_v1(reader, name: str, spec: str, dtype) -> np.ndarray:
    """TF's `RestoreTensor` on an open V1 reader: the tensor, or its `spec` slice."""
    stored_dtype, stored_shape = reader.dtype_and_shape(name)
    wanted = dtypes.as_dtype(dtype).base_dtype
    if stored_dtype != wanted:
        raise _invalid(
            f"Expected to restore a tensor of type {dtypes.cpp_name(wanted)}, got a tensor of "
            f"type {dtypes.cpp_name(stored_dtype)} instead: tensor_name = {name}"
        )
    if not spec:
        return reader.lookup(name)
    full_shape, part, _ = tensor_slice.parse_shape_and_slice(spec)
    if tuple(full_shape) != tuple(stored_shape):
        raise _invalid(
            f"Shape in shape_and_slice spec {_shape_text(full_shape)} does not match the shape "
            f"stored in checkpoint: {_shape_text(stored_shape)}"
        )
    return reader.lookup_slice(name, part)


def _restore_kernel(ctx, file_pattern, tensor_name, dt, shape_and_slice=None):
    pattern, name = _strings(file_pattern), _strings(tensor_name)
    if len(pattern) != 1 or len(name) != 1:
        raise _invalid("Input 0 (file_pattern) and 1 (tensor_name) must hold one string each")
    spec = _strings(shape_and_slice)[0] if shape_and_slice is not None else ""
    return _restore_v1(checkpoint_v1.SliceReader(pattern[0]), name[0], spec, dt)


def _restore_shape(op):
    if len(op.inputs) < 3:
        return [tensor_shape.unknown_shape()]
    specs = tensor_util.constant_value(op.inputs[2])
    return [tensor_shape.unknown_shape() if specs is None else _restored_shape(_strings(specs)[0])]


registry.register_op(
    "Restore",
    inputs=["file_pattern: string", "tensor_name: string"],
    outputs=["tensor: dt"],
    attrs=["dt: type", "preferred_shard: int = -1"],
    shape=_restore_shape,
    kernel=lambda ctx, file_pattern, tensor_name, dt: _restore_kernel(
        ctx, file_pattern, tensor_name, dt
    ),
    stateful=True,
)
registry.not_differentiable("Restore", _NOT_DIFFERENTIABLE)

registry.register_op(
    "RestoreSlice",
    inputs=["file_pattern: string", "tensor_name: string", "shape_and_slice: string"],
    outputs=["tensor: dt"],
    attrs=["dt: type", "preferred_shard: int = -1"],
    shape=_restore_shape,
    kernel=lambda ctx, file_pattern, tensor_name, shape_and_slice, dt: _restore_kernel(
        ctx, file_pattern, tensor_name, dt, shape_and_slice
    ),
    stateful=True,
)
registry.not_differentiable("RestoreSlice", _NOT_DIFFERENTIABLE)


def restore(file_pattern, tensor_name, dt, preferred_shard=-1, name=None):
    """Mirrors `tf.raw_ops.Restore`: one tensor of the V1 checkpoint files matching
    `file_pattern`.

    >>> restore("/tmp/model.ckpt", "w", tf.float32)
    """
    return op_builder.apply_op(
        "Restore", file_pattern, tensor_name, dt=dt, preferred_shard=preferred_shard, name=name
    )


def restore_slice(file_pattern, tensor_name, shape_and_slice, dt, preferred_shard=-1, name=None):
    """Mirrors `tf.raw_ops.RestoreSlice`: the slice `shape_and_slice` ("10 4 0,4:-") of one
    tensor of a V1 checkpoint.

    >>> restore_slice("/tmp/model.ckpt", "p", "10 4 0,4:-", tf.float32)
    """
    return op_builder.apply_op(
        "RestoreSlice",
        file_pattern,
        tensor_name,
        shape_and_slice,
        dt=dt,
        preferred_shard=preferred_shard,
        name=name,
    )
