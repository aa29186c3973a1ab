"""`tf.python_io` (TF1): TFRecord files. Re-exports only."""

from ndflow.ops import io as _io

TFRecordCompressionType = _io.TFRecordCompressionType
TFRecordOptions = _io.TFRecordOptions
TFRecordWriter = _io.TFRecordWriter
tf_record_iterator = _io.tf_record_iterator
