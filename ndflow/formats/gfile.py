"""Local file-system access with TensorFlow's `tf.io.gfile` API and error classes.

Only local paths are supported (TF's default file system). Failures raise TensorFlow's
errors with TensorFlow's messages: a missing file is `NotFoundError("<path>; No such file or
directory")`, an existing destination `AlreadyExistsError("file already exists")`.
"""

from __future__ import annotations

import errno
import glob as _glob
import os
import shutil

from ndflow.framework import errors

_MODES = ("r", "w", "a", "r+", "w+", "a+")


def error_for(error: OSError, path) -> errors.OpError:
    """The TensorFlow error for an OSError on `path`, worded as TF's POSIX file system."""
    reason = os.strerror(error.errno) if error.errno else str(error)
    message = f"{path}; {reason}"
    if error.errno == errno.ENOENT:
        return errors.NotFoundError(None, None, message)
    if error.errno == errno.EEXIST:
        return errors.AlreadyExistsError(None, None, message)
    if error.errno in (errno.EACCES, errno.EPERM):
        return errors.PermissionDeniedError(None, None, message)
    if error.errno in (errno.EISDIR, errno.ENOTDIR, errno.ENOTEMPTY):
        return errors.FailedPreconditionError(None, None, message)
    return errors.UnknownError(None, None, message)


def _path(path) -> str:
    return os.fsdecode(path)


class GFile:
    """Mirrors `tf.io.gfile.GFile`: a file object opened lazily, on first use.

    Text modes read and return `str`; binary modes ("rb", "wb") return `bytes`. Writes accept
    `str` or `bytes` in any mode.

    >>> with GFile("/tmp/notes.txt", "w") as f:
    ...     f.write("hello\\n")
    """

    def __init__(self, name, mode: str = "r"):
        self._file = None
        self._name = _path(name)
        self._mode = mode
        self._binary = "b" in mode
        if mode.replace("b", "") not in _MODES:
            raise errors.InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'"
            )

    @property
    def name(self) -> str:
        return self._name

    @property
    def mode(self) -> str:
        return self._mode

    def _handle(self):
        if self._file is None:
            mode = self._mode.replace("b", "") + "b"
            try:
                self._file = open(self._name, mode)  # closed by close()
            except OSError as error:
                raise error_for(error, self._name) from None
        return self._file

    def _decode(self, data: bytes):
        return data if self._binary else data.decode("utf-8")

    def size(self) -> int:
        return stat(self._name).length

    def read(self, n: int = -1):
        return self._decode(self._handle().read(n))

    def readline(self):
        return self._decode(self._handle().readline())

    def readlines(self) -> list:
        return [self._decode(line) for line in self._handle().readlines()]

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__

    def write(self, data) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._handle().write(data)

    def seek(self, offset: int | None = None, whence: int = 0, position: int | None = None):
        """Mirrors `GFile.seek` (TF1 also accepts the deprecated `position=`)."""
        if position is not None:
            offset = position
        self._handle().seek(offset, whence)

    def tell(self) -> int:
        return self._handle().tell()

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __del__(self):
        # Like TF's GFile, a dropped handle closes its file (no ResourceWarning).
        self.close()


class FastGFile(GFile):
    """Mirrors TF1 `tf.gfile.FastGFile` (deprecated): the same as GFile."""


class FileStatistics:
    """Mirrors TF's `FileStatistics`: length in bytes, mtime in ns, is_directory."""

    def __init__(self, length: int, mtime_nsec: int, is_directory: bool):
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory

    def __repr__(self) -> str:
        return (
            f"FileStatistics(length={self.length}, mtime_nsec={self.mtime_nsec}, "
            f"is_directory={self.is_directory})"
        )


def exists(path) -> bool:
    """Mirrors `tf.io.gfile.exists`."""
    return os.path.exists(_path(path))


def isdir(path) -> bool:
    """Mirrors `tf.io.gfile.isdir`."""
    return os.path.isdir(_path(path))


def stat(path) -> FileStatistics:
    """Mirrors `tf.io.gfile.stat`; `NotFoundError` for a missing path."""
    path = _path(path)
    try:
        info = os.stat(path)
    except OSError as error:
        raise error_for(error, path) from None
    return FileStatistics(info.st_size, info.st_mtime_ns, os.path.isdir(path))


def listdir(path) -> list[str]:
    """Mirrors `tf.io.gfile.listdir`: entry names, without "." and ".."."""
    path = _path(path)
    if not os.path.isdir(path):
        raise errors.NotFoundError(None, None, f"Could not find directory {path}")
    return sorted(os.listdir(path))


def glob(pattern) -> list[str]:
    """Mirrors `tf.io.gfile.glob`: the paths matching a pattern (or a list of patterns)."""
    patterns = [pattern] if isinstance(pattern, (str, bytes)) else list(pattern)
    matches = []
    for item in patterns:
        matches.extend(sorted(_glob.glob(_path(item))))
    return matches


def makedirs(path) -> None:
    """Mirrors `tf.io.gfile.makedirs`: creates parents too; an existing directory is fine."""
    path = _path(path)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise error_for(error, path) from None


def mkdir(path) -> None:
    """Mirrors `tf.io.gfile.mkdir`: the parent must exist; an existing directory is fine."""
    path = _path(path)
    if os.path.isdir(path):
        return
    try:
        os.mkdir(path)
    except OSError as error:
        raise error_for(error, path) from None


def remove(path) -> None:
    """Mirrors `tf.io.gfile.remove` (files only)."""
    path = _path(path)
    try:
        os.remove(path)
    except OSError as error:
        raise error_for(error, path) from None


def rmtree(path) -> None:
    """Mirrors `tf.io.gfile.rmtree`: deletes a directory tree (or a file)."""
    path = _path(path)
    if not os.path.exists(path):
        raise errors.NotFoundError(None, None, f"{path} not found")
    if not os.path.isdir(path):
        remove(path)
        return
    shutil.rmtree(path)


def _check_destination(path: str, overwrite: bool) -> None:
    if not overwrite and os.path.exists(path):
        raise errors.AlreadyExistsError(None, None, "file already exists")


def copy(src, dst, overwrite: bool = False) -> None:
    """Mirrors `tf.io.gfile.copy`."""
    src, dst = _path(src), _path(dst)
    _check_destination(dst, overwrite)
    try:
        shutil.copyfile(src, dst)
    except OSError as error:
        raise error_for(error, src if not os.path.exists(src) else dst) from None


def rename(src, dst, overwrite: bool = False) -> None:
    """Mirrors `tf.io.gfile.rename`."""
    src, dst = _path(src), _path(dst)
    if not os.path.exists(src):
        raise errors.NotFoundError(None, None, f"{src}; No such file or directory")
    _check_destination(dst, overwrite)
    try:
        os.replace(src, dst)
    except OSError as error:
        raise error_for(error, dst) from None


def walk(top, topdown: bool = True, onerror=None):
    """Mirrors `tf.io.gfile.walk`: (dirname, subdirs, files) tuples; nothing for a missing
    top directory."""
    top = _path(top)
    if not os.path.isdir(top):
        return
    entries = listdir(top)
    subdirs = [name for name in entries if os.path.isdir(os.path.join(top, name))]
    files = [name for name in entries if name not in subdirs]
    if topdown:
        yield top, subdirs, files
    for name in subdirs:
        yield from walk(os.path.join(top, name), topdown, onerror)
    if not topdown:
        yield top, subdirs, files


def join(path, *paths) -> str:
    """Mirrors `tf.io.gfile.join`."""
    return os.path.join(path, *paths)


def get_registered_schemes() -> list[str]:
    """Mirrors `tf.io.gfile.get_registered_schemes`: only the local file system."""
    return ["file"]


def read_file_bytes(path) -> bytes:
    """The whole content of a file; `NotFoundError` if it is missing."""
    with GFile(path, "rb") as handle:
        return handle.read()


def write_file_bytes(path, data: bytes) -> None:
    """Writes `data` to `path`, creating or truncating it."""
    with GFile(path, "wb") as handle:
        handle.write(data)
