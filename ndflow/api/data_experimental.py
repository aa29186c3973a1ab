"""`tf.data.experimental` (TF1): re-exports only."""

from ndflow.data import experimental as _experimental
from ndflow.data import iterators as _iterators
from ndflow.data import options as _options
from ndflow.data import readers as _readers

AUTOTUNE = _experimental.AUTOTUNE
INFINITE_CARDINALITY = _experimental.INFINITE_CARDINALITY
UNKNOWN_CARDINALITY = _experimental.UNKNOWN_CARDINALITY
AutotuneOptions = _options.AutotuneOptions
DistributeOptions = _options.DistributeOptions
OptimizationOptions = _options.OptimizationOptions
ServiceOptions = _options.ServiceOptions
ThreadingOptions = _options.ThreadingOptions
CsvDataset = _readers.CsvDataset
Counter = _experimental.Counter
DatasetStructure = _experimental.DatasetStructure
RandomDataset = _experimental.RandomDataset
SparseTensorStructure = _experimental.SparseTensorStructure
TensorStructure = _experimental.TensorStructure
assert_cardinality = _experimental.assert_cardinality
bucket_by_sequence_length = _experimental.bucket_by_sequence_length
cardinality = _experimental.cardinality
choose_from_datasets = _experimental.choose_from_datasets
enumerate_dataset = _experimental.enumerate_dataset
get_single_element = _experimental.get_single_element
get_structure = _experimental.get_structure
group_by_window = _experimental.group_by_window
ignore_errors = _experimental.ignore_errors
make_csv_dataset = _readers.make_csv_dataset
map_and_batch = _experimental.map_and_batch
parallel_interleave = _experimental.parallel_interleave
sample_from_datasets = _experimental.sample_from_datasets
scan = _experimental.scan
shuffle_and_repeat = _experimental.shuffle_and_repeat
take_while = _experimental.take_while
unbatch = _experimental.unbatch
unique = _experimental.unique
Optional = _iterators.Optional
get_next_as_optional = _iterators.get_next_as_optional
