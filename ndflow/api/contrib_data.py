"""`tf.contrib.data` (TF 1.x; contrib is gone from TF 2, ndflow keeps the names TF1
pipelines such as the seed's NMT input pipeline use): re-exports only."""

from ndflow.api import data_experimental as _experimental
from ndflow.data import experimental as _data_experimental

AUTOTUNE = _experimental.AUTOTUNE
Counter = _experimental.Counter
CsvDataset = _experimental.CsvDataset
Optional = _experimental.Optional
RandomDataset = _experimental.RandomDataset
batch_and_drop_remainder = _data_experimental.batch_and_drop_remainder
bucket_by_sequence_length = _experimental.bucket_by_sequence_length
choose_from_datasets = _experimental.choose_from_datasets
enumerate_dataset = _experimental.enumerate_dataset
get_next_as_optional = _experimental.get_next_as_optional
get_single_element = _experimental.get_single_element
group_by_window = _experimental.group_by_window
ignore_errors = _experimental.ignore_errors
make_csv_dataset = _experimental.make_csv_dataset
map_and_batch = _experimental.map_and_batch
padded_batch_and_drop_remainder = _data_experimental.padded_batch_and_drop_remainder
parallel_interleave = _experimental.parallel_interleave
sample_from_datasets = _experimental.sample_from_datasets
scan = _experimental.scan
shuffle_and_repeat = _experimental.shuffle_and_repeat
unbatch = _experimental.unbatch
