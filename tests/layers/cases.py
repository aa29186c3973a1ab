"""tf.layers scenarios, written once and run with either `tensorflow.compat.v1`
(tools/goldens/layers.py records TensorFlow's graph and numbers) or `ndflow` (tests/layers/
compare against them).

`run_case(tf, case)` builds the case's graph in a fresh Graph, records its structure (variable
names, shapes and collections; op names and types; output shapes), loads fixed weights into
every variable by name, runs the outputs for each feed and, for deterministic cases, the
gradients of `sum(output * r)` with respect to the input and the trainable variables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

# A build may return its layer objects under this key; their properties are recorded too.
LAYERS = "_layers"

COLLECTIONS = (
    "variables",
    "trainable_variables",
    "update_ops",
    "regularization_losses",
    "moving_average_variables",
    "local_variables",
    "model_variables",
)


@dataclasses.dataclass(frozen=True)
class Case:
    """One scenario: `build(tf, x, training)` returns {output name: tensor}."""

    name: str
    build: Callable
    input_shape: tuple
    placeholder_shape: tuple | None = None  # default: batch unknown, the rest static
    trainings: tuple = (None,)  # feeds of the "training" placeholder (None: no placeholder)
    steps: int = 1  # runs of (outputs + UPDATE_OPS) per feed
    grads: bool = True
    random: bool = False  # outputs depend on random ops: values are not compared
    input_dtype: str = "float32"


def _static(case: Case):
    if case.placeholder_shape is not None:
        return list(case.placeholder_shape)
    return [None, *case.input_shape[1:]]


def _weight_value(rng, name, shape):
    if name.endswith("moving_variance"):
        return rng.uniform(0.5, 1.5, size=shape).astype(np.float32)
    return (rng.standard_normal(shape) * 0.5).astype(np.float32)


def _op_records(graph) -> list:
    return [[op.name, op.type] for op in graph.get_operations()]


def _collections(tf, graph) -> dict:
    result = {}
    for key in COLLECTIONS:
        items = graph.get_collection(key)
        result[key] = [getattr(item, "name", str(item)) for item in items]
    return result


def run_case(tf, case: Case, seed: int = 0):
    """(arrays, meta) describing `case` as built and run by `tf`."""
    rng = np.random.default_rng(seed)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)  # deterministic random ops (and their seed attrs compared)
        x = tf.placeholder(case.input_dtype, _static(case), name="x")
        training = None
        if case.trainings != (None,):
            training = tf.placeholder(tf.bool, [], name="training")
        outputs = case.build(tf, x, training)
        layers = outputs.pop(LAYERS, [])
        meta = {
            "ops": _op_records(graph),
            "collections": _collections(tf, graph),
            "variables": [[v.op.name, v.shape.as_list()] for v in tf.global_variables()],
            "outputs": {k: [t.name, _shape_list(t)] for k, t in sorted(outputs.items())},
        }
        meta["layers"] = [_layer_record(layer) for layer in layers]
        meta["random_seeds"] = [
            [op.name, op.get_attr("seed"), op.get_attr("seed2")]
            for op in graph.get_operations()
            if op.type == "RandomUniform"
        ]
        arrays = _run(tf, case, graph, x, training, outputs, rng)
    return arrays, meta


def _layer_record(layer) -> dict:
    def names(items):
        return [item.name for item in items]

    return {
        "name": layer.name,
        "scope_name": layer.scope_name,
        "dtype": layer.dtype,
        "built": layer.built,
        "variables": names(layer.variables),
        "trainable_weights": names(layer.trainable_weights),
        "non_trainable_weights": names(layer.non_trainable_weights),
        "updates": names(layer.updates),
        "losses": names(layer.losses),
    }


def _shape_list(tensor):
    shape = tensor.shape
    return None if shape.ndims is None else shape.as_list()


def _run(tf, case, graph, x, training, outputs, rng) -> dict:
    x_value = rng.standard_normal(case.input_shape).astype(case.input_dtype)
    arrays = {"x": x_value}
    variables = tf.global_variables()
    weights = {v.op.name: _weight_value(rng, v.op.name, v.shape.as_list()) for v in variables}
    arrays.update({f"weight/{name}": value for name, value in weights.items()})
    names = sorted(outputs)
    fetch = [outputs[k] for k in names]
    updates = graph.get_collection("update_ops")
    grad_targets, grad_tensors = [], []
    if case.grads and not case.random:
        loss, grad_targets = _loss_and_targets(tf, case, x, fetch, rng, arrays)
        grad_tensors = tf.gradients(loss, grad_targets) if grad_targets else []
    with tf.Session(graph=graph) as session:
        for feed_index, flag in enumerate(case.trainings):
            session.run(tf.global_variables_initializer())
            for variable in variables:
                variable.load(weights[variable.op.name], session)
            feed = {x: x_value} if training is None else {x: x_value, training: flag}
            for step in range(case.steps):
                values = session.run(fetch + updates, feed)[: len(fetch)]
                tag = f"{feed_index}/{step}"
                arrays.update({f"out/{tag}/{k}": v for k, v in zip(names, values)})
                arrays.update(_variable_values(session, variables, tag))
            if grad_tensors:
                grads = session.run(grad_tensors, feed)
                for target, grad in zip(grad_targets, grads):
                    arrays[f"grad/{feed_index}/{target.op.name}"] = grad
    return arrays


def _variable_values(session, variables, tag) -> dict:
    values = session.run(variables)
    return {f"var/{tag}/{v.op.name}": value for v, value in zip(variables, values)}


def _loss_and_targets(tf, case, x, fetch, rng, arrays):
    terms = []
    for index, tensor in enumerate(fetch):
        if not tensor.dtype.is_floating:
            continue
        probe = rng.standard_normal([d or 1 for d in _probe_shape(case, tensor)])
        arrays[f"probe/{index}"] = probe.astype(np.float32)
        terms.append(tf.reduce_sum(tensor * tf.constant(probe.astype(np.float32))))
    targets = [x] + tf.trainable_variables() if case.input_dtype.startswith("float") else []
    if not terms or not targets:
        return None, []
    return tf.add_n(terms), targets


def _probe_shape(case, tensor):
    shape = tensor.shape.as_list()
    return [case.input_shape[0], *shape[1:]] if shape and shape[0] is None else shape


# ---------------------------------------------------------------------- the scenarios


def _l2(tf):
    return tf.nn.l2_loss


CASES = [
    # Dense
    Case("dense_relu", lambda tf, x, t: {"y": tf.layers.dense(x, 3, tf.nn.relu)}, (4, 5)),
    Case("dense_no_bias", lambda tf, x, t: {"y": tf.layers.dense(x, 2, use_bias=False)}, (3, 4)),
    Case("dense_rank3", lambda tf, x, t: {"y": tf.layers.dense(x, 3, name="proj")}, (2, 5, 4)),
    Case(
        "dense_regularizers",
        lambda tf, x, t: {
            "y": tf.layers.dense(
                x,
                3,
                activation=tf.nn.sigmoid,
                kernel_regularizer=tf.nn.l2_loss,
                bias_regularizer=tf.nn.l2_loss,
                activity_regularizer=tf.nn.l2_loss,
            ),
            "reg": tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)),
        },
        (4, 3),
    ),
    Case(
        "dense_reuse",
        lambda tf, x, t: {
            "a": tf.layers.dense(x, 3, name="shared"),
            "b": tf.layers.dense(x * 2.0, 3, name="shared", reuse=True),
        },
        (2, 4),
    ),
    Case(
        "dense_layer_called_twice",
        lambda tf, x, t: _called_twice(tf.layers.Dense(2, activation=tf.nn.tanh), x),
        (3, 4),
    ),
    Case(
        "dense_not_trainable",
        lambda tf, x, t: {"y": tf.layers.dense(x, 2, trainable=False), "z": x * 1.0},
        (3, 4),
    ),
    Case(
        "dense_in_variable_scope",
        lambda tf, x, t: _in_scope(tf, lambda: tf.layers.dense(x, 2) + tf.layers.dense(x, 2)),
        (3, 4),
    ),
    # Flatten
    Case("flatten", lambda tf, x, t: {"y": tf.layers.flatten(x)}, (2, 3, 4, 5)),
    Case(
        "flatten_channels_first",
        lambda tf, x, t: {"y": tf.layers.flatten(x, data_format="channels_first")},
        (2, 3, 4, 5),
    ),
    Case(
        "flatten_unknown_dims",
        lambda tf, x, t: {"y": tf.layers.flatten(x)},
        (2, 3, 4),
        placeholder_shape=(None, 3, None),
    ),
    Case("flatten_rank1", lambda tf, x, t: {"y": tf.layers.flatten(x)}, (5,)),
    # Dropout
    Case(
        "dropout_inference",
        lambda tf, x, t: {"y": tf.layers.dropout(x, 0.5, training=False)},
        (4, 6),
    ),
    Case(
        "dropout_training",
        lambda tf, x, t: {"y": tf.layers.dropout(x, 0.4, training=True, seed=3)},
        (50, 40),
        random=True,
    ),
    Case(
        "dropout_noise_shape",
        lambda tf, x, t: {"y": tf.layers.dropout(x, 0.5, noise_shape=[None, 1], training=True)},
        (40, 30),
        random=True,
    ),
    Case(
        "dropout_training_tensor",
        lambda tf, x, t: {"y": tf.layers.dropout(x, 0.5, training=t)},
        (30, 20),
        trainings=(False, True),
        random=True,
    ),
]


CONV_CASES = [
    Case(
        "conv2d_valid_relu",
        lambda tf, x, t: {"y": tf.layers.conv2d(x, 4, 3, activation=tf.nn.relu)},
        (2, 7, 6, 3),
    ),
    Case(
        "conv2d_same_strides",
        lambda tf, x, t: {"y": tf.layers.conv2d(x, 3, (3, 2), strides=2, padding="same")},
        (2, 7, 8, 2),
    ),
    Case(
        "conv2d_dilated",
        lambda tf, x, t: {"y": tf.layers.conv2d(x, 2, 3, dilation_rate=2, padding="same")},
        (1, 9, 8, 2),
    ),
    Case(
        "conv2d_valid_dilated_no_bias",
        lambda tf, x, t: {"y": tf.layers.conv2d(x, 2, 2, dilation_rate=(2, 1), use_bias=False)},
        (2, 7, 6, 3),
    ),
    Case(
        "conv2d_layer_class",
        lambda tf, x, t: _called_twice(tf.layers.Conv2D(2, 3, name="c"), x),
        (1, 5, 5, 2),
    ),
    Case("conv1d", lambda tf, x, t: {"y": tf.layers.conv1d(x, 4, 3, strides=2)}, (2, 9, 3)),
    Case(
        "conv1d_causal",
        lambda tf, x, t: {"y": tf.layers.conv1d(x, 2, 3, padding="causal", dilation_rate=2)},
        (2, 8, 3),
    ),
    Case(
        "conv3d", lambda tf, x, t: {"y": tf.layers.conv3d(x, 2, 2, padding="same")}, (1, 4, 5, 3, 2)
    ),
    Case(
        "conv2d_transpose_valid",
        lambda tf, x, t: {"y": tf.layers.conv2d_transpose(x, 3, 3, strides=2)},
        (2, 4, 3, 2),
    ),
    Case(
        "conv2d_transpose_same",
        lambda tf, x, t: {
            "y": tf.layers.conv2d_transpose(x, 2, (3, 2), strides=(2, 1), padding="same")
        },
        (1, 4, 5, 3),
    ),
    Case(
        "conv2d_transpose_unknown_dims",
        lambda tf, x, t: {"y": tf.layers.conv2d_transpose(x, 2, 3, strides=2)},
        (2, 3, 4, 2),
        placeholder_shape=(None, None, None, 2),
    ),
    Case(
        "conv3d_transpose",
        lambda tf, x, t: {"y": tf.layers.conv3d_transpose(x, 2, 2, strides=2, padding="same")},
        (1, 2, 3, 2, 3),
    ),
    Case(
        "separable_conv2d",
        lambda tf, x, t: {"y": tf.layers.separable_conv2d(x, 4, 3, depth_multiplier=2)},
        (2, 6, 5, 3),
    ),
    Case(
        "separable_conv2d_same_strides",
        lambda tf, x, t: {"y": tf.layers.separable_conv2d(x, 2, 3, strides=2, padding="same")},
        (1, 7, 6, 2),
    ),
    Case(
        "separable_conv1d", lambda tf, x, t: {"y": tf.layers.separable_conv1d(x, 4, 3)}, (2, 8, 3)
    ),
]

POOL_CASES = [
    Case("max_pooling2d", lambda tf, x, t: {"y": tf.layers.max_pooling2d(x, 2, 2)}, (2, 6, 7, 3)),
    Case(
        "max_pooling2d_same",
        lambda tf, x, t: {"y": tf.layers.max_pooling2d(x, 3, 2, padding="same")},
        (2, 7, 6, 2),
    ),
    Case(
        "average_pooling2d_same",
        lambda tf, x, t: {"y": tf.layers.average_pooling2d(x, (3, 2), (2, 1), padding="same")},
        (2, 5, 6, 2),
    ),
    Case("max_pooling1d", lambda tf, x, t: {"y": tf.layers.max_pooling1d(x, 3, 2)}, (2, 9, 3)),
    Case(
        "average_pooling1d_same",
        lambda tf, x, t: {"y": tf.layers.average_pooling1d(x, 2, 2, padding="same")},
        (2, 7, 3),
    ),
    Case(
        "max_pooling1d_channels_first",
        lambda tf, x, t: {"y": tf.layers.max_pooling1d(x, 2, 2, data_format="channels_first")},
        (2, 3, 8),
    ),
    Case(
        "max_pooling3d", lambda tf, x, t: {"y": tf.layers.max_pooling3d(x, 2, 2)}, (1, 4, 5, 4, 2)
    ),
    Case(
        "average_pooling3d_same",
        lambda tf, x, t: {"y": tf.layers.average_pooling3d(x, 2, 2, padding="same")},
        (1, 3, 5, 4, 2),
    ),
    Case(
        "average_pooling3d_channels_first",
        lambda tf, x, t: {"y": tf.layers.average_pooling3d(x, 2, 1, data_format="channels_first")},
        (1, 2, 3, 4, 3),
    ),
]

NORM_CASES = [
    Case(
        "batch_norm_fused_training",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, training=True)},
        (4, 3, 2, 5),
        steps=2,
    ),
    Case(
        "batch_norm_fused_inference",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, training=False)},
        (4, 3, 2, 5),
    ),
    Case(
        "batch_norm_fused_training_tensor",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, momentum=0.9, training=t)},
        (3, 2, 2, 4),
        trainings=(True, False),
        steps=2,
    ),
    Case(
        "batch_norm_fused_channels_first",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, axis=1, training=True)},
        (4, 3, 2, 5),
        steps=2,
    ),
    Case(
        "batch_norm_dense_training",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, training=True, epsilon=0.01)},
        (6, 5),
        steps=2,
    ),
    Case(
        "batch_norm_dense_training_tensor",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, training=t)},
        (6, 5),
        trainings=(True, False),
        steps=2,
    ),
    Case(
        "batch_norm_not_fused_4d",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, fused=False, training=True)},
        (4, 3, 2, 5),
        steps=2,
    ),
    Case(
        "batch_norm_axis_1_rank3",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, axis=1, training=True)},
        (5, 3, 4),
        steps=2,
    ),
    Case(
        "batch_norm_no_center_no_scale",
        lambda tf, x, t: {
            "y": tf.layers.batch_normalization(x, center=False, scale=False, training=True)
        },
        (4, 3, 2, 5),
        steps=2,
    ),
    Case(
        "batch_norm_regularized_class",
        lambda tf, x, t: _bn_layer(tf, x),
        (4, 6),
        steps=2,
    ),
    Case(
        "batch_norm_not_trainable",
        lambda tf, x, t: {"y": tf.layers.batch_normalization(x, trainable=False, training=True)},
        (4, 3, 2, 5),
    ),
]


def _bn_layer(tf, x):
    layer = tf.layers.BatchNormalization(
        momentum=0.5, gamma_regularizer=tf.nn.l2_loss, beta_regularizer=tf.nn.l2_loss
    )
    return {"y": layer(x, training=True), LAYERS: [layer]}


def _called_twice(layer, x):
    return {"a": layer(x), "b": layer(x + 1.0), LAYERS: [layer]}


def _in_scope(tf, fn):
    with tf.variable_scope("tower"):
        return {"y": fn()}


ALL_CASES = CASES + CONV_CASES + POOL_CASES + NORM_CASES
CASES_BY_NAME = {case.name: case for case in ALL_CASES}


# ---------------------------------------------------------------------- errors


def _ph(tf, shape, dtype="float32"):
    return tf.placeholder(dtype, shape)


def _twice_with_other_input(tf):
    layer = tf.layers.Dense(2)
    layer(_ph(tf, [None, 4]))
    layer(_ph(tf, [None, 5]))


def _same_name_twice(tf):
    tf.layers.dense(_ph(tf, [None, 4]), 2, name="d")
    tf.layers.dense(_ph(tf, [None, 4]), 2, name="d")


def _scope_name_before_call(tf):
    return tf.layers.Dense(2).scope_name


# Each builds something TF rejects; errors.json records the class and message.
ERROR_CASES = {
    "dense_unknown_last_dim": lambda tf: tf.layers.dense(_ph(tf, [None, None]), 2),
    "dense_rank1": lambda tf: tf.layers.dense(_ph(tf, [4]), 2),
    "dense_int_input": lambda tf: tf.layers.dense(_ph(tf, [None, 4], "int32"), 2),
    "dense_negative_units": lambda tf: tf.layers.Dense(-1),
    "dense_other_input_size": _twice_with_other_input,
    "dense_unknown_kwarg": lambda tf: tf.layers.Dense(2, foo=1),
    "dense_reuse_missing": lambda tf: tf.layers.dense(_ph(tf, [None, 4]), 2, name="n", reuse=True),
    "dense_same_name_twice": _same_name_twice,
    "scope_name_before_call": _scope_name_before_call,
    "dropout_rate_out_of_range": lambda tf: tf.layers.Dropout(1.5),
    "conv2d_rank3_input": lambda tf: tf.layers.conv2d(_ph(tf, [None, 5, 3]), 2, 3),
    "conv2d_unknown_channels": lambda tf: tf.layers.conv2d(_ph(tf, [None, 5, 5, None]), 2, 3),
    "conv2d_bad_kernel_size": lambda tf: tf.layers.Conv2D(2, (3, 3, 3)),
    "conv2d_zero_strides": lambda tf: tf.layers.Conv2D(2, 3, strides=0),
    "conv2d_bad_padding": lambda tf: tf.layers.Conv2D(2, 3, padding="full"),
    "conv2d_bad_data_format": lambda tf: tf.layers.Conv2D(2, 3, data_format="NHWC"),
    "conv2d_strides_and_dilation": lambda tf: tf.layers.Conv2D(2, 3, strides=2, dilation_rate=2),
    "conv2d_causal": lambda tf: tf.layers.Conv2D(2, 3, padding="causal"),
    "conv2d_too_small_input": lambda tf: tf.layers.conv2d(_ph(tf, [None, 2, 2, 3]), 2, 3),
    "max_pooling2d_strides_none": lambda tf: tf.layers.MaxPooling2D(2, None),
    "max_pooling2d_rank3": lambda tf: tf.layers.max_pooling2d(_ph(tf, [None, 4, 3]), 2, 2),
    "batch_norm_fused_rank2": lambda tf: tf.layers.batch_normalization(
        _ph(tf, [None, 4]), fused=True
    ),
    "batch_norm_unknown_axis_dim": lambda tf: tf.layers.batch_normalization(_ph(tf, [None, None])),
    "batch_norm_axis_out_of_range": lambda tf: tf.layers.batch_normalization(
        _ph(tf, [None, 4]), axis=2
    ),
    "batch_norm_fused_bad_axis": lambda tf: tf.layers.batch_normalization(
        _ph(tf, [None, 3, 4, 5]), axis=2, fused=True
    ),
}
