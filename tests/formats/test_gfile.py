"""Local file access with TensorFlow's gfile API and errors (ndflow/formats/gfile.py)."""

from __future__ import annotations

import pytest

from ndflow.formats import gfile
from ndflow.framework import errors


def test_gfile_reads_and_writes_text_and_bytes(tmp_path):
    path = tmp_path / "notes.txt"
    with gfile.GFile(path, "w") as handle:
        handle.write("hello\nworld\n")
        handle.write(b"bytes\n")
    assert gfile.GFile(path).read() == "hello\nworld\nbytes\n"
    assert gfile.GFile(path, "rb").read() == b"hello\nworld\nbytes\n"
    assert gfile.GFile(path).readlines() == ["hello\n", "world\n", "bytes\n"]
    assert list(gfile.GFile(path)) == ["hello\n", "world\n", "bytes\n"]
    assert gfile.GFile(path).size() == 18
    handle = gfile.GFile(path, "rb")
    handle.seek(6)
    assert handle.tell() == 6 and handle.read(5) == b"world"


def test_gfile_opens_lazily_and_raises_not_found_on_first_read(tmp_path):
    handle = gfile.GFile(tmp_path / "missing")
    with pytest.raises(errors.NotFoundError, match="missing; No such file or directory"):
        handle.read()
    with pytest.raises(errors.InvalidArgumentError, match="mode is not 'r' or 'w'"):
        gfile.GFile(tmp_path / "x", "x")


def test_directory_functions(tmp_path):
    gfile.makedirs(tmp_path / "a" / "b")
    gfile.makedirs(tmp_path / "a" / "b")
    gfile.mkdir(tmp_path / "a")
    (tmp_path / "a" / "f.txt").write_text("x")
    assert gfile.listdir(tmp_path / "a") == ["b", "f.txt"]
    assert gfile.isdir(tmp_path / "a") and not gfile.isdir(tmp_path / "a" / "f.txt")
    assert gfile.exists(tmp_path / "a" / "f.txt") and not gfile.exists(tmp_path / "zz")
    assert gfile.glob(str(tmp_path / "a" / "*")) == [
        str(tmp_path / "a" / n) for n in ("b", "f.txt")
    ]
    assert list(gfile.walk(tmp_path / "a")) == [
        (str(tmp_path / "a"), ["b"], ["f.txt"]),
        (str(tmp_path / "a" / "b"), [], []),
    ]
    assert list(gfile.walk(tmp_path / "missing")) == []
    stat = gfile.stat(tmp_path / "a" / "f.txt")
    assert stat.length == 1 and not stat.is_directory and stat.mtime_nsec > 0
    with pytest.raises(errors.NotFoundError, match="Could not find directory"):
        gfile.listdir(tmp_path / "zz")
    with pytest.raises(errors.NotFoundError, match="No such file or directory"):
        gfile.mkdir(tmp_path / "x" / "y")


def test_copy_rename_remove_rmtree(tmp_path):
    source = tmp_path / "s.txt"
    source.write_text("data")
    gfile.copy(source, tmp_path / "c.txt")
    with pytest.raises(errors.AlreadyExistsError, match="file already exists"):
        gfile.copy(source, tmp_path / "c.txt")
    gfile.copy(source, tmp_path / "c.txt", overwrite=True)
    with pytest.raises(errors.AlreadyExistsError):
        gfile.rename(source, tmp_path / "c.txt")
    gfile.rename(source, tmp_path / "c.txt", overwrite=True)
    with pytest.raises(errors.NotFoundError, match="s.txt; No such file or directory"):
        gfile.rename(source, tmp_path / "d.txt")
    with pytest.raises(errors.NotFoundError):
        gfile.remove(source)
    with pytest.raises(errors.FailedPreconditionError, match="Is a directory"):
        gfile.remove(tmp_path)
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    gfile.rmtree(tmp_path / "tree")
    assert not gfile.exists(tmp_path / "tree")
    with pytest.raises(errors.NotFoundError, match="not found"):
        gfile.rmtree(tmp_path / "tree")
