"""Golden cases for the TF1 summary ops, recorded from real TensorFlow.

Each case is a snippet of builder code run with `tf` (tf.compat.v1) and one placeholder per
named input (static shape, fed with the stored value); it sets `out` to a summary Tensor or
a list of them. Recorded: the serialized Summary outputs (out0, out1, ...), the GraphDef
(`graph_def`, to compare node names, ops, inputs and attrs), or TF's error class and message
at build or run time.
"""

from __future__ import annotations

import re

import numpy as np

F32, F64, F16, I32, I64, U8 = np.float32, np.float64, np.float16, np.int32, np.int64, np.uint8
_RNG = np.random.default_rng(0)


def _s(values):
    """A string array ('S' dtype: how the golden files store strings)."""
    return np.array(
        [v.encode() if isinstance(v, str) else v for v in np.ravel(values)], dtype="S"
    ).reshape(np.shape(values))


def _f32(*shape, low=-1.0, high=1.0):
    return _RNG.uniform(low, high, shape).astype(F32)


def _with_nonfinite(image):
    image = image.copy()
    image[0, 0, 0, 0] = np.nan
    image[0, 1, 1, -1] = np.inf
    image[-1, -1, -1, 0] = -np.inf
    return image


_TINY = np.array([0.0, -0.0, 1e-12, -1e-12, 1e-13, -5e-13, 1.1e-12, 2.5e-12], F64)
_HUGE = np.array([1e19, 1e20, 1e25, -1e30, 1e300, -1e300, 3.0], F64)
_AUDIO_HALVES = ((np.arange(-6, 6) + 0.5) / 32768).astype(F32).reshape(1, 12)
_AUDIO_ODD = np.array([[np.nan, np.inf, -np.inf, 1.0, -1.0, 1.5, -1.5, 0.99999]], F32)
_CURVE = np.sin(np.linspace(0, 20, 100)).astype(F32).reshape(2, 50) * F32(1.2)
_SCALAR = F32(0.375)

# fmt: off
# The case tables stay one case per line or two (ruff format would triple their length).
SCALAR_CASES = [
    ("scalar_float", "out = tf.summary.scalar('loss', x)", {"x": _SCALAR}),
    ("scalar_double", "out = tf.summary.scalar('loss', x)", {"x": F64(1 / 3)}),
    ("scalar_half", "out = tf.summary.scalar('loss', x)", {"x": F16(0.1)}),
    ("scalar_int64_rounding", "out = tf.summary.scalar('steps', x)", {"x": I64(2**40 + 1)}),
    ("scalar_int8", "out = tf.summary.scalar('n', tf.cast(x, tf.int8))", {"x": I32(-7)}),
    ("scalar_uint8", "out = tf.summary.scalar('n', x)", {"x": U8(200)}),
    ("scalar_bfloat16", "out = tf.summary.scalar('b', tf.cast(x, tf.bfloat16))",
     {"x": F32(3.14159)}),
    ("scalar_family", "out = tf.summary.scalar('loss', x, family='train')", {"x": _SCALAR}),
    ("scalar_name_scope_family",
     "with tf.name_scope('outer'):\n    out = tf.summary.scalar('loss', x, family='fam')",
     {"x": _SCALAR}),
    ("scalar_duplicate_names",
     "out = [tf.summary.scalar('loss', x), tf.summary.scalar('loss', x * 2)]", {"x": _SCALAR}),
    ("scalar_clean_tag", "out = tf.summary.scalar('my loss:(1)', x, family='a b')",
     {"x": _SCALAR}),
    ("scalar_leading_slash", "out = tf.summary.scalar('/abs/loss', x)", {"x": _SCALAR}),
    ("scalar_collections",
     "s = tf.summary.scalar('loss', x, collections=['custom'])\n"
     "out = [s, tf.summary.merge_all('custom')]", {"x": _SCALAR}),
    ("scalar_raw_vector", "out = tf.raw_ops.ScalarSummary(tags=t, values=x)",
     {"t": _s(["a", "b", "c"]), "x": np.array([1, -2, 3], I32)}),
    ("scalar_raw_matrix", "out = tf.raw_ops.ScalarSummary(tags=t, values=x)",
     {"t": _s([["a", "b"], ["c", "d"]]), "x": np.array([[1, 2], [3, 4]], F64)}),
    ("scalar_raw_mismatch", "out = tf.raw_ops.ScalarSummary(tags=t, values=x)",
     {"t": _s(["a", "b"]), "x": np.array([1, 2, 3], F32)}),
    ("scalar_raw_mismatch_single_tag", "out = tf.raw_ops.ScalarSummary(tags=t, values=x)",
     {"t": _s(["a"]), "x": np.array([1, 2], F32)}),
    ("scalar_not_scalar", "out = tf.summary.scalar('loss', x)", {"x": np.array([1, 2], F32)}),
]

HISTOGRAM_CASES = [
    ("hist_float_mixed", "out = tf.summary.histogram('weights', x)",
     {"x": np.concatenate([_RNG.normal(0, 1, 997), [0, 0, 0]]).astype(F32)}),
    ("hist_float_matrix", "out = tf.summary.histogram('w', x)",
     {"x": _f32(20, 30, low=-5, high=9)}),
    ("hist_empty", "out = tf.summary.histogram('empty', x)", {"x": np.zeros(0, F32)}),
    ("hist_constant", "out = tf.summary.histogram('c', x)", {"x": np.full(5, 3.0, F32)}),
    ("hist_int32", "out = tf.summary.histogram('ints', x)", {"x": np.arange(-50, 51, dtype=I32)}),
    ("hist_int64_large", "out = tf.summary.histogram('big', x)",
     {"x": np.array([2**53 + 1, -(2**62), 7, 0], I64)}),
    ("hist_uint8", "out = tf.summary.histogram('u', x)", {"x": np.arange(256, dtype=U8)}),
    ("hist_half", "out = tf.summary.histogram('h', x)", {"x": _f32(64).astype(F16)}),
    ("hist_double_tiny", "out = tf.summary.histogram('tiny', x)", {"x": _TINY}),
    ("hist_double_huge", "out = tf.summary.histogram('huge', x)", {"x": _HUGE}),
    ("hist_sums_order", "out = tf.summary.histogram('sums', x)",
     {"x": (_RNG.normal(0, 1, 5000) * 10.0 ** _RNG.integers(-8, 8, 5000)).astype(F64)}),
    ("hist_default_name", "out = tf.summary.histogram(None, x)", {"x": _f32(4)}),
    ("hist_family_scope",
     "with tf.name_scope('layer'):\n    out = tf.summary.histogram('weights', x, family='fam')",
     {"x": _f32(10)}),
    ("hist_nan", "with tf.name_scope('layer'):\n"
     "    out = tf.summary.histogram('weights', x, family='fam')",
     {"x": np.array([1.0, np.nan, np.inf], F32)}),
    ("hist_inf", "out = tf.summary.histogram('weights', x)",
     {"x": np.array([1.0, -np.inf, np.nan], F32)}),
    ("hist_raw_tag_vector", "out = tf.raw_ops.HistogramSummary(tag=t, values=x)",
     {"t": _s(["a"]), "x": np.array([1.0], F32)}),
]

_UINT8_RGB = _RNG.integers(0, 256, (2, 3, 4, 3)).astype(U8)
IMAGE_CASES = [
    ("image_uint8_rgb", "out = tf.summary.image('img', x)", {"x": _UINT8_RGB}),
    ("image_uint8_gray_one", "out = tf.summary.image('gray', x, max_outputs=1)",
     {"x": _RNG.integers(0, 256, (1, 5, 6, 1)).astype(U8)}),
    ("image_uint8_rgba_max2", "out = tf.summary.image('rgba', x, max_outputs=2)",
     {"x": _RNG.integers(0, 256, (3, 2, 2, 4)).astype(U8)}),
    ("image_float_positive", "out = tf.summary.image('pos', x)",
     {"x": _f32(2, 4, 5, 3, low=0.0, high=2.0)}),
    ("image_float_unit", "out = tf.summary.image('unit', x)", {"x": _f32(1, 6, 6, 1, low=0.0)}),
    ("image_float_negative", "out = tf.summary.image('neg', x)",
     {"x": _f32(2, 3, 3, 3, low=-1.0, high=3.0)}),
    ("image_float_negative_large", "out = tf.summary.image('neg', x)",
     {"x": _f32(1, 4, 4, 4, low=-300.0, high=20.0)}),
    ("image_float_nonfinite", "out = tf.summary.image('bad', x)",
     {"x": _with_nonfinite(_f32(2, 3, 3, 3))}),
    ("image_float_nonfinite_rgba", "out = tf.summary.image('bad', x)",
     {"x": _with_nonfinite(_f32(2, 3, 3, 4, low=0.0))}),
    ("image_float_all_nonfinite", "out = tf.summary.image('bad', x)",
     {"x": np.full((1, 2, 2, 3), np.nan, F32)}),
    ("image_float_zero", "out = tf.summary.image('zero', x)", {"x": np.zeros((1, 3, 3, 1), F32)}),
    ("image_float_tiny", "out = tf.summary.image('tiny', x)",
     {"x": np.full((1, 2, 2, 1), 5e-7, F32)}),
    ("image_half", "out = tf.summary.image('half', x)",
     {"x": _f32(2, 5, 5, 3, low=-2.0, high=7.0).astype(F16)}),
    ("image_half_positive", "out = tf.summary.image('half', x)",
     {"x": _f32(1, 5, 5, 1, low=0.0, high=3.0).astype(F16)}),
    ("image_double", "out = tf.summary.image('dbl', x)",
     {"x": _RNG.uniform(-1, 1, (2, 4, 3, 3)).astype(F64)}),
    ("image_family", "out = tf.summary.image('img', x, max_outputs=1, family='inputs')",
     {"x": _UINT8_RGB}),
    ("image_empty_batch", "out = tf.summary.image('none', x)", {"x": np.zeros((0, 2, 2, 3), U8)}),
    ("image_zero_width", "out = tf.summary.image('flat', x)", {"x": np.zeros((1, 2, 0, 3), U8)}),
    ("image_two_channels", "out = tf.summary.image('two', x)", {"x": np.zeros((1, 2, 2, 2), U8)}),
    ("image_rank3", "out = tf.summary.image('r3', x)", {"x": np.zeros((2, 2, 3), F32)}),
    ("image_raw_bad_color",
     "out = tf.raw_ops.ImageSummary(tag='g', tensor=x, max_images=2, "
     "bad_color=tf.make_tensor_proto(np.array([0, 255, 0], np.uint8)))",
     {"x": _with_nonfinite(_f32(2, 3, 3, 3))}),
    ("image_raw_bad_color_short",
     "out = tf.raw_ops.ImageSummary(tag='g', tensor=x, "
     "bad_color=tf.make_tensor_proto(np.array([0, 255, 0], np.uint8)))",
     {"x": _f32(1, 2, 2, 4)}),
    ("image_raw_tag_vector", "out = tf.raw_ops.ImageSummary(tag=t, tensor=x)",
     {"t": _s(["v"]), "x": _UINT8_RGB}),
]

AUDIO_CASES = [
    ("audio_mono", "out = tf.summary.audio('clip', x, 8000.0)", {"x": _CURVE}),
    ("audio_stereo", "out = tf.summary.audio('stereo', x, 44100, max_outputs=2)",
     {"x": _f32(3, 20, 2, low=-1.5, high=1.5)}),
    ("audio_one", "out = tf.summary.audio('one', x, 16000.0, max_outputs=1)", {"x": _CURVE}),
    ("audio_half_samples", "out = tf.summary.audio('halves', x, 100.0)", {"x": _AUDIO_HALVES}),
    ("audio_nonfinite", "out = tf.summary.audio('odd', x, 100.0)", {"x": _AUDIO_ODD}),
    ("audio_fractional_rate", "out = [tf.summary.audio('a', x, 22050.5), "
     "tf.summary.audio('b', x, 0.4), tf.summary.audio('c', x, 3.5)]", {"x": _AUDIO_HALVES}),
    ("audio_rate_tensor", "out = tf.summary.audio('clip', x, r, family='sound')",
     {"x": _CURVE, "r": F32(11025.0)}),
    ("audio_rate_zero", "out = tf.summary.audio('clip', x, 0.0)", {"x": _CURVE}),
    ("audio_rank1", "out = tf.summary.audio('clip', x, 10.0)", {"x": _f32(5)}),
    ("audio_empty_frames", "out = tf.summary.audio('clip', x, 10.0)", {"x": np.zeros((2, 0), F32)}),
    ("audio_zero_channels", "out = tf.summary.audio('clip', x, 10.0)",
     {"x": np.zeros((1, 3, 0), F32)}),
    ("audio_v1_raw",
     "out = tf.raw_ops.AudioSummary(tag='old', tensor=x, sample_rate=16000.0, max_outputs=2)",
     {"x": _f32(3, 7)}),
]

TENSOR_CASES = [
    ("text_scalar", "out = tf.summary.text('notes', tf.constant('hello **tensorboard**'))", {}),
    ("text_matrix", "out = tf.summary.text('table', x)", {"x": _s([["a", "b"], ["c", "d"]])}),
    ("text_not_string", "out = tf.summary.text('notes', x)", {"x": F32(1.0)}),
    ("tensor_float", "out = tf.summary.tensor_summary('t', x)", {"x": _f32(2, 3)}),
    ("tensor_int_scalar", "out = tf.summary.tensor_summary('t', x)", {"x": I32(42)}),
    ("tensor_bool", "out = tf.summary.tensor_summary('t', x)", {"x": np.array([True, False])}),
    ("tensor_complex", "out = tf.summary.tensor_summary('t', x)",
     {"x": np.array([1 + 2j, -3j], np.complex64)}),
    ("tensor_bfloat16", "out = tf.summary.tensor_summary('t', tf.cast(x, tf.bfloat16))",
     {"x": _f32(3)}),
    ("tensor_empty", "out = tf.summary.tensor_summary('t', x)", {"x": np.zeros((0, 2), F64)}),
    ("tensor_metadata",
     "out = tf.summary.tensor_summary('t', x, summary_description='desc', display_name='Disp', "
     "family='fam')", {"x": _f32(2)}),
    ("tensor_plugin_metadata",
     "m = tf.SummaryMetadata(plugin_data=tf.SummaryMetadata.PluginData(plugin_name='pr', "
     "content=b'\\x00\\x01'))\n"
     "out = tf.summary.tensor_summary('t', x, summary_metadata=m, collections=[])",
     {"x": _s(["x"])}),
    ("tensor_raw_legacy",
     "out = tf.raw_ops.TensorSummary(tensor=x, description='{\"type_hint\": \"scalar\"}', "
     "labels=['a', 'b'], display_name='d', name='legacy')", {"x": _f32(2)}),
    ("tensor_raw_unknown_metadata_field",
     "out = tf.raw_ops.TensorSummaryV2(tag='t', tensor=x, "
     "serialized_summary_metadata=b'\\x0a\\x04\\x0a\\x02pr\\x50\\x01')", {"x": _f32(2)}),
    ("tensor_raw_tag_vector",
     "out = tf.raw_ops.TensorSummaryV2(tag=t, tensor=x, serialized_summary_metadata='')",
     {"t": _s(["a"]), "x": _f32(2)}),
]

_SUMMARIES = (
    "a = tf.summary.scalar('loss', x)\n"
    "b = tf.summary.histogram('weights', y)\n"
    "with tf.name_scope('train'):\n"
    "    c = tf.summary.scalar('lr', x * 0.1)\n"
)
_XY = {"x": _SCALAR, "y": _f32(30)}
MERGE_CASES = [
    ("merge_two", _SUMMARIES + "out = tf.summary.merge([a, b])", _XY),
    ("merge_named", _SUMMARIES + "out = [tf.summary.merge([a, c], name='merged'), "
     "tf.summary.merge([b], name='my merge', collections=['m'])]", _XY),
    ("merge_all_default", _SUMMARIES + "out = tf.summary.merge_all()", _XY),
    ("merge_all_scope", _SUMMARIES + "out = tf.summary.merge_all(scope='train', name='t')", _XY),
    ("merge_vector_input", _SUMMARIES + "out = tf.summary.merge([tf.stack([a, b]), c])", _XY),
    ("merge_duplicate", "a = tf.raw_ops.ScalarSummary(tags='dup', values=x)\n"
     "out = tf.summary.merge([a, a])", {"x": _SCALAR}),
    # Different inputs: Grappler would merge two identical TensorSummary nodes into one.
    ("merge_empty_tags", "out = tf.summary.merge([tf.raw_ops.TensorSummary(tensor=x), "
     "tf.raw_ops.TensorSummary(tensor=x * 2)])", {"x": _f32(2)}),
    ("merge_corrupt", "out = tf.summary.merge([tf.constant(b'\\x0a\\x05ab')])", {}),
    ("merge_empty_string", "out = tf.summary.merge([tf.constant(b''), tf.constant([b'', b''])])",
     {}),
]
# fmt: on

CASES = SCALAR_CASES + HISTOGRAM_CASES + IMAGE_CASES + AUDIO_CASES + TENSOR_CASES + MERGE_CASES


class _RawOps:
    """`tf.raw_ops.<Type>` through the generated Python wrapper (gen_logging_ops): ops made
    by tf.raw_ops in graph mode carry no user frame, and TF's error interpolation fails on
    them."""

    def __getattr__(self, op_type):
        from tensorflow.python.ops import gen_logging_ops

        return getattr(gen_logging_ops, re.sub(r"(?<!^)(?=[A-Z])", "_", op_type).lower())


class _Namespace:
    """`tf` for the case snippets: tf.compat.v1 with `raw_ops` as above."""

    def __init__(self, tf):
        self._tf = tf
        self.raw_ops = _RawOps()

    def __getattr__(self, name):
        return getattr(self._tf, name)


def _placeholder(tf, name, value):
    dtype = tf.string if value.dtype.kind == "S" else tf.as_dtype(value.dtype)
    return tf.placeholder(dtype, shape=value.shape, name=name)


def _bytes_array(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint8)


def _error(kind, err):
    """The error class and the kernel's own message (its first line)."""
    # OpError.__str__ formats the op's traceback, which fails for some ops: use .message.
    message = err.message if hasattr(type(err), "message") else str(err)
    return {kind: type(err).__name__, "message": message.split("\n")[0]}


def _raw_messages(tf_module):
    """Turns off TF's error interpolation (which rewrites run-time messages and fails on
    some graphs: "basic_string::_M_construct null not valid")."""
    from tensorflow.python.client import session

    session.error_interpolation.interpolate_graph = lambda message, graph: message


def _record(tf, code, inputs, arrays):
    with tf.Graph().as_default() as graph:
        feeds = {name: _placeholder(tf, name, np.asarray(v)) for name, v in inputs.items()}
        scope = {"tf": _Namespace(tf), "np": np, **feeds}
        try:
            # A real file name: TF's error interpolation needs one for each op's traceback.
            exec(compile(code, __file__, "exec"), scope)  # noqa: S102 - the case table
        except Exception as err:  # noqa: BLE001 - recorded as the expected outcome
            return _error("build_error", err)
        outputs = scope["out"] if isinstance(scope["out"], list) else [scope["out"]]
        arrays["graph_def"] = _bytes_array(graph.as_graph_def().SerializeToString())
        feed = {
            feeds[n]: np.asarray(v).astype(object) if np.asarray(v).dtype.kind == "S" else v
            for n, v in inputs.items()
        }
        with tf.Session(graph=graph) as sess:
            try:
                values = sess.run(outputs, feed)
            except tf.errors.OpError as err:
                return _error("run_error", err)
    for index, value in enumerate(values):
        arrays[f"out{index}"] = _bytes_array(value)
    return {"outputs": len(values)}


def generate(tf, writer):
    _raw_messages(tf)
    for name, code, inputs in CASES:
        arrays = {f"in_{key}": np.asarray(value) for key, value in inputs.items()}
        result = _record(tf, code, inputs, arrays)
        writer.save(name, arrays, {"call": code, **result})
