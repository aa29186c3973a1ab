"""What a Saver saves: TF's `SaveSpec` / `SaveableObject` and the saveables for reference
variables, resource variables, variable slices (partitioned variables) and objects that
bring their own (lookup tables), plus `op_list_to_dict` and `validate_and_slice_inputs`
with TF's naming rules and error messages (TF's training/saving/saveable_object*.py).

A saveable is anything with `op`, `name`, `specs` (each with `tensor`, `slice_spec`,
`name`, `dtype`, `device`) and `restore(restored_tensors, restored_shapes)`; the lookup
tables' TableSaveable (ndflow/ops/lookup/mutable.py) is one by that shape, and a mutable
table given to a Saver directly is saved through one.
"""

from __future__ import annotations

from ndflow.framework import device as device_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import state
from ndflow.ops.lookup import mutable as mutable_tables

Tensor = graph_lib.Tensor
apply_op = op_builder.apply_op

# Op types whose outputs are variables a Saver may save (TF's _VARIABLE_OPS).
_VARIABLE_OPS = frozenset(
    ["Variable", "VariableV2", "AutoReloadVariable", "VarHandleOp", "ReadVariableOp"]
)
_REF_VARIABLE_OPS = frozenset(["Variable", "VariableV2", "AutoReloadVariable"])


def set_cpu0(device_string: str) -> str:
    """Mirrors TF's `saveable_object_util.set_cpu0`: the same job/replica/task, on CPU:0."""
    fields = device_lib.parse_device(device_string)
    fields["device_type"] = "CPU"
    fields["device_index"] = 0
    return device_lib.device_string(fields)


class SaveSpec:
    """Mirrors `BaseSaverBuilder.SaveSpec`: one tensor (or slice) saved under `name`.

    `tensor` may be a callable building the tensor when the save op is built; then `dtype`
    and `device` are required.
    """

    def __init__(self, tensor, slice_spec, name, dtype=None, device=None):
        self._tensor = tensor
        self.slice_spec = slice_spec
        self.name = name
        if callable(tensor):
            if dtype is None or device is None:
                raise AssertionError(
                    "When passing a callable `tensor` to a SaveSpec, an explicit dtype and "
                    "device must be provided."
                )
            self.dtype, self.device = dtype, device
            return
        self.dtype = tensor.dtype if dtype is None else dtype
        self.device = tensor.device if device is None else device

    @property
    def tensor(self):
        return self._tensor() if callable(self._tensor) else self._tensor


class SaveableObject:
    """Mirrors `BaseSaverBuilder.SaveableObject`: `op` (what is saved), its `specs` (all on
    one device) and the `name` it is saved under; subclasses build `restore`."""

    def __init__(self, op, specs, name):
        self.op = op
        self.specs = specs
        self.name = name

    @property
    def device(self) -> str:
        return spec_device(self.specs[0])

    def restore(self, restored_tensors, restored_shapes):
        raise ValueError("Calling an abstract method.")


def spec_device(spec) -> str:
    """A spec's device; specs of other saveables (lookup tables) may only have a tensor."""
    device = getattr(spec, "device", None)
    return spec.tensor.device if device is None else device


def is_saveable(value) -> bool:
    """Whether `value` is a SaveableObject, by class or by shape (TableSaveable)."""
    if isinstance(value, SaveableObject):
        return True
    return all(hasattr(value, attr) for attr in ("op", "name", "specs", "restore"))


class ReferenceVariableSaveable(SaveableObject):
    """Mirrors TF's ReferenceVariableSaveable: saves the ref variable (or slice), restores
    with an `Assign` (validate_shape unless reshaping or the shape is not fully known)."""

    def __init__(self, var, slice_spec, name):
        spec = SaveSpec(var, slice_spec, name, dtype=var.dtype.base_dtype)
        super().__init__(var, [spec], name)

    def restore(self, restored_tensors, restored_shapes):
        restored = restored_tensors[0]
        if restored_shapes is not None:
            restored = array.reshape(restored, restored_shapes[0])
        ref = self.op._ref() if isinstance(self.op, state.Variable) else self.op
        validate = restored_shapes is None and ref.shape.is_fully_defined()
        # TF's op builder colocates an op with its ref input (`_class: loc:@<variable>`).
        with graph_lib.colocate_with(ref):
            return apply_op("Assign", ref, restored, validate_shape=validate, use_locking=True)


class ResourceVariableSaveable(SaveableObject):
    """Mirrors TF's ResourceVariableSaveable: saves a read of the variable, restores with
    an Identity on the variable's device and an `AssignVariableOp`.

    `var` is a ReadVariableOp tensor (a variable's `<name>/Read/ReadVariableOp`, the form
    the Saver uses in graph mode) or a ResourceVariable (slices: read when saving).
    """

    def __init__(self, var, slice_spec, name):
        self._var_device = var.device
        self._var_shape = var.shape
        if isinstance(var, Tensor):
            self.handle_op = var.op.inputs[0]
            tensor = var
        elif isinstance(var, state.ResourceVariable):
            self.handle_op = var.handle
            tensor = _read_on_cpu(var)
        else:
            raise ValueError(
                f"Saveable is neither a resource variable nor a read operation. Got: {var!r}"
            )
        spec = SaveSpec(tensor, slice_spec, name, dtype=var.dtype, device=var.device)
        super().__init__(var, [spec], name)

    def restore(self, restored_tensors, restored_shapes):
        restored = restored_tensors[0]
        if restored_shapes is not None:
            restored = array.reshape(restored, restored_shapes[0])
        with graph_lib.device(self._var_device):
            restored = array.identity(restored)
            if not self._var_shape.is_compatible_with(restored.shape):
                raise ValueError(
                    f"Received incompatible tensor with shape {restored.shape} when "
                    f"attempting to restore variable with shape {self._var_shape} and name "
                    f"{self.name}."
                )
            return apply_op("AssignVariableOp", self.handle_op, restored)


def _read_on_cpu(variable):
    """TF's read closure for a resource variable slice: a read on the variable's device,
    copied to CPU:0, built when the save op is."""

    def read():
        with graph_lib.device(variable.device):
            with graph_lib.name_scope("Read"):
                value = apply_op("ReadVariableOp", variable.handle, dtype=variable.dtype)
            with graph_lib.device("/device:CPU:0"):
                return array.identity(value)

    return read


def _comes_from_variable(value) -> bool:
    return isinstance(value, Tensor) and value.op.type in _VARIABLE_OPS


def _is_table(value) -> bool:
    """A mutable lookup table (it exports its contents); TF saves such a Trackable through
    its `_serialize_to_tensors`: "<name>-keys" and "<name>-values"."""
    return hasattr(value, "export") and hasattr(value, "resource_handle")


def _table_saveable(table, name):
    return mutable_tables.TableSaveable(table, name, table_name=table._name)


def _variable_list(value):
    """The slices of a partitioned variable (anything with `_get_variable_list`), else None."""
    getter = getattr(value, "_get_variable_list", None)
    return list(getter()) if callable(getter) else None


def saveable_objects_for_op(op, name):
    """Mirrors TF's `saveable_objects_for_op`: the saveables that save `op` under `name`."""
    if not isinstance(name, str):
        raise TypeError(
            "names_to_saveables must be a dict mapping string names to trackable operations. "
            f"Name is not a string: {name}"
        )
    if is_saveable(op):
        return [op]
    if _is_table(op):
        return [_table_saveable(op, name)]
    slices = _variable_list(op)
    if slices is not None or isinstance(op, (list, tuple)):
        return _slice_saveables(list(op) if slices is None else slices, name)
    if isinstance(op, state.ResourceVariable):
        return [ResourceVariableSaveable(op._graph_element, "", name)]
    variable = op_builder.convert_to_tensor(op, as_ref=True)
    if not _comes_from_variable(variable):
        raise TypeError(
            "names_to_saveables must be a dict mapping string names to Tensors/Variables. "
            f"Not a variable: {variable}"
        )
    if variable.op.type in _REF_VARIABLE_OPS:
        return [ReferenceVariableSaveable(variable, "", name)]
    return [ResourceVariableSaveable(variable, "", name)]


def _slice_saveables(variables, name):
    """One saveable per slice of one partitioned tensor (each has `_save_slice_info`)."""
    saveables = []
    slice_name = None
    for variable in variables:
        if is_saveable(variable):
            saveables.append(variable)
            continue
        if not isinstance(variable, state.Variable):
            raise ValueError(f"Slices must all be Variables: {variable}")
        info = variable._save_slice_info
        if not info:
            raise ValueError(f"Slices must all be slices: {variable}")
        if slice_name is None:
            slice_name = info.full_name
        elif slice_name != info.full_name:
            raise ValueError(
                f"Slices must all be from the same tensor: {slice_name} != {info.full_name}"
            )
        if isinstance(variable, state.ResourceVariable):
            saveables.append(ResourceVariableSaveable(variable, info.spec, name))
        else:
            saveables.append(ReferenceVariableSaveable(variable, info.spec, name))
    return saveables


def op_list_to_dict(op_list, convert_variable_to_tensor=True):
    """Mirrors TF's `op_list_to_dict`: {checkpoint name: what to save} for a list of
    variables and saveables. A variable is named by its op (a resource variable by its
    handle), slices of one partitioned variable share their full name.

    Raises:
      TypeError: `op_list` is not a list, tuple or set, or holds a non-variable.
      ValueError: two entries have the same name, or slices and non-slices are mixed.
    """
    if not isinstance(op_list, (list, tuple, set)):
        raise TypeError(f"Variables to save should be passed in a dict or a list. Got {op_list}")
    # Sorting makes the graph (resource variable reads) deterministic, as in TF.
    op_list = sorted(nest.flatten(list(op_list)), key=lambda x: x.name)
    names_to_saveables: dict = {}
    for var in op_list:
        if is_saveable(var):
            names_to_saveables[var.name] = var
        elif _is_table(var):
            # TF names a table passed in a list "" (its entries "-keys", "-values").
            names_to_saveables[""] = _table_saveable(var, "")
        elif _variable_list(var) is not None:
            _add_unique(names_to_saveables, var.name, var)
        elif isinstance(var, state.Variable) and var._save_slice_info:
            _add_slice(names_to_saveables, var)
        else:
            name, value = _named_variable(var, convert_variable_to_tensor)
            _add_unique(names_to_saveables, name, value)
    return names_to_saveables


def _add_unique(names_to_saveables, name, value):
    if name in names_to_saveables:
        raise ValueError(f"At least two variables have the same name: {name}")
    names_to_saveables[name] = value


def _add_slice(names_to_saveables, var):
    name = var._save_slice_info.full_name
    existing = names_to_saveables.setdefault(name, [])
    if not isinstance(existing, list):
        raise ValueError(f"Mixing slices and non-slices with the same name: {name}")
    existing.append(var)


def _named_variable(var, convert_variable_to_tensor):
    """(checkpoint name, tensor) of a variable: its op's name, or its handle's for a read."""
    if convert_variable_to_tensor:
        if isinstance(var, state.ResourceVariable):
            var = var._graph_element
        else:
            var = op_builder.convert_to_tensor(var, as_ref=True)
        if not _comes_from_variable(var):
            raise TypeError(f"Variable to save is not a Variable: {var}")
    if var.op.type == "ReadVariableOp":
        return var.op.inputs[0].op.name, var
    return var.op.name, var


def validate_and_slice_inputs(names_to_saveables) -> list:
    """Mirrors TF's `validate_and_slice_inputs`: the saveables, sorted by name.

    Raises:
      TypeError: a name is not a string, or a value is not a variable or saveable.
      ValueError: one variable (or saveable) is given under two names.
    """
    saveables = []
    seen = set()
    for name, op in sorted(names_to_saveables.items(), key=lambda item: item[0]):
        for saveable in saveable_objects_for_op(op, name):
            key = id(saveable.op)
            if saveable.op is not None and key in seen:
                raise ValueError(
                    f"The same saveable will be restored with two names: {saveable.name}"
                )
            saveables.append(saveable)
            seen.add(key)
    return saveables


def all_saveable_objects(scope=None) -> list:
    """Mirrors TF's `variables._all_saveable_objects`: global variables plus the
    SAVEABLE_OBJECTS collection (lookup tables)."""
    graph = graph_lib.get_default_graph()
    keys = graph_lib.GraphKeys
    return graph.get_collection(keys.GLOBAL_VARIABLES, scope) + graph.get_collection(
        keys.SAVEABLE_OBJECTS, scope
    )
