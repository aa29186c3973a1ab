"""`tf.layers.InputSpec` and the input checks a layer runs before it builds and calls, with
Keras's error messages ("Input 0 of layer "dense" is incompatible with the layer: ...")."""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import nest
from ndflow.framework import tensor_shape


class InputSpec:
    """Mirrors `tf.compat.v1.layers.InputSpec`: the rank, dtype and shape a layer accepts.

    Args:
      dtype: the expected dtype.
      shape: the expected shape (None entries are unchecked), batch dimension included.
      ndim: the expected rank.
      max_ndim: the largest accepted rank.
      min_ndim: the smallest accepted rank.
      axes: {axis: size} for the axes whose size is fixed.
      allow_last_axis_squeeze: accept a trailing axis of size 1 more or less.
      name: the key of this input when inputs come as a dict.
      optional: whether the input may be None.

    Raises:
      TypeError: for `axes` that is not a dict with integer keys.
      ValueError: for an axis beyond the rank.

    >>> InputSpec(min_ndim=2, axes={-1: 3})
    InputSpec(min_ndim=2, axes={-1: 3})
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = dtypes.as_dtype(dtype).name if dtype is not None else None
        shape = tensor_shape.TensorShape(shape)
        self.shape = None if shape.rank is None else tuple(shape.as_list())
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.optional = optional
        self.axes = _int_axes(axes)
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim else self.max_ndim) - 1
            if max(self.axes) > max_dim:
                raise ValueError(
                    f"Axis {max(self.axes)} is greater than the maximum allowed value: {max_dim}"
                )

    def __repr__(self) -> str:
        spec = [
            f"dtype={self.dtype}" if self.dtype else "",
            f"shape={self.shape}" if self.shape else "",
            f"ndim={self.ndim}" if self.ndim else "",
            f"max_ndim={self.max_ndim}" if self.max_ndim else "",
            f"min_ndim={self.min_ndim}" if self.min_ndim else "",
            f"axes={self.axes}" if self.axes else "",
        ]
        return f"InputSpec({', '.join(x for x in spec if x)})"

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _int_axes(axes) -> dict:
    axes = axes or {}
    try:
        return {int(k): axes[k] for k in axes}
    except (ValueError, TypeError) as error:
        raise TypeError(
            f"Argument `axes` must be a dict with integer keys. Received: axes={axes}"
        ) from error


def _display_shape(shape) -> str:
    return str(tuple(shape.as_list()))


def _prefix(index, layer_name) -> str:
    return f'Input {index} of layer "{layer_name}" is incompatible with the layer: '


def assert_input_compatibility(input_spec, inputs, layer_name) -> None:
    """Raises Keras's ValueError/TypeError when `inputs` do not fit `input_spec`.

    >>> assert_input_compatibility(InputSpec(ndim=2), placeholder(float32, [1, 2]), "d")
    """
    if not input_spec:
        return
    specs = nest.flatten(input_spec)
    inputs = _inputs_by_name(specs, inputs)
    for spec, x in zip(specs, inputs):
        if spec is None or (x is None and spec.optional):
            continue
        if not hasattr(x, "shape"):
            raise TypeError(
                f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as input "
                f"for layer '{layer_name}'."
            )
    if len(inputs) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
            f"{len(inputs)} input tensors. Inputs received: {inputs}"
        )
    for index, (x, spec) in enumerate(zip(inputs, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        if tensor_shape.TensorShape(x.shape).rank is None:
            return
        _check_one(index, x, spec, layer_name)


def _inputs_by_name(specs, inputs) -> list:
    if not isinstance(inputs, dict):
        return nest.flatten(inputs)
    names = [spec.name for spec in specs]
    if not all(names):
        return nest.flatten(inputs)
    for name in names:
        if name not in inputs:
            raise ValueError(
                f'Missing data for input "{name}". You passed a data dictionary with keys '
                f"{list(inputs.keys())}. Expected the following keys: {names}"
            )
    return [inputs[name] for name in names]


def _check_one(index, x, spec, layer_name) -> None:
    shape = tensor_shape.TensorShape(x.shape)
    _check_rank(index, shape, spec, layer_name)
    if spec.dtype is not None and x.dtype.name != spec.dtype:
        raise ValueError(
            _prefix(index, layer_name) + f"expected dtype={spec.dtype}, found dtype={x.dtype}"
        )
    dims = shape.as_list()
    for axis, value in spec.axes.items():
        value = getattr(value, "value", value)
        if value is not None and dims[int(axis)] not in {value, None}:
            raise ValueError(
                _prefix(index, layer_name) + f"expected axis {axis} of input shape to have "
                f"value {value}, but received input with shape {_display_shape(shape)}"
            )
    if spec.shape is not None:
        _check_shape(index, dims, shape, spec, layer_name)


def _check_rank(index, shape, spec, layer_name) -> None:
    ndim = shape.rank
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ValueError(
            _prefix(index, layer_name) + f"expected ndim={spec.ndim}, found ndim={ndim}. "
            f"Full shape received: {tuple(shape)}"
        )
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(
            _prefix(index, layer_name) + f"expected max_ndim={spec.max_ndim}, found ndim={ndim}"
        )
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(
            _prefix(index, layer_name) + f"expected min_ndim={spec.min_ndim}, found "
            f"ndim={ndim}. Full shape received: {tuple(shape)}"
        )


def _check_shape(index, dims, shape, spec, layer_name) -> None:
    spec_shape = spec.shape
    if spec.allow_last_axis_squeeze:
        if dims and dims[-1] == 1:
            dims = dims[:-1]
        if spec_shape and spec_shape[-1] == 1:
            spec_shape = spec_shape[:-1]
    for spec_dim, dim in zip(spec_shape, dims):
        if spec_dim is not None and dim is not None and spec_dim != dim:
            raise ValueError(
                _prefix(index, layer_name) + f"expected shape={spec.shape}, found "
                f"shape={_display_shape(shape)}"
            )
