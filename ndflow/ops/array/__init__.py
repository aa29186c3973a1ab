"""The array op family: constants and placeholders, shapes, reshaping, joining and splitting,
slicing and Python indexing, gathering and scattering, padding, tiling, space/batch/depth
blocks, and friends.

Importing this package registers every array op; its topical modules each hold one place per
op (shape function, kernel, registration, builder). The builders are re-exported here so
`from ndflow.ops import array` gives `array.constant`, `array.reshape`, ...
"""

from __future__ import annotations

from ndflow.ops.array import constants
from ndflow.ops.array import gathering
from ndflow.ops.array import indexing
from ndflow.ops.array import joining
from ndflow.ops.array import partition
from ndflow.ops.array import passthrough
from ndflow.ops.array import rearranging
from ndflow.ops.array import searching
from ndflow.ops.array import shapes
from ndflow.ops.array import slicing
from ndflow.ops.array import space_batch

# constants.py
constant = constants.constant
placeholder = constants.placeholder
placeholder_with_default = constants.placeholder_with_default
fill = constants.fill
zeros = constants.zeros
ones = constants.ones
zeros_like = constants.zeros_like
ones_like = constants.ones_like

# passthrough.py
identity = passthrough.identity
identity_n = passthrough.identity_n
stop_gradient = passthrough.stop_gradient
no_op = passthrough.no_op
check_numerics = passthrough.check_numerics
bitcast = passthrough.bitcast

# shapes.py
shape = shapes.shape
shape_n = shapes.shape_n
size = shapes.size
rank = shapes.rank
reshape = shapes.reshape
expand_dims = shapes.expand_dims
squeeze = shapes.squeeze
broadcast_to = shapes.broadcast_to
broadcast_dynamic_shape = shapes.broadcast_dynamic_shape
broadcast_static_shape = shapes.broadcast_static_shape

# rearranging.py
transpose = rearranging.transpose
invert_permutation = rearranging.invert_permutation
reverse = rearranging.reverse
reverse_v2 = rearranging.reverse_v2
tile = rearranging.tile
pad = rearranging.pad

# joining.py
concat = joining.concat
stack = joining.stack
unstack = joining.unstack
split = joining.split
meshgrid = joining.meshgrid

# searching.py
where_indices = searching.where_indices
unique = searching.unique
one_hot = searching.one_hot

# gathering.py
gather = gathering.gather
scatter_nd = gathering.scatter_nd

# slicing.py
slice = slicing.slice  # noqa: A001 - TF's public name
strided_slice = slicing.strided_slice

# indexing.py
boolean_mask = indexing.boolean_mask
gather_nd = indexing.gather_nd
newaxis = indexing.newaxis

# partition.py
dynamic_partition = partition.dynamic_partition
dynamic_stitch = partition.dynamic_stitch
parallel_dynamic_stitch = partition.parallel_dynamic_stitch

# space_batch.py
space_to_batch_nd = space_batch.space_to_batch_nd
batch_to_space_nd = space_batch.batch_to_space_nd
space_to_batch = space_batch.space_to_batch
batch_to_space = space_batch.batch_to_space
space_to_depth = space_batch.space_to_depth
depth_to_space = space_batch.depth_to_space
required_space_to_batch_paddings = space_batch.required_space_to_batch_paddings
