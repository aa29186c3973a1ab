"""Control flow: functional If/While ops, cond/case/while_loop, TensorLists and Optionals,
tuple/with_dependencies, Assert, tf.print and tf.Print."""

from ndflow.ops.control_flow import asserts
from ndflow.ops.control_flow import conditional as cond_lib
from ndflow.ops.control_flow import functional
from ndflow.ops.control_flow import grouping
from ndflow.ops.control_flow import list_ops
from ndflow.ops.control_flow import loop as while_lib
from ndflow.ops.control_flow import printing
from ndflow.ops.control_flow import tensor_array

cond = cond_lib.cond
case = cond_lib.case
while_loop = while_lib.while_loop
tuple = grouping.tuple  # noqa: A001 - TF's public name
with_dependencies = grouping.with_dependencies
Assert = asserts.Assert
print_v2 = printing.print_v2
print_v1 = printing.print_v1
TensorArray = tensor_array.TensorArray

__all__ = [
    "asserts",
    "cond_lib",
    "functional",
    "grouping",
    "list_ops",
    "printing",
    "tensor_array",
    "while_lib",
]
