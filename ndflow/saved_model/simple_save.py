"""`tf.compat.v1.saved_model.simple_save`: a serving SavedModel in one call."""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.saved_model import builder as builder_lib
from ndflow.saved_model import signature_constants
from ndflow.saved_model import signature_def
from ndflow.saved_model import tag_constants


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """Mirrors `tf.compat.v1.saved_model.simple_save`: saves the session's graph and variables
    with tag "serve" and one predict signature "serving_default" of `inputs` -> `outputs`,
    the ASSET_FILEPATHS collection as assets, and devices cleared.

    Args:
      session: the Session holding the variables.
      export_dir: the directory to create (must not exist or be empty).
      inputs: {key: Tensor}.
      outputs: {key: Tensor}.
      legacy_init_op: an op to run at load time, after the variables are restored.

    >>> simple_save(sess, "/tmp/model/1", {"x": x}, {"y": y})
    """
    signatures = {
        signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY: signature_def.predict_signature_def(
            inputs, outputs
        )
    }
    builder = builder_lib.SavedModelBuilder(export_dir)
    builder.add_meta_graph_and_variables(
        session,
        tags=[tag_constants.SERVING],
        signature_def_map=signatures,
        assets_collection=graph_lib.get_collection(graph_lib.GraphKeys.ASSET_FILEPATHS),
        main_op=legacy_init_op,
        clear_devices=True,
    )
    builder.save()
