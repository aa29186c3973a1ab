"""`tf.data` (TF1): re-exports only."""

from ndflow.api import data_experimental as _data_experimental
from ndflow.data import dataset as _dataset
from ndflow.data import experimental as _experimental
from ndflow.data import iterators as _iterators
from ndflow.data import options as _options
from ndflow.data import readers as _readers
from ndflow.data import structure as _structure

experimental = _data_experimental
Dataset = _dataset.Dataset
FixedLengthRecordDataset = _readers.FixedLengthRecordDataset
TFRecordDataset = _readers.TFRecordDataset
TextLineDataset = _readers.TextLineDataset
DatasetSpec = _structure.DatasetSpec
Iterator = _iterators.Iterator
Options = _options.Options
ThreadingOptions = _options.ThreadingOptions
AUTOTUNE = _experimental.AUTOTUNE
INFINITE_CARDINALITY = _experimental.INFINITE_CARDINALITY
UNKNOWN_CARDINALITY = _experimental.UNKNOWN_CARDINALITY
make_one_shot_iterator = _dataset.make_one_shot_iterator
make_initializable_iterator = _dataset.make_initializable_iterator
get_output_types = _dataset.get_output_types
get_output_shapes = _dataset.get_output_shapes
get_output_classes = _dataset.get_output_classes
