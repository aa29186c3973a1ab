"""`Dataset.cache`: in memory (owned by the dataset value, published only by an iterator
that read its input to the end) and on disk in LMDB (reused by later Sessions and
processes, published atomically, guarded by TF's lockfile). Goldens against TensorFlow's
element order are in tests/data/test_readers.py (cache_* cases)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops.data import caching
from ndflow.ops.data import runtime

Dataset = tf.data.Dataset
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _session_values(build, epochs=1, count=None):
    """Elements of `build()` over `epochs` initializations of one iterator."""
    with tf.Graph().as_default():
        iterator = build().make_initializable_iterator()
        element = iterator.get_next()
        values = []
        with tf.Session() as sess:
            for _ in range(epochs):
                sess.run(iterator.initializer)
                values.append(_drain(sess, element, count))
        return values


def _drain(sess, element, count=None):
    values = []
    while count is None or len(values) < count:
        try:
            values.append(sess.run(element))
        except tf.errors.OutOfRangeError:
            break
    return values


def _random_dataset(n=4):
    return Dataset.range(n).map(lambda x: tf.random.uniform([]))


# ---------------------------------------------------------------------- in memory


def test_memory_cache_replays_the_first_pass_in_later_epochs():
    (first, second) = _session_values(lambda: _random_dataset().cache().repeat(3), epochs=2)
    assert len(first) == 12 and first[:4] == first[4:8] == first[8:]
    assert len(set(first[:4])) == 4
    # A new initialization runs the dataset op again: a new dataset, a new cache.
    assert first[:4] != second[:4] and second[:4] == second[4:8]


def test_memory_cache_is_not_published_by_an_iterator_that_stopped_early(caplog):
    with caplog.at_level(logging.WARNING, logger="ndflow"):
        (values,) = _session_values(lambda: _random_dataset(5).cache().take(2).repeat(2))
    assert len(values) == 4 and len(set(values)) == 4  # each epoch re-read the input
    assert "did not fully read the dataset being cached" in caplog.text


def _dataset_value(build):
    with tf.Graph().as_default():
        dataset = build()
        with tf.Session() as sess:
            return sess.run(dataset._variant_tensor)


def _take(iterator, n):
    return [next(iterator)[0].item() for _ in range(n)]


def test_memory_cache_belongs_to_the_dataset_value():
    value = _dataset_value(lambda: _random_dataset(3).cache())
    assert isinstance(value, caching.MemoryCacheValue)
    early = value.make_iterator()
    partial = _take(early, 2)
    early.close()
    assert value.elements is None
    full_a, full_b = value.make_iterator(), value.make_iterator()
    a = [e[0].item() for e in full_a]
    assert value.elements is not None and a[:2] != partial
    b = [e[0].item() for e in full_b]  # filled concurrently: the first to finish published
    assert [e[0].item() for e in value.make_iterator()] == a
    assert len(b) == 3


def _round_trip_at_every_element(value, expected, check=None):
    for stop in range(len(expected) + 1):
        iterator = value.make_iterator()
        head = [next(iterator)[0].item() for _ in range(stop)]
        state = iterator.get_state()
        iterator.close()
        restored = value.make_iterator()
        restored.set_state(state)
        tail = [e[0].item() for e in restored]
        restored.close()
        assert head + tail == expected, stop
        if check:
            check(stop, state)


def test_memory_cache_state_restores_while_writing_and_while_reading():
    value = _dataset_value(lambda: Dataset.range(4).map(lambda x: x * 3).cache())
    _round_trip_at_every_element(value, [0, 3, 6, 9])  # writing: nothing published yet
    assert value.elements is not None
    _round_trip_at_every_element(value, [0, 3, 6, 9])  # reading the published cache
    # A read state restores into a fresh dataset value (TF checkpoints the cache itself).
    state = value.make_iterator().get_state()
    fresh = _dataset_value(lambda: Dataset.range(4).map(lambda x: x * 3).cache())
    restored = fresh.make_iterator()
    restored.set_state(state)
    assert [e[0].item() for e in restored] == [0, 3, 6, 9]


# ---------------------------------------------------------------------- on disk


def _files(directory):
    return sorted(os.listdir(directory))


def test_file_cache_is_reused_by_a_later_session_whatever_the_input(tmp_path):
    prefix = str(tmp_path / "cache")
    (values,) = _session_values(lambda: Dataset.range(4).cache(prefix).repeat(2))
    assert values == [0, 1, 2, 3] * 2
    assert _files(tmp_path) == ["cache.lmdb"]
    (again,) = _session_values(lambda: Dataset.range(10).cache(prefix))
    assert again == [0, 1, 2, 3]  # as TF: the cache is read, the input not touched


def test_file_cache_is_reused_by_another_process(tmp_path):
    prefix = str(tmp_path / "cache")
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {ROOT!r})
        import ndflow as tf
        dataset = tf.data.Dataset.from_tensor_slices(["a", "bb", "ccc"]).cache({prefix!r})
        assert [v for v in dataset] == [b"a", b"bb", b"ccc"]
        print("lmdb imported by import ndflow:", "lmdb" in sys.modules)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "lmdb imported" in result.stdout
    (values,) = _session_values(lambda: Dataset.from_tensor_slices(["x"]).cache(prefix))
    assert values == [b"a", b"bb", b"ccc"]


def test_import_ndflow_does_not_import_lmdb():
    script = "import sys; import ndflow; print('lmdb' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"


def test_partial_file_cache_is_never_published(tmp_path, caplog):
    prefix = str(tmp_path / "cache")
    with caplog.at_level(logging.WARNING, logger="ndflow"):
        (values,) = _session_values(lambda: Dataset.range(5).cache(prefix).take(2).repeat(2))
    assert values == [0, 1, 0, 1]
    assert _files(tmp_path) == []  # no cache, no temporary file, no lockfile
    assert "partially cached contents" in caplog.text
    (values,) = _session_values(lambda: Dataset.range(3).cache(prefix))
    assert values == [0, 1, 2] and _files(tmp_path) == ["cache.lmdb"]


def test_a_writer_that_died_leaves_its_lockfile_and_no_cache(tmp_path):
    prefix = str(tmp_path / "cache")
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {ROOT!r})
        import ndflow as tf
        iterator = iter(tf.data.Dataset.range(2000).cache({prefix!r}))
        for _ in range(1500):
            next(iterator)
        os._exit(0)  # no cleanup at all, as a crash
    """)
    subprocess.run([sys.executable, "-c", script], check=True)
    assert "cache.lmdb" not in _files(tmp_path)
    assert "cache_0.lockfile" in _files(tmp_path)
    with pytest.raises(tf.errors.AlreadyExistsError, match="delete the lockfile"):
        _session_values(lambda: Dataset.range(3).cache(prefix))
    os.remove(tmp_path / "cache_0.lockfile")
    (values,) = _session_values(lambda: Dataset.range(3).cache(prefix))
    assert values == [0, 1, 2]  # the dead writer's temporary file was replaced
    assert _files(tmp_path) == ["cache.lmdb"]


def test_concurrent_writers_get_tensorflows_already_exists_error(tmp_path):
    prefix = str(tmp_path / "cache")
    with tf.Graph().as_default():
        dataset = Dataset.range(4).cache(prefix)
        first, second = dataset.make_initializable_iterator(), dataset.make_initializable_iterator()
        a, b = first.get_next(), second.get_next()
        with tf.Session() as sess:
            sess.run([first.initializer, second.initializer])
            assert sess.run(a) == 0
            lockfile = os.path.join(str(tmp_path), "cache_0.lockfile")
            message = (
                "There appears to be a concurrent caching iterator running - cache "
                f"lockfile already exists ('{lockfile}')."
            )
            with pytest.raises(tf.errors.AlreadyExistsError) as raised:
                sess.run(b)
            assert raised.value.message.startswith(message)
            assert "Lockfile contents: Created at: " in raised.value.message
            assert _drain(sess, a) == [1, 2, 3]
    assert _files(tmp_path) == ["cache.lmdb"]


def test_file_cache_in_a_missing_directory_is_not_found(tmp_path):
    prefix = str(tmp_path / "missing" / "cache")
    with pytest.raises(tf.errors.NotFoundError, match="cache_0.lockfile; No such file"):
        _session_values(lambda: Dataset.range(3).cache(prefix))


def test_file_cache_round_trips_every_dtype_strings_and_sparse(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "f16": rng.normal(size=(3, 2)).astype(np.float16),
        "f64": rng.normal(size=(3,)),
        "i8": rng.integers(-100, 100, (3, 2, 2)).astype(np.int8),
        "u64": rng.integers(0, 2**63, (3,), dtype=np.uint64),
        "b": rng.integers(0, 2, (3, 4)).astype(bool),
        "c128": (rng.normal(size=(3,)) + 1j).astype(np.complex128),
        "s": np.array([[b"a", b""], [b"\x00\xff", b"long" * 40], [b"x", b"y"]], dtype=object),
        "empty": np.zeros((3, 0), np.float32),
    }
    sparse = tf.SparseTensorValue([[0, 1], [2, 0]], np.array([b"p", b"q"], dtype=object), [3, 4])

    def build():
        sparse_tensor = tf.SparseTensor(sparse.indices, sparse.values, sparse.dense_shape)
        pairs = Dataset.zip(
            (Dataset.from_tensor_slices(arrays), Dataset.from_tensor_slices(sparse_tensor))
        )
        return pairs.cache(str(tmp_path / "c"))

    (written,) = _session_values(build)
    (read,) = _session_values(build)
    assert os.path.exists(tmp_path / "c.lmdb")
    for row, (features, sp) in enumerate(read):
        for key, array in arrays.items():
            assert np.asarray(features[key]).dtype == array.dtype, key
            np.testing.assert_array_equal(features[key], array[row])
            np.testing.assert_array_equal(written[row][0][key], array[row])
        mask = np.asarray(sparse.indices)[:, 0] == row
        np.testing.assert_array_equal(sp.indices, np.asarray(sparse.indices)[mask][:, 1:])
        assert sp.values.tolist() == sparse.values[mask].tolist()
        np.testing.assert_array_equal(sp.dense_shape, [4])


def test_reading_a_cache_of_other_types_is_tensorflows_error(tmp_path):
    prefix = str(tmp_path / "cache")
    _session_values(lambda: Dataset.from_tensors(tf.constant(["a", "bb"])).cache(prefix))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="Data type mismatch at component 0: expected int32 but got string.",
    ):
        _session_values(lambda: Dataset.from_tensors(tf.constant([1, 2])).cache(prefix))


def test_file_cache_state(tmp_path):
    prefix = str(tmp_path / "cache")
    value = _dataset_value(lambda: Dataset.range(4).map(lambda x: x + 1).cache(prefix))
    # Writing: a restored writer passes its input through and publishes nothing.
    _round_trip_at_every_element(value, [1, 2, 3, 4])
    assert not os.path.exists(prefix + ".lmdb")
    iterator = value.make_iterator()
    assert [e[0].item() for e in iterator] == [1, 2, 3, 4]
    assert _files(tmp_path) == ["cache.lmdb"]

    def plain(stop, state):
        assert state == {"mode": "read", "index": stop}

    _round_trip_at_every_element(value, [1, 2, 3, 4], plain)


def test_cache_filename_must_be_a_scalar():
    with tf.Graph().as_default():
        names = tf.placeholder(tf.string)
        dataset = Dataset.range(2).cache(names)
        with (
            tf.Session() as sess,
            pytest.raises(tf.errors.InvalidArgumentError, match="filename must be a scalar"),
        ):
            sess.run(dataset._variant_tensor, {names: ["a", "b"]})


def test_cache_keeps_structure_and_cardinality():
    with tf.Graph().as_default():
        dataset = Dataset.from_tensor_slices(({"a": [1, 2]}, [3.0, 4.0])).cache()
        assert dataset.output_types == ({"a": tf.int32}, tf.float32)
        assert [op.type for op in dataset.graph.get_operations()][-1] == "CacheDataset"
        with tf.Session() as sess:
            value = sess.run(dataset._variant_tensor)
            assert value.cardinality() == 2
            assert isinstance(value, runtime.DatasetValue)
