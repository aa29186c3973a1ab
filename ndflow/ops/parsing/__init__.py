"""The parsing op family: tf.train.Example / SequenceExample parsing (ParseExampleV2,
ParseSingleExample, ParseSequenceExampleV2, ParseSingleSequenceExample), DecodeRaw,
DecodeCSV, DecodeCompressed and StringToNumber.

Importing this package registers every parsing op; the builders are re-exported here.
"""

from __future__ import annotations

from ndflow.ops.parsing import decoding
from ndflow.ops.parsing import example_ops
from ndflow.ops.parsing import features
from ndflow.ops.parsing import sequence_ops

# features.py
FixedLenFeature = features.FixedLenFeature
FixedLenSequenceFeature = features.FixedLenSequenceFeature
VarLenFeature = features.VarLenFeature
SparseFeature = features.SparseFeature

# example_ops.py
parse_example = example_ops.parse_example
parse_example_v2 = example_ops.parse_example_v2
parse_single_example = example_ops.parse_single_example
parse_single_example_v2 = example_ops.parse_single_example_v2

# sequence_ops.py
parse_sequence_example = sequence_ops.parse_sequence_example
parse_single_sequence_example = sequence_ops.parse_single_sequence_example

# decoding.py
decode_raw = decoding.decode_raw
decode_csv = decoding.decode_csv
decode_csv_v2 = decoding.decode_csv_v2
decode_compressed = decoding.decode_compressed
string_to_number = decoding.string_to_number
