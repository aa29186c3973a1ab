"""`tf.data.Dataset` (TF1's DatasetV1): the public facade. Each method builds its
transformation's dataset op (ndflow/data/transformations) and wraps the result."""

from __future__ import annotations

from ndflow.data import base
from ndflow.data import options as options_lib
from ndflow.data import structure
from ndflow.data.transformations import batch as batch_lib
from ndflow.data.transformations import cache as cache_lib
from ndflow.data.transformations import combine
from ndflow.data.transformations import generator as generator_lib
from ndflow.data.transformations import list_files as list_files_lib
from ndflow.data.transformations import map as map_lib
from ndflow.data.transformations import reduce as reduce_lib
from ndflow.data.transformations import sequence
from ndflow.data.transformations import sources
from ndflow.data.transformations import windowing
from ndflow.framework import dtypes
from ndflow.framework import op_builder


class Dataset(base.DatasetV1):
    """Mirrors `tf.compat.v1.data.Dataset`.

    >>> dataset = Dataset.from_tensor_slices(([1, 2, 3], [4., 5., 6.])).batch(2)
    >>> next(iter(dataset))
    (array([1, 2], dtype=int32), array([4., 5.], dtype=float32))
    """

    def _derived(self, result):
        """A Dataset over `result` (variant, spec) that keeps this dataset's options."""
        dataset = Dataset._wrap(result)
        dataset._options = self._options
        return dataset

    @classmethod
    def _wrap(cls, result):
        variant, spec = result
        return Dataset(variant, spec)

    # -- sources -----------------------------------------------------------------------

    @staticmethod
    def from_tensors(tensors, name=None):
        """Mirrors `Dataset.from_tensors`: a dataset of the one element `tensors`."""
        return Dataset._wrap(sources.from_tensors(tensors, name))

    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """Mirrors `Dataset.from_tensor_slices`: the rows of `tensors` (nested structures
        of arrays/tensors with equal first dimensions, or SparseTensors)."""
        return Dataset._wrap(sources.from_tensor_slices(tensors, name))

    @staticmethod
    def from_sparse_tensor_slices(sparse_tensor):
        """Mirrors TF1's `Dataset.from_sparse_tensor_slices`: the rows of a SparseTensor."""
        return Dataset.from_tensor_slices(sparse_tensor)

    @staticmethod
    def range(*args, output_type=dtypes.int64, name=None):
        """Mirrors `Dataset.range`."""
        return Dataset._wrap(sources.range_dataset(*args, output_type=output_type, name=name))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """Mirrors `Dataset.list_files`: the names of the files matching the glob
        pattern(s), shuffled unless `shuffle=False`; nothing matching is
        InvalidArgumentError when run."""
        return Dataset._wrap(list_files_lib.list_files(file_pattern, shuffle, seed, name))

    @staticmethod
    def from_generator(
        generator,
        output_types=None,
        output_shapes=None,
        args=None,
        output_signature=None,
        name=None,
    ):
        """Mirrors `Dataset.from_generator`: the elements `generator(*args)` yields, checked
        against `output_types`/`output_shapes` or `output_signature`. A generator that
        raises passes its error (with traceback) to the caller of `get_next`."""
        return generator_lib.from_generator(
            Dataset, generator, output_types, output_shapes, args, output_signature, name
        )

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Mirrors `Dataset.zip`: a nested tuple/dict of datasets, side by side."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else args
        elif args:
            raise TypeError("Both `*args` and `datasets` cannot be set.")
        return Dataset._wrap(combine.zip_datasets(datasets, name))

    @staticmethod
    def random(seed=None, name=None):
        """Mirrors `Dataset.random`: endless random int64 scalars."""
        del name
        return combine.random_dataset(Dataset, seed)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """Mirrors `Dataset.choose_from_datasets`."""
        return Dataset._wrap(
            combine.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)
        )

    @staticmethod
    def sample_from_datasets(
        datasets,
        weights=None,
        seed=None,
        stop_on_empty_dataset=False,
        rerandomize_each_iteration=None,
    ):
        """Mirrors `Dataset.sample_from_datasets`."""
        del rerandomize_each_iteration
        return Dataset._wrap(
            combine.sample_from_datasets(Dataset, datasets, weights, seed, stop_on_empty_dataset)
        )

    # -- element-wise transformations ----------------------------------------------------

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Mirrors `Dataset.map`: `map_func` traced once into a function, applied to every
        element; `num_parallel_calls` (or AUTOTUNE) runs calls on a thread pool, in order
        unless `deterministic=False`."""
        return self._derived(
            map_lib.map_dataset(
                self, map_func, num_parallel_calls, self._deterministic(deterministic), name
            )
        )

    def _deterministic(self, deterministic):
        if deterministic is not None:
            return deterministic
        return self._options.deterministic_flag() if self._options else None

    def map_with_legacy_function(self, map_func, num_parallel_calls=None, deterministic=None):
        """Mirrors TF1's `Dataset.map_with_legacy_function` (the same as `map` here)."""
        return self.map(map_func, num_parallel_calls, deterministic)

    def flat_map(self, map_func, name=None):
        """Mirrors `Dataset.flat_map`: the datasets `map_func(element)`, concatenated."""
        return self._derived(map_lib.flat_map(self, map_func, name))

    def interleave(
        self,
        map_func,
        cycle_length=None,
        block_length=None,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ):
        """Mirrors `Dataset.interleave`."""
        return self._derived(
            map_lib.interleave(
                self,
                map_func,
                cycle_length,
                block_length,
                num_parallel_calls,
                self._deterministic(deterministic),
                name,
            )
        )

    def filter(self, predicate, name=None):
        """Mirrors `Dataset.filter`: the elements for which `predicate` is True."""
        return self._derived(map_lib.filter_dataset(self, predicate, name))

    def filter_with_legacy_function(self, predicate):
        """Mirrors TF1's `Dataset.filter_with_legacy_function` (the same as `filter`)."""
        return self.filter(predicate)

    def take_while(self, predicate, name=None):
        """Mirrors `Dataset.take_while`."""
        return self._derived(map_lib.take_while(self, predicate, name))

    def unique(self, name=None):
        """Mirrors `Dataset.unique`."""
        return self._derived(sequence.unique(self, name))

    # -- batching ------------------------------------------------------------------------

    def batch(
        self,
        batch_size,
        drop_remainder=False,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ):
        """Mirrors `Dataset.batch`."""
        del num_parallel_calls, deterministic
        return self._derived(batch_lib.batch(self, batch_size, drop_remainder, name))

    def padded_batch(
        self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None
    ):
        """Mirrors `Dataset.padded_batch`."""
        return self._derived(
            batch_lib.padded_batch(
                self, batch_size, padded_shapes, padding_values, drop_remainder, name
            )
        )

    def unbatch(self, name=None):
        """Mirrors `Dataset.unbatch`."""
        return self._derived(batch_lib.unbatch(self, name))

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Mirrors `Dataset.window`: each element a structure of datasets."""
        return self._derived(windowing.window(self, size, shift, stride, drop_remainder, name))

    def group_by_window(
        self, key_func, reduce_func, window_size=None, window_size_func=None, name=None
    ):
        """Mirrors `Dataset.group_by_window`."""
        return self._derived(
            windowing.group_by_window(
                self, key_func, reduce_func, window_size, window_size_func, name
            )
        )

    def bucket_by_sequence_length(
        self,
        element_length_func,
        bucket_boundaries,
        bucket_batch_sizes,
        padded_shapes=None,
        padding_values=None,
        pad_to_bucket_boundary=False,
        no_padding=False,
        drop_remainder=False,
        name=None,
    ):
        """Mirrors `Dataset.bucket_by_sequence_length`."""
        return self._derived(
            windowing.bucket_by_sequence_length(
                Dataset,
                self,
                element_length_func,
                bucket_boundaries,
                bucket_batch_sizes,
                padded_shapes,
                padding_values,
                pad_to_bucket_boundary,
                no_padding,
                drop_remainder,
                name,
            )
        )

    # -- ordering and selection -------------------------------------------------------------

    def repeat(self, count=None, name=None):
        """Mirrors `Dataset.repeat`: forever when `count` is None or -1."""
        return self._derived(sequence.repeat(self, count, name))

    def take(self, count, name=None):
        """Mirrors `Dataset.take`."""
        return self._derived(sequence.take(self, count, name))

    def skip(self, count, name=None):
        """Mirrors `Dataset.skip`."""
        return self._derived(sequence.skip(self, count, name))

    def shard(self, num_shards, index, name=None):
        """Mirrors `Dataset.shard`."""
        return self._derived(sequence.shard(self, num_shards, index, name))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Mirrors `Dataset.shuffle` (TF's buffer semantics; streams differ from TF's)."""
        return self._derived(
            sequence.shuffle(self, buffer_size, seed, reshuffle_each_iteration, name)
        )

    def cache(self, filename="", name=None):
        """Mirrors `Dataset.cache`: elements computed once, then replayed from memory or
        from `filename` (an LMDB file, reused by later Sessions and processes)."""
        return self._derived(cache_lib.cache(self, filename, name))

    def prefetch(self, buffer_size, name=None):
        """Mirrors `Dataset.prefetch`: a background thread keeps `buffer_size` ready."""
        return self._derived(sequence.prefetch(self, buffer_size, name))

    def ignore_errors(self, log_warning=False, name=None):
        """Mirrors `Dataset.ignore_errors`."""
        return self._derived(sequence.ignore_errors(self, log_warning, name))

    def concatenate(self, dataset, name=None):
        """Mirrors `Dataset.concatenate`."""
        return self._derived(combine.concatenate(self, dataset, name))

    def enumerate(self, start=0, name=None):
        """Mirrors `Dataset.enumerate`: (index, element) pairs."""
        return combine.enumerate_dataset(Dataset, self, start, name)

    # -- whole-dataset operations --------------------------------------------------------

    def reduce(self, initial_state, reduce_func, name=None):
        """Mirrors `Dataset.reduce`: the final state, as Tensors."""
        return reduce_lib.reduce(self, initial_state, reduce_func, name)

    def scan(self, initial_state, scan_func, name=None):
        """Mirrors `Dataset.scan`."""
        return self._derived(reduce_lib.scan(self, initial_state, scan_func, name))

    def cardinality(self):
        """Mirrors `Dataset.cardinality`: an int64 scalar Tensor (-1 infinite, -2 unknown)."""
        return op_builder.apply_op("DatasetCardinality", self._variant_tensor)

    def get_single_element(self, name=None):
        """Mirrors `Dataset.get_single_element`."""
        components = op_builder.apply_op(
            "DatasetToSingleElement",
            self._variant_tensor,
            name=name or "DatasetToSingleElement",
            **base.dataset_attrs(self.element_spec),
        )
        if not isinstance(components, list):
            components = [components]
        return structure.from_tensor_list(self.element_spec, components)

    def apply(self, transformation_func):
        """Mirrors `Dataset.apply`: `transformation_func(self)`, which must be a Dataset."""
        result = transformation_func(self)
        if not isinstance(result, base.DatasetV1):
            raise TypeError(
                f"`transformation_func` must return a `tf.data.Dataset` object. Got {type(result)}."
            )
        return result

    # -- options -------------------------------------------------------------------------

    def with_options(self, options, name=None):
        """Mirrors `Dataset.with_options`: later options win over earlier ones."""
        del name
        if not isinstance(options, options_lib.Options):
            raise TypeError(
                f"Invalid `options`. `options` should be `tf.data.Options`, but "
                f"got {type(options).__name__}."
            )
        dataset = Dataset(self._variant_tensor, self.element_spec)
        dataset._options = self._options.merge(options) if self._options else options
        return dataset

    def options(self):
        """Mirrors `Dataset.options`."""
        return self._options or options_lib.Options()


DatasetV1 = Dataset


def _wrap_variant(variant_tensor, element_spec):
    return Dataset(variant_tensor, element_spec)


structure.dataset_factory = _wrap_variant


def make_one_shot_iterator(dataset):
    """Mirrors `tf.compat.v1.data.make_one_shot_iterator`."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """Mirrors `tf.compat.v1.data.make_initializable_iterator`."""
    return dataset.make_initializable_iterator(shared_name)


def get_output_types(dataset_or_iterator):
    """Mirrors `tf.compat.v1.data.get_output_types`."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """Mirrors `tf.compat.v1.data.get_output_shapes`."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """Mirrors `tf.compat.v1.data.get_output_classes`."""
    return dataset_or_iterator.output_classes
