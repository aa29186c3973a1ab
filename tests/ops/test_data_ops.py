"""One row per tf.data op (OP_SPECS): each builds a small pipeline around the op on the
input tensor, drains it into one tensor and compares with a NumPy reference. The
pipelines' behaviour against real TensorFlow is in tests/data/."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

I64 = tf.int64
F32 = tf.float32
NOT_DIFF = "a dataset op (TF declares it not differentiable)"
Dataset = tf.data.Dataset


def _drain(dataset):
    """All elements of `dataset` (one tensor each) stacked into one tensor; a dataset of
    scalars may be empty."""
    spec = dataset.element_spec
    if spec.shape.rank != 0:
        return dataset.batch(1000).get_single_element()
    empty = tf.zeros([0], spec.dtype)
    return dataset.reduce(empty, lambda acc, v: tf.concat([acc, [v]], 0))


def _slices(x):
    return Dataset.from_tensor_slices(x)


def _row(
    op_type,
    builder,
    reference,
    shapes=((6,),),
    dtypes=(I64,),
    shape_cases=(),
    domain="any",
    **kwargs,
):
    return OpSpec(
        op_type,
        builder,
        reference,
        list(shapes),
        list(dtypes),
        domain,
        shape_cases=list(shape_cases),
        grad=NOT_DIFF,
        **kwargs,
    )


def _vector_case(expected=(None,)):
    return [ShapeCase([([None], I64)], expected=list(expected))]


def _pass_through(op_type, inputs=(), **attrs):
    def build(x):
        dataset = _slices(x)
        flat = tf.data.get_output_types(dataset)
        variant = op_builder.apply_op(
            op_type,
            dataset._variant_tensor,
            *inputs,
            output_types=[flat],
            output_shapes=[tf.TensorShape([])],
            **attrs,
        )
        return _drain(Dataset(variant, dataset.element_spec))

    return build


def _iterator_next(x):
    # A one-shot iterator cannot capture the placeholder: its dataset is a constant.
    iterator = Dataset.from_tensors(tf.constant([1, 2, 3], tf.int64)).make_one_shot_iterator()
    return iterator.get_next() + x


def _initializable_next(x):
    iterator = Dataset.from_tensors(x).make_initializable_iterator()
    with tf.control_dependencies([iterator.initializer]):
        return tf.identity(iterator.get_next())


def _feedable_next(x):
    iterator = Dataset.from_tensors(x).make_initializable_iterator()
    feedable = tf.data.Iterator.from_string_handle(
        iterator.string_handle(), tf.int64, tf.TensorShape([None])
    )
    with tf.control_dependencies([iterator.initializer]):
        return tf.identity(feedable.get_next())


def _optional_next(x):
    iterator = Dataset.from_tensors(x).make_initializable_iterator()
    optional = tf.data.experimental.get_next_as_optional(iterator)
    with tf.control_dependencies([iterator.initializer]):
        return tf.identity(optional.get_value())


def _generator_rows(x):
    def gen(values):
        yield from values

    return _drain(Dataset.from_generator(gen, tf.int64, tf.TensorShape([]), args=(x,)))


def _sparse_slices(x):
    sparse = tf.SparseTensor(indices=[[0, 0], [2, 1]], values=x[:2], dense_shape=[3, 2])
    batched = _slices(sparse).batch(10).get_single_element()
    return tf.sparse_to_dense(batched.indices, batched.dense_shape, batched.values)


def _window_rows(x):
    return _drain(_slices(x).window(2).flat_map(lambda w: w.batch(2)).map(tf.reduce_sum))


def _group_by_parity(x):
    grouped = _slices(x).group_by_window(
        lambda v: tf.math.floormod(v, 2), lambda key, w: w.batch(100), window_size=100
    )
    return _drain(grouped.unbatch())


def _group_reference(x):
    return np.concatenate([x[x % 2 == 0], x[x % 2 == 1]])


OP_SPECS = [
    _row(
        "TensorSliceDataset",
        lambda x: _drain(_slices(x)),
        lambda x: x,
        shapes=[(4, 3)],
        dtypes=[F32],
        shape_cases=[ShapeCase([[None, 3]], expected=[None, 3])],
    ),
    _row(
        "TensorDataset",
        lambda x: Dataset.from_tensors(x).get_single_element(),
        lambda x: x,
        shapes=[(2, 3)],
        dtypes=[F32],
        shape_cases=[ShapeCase([[None, 3]], expected=[None, 3])],
    ),
    _row(
        "RangeDataset",
        lambda n: _drain(Dataset.range(n)),
        lambda n: np.arange(n),
        shapes=[()],
        domain="positive",
        shape_cases=_vector_case(),
    ),
    _row(
        "MapDataset",
        lambda x: _drain(_slices(x).map(lambda v: v * 2)),
        lambda x: x * 2,
        shape_cases=_vector_case(),
    ),
    _row(
        "ParallelMapDatasetV2",
        lambda x: _drain(_slices(x).map(lambda v: v + 1, num_parallel_calls=2)),
        lambda x: x + 1,
        shape_cases=_vector_case(),
    ),
    _row(
        "BatchDatasetV2",
        lambda x: _slices(x).batch(4).get_single_element(),
        lambda x: x,
        shapes=[(4, 2)],
        dtypes=[F32],
        shape_cases=[ShapeCase([[None, 2]], expected=[None, 2])],
    ),
    _row(
        "PaddedBatchDatasetV2",
        lambda x: _slices(x).map(lambda v: tf.fill([v], v)).padded_batch(10).get_single_element(),
        lambda x: np.array([[v] * v + [0] * (x.max() - v) for v in x]),
        shapes=[(5,)],
        domain="positive",
        shape_cases=[ShapeCase([([None], I64)], expected=[None, None])],
    ),
    _row(
        "UnbatchDataset",
        lambda x: _drain(Dataset.from_tensors(x).unbatch()),
        lambda x: x,
        shapes=[(3, 2)],
        dtypes=[F32],
        shape_cases=[ShapeCase([[None, 2]], expected=[None, 2])],
    ),
    _row(
        "RepeatDataset",
        lambda x: _drain(_slices(x).repeat(3)),
        lambda x: np.tile(x, 3),
        shape_cases=_vector_case(),
    ),
    _row(
        "FilterDataset",
        lambda x: _drain(_slices(x).filter(lambda v: v > 0)),
        lambda x: x[x > 0],
        shapes=[(12,)],
        shape_cases=_vector_case(),
    ),
    _row(
        "TakeDataset",
        lambda x: _drain(_slices(x).take(4)),
        lambda x: x[:4],
        shape_cases=_vector_case(),
    ),
    _row(
        "SkipDataset",
        lambda x: _drain(_slices(x).skip(4)),
        lambda x: x[4:],
        shape_cases=_vector_case(),
    ),
    _row(
        "ShardDataset",
        lambda x: _drain(_slices(x).shard(3, 2)),
        lambda x: x[2::3],
        shapes=[(10,)],
        shape_cases=_vector_case(),
    ),
    _row(
        "TakeWhileDataset",
        lambda x: _drain(_slices(x).take_while(lambda v: v < 5)),
        lambda x: x[: np.argmax(x >= 5)] if (x >= 5).any() else x,
        shapes=[(8,)],
        shape_cases=_vector_case(),
    ),
    _row(
        "UniqueDataset",
        lambda x: _drain(_slices(x).unique()),
        lambda x: np.array(list(dict.fromkeys(x.tolist())), np.int64),
        shapes=[(12,)],
        shape_cases=_vector_case(),
    ),
    _row(
        "ShuffleDataset",
        lambda x: tf.reduce_sum(_drain(_slices(x).shuffle(4, seed=1))),
        lambda x: np.sum(x),
        shapes=[(9,)],
        shape_cases=[ShapeCase([([None], I64)], expected=[])],
    ),
    _row(
        "PrefetchDataset",
        lambda x: _drain(_slices(x).prefetch(2)),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row(
        "IgnoreErrorsDataset",
        lambda x: _drain(_slices(x).ignore_errors()),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row(
        "ZipDataset",
        lambda x: _drain(Dataset.zip((_slices(x), _slices(x * 10))).map(lambda a, b: b)),
        lambda x: x * 10,
        shape_cases=_vector_case(),
    ),
    _row(
        "ConcatenateDataset",
        lambda x: _drain(_slices(x).concatenate(_slices(x[:2]))),
        lambda x: np.concatenate([x, x[:2]]),
        shape_cases=_vector_case(),
    ),
    _row(
        "FlatMapDataset",
        lambda x: _drain(_slices(x).flat_map(lambda v: Dataset.from_tensors(v).repeat(2))),
        lambda x: np.repeat(x, 2),
        shape_cases=_vector_case(),
    ),
    _row(
        "InterleaveDataset",
        lambda x: _drain(
            _slices(x).interleave(lambda v: Dataset.from_tensors(v).repeat(2), cycle_length=2)
        ),
        lambda x: np.concatenate(
            [
                np.repeat(x[i : i + 2], 1).repeat(1).reshape(-1, 1).repeat(2, 1).T.reshape(-1)
                for i in range(0, len(x), 2)
            ]
        ),
        shape_cases=_vector_case(),
    ),
    _row(
        "ParallelInterleaveDatasetV4",
        lambda x: _drain(
            _slices(x).interleave(
                lambda v: Dataset.from_tensors(v).repeat(2), cycle_length=1, num_parallel_calls=2
            )
        ),
        lambda x: np.repeat(x, 2),
        shape_cases=_vector_case(),
    ),
    _row(
        "WindowDataset",
        _window_rows,
        lambda x: x.reshape(-1, 2).sum(axis=1),
        shape_cases=_vector_case(),
    ),
    _row(
        "GroupByWindowDataset",
        _group_by_parity,
        _group_reference,
        shapes=[(9,)],
        shape_cases=_vector_case(),
    ),
    _row(
        "ReduceDataset",
        lambda x: _slices(x).reduce(np.int64(0), lambda s, v: s + v),
        lambda x: np.sum(x),
        shape_cases=[ShapeCase([([None], I64)], expected=[])],
    ),
    _row(
        "ScanDataset",
        lambda x: _drain(_slices(x).scan(np.int64(0), lambda s, v: (s + v, s + v))),
        lambda x: np.cumsum(x),
        shape_cases=_vector_case(),
    ),
    _row("GeneratorDataset", _generator_rows, lambda x: x, shape_cases=_vector_case()),
    _row(
        "DirectedInterleaveDataset",
        lambda x: _drain(
            tf.data.experimental.choose_from_datasets(
                [_slices(x), _slices(-x)], Dataset.range(2).repeat(3)
            )
        ),
        lambda x: np.stack([x[:3], -x[:3]], 1).reshape(-1),
        shape_cases=_vector_case(),
    ),
    _row(
        "RandomDataset",
        lambda x: tf.size(_drain(tf.data.experimental.RandomDataset(seed=1).take(x))),
        lambda x: np.int32(x),
        shapes=[()],
        domain="positive",
        shape_cases=[ShapeCase([([], I64)], expected=[])],
    ),
    _row(
        "AssertCardinalityDataset",
        lambda x: _drain(_slices(x).apply(tf.data.experimental.assert_cardinality(6))),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row(
        "DatasetCardinality",
        lambda x: _slices(x).batch(4).cardinality(),
        lambda x: np.int64(-(-len(x) // 4)),
        shapes=[(10,)],
        shape_cases=[ShapeCase([([None], I64)], expected=[])],
    ),
    _row(
        "DatasetToSingleElement",
        lambda x: Dataset.from_tensors(x).get_single_element(),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row(
        "SerializeSparse",
        _sparse_slices,
        lambda x: np.array([[x[0], 0], [0, 0], [0, x[1]]]),
        shapes=[(2,)],
        shape_cases=[ShapeCase([([None], I64)], expected=[None, None])],
    ),
    _row(
        "DeserializeSparse",
        _sparse_slices,
        lambda x: np.array([[x[0], 0], [0, 0], [0, x[1]]]),
        shapes=[(2,)],
        shape_cases=[ShapeCase([([None], I64)], expected=[None, None])],
    ),
    _row("IteratorV2", _initializable_next, lambda x: x, shape_cases=_vector_case()),
    _row("MakeIterator", _initializable_next, lambda x: x, shape_cases=_vector_case()),
    _row(
        "IteratorGetNext",
        _iterator_next,
        lambda x: x + [1, 2, 3],
        shapes=[(3,)],
        shape_cases=[ShapeCase([([None], I64)], expected=[3])],
    ),
    _row(
        "OneShotIterator",
        _iterator_next,
        lambda x: x + [1, 2, 3],
        shapes=[(3,)],
        shape_cases=[ShapeCase([([None], I64)], expected=[3])],
    ),
    _row("IteratorToStringHandle", _feedable_next, lambda x: x, shape_cases=_vector_case()),
    _row("IteratorFromStringHandleV2", _feedable_next, lambda x: x, shape_cases=_vector_case()),
    _row("IteratorGetNextAsOptional", _optional_next, lambda x: x, shape_cases=_vector_case()),
    _row(
        "OptionsDataset",
        _pass_through("OptionsDataset", serialized_options=b""),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row("ModelDataset", _pass_through("ModelDataset"), lambda x: x, shape_cases=_vector_case()),
    _row(
        "OptimizeDatasetV2",
        _pass_through("OptimizeDatasetV2", inputs=[[], [], []]),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row(
        "MaxIntraOpParallelismDataset",
        _pass_through("MaxIntraOpParallelismDataset", inputs=[np.int64(1)]),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row(
        "PrivateThreadPoolDataset",
        _pass_through("PrivateThreadPoolDataset", inputs=[np.int64(2)]),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
    _row(
        "RewriteDataset",
        _pass_through("RewriteDataset", inputs=["replicate_on_split"]),
        lambda x: x,
        shape_cases=_vector_case(),
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)
