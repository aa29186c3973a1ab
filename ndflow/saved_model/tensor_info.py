"""TensorInfo protos from graph tensors and back (`tf.compat.v1.saved_model.utils`).

A TensorInfo names a dense tensor (`name`) or the three tensors of a SparseTensor
(`coo_sparse`), with its dtype and static shape. Signatures are maps of them.
"""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.proto import meta_graph_pb2
from ndflow.proto import types_pb2


def build_tensor_info(tensor):
    """Mirrors `tf.compat.v1.saved_model.utils.build_tensor_info`.

    Args:
      tensor: a Tensor or SparseTensor; a SparseTensor is described by the names of its
        indices, values and dense_shape tensors.

    Returns:
      A TensorInfo proto with the tensor's name(s), dtype and static shape.

    >>> build_tensor_info(tf.placeholder(tf.float32, [None, 3], name="x")).name
    'x:0'
    """
    info = meta_graph_pb2.TensorInfo(
        dtype=tensor.dtype.as_datatype_enum, tensor_shape=tensor.get_shape().as_proto()
    )
    if isinstance(tensor, sparse_tensor.SparseTensor):
        info.coo_sparse.values_tensor_name = tensor.values.name
        info.coo_sparse.indices_tensor_name = tensor.indices.name
        info.coo_sparse.dense_shape_tensor_name = tensor.dense_shape.name
        return info
    info.name = tensor.name
    return info


def build_tensor_info_from_op(op):
    """A TensorInfo naming an Operation (dtype DT_INVALID, unknown shape), as TF stores the
    init and train ops of a SavedModel in its signature map."""
    return meta_graph_pb2.TensorInfo(
        dtype=types_pb2.DT_INVALID,
        tensor_shape=tensor_shape.unknown_shape().as_proto(),
        name=op.name,
    )


def prepend_name_scope(name: str, import_scope) -> str:
    """`name` ("op", "op:0" or "^op") under `import_scope`, as TF's `ops.prepend_name_scope`."""
    if not import_scope:
        return name
    if name.startswith("^"):
        return f"^{import_scope}/{name[1:]}"
    return f"{import_scope}/{name}"


def get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """Mirrors `tf.compat.v1.saved_model.utils.get_tensor_from_tensor_info`.

    Args:
      tensor_info: a TensorInfo proto naming a tensor or the parts of a SparseTensor.
      graph: the graph to look in (the default graph if None).
      import_scope: a prefix added to the names before the lookup.

    Returns:
      The Tensor, or a SparseTensor for a `coo_sparse` TensorInfo.

    Raises:
      KeyError: a name is not a tensor of `graph`.
      ValueError: the TensorInfo has no encoding, or a composite_tensor one (not supported).

    >>> get_tensor_from_tensor_info(signature.inputs["x"])
    """
    graph = graph or graph_lib.get_default_graph()

    def tensor(name):
        return graph.get_tensor_by_name(prepend_name_scope(name, import_scope))

    encoding = tensor_info.WhichOneof("encoding")
    if encoding == "name":
        return tensor(tensor_info.name)
    if encoding == "coo_sparse":
        coo = tensor_info.coo_sparse
        return sparse_tensor.SparseTensor(
            tensor(coo.indices_tensor_name),
            tensor(coo.values_tensor_name),
            tensor(coo.dense_shape_tensor_name),
        )
    if encoding == "composite_tensor":
        raise ValueError(
            "A composite_tensor TensorInfo (a TF2 RaggedTensor or other CompositeTensor) is not "
            "supported by ndflow; only `name` and `coo_sparse` encodings are."
        )
    raise ValueError(
        f"Invalid TensorInfo.encoding: {encoding}. Expected `coo_sparse`, `composite_tensor`, "
        "or `name` for a dense tensor."
    )


def get_element_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The Operation or Tensor a TensorInfo names (TF's `utils_impl` helper of the same name).

    Raises:
      KeyError: the name is not in `graph`.
    """
    graph = graph or graph_lib.get_default_graph()
    return graph.as_graph_element(prepend_name_scope(tensor_info.name, import_scope))
