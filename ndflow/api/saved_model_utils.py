"""`tf.compat.v1.saved_model.utils`: re-exports only."""

from ndflow.saved_model import tensor_info as _tensor_info

build_tensor_info = _tensor_info.build_tensor_info
get_tensor_from_tensor_info = _tensor_info.get_tensor_from_tensor_info
