"""`tf.layers.Layer`: the TF1 layer base (TF's legacy `tf.compat.v1.layers.Layer` on the Keras
V1 layer engine), with TF's variable and op naming.

A layer gets a unique Python name ("dense_1", "dense_2"... per graph, as Keras counts) and, on
its first call, a variable scope ("dense", "dense_1"... as `variable_scope(default_name=...)`
uniquifies). Its variables are made by `tf.get_variable` inside that scope, so they are named
exactly as in TF ("dense/kernel", "batch_normalization/moving_mean"); its ops go under the
scope's original name scope ("dense/MatMul", "dense/BiasAdd"). Calling the layer again, or a
layer made with `_reuse=True`/`reuse=True`, reuses the variables. Weight regularizer losses
and activity regularizer losses join `GraphKeys.REGULARIZATION_LOSSES`; `layer.updates` join
`GraphKeys.UPDATE_OPS` after each call.
"""

from __future__ import annotations

import inspect
import re
import weakref
from collections import defaultdict

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.layers import arguments
from ndflow.layers import input_spec as input_spec_lib
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import state
from ndflow.ops import variable_scope as vs

GraphKeys = graph_lib.GraphKeys
InputSpec = input_spec_lib.InputSpec

# Per graph, how many layers took each base name (Keras's PER_GRAPH_OBJECT_NAME_UIDS).
_LAYER_NAME_UIDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_ALLOWED_KWARGS = frozenset({"activity_regularizer", "autocast", "input_shape", "input_dim"})


def to_snake_case(name: str) -> str:
    """Keras's class-name-to-layer-name rule: "Conv2DTranspose" -> "conv2d_transpose"."""
    intermediate = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def unique_layer_name(base_name: str) -> str:
    """`base_name_N` with N counting the layers of that base name in the default graph."""
    graph = graph_lib.get_default_graph()
    counts = _LAYER_NAME_UIDS.setdefault(graph, defaultdict(int))
    counts[base_name] += 1
    return f"{base_name}_{counts[base_name]}"


def _add_elements_to_collection(elements, collection_key) -> None:
    collection = graph_lib.get_collection_ref(collection_key)
    present = {id(item) for item in collection}
    for element in nest.flatten(elements):
        if id(element) not in present:
            collection.append(element)
            present.add(id(element))


def _accepts_arg(fn, name: str) -> bool:
    return name in inspect.signature(fn).parameters


def _convert_inputs(inputs):
    """Keras converts NumPy arrays and Python numbers given as inputs to tensors."""

    def convert(x):
        if isinstance(x, (int, float)) or type(x).__module__ == "numpy":
            return op_builder.convert_to_tensor(x)
        return x

    return nest.map_structure(convert, inputs)


class Layer:
    """Mirrors `tf.compat.v1.layers.Layer`: the base of the tf.layers classes.

    Subclasses create their variables in `build(input_shape)` with `add_weight` and compute
    in `call(inputs, ...)`; `__call__` builds once, opens the layer's scopes and calls.

    Args:
      trainable: whether the layer's variables join TRAINABLE_VARIABLES.
      name: the layer's name; also the name of its variable scope.
      dtype: the dtype of its variables (default: the first input's dtype).
      activity_regularizer: a function of each output whose value (divided by the batch
        size) joins REGULARIZATION_LOSSES.

    Raises:
      TypeError: for an unknown keyword argument.

    >>> layer = Dense(3)
    >>> y = layer(x)
    >>> [v.name for v in layer.variables]
    ['dense/kernel:0', 'dense/bias:0']
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        for kwarg in kwargs:
            if kwarg not in _ALLOWED_KWARGS:
                raise TypeError("Keyword argument not understood:", kwarg)
        self._trainable = trainable
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
        self._activity_regularizer = kwargs.get("activity_regularizer")
        self._trainable_weights: list = []
        self._non_trainable_weights: list = []
        self._updates: list = []
        self._losses: list = []
        self._callable_losses: list = []
        self._input_spec = None
        self.built = False
        self._init_set_name(name)
        self._current_scope = None
        self._always_reuse_variable_scope = None
        self._scope = None
        if scope:
            with vs.variable_scope(scope) as captured_scope:
                self._scope = captured_scope

    def _init_set_name(self, name) -> None:
        if isinstance(name, vs.VariableScope):
            self._base_name = name.name
            self._name = unique_layer_name(to_snake_case(type(self).__name__))
            return
        self._base_name = name
        self._name = name
        if not name:
            self._base_name = to_snake_case(type(self).__name__)
            self._name = unique_layer_name(self._base_name)

    # ------------------------------------------------------------------ properties

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self):
        """The variables' dtype name ("float32"), or None until the first input sets it."""
        return None if self._dtype is None else self._dtype.name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value) -> None:
        self._trainable = value

    @property
    def activity_regularizer(self):
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, regularizer) -> None:
        self._activity_regularizer = regularizer

    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value) -> None:
        for spec in nest.flatten(value):
            if spec is not None and not isinstance(spec, InputSpec):
                raise TypeError(f"Layer input_spec must be an instance of InputSpec. Got: {spec}")
        self._input_spec = value

    @property
    def scope_name(self) -> str:
        if not self._scope:
            raise ValueError(
                f'No name available for layer scope because the layer "{self._name}" has not '
                "been used yet. The scope name  is determined the first time the layer "
                "instance is called. You must therefore call the layer before querying "
                "`scope_name`."
            )
        return self._scope.name

    @property
    def trainable_weights(self) -> list:
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self) -> list:
        """The trainable weights, then the non-trainable ones."""
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def updates(self) -> list:
        """The update ops (e.g. moving averages); none when the layer is not trainable."""
        return list(self._updates) if self.trainable else []

    @property
    def losses(self) -> list:
        """The layer's losses: activity-regularizer tensors, then the weight regularizers,
        re-evaluated (new tensors) at each read as TF does."""
        collected = list(self._losses)
        for regularizer in self._callable_losses:
            loss = _loss_tensor(regularizer())
            if loss is not None:
                collected.append(loss)
        return collected

    def count_params(self) -> int:
        """The number of scalars in the layer's weights (the layer must be built)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name}, but the layer isn't "
                "built. You can build it manually via: "
                f"`{self.name}.build(batch_input_shape)`."
            )
        return sum(int(w.shape.num_elements()) for w in self.weights)

    # ------------------------------------------------------------------ building blocks

    def build(self, input_shape) -> None:
        """Creates the variables; the base class only marks the layer built."""
        self._build_input_shape = input_shape
        self.built = True

    def call(self, inputs, **kwargs):
        """The computation; the base class returns its inputs."""
        return inputs

    def compute_output_shape(self, input_shape):
        raise NotImplementedError(
            f"Please run in eager mode or implement the compute_output_shape method on your "
            f"layer ({type(self).__name__})."
        )

    def add_loss(self, losses, inputs=None) -> None:
        """Adds loss tensors, or zero-argument callables making them (weight regularizers),
        to the layer; each new loss tensor also joins REGULARIZATION_LOSSES.

        As in TF, a callable is run now (its tensor joins the collection) and again at each
        read of `losses`, which therefore builds fresh tensors for it.
        """
        del inputs  # TF tracks conditional losses for Keras models only
        new_losses = []
        for loss in nest.flatten(losses):
            if callable(loss):
                self._callable_losses.append(loss)
                loss = _loss_tensor(loss())
            elif loss is not None:
                loss = _loss_tensor(loss)
                self._losses.append(loss)
            if loss is not None:
                new_losses.append(loss)
        _add_elements_to_collection(new_losses, GraphKeys.REGULARIZATION_LOSSES)

    def add_update(self, updates) -> None:
        """Adds update ops (or tensors, or zero-argument callables making them)."""
        for update in nest.flatten(updates):
            if callable(update):
                update = update()
            if not isinstance(update, graph_lib.Operation) and hasattr(update, "op"):
                update = update.op
            self._updates.append(update)

    def add_weight(
        self,
        name,
        shape,
        dtype=None,
        initializer=None,
        regularizer=None,
        trainable=None,
        constraint=None,
        use_resource=None,
        synchronization=vs.VariableSynchronization.AUTO,
        aggregation=vs.VariableAggregation.NONE,
        partitioner=None,
        **kwargs,
    ):
        """Gets or creates the variable `<layer scope>/<name>` with `tf.get_variable`.

        Args:
          name: the variable's name in the layer's scope ("kernel").
          shape: its shape.
          dtype: its dtype (default: the layer's, else float32).
          initializer: an initializer (default: the scope's, else glorot_uniform for floats
            and zeros for integers).
          regularizer: a function of the variable; its loss (built in
            "<layer>/<name>/Regularizer") joins the layer's losses and REGULARIZATION_LOSSES,
            once, when the variable is created.
          trainable: default True (False for ON_READ synchronization); ANDed with the
            layer's `trainable`.
          constraint: a projection applied by optimizers after updates.
          use_resource: True for a resource variable.
          synchronization, aggregation: as for `tf.get_variable`.
          partitioner: passed to `tf.get_variable`.

        Returns:
          The variable.

        Raises:
          TypeError: for an unknown keyword argument.
          ValueError: for trainable=True with ON_READ synchronization.
        """
        for kwarg in kwargs:
            if kwarg != "experimental_autocast":
                raise TypeError("Unknown keyword argument:", kwarg)
        trainable = _weight_trainable(trainable, synchronization)
        existing = {id(v) for v in state.global_variables()}
        dtype = dtypes.as_dtype(dtype or self._dtype or dtypes.float32)
        self._set_scope(None)
        reuse = self.built or self._reuse
        prev_len_trainable = len(self._trainable_weights)
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with graph_lib.name_scope(self._name_scope()):
                if initializer is None:
                    initializer = scope.initializer
                initializer = arguments.get_initializer(initializer)
                if initializer is None:
                    initializer = arguments.default_initializer(name, dtype, self.name)
                variable = vs.get_variable(
                    name,
                    shape=shape,
                    dtype=dtype,
                    initializer=initializer,
                    trainable=trainable and self.trainable,
                    constraint=constraint,
                    partitioner=partitioner,
                    use_resource=use_resource or scope.use_resource,
                    synchronization=synchronization,
                    aggregation=aggregation,
                )
                self._track_weight(variable, trainable and self.trainable, prev_len_trainable)
                if regularizer and id(variable) not in existing:
                    self._handle_weight_regularization(name, variable, regularizer)
        return variable

    def _track_weight(self, variable, trainable, prev_len_trainable) -> None:
        if trainable:
            self._trainable_weights.append(variable)
        else:
            self._non_trainable_weights.append(variable)
        trainable_ids = {id(v) for v in state.trainable_variables()}
        if trainable and id(variable) not in trainable_ids:
            # A custom getter or a scope overrode `trainable`: TF moves the new weights.
            extra = self._trainable_weights[prev_len_trainable:]
            del self._trainable_weights[prev_len_trainable:]
            self._non_trainable_weights.extend(extra)

    def _handle_weight_regularization(self, name, variable, regularizer) -> None:
        def loss_for_variable():
            with graph_lib.name_scope(name + "/Regularizer"):
                return regularizer(variable)

        self.add_loss(loss_for_variable)

    def _handle_activity_regularization(self, inputs, outputs) -> None:
        if not self._activity_regularizer:
            return
        with graph_lib.name_scope("ActivityRegularizer"):
            for output in nest.flatten(outputs):
                activity_loss = op_builder.convert_to_tensor(self._activity_regularizer(output))
                batch_size = math.cast(array.shape(output)[0], activity_loss.dtype)
                # Dividing by the batch size makes the strength batch-agnostic (Keras's rule).
                self.add_loss(activity_loss / batch_size, inputs=inputs)

    # ------------------------------------------------------------------ scopes and calls

    def _name_scope(self) -> str:
        return self._current_scope.original_name_scope

    def _set_scope(self, scope=None) -> None:
        if self._scope is not None:
            return
        if self._reuse:
            with vs.variable_scope(scope if scope is not None else self._base_name) as captured:
                self._scope = captured
            return
        with vs.variable_scope(scope, default_name=self._base_name) as captured:
            self._scope = captured

    def __call__(self, inputs, *args, **kwargs):
        """Builds the layer on its first call, then applies `call` under the layer's scopes.

        Args:
          inputs: the input tensor(s).
          *args, **kwargs: passed to `call` (e.g. `training=`); `scope=` names the variable
            scope on the first call.

        Returns:
          The output tensor(s).

        Raises:
          ValueError: when the inputs do not match `input_spec`, or `call` returns None.
        """
        scope = kwargs.pop("scope", None)
        self._set_scope(scope)
        if self.built:
            if self._always_reuse_variable_scope is None:
                self._always_reuse_variable_scope = vs.variable_scope(
                    self._scope, reuse=True, auxiliary_name_scope=False
                )
            scope_context = self._always_reuse_variable_scope
        else:
            scope_context = vs.variable_scope(
                self._scope, reuse=self._reuse, auxiliary_name_scope=False
            )
        with scope_context as current_scope:
            self._current_scope = current_scope
            if _accepts_arg(self.call, "scope"):
                kwargs["scope"] = current_scope
            outputs = self._call_in_scope(inputs, *args, **kwargs)
        _add_elements_to_collection(self.updates, GraphKeys.UPDATE_OPS)
        return outputs

    def apply(self, inputs, *args, **kwargs):
        """The deprecated alias of `__call__`."""
        return self.__call__(inputs, *args, **kwargs)

    def _call_in_scope(self, inputs, *args, **kwargs):
        inputs = _convert_inputs(inputs)
        if "training" in kwargs and not _accepts_arg(self.call, "training"):
            kwargs.pop("training")
        input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
        with graph_lib.name_scope(self._name_scope()):
            self._maybe_build(inputs)
            outputs = self.call(inputs, *args, **kwargs)
            if outputs is None:
                raise ValueError(
                    "A layer's `call` method should return a Tensor or a list of Tensors, not "
                    f"None (layer: {self.name})."
                )
            self._handle_activity_regularization(inputs, outputs)
        return outputs

    def _maybe_build(self, inputs) -> None:
        if self.built:
            return
        input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
        input_list = nest.flatten(inputs)
        if input_list and self._dtype is None and hasattr(input_list[0], "dtype"):
            self._dtype = input_list[0].dtype.base_dtype
        input_shapes = nest.map_structure(_shape_of, inputs)
        self.build(input_shapes)
        Layer.build(self, input_shapes)


def _loss_tensor(loss):
    if loss is None or isinstance(loss, graph_lib.Tensor):
        return loss
    return op_builder.convert_to_tensor(loss, dtype=dtypes.float32)


def _shape_of(x):
    return tensor_shape.TensorShape(x.shape) if hasattr(x, "shape") else None


def _weight_trainable(trainable, synchronization) -> bool:
    if synchronization == vs.VariableSynchronization.ON_READ:
        if trainable:
            raise ValueError(
                "Synchronization value can be set to VariableSynchronization.ON_READ only for "
                "non-trainable variables. You have specified trainable=True and "
                "synchronization=VariableSynchronization.ON_READ."
            )
        return False
    return True if trainable is None else trainable


def build_and_call(layer_class, args: dict, scoped: bool = True, **call_kwargs):
    """The body of a functional form (`tf.layers.conv2d`...): makes a `layer_class` from the
    function's arguments and calls it on `inputs`. With `scoped`, `name` also fixes the
    variable scope (TF's `_scope=name`) and `reuse` is the layer's reuse flag."""
    args = dict(args)
    inputs = args.pop("inputs")
    reuse = args.pop("reuse", None)
    if scoped:
        args.update(_scope=args.get("name"), _reuse=reuse)
    return layer_class(**args)(inputs, **call_kwargs)
