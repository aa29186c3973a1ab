"""`tf.compat.v1.saved_model.main_op`: re-exports only."""

from ndflow.saved_model import main_op as _main_op

main_op = _main_op.main_op
main_op_with_restore = _main_op.main_op_with_restore
