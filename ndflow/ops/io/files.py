"""File ops of the io family: ReadFile, WriteFile and MatchingFiles, plus TF's plain-Python
file APIs built on ndflow/formats: TFRecordWriter / TFRecordOptions / tf_record_iterator
(`tf.io`, `tf.python_io`) and TF1's `tf.gfile` functions."""

from __future__ import annotations

import os

import numpy as np

from ndflow.formats import gfile
from ndflow.formats import tfrecord
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape

_NOT_DIFFERENTIABLE = "file access has no gradient"


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _scalar_text(value) -> str:
    return _text(np.asarray(value, dtype=object).item())


# ---------------------------------------------------------------------- ReadFile


def _read_file_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    return [tensor_shape.scalar()]


def _read_file_kernel(ctx, filename):
    return gfile.read_file_bytes(_scalar_text(filename))


registry.register_op(
    "ReadFile",
    inputs=["filename: string"],
    outputs=["contents: string"],
    shape=_read_file_shape,
    kernel=_read_file_kernel,
)
registry.not_differentiable("ReadFile", _NOT_DIFFERENTIABLE)


def read_file(filename, name=None):
    """Mirrors `tf.io.read_file`: the whole content of a file as a string scalar.

    Raises:
      NotFoundError: at run time, when the file does not exist.

    >>> read_file("/tmp/notes.txt")
    """
    return op_builder.apply_op("ReadFile", filename, name=name)


# ---------------------------------------------------------------------- WriteFile


def _write_file_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    shape_errors.require_rank(op.inputs[1].shape, 0)
    return []


def _write_file_kernel(ctx, filename, contents):
    path = _scalar_text(filename)
    directory = os.path.dirname(path)
    if directory:
        gfile.makedirs(directory)
    data = np.asarray(contents, dtype=object).item()
    gfile.write_file_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)


registry.register_op(
    "WriteFile",
    inputs=["filename: string", "contents: string"],
    shape=_write_file_shape,
    kernel=_write_file_kernel,
    stateful=True,
)
registry.not_differentiable("WriteFile", _NOT_DIFFERENTIABLE)


def write_file(filename, contents, name=None):
    """Mirrors `tf.io.write_file`: writes a string scalar to a file (creating directories).

    >>> write_file("/tmp/out.txt", "hello")
    """
    return op_builder.apply_op("WriteFile", filename, contents, name=name)


# ---------------------------------------------------------------------- MatchingFiles


def _matching_files_shape(op):
    shape_errors.require_rank_at_most(op.inputs[0].shape, 1)
    return [tensor_shape.TensorShape([None])]


def _matching_files_kernel(ctx, pattern):
    patterns = [_text(item) for item in np.asarray(pattern, dtype=object).reshape(-1)]
    names = sorted({name for item in patterns for name in gfile.glob(item)})
    out = np.empty(len(names), dtype=object)
    out[:] = [name.encode("utf-8") for name in names]
    return out


registry.register_op(
    "MatchingFiles",
    inputs=["pattern: string"],
    outputs=["filenames: string"],
    shape=_matching_files_shape,
    kernel=_matching_files_kernel,
)
registry.not_differentiable("MatchingFiles", _NOT_DIFFERENTIABLE)


def matching_files(pattern, name=None):
    """Mirrors `tf.io.matching_files`: the sorted file names matching glob pattern(s).

    >>> matching_files("/data/train-*.tfrecord")
    """
    return op_builder.apply_op("MatchingFiles", pattern, name=name)


# ---------------------------------------------------------------------- TFRecord files


class TFRecordCompressionType:
    """Mirrors TF1 `tf.io.TFRecordCompressionType`."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """Mirrors `tf.io.TFRecordOptions`: compression type and zlib settings of a TFRecord.

    >>> TFRecordOptions(compression_type="GZIP", compression_level=9)
    """

    compression_type_map = {
        TFRecordCompressionType.ZLIB: "ZLIB",
        TFRecordCompressionType.GZIP: "GZIP",
        TFRecordCompressionType.NONE: "",
    }

    def __init__(
        self,
        compression_type=None,
        flush_mode=None,
        input_buffer_size=None,
        output_buffer_size=None,
        window_bits=None,
        compression_level=None,
        compression_method=None,
        mem_level=None,
        compression_strategy=None,
    ):
        self.get_compression_type_string(compression_type)
        self.compression_type = compression_type
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options) -> str:
        """'', 'ZLIB' or 'GZIP' from options, a TFRecordCompressionType or a string."""
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return cls.get_compression_type_string(options.compression_type)
        if options in cls.compression_type_map:
            return cls.compression_type_map[options]
        if options in cls.compression_type_map.values():
            return options
        raise ValueError(f'Not a valid compression_type: "{options}"')

    def zlib_options(self) -> dict:
        return {
            "compression_level": self.compression_level,
            "window_bits": self.window_bits,
            "mem_level": self.mem_level,
            "compression_strategy": self.compression_strategy,
            "compression_method": self.compression_method,
        }


class TFRecordWriter:
    """Mirrors `tf.io.TFRecordWriter`: writes records to a TFRecord file.

    Args:
      path: the file to create.
      options: a TFRecordOptions, a TFRecordCompressionType, or 'GZIP' / 'ZLIB' / ''.

    >>> with TFRecordWriter("/tmp/data.tfrecord") as writer:
    ...     writer.write(example.SerializeToString())
    """

    def __init__(self, path, options=None):
        if not isinstance(options, TFRecordOptions):
            options = TFRecordOptions(compression_type=options)
        compression = TFRecordOptions.get_compression_type_string(options)
        self._writer = tfrecord.RecordWriter(path, compression, **options.zlib_options())

    def write(self, record) -> None:
        """Appends one record (bytes or str)."""
        self._writer.write(record)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def tf_record_iterator(path, options=None):
    """Mirrors TF1 `tf.io.tf_record_iterator`: an iterator over the records of a file.

    Raises:
      NotFoundError: when the file does not exist (at the call).
      DataLossError: while iterating, for a corrupt or truncated record.

    >>> for record in tf_record_iterator("/tmp/data.tfrecord"):
    ...     print(len(record))
    """
    compression = TFRecordOptions.get_compression_type_string(options)
    return iter(tfrecord.RecordReader(path, compression))


# ---------------------------------------------------------------------- TF1 tf.gfile


def Copy(oldpath, newpath, overwrite=False):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.Copy`."""
    gfile.copy(oldpath, newpath, overwrite)


def DeleteRecursively(dirname):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.DeleteRecursively`."""
    gfile.rmtree(dirname)


def Exists(filename):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.Exists`."""
    return gfile.exists(filename)


def Glob(filename):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.Glob`."""
    return gfile.glob(filename)


def IsDirectory(dirname):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.IsDirectory`."""
    return gfile.isdir(dirname)


def ListDirectory(dirname):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.ListDirectory`."""
    return gfile.listdir(dirname)


def MakeDirs(dirname):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.MakeDirs`."""
    gfile.makedirs(dirname)


def MkDir(dirname):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.MkDir`."""
    gfile.mkdir(dirname)


def Remove(filename):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.Remove`."""
    gfile.remove(filename)


def Rename(oldname, newname, overwrite=False):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.Rename`."""
    gfile.rename(oldname, newname, overwrite)


def Stat(filename):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.Stat`."""
    return gfile.stat(filename)


def Walk(top, in_order=True):  # noqa: N802 - TF1's name
    """Mirrors TF1 `tf.gfile.Walk`."""
    return gfile.walk(top, topdown=in_order)
