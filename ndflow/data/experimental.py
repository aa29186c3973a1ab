"""`tf.data.experimental` (TF1): transformation functions for `Dataset.apply`, and the
experimental sources."""

from __future__ import annotations

from ndflow.data import dataset as dataset_lib
from ndflow.data import readers
from ndflow.data import structure
from ndflow.data.transformations import combine
from ndflow.data.transformations import sequence
from ndflow.framework import dtypes
from ndflow.framework import op_builder

Dataset = dataset_lib.Dataset

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """Mirrors `tf.data.experimental.group_by_window` (for `Dataset.apply`)."""
    return lambda dataset: dataset.group_by_window(
        key_func, reduce_func, window_size, window_size_func
    )


def bucket_by_sequence_length(
    element_length_func,
    bucket_boundaries,
    bucket_batch_sizes,
    padded_shapes=None,
    padding_values=None,
    pad_to_bucket_boundary=False,
    no_padding=False,
    drop_remainder=False,
):
    """Mirrors `tf.data.experimental.bucket_by_sequence_length` (for `Dataset.apply`)."""
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func,
        bucket_boundaries,
        bucket_batch_sizes,
        padded_shapes,
        padding_values,
        pad_to_bucket_boundary,
        no_padding,
        drop_remainder,
    )


def ignore_errors(log_warning=False):
    """Mirrors `tf.data.experimental.ignore_errors` (for `Dataset.apply`)."""
    return lambda dataset: dataset.ignore_errors(log_warning)


def unbatch():
    """Mirrors `tf.data.experimental.unbatch` (for `Dataset.apply`)."""
    return lambda dataset: dataset.unbatch()


def unique():
    """Mirrors `tf.data.experimental.unique` (for `Dataset.apply`)."""
    return lambda dataset: dataset.unique()


def take_while(predicate):
    """Mirrors `tf.data.experimental.take_while` (for `Dataset.apply`)."""
    return lambda dataset: dataset.take_while(predicate)


def scan(initial_state, scan_func):
    """Mirrors `tf.data.experimental.scan` (for `Dataset.apply`)."""
    return lambda dataset: dataset.scan(initial_state, scan_func)


def enumerate_dataset(start=0):
    """Mirrors `tf.data.experimental.enumerate_dataset` (for `Dataset.apply`)."""
    return lambda dataset: dataset.enumerate(start)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """Mirrors `tf.data.experimental.shuffle_and_repeat`: shuffle, then repeat (each epoch
    reshuffled)."""
    return lambda dataset: dataset.shuffle(buffer_size, seed=seed).repeat(count)


def map_and_batch(
    map_func, batch_size, num_parallel_batches=None, drop_remainder=False, num_parallel_calls=None
):
    """Mirrors `tf.data.experimental.map_and_batch` (built as map then batch; TF fuses them
    into one MapAndBatchDataset op)."""
    if num_parallel_batches is not None and num_parallel_calls is not None:
        raise ValueError("`num_parallel_batches` and `num_parallel_calls` are mutually exclusive.")
    calls = num_parallel_calls
    if num_parallel_batches is not None:
        calls = batch_size * num_parallel_batches
    return lambda dataset: dataset.map(map_func, num_parallel_calls=calls).batch(
        batch_size, drop_remainder=drop_remainder
    )


def parallel_interleave(
    map_func,
    cycle_length,
    block_length=1,
    sloppy=False,
    buffer_output_elements=None,
    prefetch_input_elements=None,
):
    """Mirrors `tf.data.experimental.parallel_interleave`: TF's
    LegacyParallelInterleaveDatasetV2 (`sloppy` allows out-of-order results)."""

    def apply(dataset):
        return Dataset._wrap(
            readers.parallel_interleave(
                dataset,
                map_func,
                cycle_length,
                block_length,
                sloppy,
                buffer_output_elements,
                prefetch_input_elements,
            )
        )

    return apply


def assert_cardinality(expected_cardinality):
    """Mirrors `tf.data.experimental.assert_cardinality` (for `Dataset.apply`)."""
    return lambda dataset: Dataset._wrap(sequence.assert_cardinality(dataset, expected_cardinality))


def cardinality(dataset):
    """Mirrors `tf.data.experimental.cardinality`."""
    return dataset.cardinality()


def get_single_element(dataset):
    """Mirrors `tf.data.experimental.get_single_element`."""
    return dataset.get_single_element()


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=False):
    """Mirrors TF1's `tf.data.experimental.choose_from_datasets`."""
    return Dataset._wrap(
        combine.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)
    )


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    """Mirrors TF1's `tf.data.experimental.sample_from_datasets`."""
    return Dataset._wrap(
        combine.sample_from_datasets(Dataset, datasets, weights, seed, stop_on_empty_dataset)
    )


def RandomDataset(seed=None):  # noqa: N802 - TF's name for a dataset constructor
    """Mirrors `tf.data.experimental.RandomDataset`."""
    return combine.random_dataset(Dataset, seed)


def Counter(start=0, step=1, dtype=dtypes.int64):  # noqa: N802 - TF's name
    """Mirrors `tf.data.experimental.Counter`: start, start + step, ... forever."""
    start = op_builder.convert_to_tensor(start, dtype=dtype, name="start")
    step = op_builder.convert_to_tensor(step, dtype=dtype, name="step")
    return Dataset.from_tensors(0).repeat(None).scan(start, lambda state, _: (state + step, state))


def get_structure(dataset_or_iterator):
    """Mirrors `tf.data.experimental.get_structure`: the element spec."""
    return dataset_or_iterator.element_spec


DatasetStructure = structure.DatasetSpec
TensorStructure = structure.TensorSpec
SparseTensorStructure = structure.SparseTensorSpec


def batch_and_drop_remainder(batch_size):
    """Mirrors TF 1.x `tf.contrib.data.batch_and_drop_remainder`."""
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """Mirrors TF 1.x `tf.contrib.data.padded_batch_and_drop_remainder`."""
    return lambda dataset: dataset.padded_batch(
        batch_size, padded_shapes, padding_values, drop_remainder=True
    )
