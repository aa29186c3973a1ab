"""The standard SavedModel main op (`tf.compat.v1.saved_model.main_op`)."""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.ops import lookup
from ndflow.ops import state


def main_op():
    """Mirrors `tf.compat.v1.saved_model.main_op.main_op`: one op initializing the global and
    local variables and the lookup tables.

    >>> builder.add_meta_graph_and_variables(sess, ["serve"], main_op=main_op())
    """
    return state.group(
        state.global_variables_initializer(),
        state.local_variables_initializer(),
        lookup.tables_initializer(),
    )


def main_op_with_restore(restore_op_name):
    """Mirrors `tf.compat.v1.saved_model.main_op.main_op_with_restore`: `main_op()` then the
    op named `restore_op_name`.

    >>> main_op_with_restore(saver.saver_def.restore_op_name)
    """
    with graph_lib.control_dependencies([main_op()]):
        return state.group(restore_op_name)
