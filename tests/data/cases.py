"""tf.data scenarios, written once and run with either `tensorflow.compat.v1`
(tools/goldens/data.py records TensorFlow's elements) or `ndflow` (tests/data/ compares).

`run_case(tf, case)` builds the case's dataset in a fresh Graph, iterates it to the end with an
initializable iterator in a Session and records every element's components, the element
structure (types, static shapes) and the dataset op types in the graph. `run_error(tf, case)`
records the error class and message a bad pipeline raises, at build or at run time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np


@dataclasses.dataclass(frozen=True)
class Case:
    """`build(tf)` returns a Dataset; `ordered=False` compares elements as a multiset."""

    name: str
    build: Callable
    ordered: bool = True
    epochs: int = 1  # iterator re-initializations (each a full pass)


def _ints(tf, values, dtype="int64"):
    return tf.constant(np.asarray(values, dtype=dtype))


def _numpy_leaf(value):
    array = np.asarray(value)
    if array.dtype == object:
        return np.asarray(array.tolist(), dtype=bytes) if array.size else array.astype(bytes)
    return array


def _flat(tf, value) -> list:
    if isinstance(value, tf.SparseTensorValue):
        return [np.asarray(value.indices), _numpy_leaf(value.values), np.asarray(value.dense_shape)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _flat(tf, value[key])]
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _flat(tf, item)]
    return [_numpy_leaf(value)]


def _dataset_op_types(graph) -> list:
    return sorted({op.type for op in graph.get_operations() if "Dataset" in op.type})


def _structure(tf, dataset) -> dict:
    types = tf.data.get_output_types(dataset)
    shapes = tf.data.get_output_shapes(dataset)
    flat_types = tf.nest.flatten(types) if hasattr(tf, "nest") else _flatten(types)
    flat_shapes = _flatten_shapes(types, shapes)
    return {
        "types": [t.name for t in flat_types],
        "shapes": [None if s.ndims is None else [d for d in s.as_list()] for s in flat_shapes],
    }


def _flatten(structure) -> list:
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _flatten_shapes(types, shapes) -> list:
    if isinstance(types, dict):
        return [leaf for key in sorted(types) for leaf in _flatten_shapes(types[key], shapes[key])]
    if isinstance(types, tuple):
        return [leaf for t, s in zip(types, shapes) for leaf in _flatten_shapes(t, s)]
    return [shapes]


def run_case(tf, case: Case):
    """(arrays, meta): every element's flat components as arrays "e<i>_<j>"."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(7)
        dataset = case.build(tf)
        iterator = tf.data.make_initializable_iterator(dataset)
        element = iterator.get_next()
        meta = {
            "structure": _structure(tf, dataset),
            "dataset_ops": _dataset_op_types(graph),
            "ordered": case.ordered,
        }
        elements = []
        with tf.Session(graph=graph) as session:
            for _ in range(case.epochs):
                session.run(iterator.initializer)
                while True:
                    try:
                        elements.append(_flat(tf, session.run(element)))
                    except tf.errors.OutOfRangeError:
                        break
    arrays = {
        f"e{i}_{j}": value for i, element in enumerate(elements) for j, value in enumerate(element)
    }
    meta["count"] = len(elements)
    meta["components"] = len(elements[0]) if elements else 0
    return arrays, meta


def run_error(tf, build) -> dict:
    """The error (class name, message) building and iterating `build(tf)` raises."""
    graph = tf.Graph()
    try:
        with graph.as_default():
            dataset = build(tf)
            iterator = tf.data.make_initializable_iterator(dataset)
            element = iterator.get_next()
            with tf.Session(graph=graph) as session:
                session.run(iterator.initializer)
                for _ in range(1000):
                    session.run(element)
    except Exception as error:  # noqa: BLE001 - the class is what is recorded
        message = getattr(error, "message", None) or str(error)
        return {"class": type(error).__name__, "message": message}
    return {"class": None, "message": ""}


# ---------------------------------------------------------------------- scenarios


def _range_map_filter(tf):
    return (
        tf.data.Dataset.range(12)
        .map(lambda x: x * 3)
        .filter(lambda x: tf.equal(tf.math.floormod(x, 2), 0))
    )


def _slices_tuple_batch(tf):
    features = np.arange(20, dtype=np.float32).reshape(10, 2)
    labels = np.arange(10, dtype=np.int32)
    return tf.data.Dataset.from_tensor_slices((features, labels)).batch(4)


def _slices_dict_map(tf):
    data = {"a": np.arange(6, dtype=np.int32), "b": np.linspace(0, 1, 6).astype(np.float32)}
    return tf.data.Dataset.from_tensor_slices(data).map(
        lambda d: {"sum": tf.cast(d["a"], tf.float32) + d["b"], "a": d["a"]}
    )


def _nested_tuple_map(tf):
    data = (np.arange(4), (np.ones((4, 2), np.float32), np.array([b"w", b"x", b"y", b"z"])))
    return tf.data.Dataset.from_tensor_slices(data).map(lambda a, bc: (bc[1], a + 1, bc[0]))


def _ranges(tf):
    return (
        tf.data.Dataset.range(10, 0, -3)
        .concatenate(tf.data.Dataset.range(2, 5))
        .concatenate(
            tf.data.Dataset.range(5, output_type=tf.int32).map(lambda x: tf.cast(x, tf.int64))
        )
    )


def _from_tensors_repeat(tf):
    return tf.data.Dataset.from_tensors(([1, 2, 3], "s")).repeat(3)


def _flat_map(tf):
    return tf.data.Dataset.range(1, 5).flat_map(
        lambda x: tf.data.Dataset.range(x).map(lambda y: y * 10 + x)
    )


def _interleave(tf):
    return tf.data.Dataset.range(1, 6).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(x), cycle_length=2, block_length=2
    )


def _interleave_cycle3(tf):
    return tf.data.Dataset.range(1, 8).interleave(
        lambda x: tf.data.Dataset.range(x * 10, x * 10 + (x % 3) + 1),
        cycle_length=3,
        block_length=1,
    )


def _parallel_interleave(tf):
    return tf.data.Dataset.range(1, 8).interleave(
        lambda x: tf.data.Dataset.range(x * 10, x * 10 + (x % 4) + 1),
        cycle_length=3,
        block_length=2,
        num_parallel_calls=2,
    )


def _parallel_map(tf):
    return tf.data.Dataset.range(50).map(lambda x: x * x, num_parallel_calls=4).batch(7)


def _padded_batch_default(tf):
    return tf.data.Dataset.range(1, 7).map(lambda x: tf.fill([x], x)).padded_batch(4)


def _padded_batch_explicit(tf):
    dataset = tf.data.Dataset.range(1, 6).map(
        lambda x: (tf.fill([x, 2], tf.cast(x, tf.float32)), tf.as_string(x), x)
    )
    return dataset.padded_batch(
        2,
        padded_shapes=([None, 3], [], []),
        padding_values=(-1.0, "pad", np.int64(0)),
        drop_remainder=True,
    )


def _padded_batch_fixed(tf):
    return (
        tf.data.Dataset.range(1, 5)
        .map(lambda x: tf.range(x))
        .padded_batch(3, padded_shapes=[6], padding_values=np.int64(-7))
    )


def _unbatch(tf):
    data = (np.arange(12).reshape(3, 4), np.arange(6, dtype=np.float32).reshape(3, 2))
    return tf.data.Dataset.from_tensors(data).repeat(2).unbatch()


def _window_flat_map(tf):
    return tf.data.Dataset.range(7).window(3, shift=2).flat_map(lambda w: w.batch(3))


def _window_stride_drop(tf):
    dataset = tf.data.Dataset.range(12).map(lambda x: (x, x * 2))
    windows = dataset.window(3, shift=3, stride=2, drop_remainder=True)
    return windows.flat_map(lambda a, b: tf.data.Dataset.zip((a.batch(3), b.batch(3))))


def _group_by_window(tf):
    return tf.data.Dataset.range(20).group_by_window(
        key_func=lambda x: x % 3, reduce_func=lambda key, window: window.batch(4), window_size=4
    )


def _group_by_window_size_func(tf):
    return tf.data.Dataset.range(20).group_by_window(
        key_func=lambda x: x % 2,
        reduce_func=lambda key, window: window.batch(5),
        window_size_func=lambda key: key + 2,
    )


def _bucket_by_sequence_length(tf):
    lengths = [1, 5, 2, 8, 3, 9, 4, 1, 7, 6, 2, 3]
    dataset = tf.data.Dataset.from_tensor_slices(np.array(lengths, np.int64)).map(
        lambda n: tf.fill([n], n)
    )
    return dataset.apply(
        tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.cast(tf.shape(x)[0], tf.int32), [3, 6], [2, 3, 2]
        )
    )


def _bucket_pad_to_boundary(tf):
    dataset = tf.data.Dataset.from_tensor_slices(np.array([1, 4, 2, 5, 3, 1], np.int64)).map(
        lambda n: tf.fill([n], n)
    )
    return dataset.apply(
        tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.cast(tf.shape(x)[0], tf.int32),
            [3, 6],
            [2, 2, 2],
            pad_to_bucket_boundary=True,
        )
    )


def _reduce_sum(tf):
    total = tf.data.Dataset.range(1, 11).reduce(np.int64(0), lambda s, x: s + x)
    return tf.data.Dataset.from_tensors(total)


def _reduce_growing_state(tf):
    state = tf.data.Dataset.range(4).reduce(
        tf.constant([], tf.int64), lambda s, x: tf.concat([s, [x]], 0)
    )
    return tf.data.Dataset.from_tensors(state)


def _scan(tf):
    return tf.data.Dataset.range(6).apply(
        tf.data.experimental.scan(np.int64(0), lambda state, x: (state + x, (state, x * 2)))
    )


def _enumerate(tf):
    return tf.data.Dataset.from_tensor_slices(np.array([b"a", b"b", b"c"])).enumerate(start=4)


def _zip_nested(tf):
    a = tf.data.Dataset.range(5)
    b = tf.data.Dataset.from_tensor_slices(np.arange(8, dtype=np.float32))
    c = tf.data.Dataset.from_tensors("x").repeat()
    return tf.data.Dataset.zip((a, {"b": b, "c": c}))


def _take_skip_shard_repeat(tf):
    dataset = tf.data.Dataset.range(20).skip(3).take(12).shard(3, 1).repeat(2)
    return dataset.concatenate(tf.data.Dataset.range(5).take(-1)).concatenate(
        tf.data.Dataset.range(5).skip(-1)
    )


def _shuffle_seeded(tf):
    return tf.data.Dataset.range(30).shuffle(10, seed=3).repeat(2)


def _shuffle_no_reshuffle(tf):
    return tf.data.Dataset.range(12).shuffle(12, seed=5, reshuffle_each_iteration=False).repeat(2)


def _prefetch(tf):
    return tf.data.Dataset.range(9).map(lambda x: x + 1).prefetch(3).batch(4).prefetch(1)


def _generator_args(tf):
    def gen(n, tag):
        for i in range(int(n)):
            yield i, tag + b"-" + str(i).encode(), [float(i)] * 2

    return tf.data.Dataset.from_generator(
        gen, (tf.int32, tf.string, tf.float32), ([], [], [2]), args=(4, "g")
    ).repeat(2)


def _generator_signature(tf):
    def gen():
        yield {"x": np.arange(3, dtype=np.float32)}
        yield {"x": np.arange(5, dtype=np.float32)}

    spec = {"x": tf.TensorSpec([None], tf.float32)}
    return tf.data.Dataset.from_generator(gen, output_signature=spec).padded_batch(2)


def _choose_from_datasets(tf):
    datasets = [
        tf.data.Dataset.range(3),
        tf.data.Dataset.range(10, 14),
        tf.data.Dataset.range(20, 21),
    ]
    choice = tf.data.Dataset.from_tensor_slices(
        np.array([0, 1, 2, 2, 1, 0, 1, 0, 0, 1, 1], np.int64)
    )
    return tf.data.experimental.choose_from_datasets(datasets, choice)


def _sample_from_datasets(tf):
    datasets = [tf.data.Dataset.range(10), tf.data.Dataset.range(100, 105)]
    return tf.data.experimental.sample_from_datasets(datasets, [0.7, 0.3], seed=11)


def _sparse_slices_batch(tf):
    sparse = tf.SparseTensor(
        indices=[[0, 0], [1, 2], [3, 1], [3, 3]],
        values=np.array([1.0, 2.0, 3.0, 4.0], np.float32),
        dense_shape=[4, 5],
    )
    return tf.data.Dataset.from_tensor_slices(sparse).batch(3)


def _unique_take_while(tf):
    dataset = tf.data.Dataset.from_tensor_slices(np.array([3, 1, 3, 2, 1, 5, 9, 2], np.int64))
    return dataset.apply(tf.data.experimental.unique()).apply(
        tf.data.experimental.take_while(lambda x: x < 9)
    )


def _map_captures_placeholder_free_constant(tf):
    offset = tf.constant(100, tf.int64)
    table = tf.constant([5, 6, 7], tf.int64)
    return tf.data.Dataset.range(3).map(lambda x: tf.gather(table, x) + offset)


def _dataset_of_strings(tf):
    lines = np.array([b"a b c", b"", b"d e", b"f"])
    dataset = tf.data.Dataset.from_tensor_slices(lines).map(
        lambda line: tf.string_split([line]).values
    )
    return dataset.filter(lambda words: tf.size(words) > 0).padded_batch(
        2, padded_shapes=[None], padding_values="</s>"
    )


def _ignore_errors(tf):
    dataset = tf.data.Dataset.from_tensor_slices(np.array([1.0, 2.0, 0.0, 4.0], np.float32))
    dataset = dataset.map(lambda x: tf.debugging.check_numerics(1.0 / x, "inf"))
    return dataset.apply(tf.data.experimental.ignore_errors())


def _repeat_epochs(tf):
    return tf.data.Dataset.range(4).batch(3)


ALL_CASES = (
    Case("range_map_filter", _range_map_filter),
    Case("slices_tuple_batch", _slices_tuple_batch),
    Case("slices_dict_map", _slices_dict_map),
    Case("nested_tuple_map", _nested_tuple_map),
    Case("ranges", _ranges),
    Case("from_tensors_repeat", _from_tensors_repeat),
    Case("flat_map", _flat_map),
    Case("interleave", _interleave),
    Case("interleave_cycle3", _interleave_cycle3),
    Case("parallel_interleave", _parallel_interleave),
    Case("parallel_map", _parallel_map),
    Case("padded_batch_default", _padded_batch_default),
    Case("padded_batch_explicit", _padded_batch_explicit),
    Case("padded_batch_fixed", _padded_batch_fixed),
    Case("unbatch", _unbatch),
    Case("window_flat_map", _window_flat_map),
    Case("window_stride_drop", _window_stride_drop),
    Case("group_by_window", _group_by_window),
    Case("group_by_window_size_func", _group_by_window_size_func),
    Case("bucket_by_sequence_length", _bucket_by_sequence_length),
    Case("bucket_pad_to_boundary", _bucket_pad_to_boundary),
    Case("reduce_sum", _reduce_sum),
    Case("reduce_growing_state", _reduce_growing_state),
    Case("scan", _scan),
    Case("enumerate", _enumerate),
    Case("zip_nested", _zip_nested),
    Case("take_skip_shard_repeat", _take_skip_shard_repeat),
    Case("shuffle_seeded", _shuffle_seeded, ordered=False),
    Case("shuffle_no_reshuffle", _shuffle_no_reshuffle, ordered=False),
    Case("prefetch", _prefetch),
    Case("generator_args", _generator_args, epochs=2),
    Case("generator_signature", _generator_signature),
    Case("choose_from_datasets", _choose_from_datasets),
    Case("sample_from_datasets", _sample_from_datasets, ordered=False),
    Case("sparse_slices_batch", _sparse_slices_batch),
    Case("unique_take_while", _unique_take_while),
    Case("map_captures_constants", _map_captures_placeholder_free_constant),
    Case("dataset_of_strings", _dataset_of_strings),
    Case("ignore_errors", _ignore_errors),
    Case("repeat_epochs", _repeat_epochs, epochs=3),
)


# ---------------------------------------------------------------------- errors


def _batch_mismatched_shapes(tf):
    return tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).batch(2)


def _pad_too_small(tf):
    return (
        tf.data.Dataset.range(1, 5)
        .map(lambda x: tf.range(x))
        .padded_batch(2, padded_shapes=tf.constant([2], tf.int64))
    )


def _zip_list(tf):
    return tf.data.Dataset.zip([tf.data.Dataset.range(2), tf.data.Dataset.range(3)])


def _flat_map_not_dataset(tf):
    return tf.data.Dataset.range(3).flat_map(lambda x: x)


def _filter_not_bool(tf):
    return tf.data.Dataset.range(3).filter(lambda x: x)


def _shard_bad_index(tf):
    return tf.data.Dataset.range(3).shard(2, 5)


def _window_zero(tf):
    return tf.data.Dataset.range(3).window(0).flat_map(lambda w: w)


def _choose_bad_index(tf):
    choice = tf.data.Dataset.from_tensor_slices(np.array([0, 3], np.int64))
    return tf.data.experimental.choose_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(3)], choice
    )


def _generator_raises(tf):
    def gen():
        yield 1
        raise ValueError("generator failed here")

    return tf.data.Dataset.from_generator(gen, tf.int64)


def _generator_wrong_shape(tf):
    def gen():
        yield [1, 2, 3]

    return tf.data.Dataset.from_generator(gen, tf.int64, output_shapes=[2])


def _concatenate_incompatible(tf):
    return tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensors("s"))


def _unbatch_scalar(tf):
    return tf.data.Dataset.range(3).unbatch()


def _padded_batch_bad_value(tf):
    return tf.data.Dataset.range(3).map(lambda x: [x]).padded_batch(2, padding_values=1.5)


def _group_window_bad_key(tf):
    return tf.data.Dataset.range(3).group_by_window(
        lambda x: tf.cast(x, tf.int32), lambda k, w: w.batch(2), 2
    )


def _reduce_type_change(tf):
    return tf.data.Dataset.from_tensors(
        tf.data.Dataset.range(3).reduce(np.int64(0), lambda s, x: tf.cast(s + x, tf.float32))
    )


def _bucket_lengths_mismatch(tf):
    return tf.data.Dataset.range(3).apply(
        tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.cast(x, tf.int32), [3, 6], [2, 3]
        )
    )


ERROR_CASES = {
    "batch_mismatched_shapes": _batch_mismatched_shapes,
    "pad_too_small": _pad_too_small,
    "zip_list": _zip_list,
    "flat_map_not_dataset": _flat_map_not_dataset,
    "filter_not_bool": _filter_not_bool,
    "shard_bad_index": _shard_bad_index,
    "window_zero": _window_zero,
    "choose_bad_index": _choose_bad_index,
    "generator_raises": _generator_raises,
    "generator_wrong_shape": _generator_wrong_shape,
    "concatenate_incompatible": _concatenate_incompatible,
    "unbatch_scalar": _unbatch_scalar,
    "padded_batch_bad_value": _padded_batch_bad_value,
    "group_window_bad_key": _group_window_bad_key,
    "reduce_type_change": _reduce_type_change,
    "bucket_lengths_mismatch": _bucket_lengths_mismatch,
}
