"""Reading name-based checkpoints from Python (TensorFlow's python/training/
checkpoint_utils.py and py_checkpoint_reader): `tf.train.NewCheckpointReader`,
`load_checkpoint`, `list_variables`, `load_variable`, and TF1's `init_from_checkpoint`,
which makes variable initializers restore from a checkpoint.
"""

from __future__ import annotations

import logging
import os
import time
from collections import abc

from ndflow.formats import checkpoint_v1
from ndflow.formats import tensor_bundle
from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.ops import io as io_ops
from ndflow.ops.state import variables as variables_lib
from ndflow.ops.variable_scope import scopes
from ndflow.train import checkpoint_state

_LOG = logging.getLogger("ndflow")


class CheckpointReader:
    """Mirrors TF's `CheckpointReader` (`tf.train.NewCheckpointReader`): the tensors of
    one V2 checkpoint (or of the V1 files a pattern matches) by name.

    Raises:
      NotFoundError: no checkpoint at `filepattern`.
      DataLossError: the checkpoint's index is damaged.

    >>> reader = CheckpointReader("/tmp/train/model.ckpt-100")
    >>> reader.get_tensor("global_step")
    np.int64(100)
    """

    def __init__(self, filepattern):
        prefix = os.fspath(filepattern)
        if isinstance(prefix, bytes):
            prefix = prefix.decode("utf-8")
        if os.path.exists(tensor_bundle.index_filename(prefix)):
            self._bundle = tensor_bundle.BundleReader(prefix)
            return
        # As TF: without a V2 index the path is a V1 file pattern (NotFoundError if none).
        self._bundle = checkpoint_v1.SliceReader(prefix)

    def has_tensor(self, tensor_str) -> bool:
        return self._bundle.contains(tensor_str)

    def get_tensor(self, tensor_str):
        """The tensor's value: an ndarray, or a NumPy scalar / bytes for a scalar (as TF).

        Raises:
          NotFoundError: "Key <name> not found in checkpoint".
        """
        if not self._bundle.contains(tensor_str):
            raise errors.NotFoundError(None, None, f"Key {tensor_str} not found in checkpoint")
        value = self._bundle.lookup(tensor_str)
        return value[()] if value.ndim == 0 else value

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        return {name: list(self._bundle.dtype_and_shape(name)[1]) for name in self._bundle.keys()}

    def get_variable_to_dtype_map(self) -> dict[str, dtypes.DType]:
        return {name: self._bundle.dtype_and_shape(name)[0] for name in self._bundle.keys()}

    def debug_string(self) -> bytes:
        """TF's listing: one b"name (DT_FLOAT) [2,3]" line per stored entry."""
        return self._bundle.debug_string()


def NewCheckpointReader(filepattern) -> CheckpointReader:  # noqa: N802 - TF's name
    """Mirrors `tf.train.NewCheckpointReader`: a CheckpointReader for a checkpoint prefix.

    >>> NewCheckpointReader("/tmp/train/model.ckpt-100").get_variable_to_shape_map()
    {'global_step': [], 'w': [2, 3]}
    """
    return CheckpointReader(filepattern)


def _get_checkpoint_filename(ckpt_dir_or_file):
    ckpt_dir_or_file = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(ckpt_dir_or_file):
        return checkpoint_state.latest_checkpoint(ckpt_dir_or_file)
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """Mirrors `tf.train.load_checkpoint`: a CheckpointReader for a checkpoint prefix, or
    for the latest checkpoint of a directory.

    Raises:
      ValueError: a directory without a 'checkpoint' file or checkpoints.
      NotFoundError: a prefix without a checkpoint.

    >>> load_checkpoint("/tmp/train").get_tensor("global_step")
    """
    filename = _get_checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError(
            f"Couldn't find 'checkpoint' file or checkpoints in given directory {ckpt_dir_or_file}"
        )
    return NewCheckpointReader(filename)


def load_variable(ckpt_dir_or_file, name):
    """Mirrors `tf.train.load_variable`: one tensor's value (a trailing ":0" is ignored).

    >>> load_variable("/tmp/train", "w")
    """
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file) -> list[tuple[str, list[int]]]:
    """Mirrors `tf.train.list_variables`: sorted (name, shape) pairs of a checkpoint.

    >>> list_variables("/tmp/train")
    [('global_step', []), ('w', [2, 3])]
    """
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


# ---------------------------------------------------------------------- init_from_checkpoint


def _is_variable(value) -> bool:
    return isinstance(value, variables_lib.Variable)


def _collect_partitioned_variable(name: str, all_vars: dict):
    """The parts `name/part_0`, `name/part_1`... of a partitioned variable, or None."""
    if f"{name}/part_0" not in all_vars:
        return None
    parts = []
    while f"{name}/part_{len(parts)}" in all_vars:
        parts.append(all_vars[f"{name}/part_{len(parts)}"])
    return parts


def init_from_checkpoint(ckpt_dir_or_file, assignment_map) -> None:
    """Mirrors TF1 `tf.train.init_from_checkpoint`: replaces the initializers of the mapped
    variables with restores from the checkpoint (run by `global_variables_initializer`).

    `assignment_map` (a dict or a list of pairs) maps checkpoint names to variables:
    `'ckpt_scope/': 'scope/'` maps every variable under `scope/`, `'/': 'scope/'` maps from
    the checkpoint's root, `'ckpt_name': 'var_name'` or `'ckpt_name': variable` maps one,
    and a list of variables (or the name of a partitioned variable) maps its partitions.

    Raises:
      ValueError: a missing checkpoint or tensor, a shape mismatch, or a scope mapped to a
        single name.

    >>> init_from_checkpoint("/tmp/train", {"old_scope/": "new_scope/"})
    """
    ckpt_file = _get_checkpoint_filename(ckpt_dir_or_file)
    variable_map = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    if isinstance(assignment_map, abc.Mapping):
        assignment_map = assignment_map.items()
    store_vars = scopes._get_default_variable_store()._vars
    for tensor_name, target in sorted(assignment_map, key=lambda pair: pair[0]):
        variable = _resolve_target(target, store_vars)
        if variable is None:
            _init_scope(ckpt_file, ckpt_dir_or_file, tensor_name, target, variable_map, store_vars)
            continue
        _check_single(variable, tensor_name, ckpt_dir_or_file, variable_map)
        _set_variable_or_list_initializer(variable, ckpt_file, tensor_name)


def _resolve_target(target, store_vars):
    if _is_variable(target):
        return target
    if isinstance(target, list) and all(_is_variable(item) for item in target):
        return target
    found = store_vars.get(target)
    return found if found is not None else _collect_partitioned_variable(target, store_vars)


def _check_single(variable, tensor_name, ckpt_dir_or_file, variable_map) -> None:
    if tensor_name not in variable_map:
        raise ValueError(
            f"Tensor {tensor_name} is not found in {ckpt_dir_or_file} checkpoint {variable_map}"
        )
    if not _is_variable(variable):
        return
    stored = variable_map[tensor_name]
    if not variable.get_shape().is_compatible_with(stored):
        raise ValueError(
            f"Shape of variable {variable.name} ({variable.get_shape()}) doesn't match with "
            f"shape of tensor {tensor_name} ({stored}) from checkpoint reader."
        )


def _init_scope(ckpt_file, ckpt_dir_or_file, tensor_name, target, variable_map, store_vars):
    """A 'ckpt_scope/': 'scope/' entry: every variable under `scope/`, by matching name."""
    scope = target[: target.rindex("/")] if "/" in target else ""
    if not tensor_name.endswith("/"):
        raise ValueError(
            f"Assignment map with scope only name {scope} should map to scope only "
            f"{tensor_name}. Should be 'scope/': 'other_scope/'."
        )
    for var_name in _scope_variable_names(scope, store_vars):
        full_name = var_name[len(scope) :]
        if target != "/":
            full_name = full_name[1:]
        if tensor_name != "/":
            full_name = tensor_name + full_name
        full_name = full_name.removesuffix("/")
        if full_name not in variable_map:
            raise ValueError(
                f"Tensor {full_name} ({var_name[len(scope) + 1 :]} in {tensor_name}) is not "
                f"found in {ckpt_dir_or_file} checkpoint"
            )
        variable = store_vars.get(var_name)
        if variable is None:
            variable = _collect_partitioned_variable(var_name, store_vars)
        _set_variable_or_list_initializer(variable, ckpt_file, full_name)


def _scope_variable_names(scope: str, store_vars) -> list[str]:
    names = set()
    for var_name in store_vars:
        if scope and not var_name.startswith(scope + "/"):
            continue
        if "/part_" in var_name:
            var_name = var_name[: var_name.index("/part_")]
        names.add(var_name)
    return sorted(names)


def _set_variable_or_list_initializer(variable_or_list, ckpt_file, tensor_name) -> None:
    if not isinstance(variable_or_list, (list, tuple)):
        _set_checkpoint_initializer(variable_or_list, ckpt_file, tensor_name, "")
        return
    slice_name = None
    for part in variable_or_list:
        info = part._save_slice_info
        if slice_name is None:
            slice_name = info.full_name
        elif slice_name != info.full_name:
            raise ValueError(
                f"Slices must all be from the same tensor: {slice_name} != {info.full_name}"
            )
        _set_checkpoint_initializer(part, ckpt_file, tensor_name, info.spec)


def _set_checkpoint_initializer(
    variable, ckpt_file, tensor_name, slice_spec, name="checkpoint_initializer"
) -> None:
    """TF's `_set_checkpoint_initializer`: the variable's initializer becomes an assign of
    a RestoreV2 of `tensor_name` (its `slice_spec` part for a partition)."""
    base_type = variable.dtype.base_dtype
    with graph_lib.get_default_graph().device("/cpu:0"):
        restore = io_ops.restore_v2(ckpt_file, [tensor_name], [slice_spec], [base_type], name=name)[
            0
        ]
    restore.set_shape(variable.shape)
    variable._initializer_op = _restore_op(variable, restore)
    variable._initial_value = restore
    _LOG.debug(
        "Initialize variable %s from checkpoint %s with %s", variable.name, ckpt_file, tensor_name
    )


def _restore_op(variable, value):
    if isinstance(variable, variables_lib.ResourceVariable):
        return variable.assign(value, read_value=False)
    return variable.assign(value).op


# ---------------------------------------------------------------------- waiting for checkpoints


def wait_for_new_checkpoint(
    checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1, timeout=None
) -> str | None:
    """Mirrors TF's `wait_for_new_checkpoint`: polls until the latest checkpoint differs
    from `last_checkpoint`; None once `timeout` seconds have passed."""
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        path = checkpoint_state.latest_checkpoint(checkpoint_dir)
        if path is not None and path != last_checkpoint:
            return path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Mirrors `tf.train.checkpoints_iterator`: yields each new latest checkpoint as it
    appears; stops after `timeout` without one unless `timeout_fn()` returns False.

    >>> for path in checkpoints_iterator("/tmp/train", timeout=60):
    ...     evaluate(path)
    """
    checkpoint_path = None
    while True:
        new_path = wait_for_new_checkpoint(checkpoint_dir, checkpoint_path, timeout=timeout)
        if new_path:
            start = time.time()
            checkpoint_path = new_path
            yield checkpoint_path
            remaining = start + min_interval_secs - time.time()
            if remaining > 0:
                time.sleep(remaining)
        elif timeout_fn is None:
            _LOG.info("Timed-out waiting for a checkpoint (without timeout_fn).")
            return
        if timeout_fn is not None and timeout_fn():
            _LOG.info("Done. No new checkpoints will be generated.")
            return
