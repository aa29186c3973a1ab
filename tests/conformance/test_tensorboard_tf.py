"""Event files written by ndflow, read by TensorBoard 2.21 and TensorFlow 2.21: the
EventAccumulator sees the same tags, steps and values, the graph and run metadata load, a real
`tensorboard` server serves them over HTTP and headless Chromium renders its dashboards
(oracle venv only: `make conformance`). Screenshots are also copied to /tmp/tb_screens/."""

from __future__ import annotations

import io
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

import ndflow as nd  # noqa: E402
from ndflow.proto import config_pb2  # noqa: E402
from ndflow.summary import projector  # noqa: E402
from ndflow.summary import summary_iterator  # noqa: E402

RUN = "ndflow_run"
LOSSES = [1.0 / (step + 1) for step in range(10)]
CHROMIUM = "/usr/bin/chromium"
SCREENS = pathlib.Path("/tmp/tb_screens")


# --------------------------------------------------------------------------- ndflow's logdir


def _graph():
    """A small model and tf.summary ops over it: scalar, histogram, image, audio, text."""
    graph = nd.Graph()
    with graph.as_default():
        x = nd.placeholder(nd.float32, [None, 3], name="x")
        w = nd.constant(np.ones((3, 2), np.float32), name="w")
        nd.nn.relu(nd.matmul(x, w, name="logits"), name="out")
        loss = nd.placeholder(nd.float32, [], name="loss_value")
        weights = nd.placeholder(nd.float64, [None], name="weights_value")
        nd.summary.scalar("loss", loss)
        nd.summary.histogram("weights", weights, collections=["every_third_step"])
        pixels = np.zeros((1, 16, 16, 3), np.uint8)
        pixels[..., 0] = np.arange(16)[:, None] * 16
        pixels[:, 4:12, 4:12, 2] = 255
        nd.summary.image("sample", nd.constant(pixels), max_outputs=1, collections=["media"])
        wave = np.sin(np.linspace(0, 440 * 2 * np.pi, 8000)).astype(np.float32) * 0.5
        nd.summary.audio("voice", nd.constant(wave[None, :]), 8000, 1, collections=["media"])
        nd.summary.text("notes", nd.constant("hello **ndflow**"), collections=["media"])
    return graph


def _write_summaries(writer, graph, rng):
    with graph.as_default():
        every_step = nd.summary.merge_all()
        every_third_step = nd.summary.merge_all("every_third_step")
        media = nd.summary.merge_all("media")
    with nd.Session(graph=graph) as sess:
        for step in range(10):
            feed = {
                "loss_value:0": LOSSES[step],
                "weights_value:0": rng.normal(step, 1, 500),
            }
            fetches = [every_step, every_third_step] if step % 3 == 0 else [every_step]
            for summary in sess.run(fetches, feed):
                writer.add_summary(summary, global_step=step)
        writer.add_summary(sess.run(media), global_step=2)
        metadata = config_pb2.RunMetadata()
        options = config_pb2.RunOptions(trace_level=config_pb2.RunOptions.FULL_TRACE)
        sess.run("out:0", {"x:0": np.ones((2, 3), np.float32)}, options, metadata)
        writer.add_run_metadata(metadata, "step_5", global_step=5)


def _projector_files(logdir):
    rng = np.random.default_rng(1)
    table = rng.normal(size=(6, 4)).astype(np.float32)
    (logdir / "vectors.tsv").write_text(
        "".join("\t".join(f"{v:.6f}" for v in row) + "\n" for row in table)
    )
    projector.write_metadata_tsv(
        logdir / "labels.tsv", [(f"word{i}", i % 2) for i in range(6)], header=("word", "class")
    )
    config = projector.ProjectorConfig()
    config.embeddings.add(
        tensor_name="words", tensor_path="vectors.tsv", metadata_path="labels.tsv"
    )
    return config


def _write_logdir(logdir: pathlib.Path) -> dict:
    graph = _graph()
    writer = nd.summary.FileWriter(logdir, graph, flush_secs=1)
    _write_summaries(writer, graph, np.random.default_rng(0))
    projector.visualize_embeddings(writer, _projector_files(logdir))
    writer.close()
    (path,) = logdir.glob("events.out.tfevents.*")
    return {"path": path, "events": list(summary_iterator.summary_iterator(path))}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("tb") / RUN
    info = _write_logdir(logdir)
    info["logdir"] = logdir
    return info


def _values(events, tag):
    return [(event.step, v) for event in events for v in event.summary.value if v.tag == tag]


# --------------------------------------------------------------------------- EventAccumulator


@pytest.fixture(scope="module")
def accumulator(written):
    acc = event_accumulator.EventAccumulator(
        str(written["logdir"]), size_guidance=event_accumulator.STORE_EVERYTHING_SIZE_GUIDANCE
    )
    return acc.Reload()


def test_accumulator_sees_every_tag(accumulator):
    tags = accumulator.Tags()
    assert tags["scalars"] == ["loss"]
    assert tags["histograms"] == ["weights"]
    assert tags["images"] == ["sample/image"]
    assert tags["audio"] == ["voice/audio"]
    assert tags["tensors"] == ["notes"]
    assert tags["run_metadata"] == ["step_5"]
    assert tags["graph"] and tags["meta_graph"]


def test_accumulator_scalars(accumulator):
    events = accumulator.Scalars("loss")
    assert [(e.step, e.value) for e in events] == [
        (step, float(np.float32(loss))) for step, loss in enumerate(LOSSES)
    ]


def test_accumulator_histograms(accumulator, written):
    expected = _values(written["events"], "weights")
    got = accumulator.Histograms("weights")
    assert [e.step for e in got] == [step for step, _ in expected] == [0, 3, 6, 9]
    for event, (_, value) in zip(got, expected):
        histo = event.histogram_value
        assert (histo.min, histo.max, histo.num) == (
            value.histo.min,
            value.histo.max,
            value.histo.num,
        )
        assert (histo.sum, histo.sum_squares) == (value.histo.sum, value.histo.sum_squares)
        assert list(histo.bucket_limit) == list(value.histo.bucket_limit)
        assert list(histo.bucket) == list(value.histo.bucket)


def test_accumulator_images_and_audio(accumulator, written):
    ((_, image),) = _values(written["events"], "sample/image")
    (got,) = accumulator.Images("sample/image")
    assert (got.step, got.width, got.height) == (2, 16, 16)
    assert got.encoded_image_string == image.image.encoded_image_string
    ((_, audio),) = _values(written["events"], "voice/audio")
    (got,) = accumulator.Audio("voice/audio")
    assert (got.step, got.sample_rate, got.length_frames) == (2, 8000, 8000)
    assert got.content_type == "audio/wav"
    assert got.encoded_audio_string == audio.audio.encoded_audio_string


def test_accumulator_text_tensor(accumulator):
    (event,) = accumulator.Tensors("notes")
    assert event.step == 2
    assert tf_real.make_ndarray(event.tensor_proto).item() == b"hello **ndflow**"
    metadata = accumulator.SummaryMetadata("notes")
    assert metadata.plugin_data.plugin_name == "text"


def test_accumulator_graph_loads_in_tensorflow(accumulator):
    graph_def = accumulator.Graph()
    names = [node.name for node in graph_def.node]
    assert {"x", "w", "logits", "out"} <= set(names)
    real_graph_def = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    with tf_real.Graph().as_default() as graph:
        tf_real.compat.v1.import_graph_def(real_graph_def, name="")
    assert graph.get_tensor_by_name("out:0").shape.as_list() == [None, 2]
    meta = accumulator.MetaGraph()
    assert meta.graph_def == graph_def


def test_accumulator_run_metadata(accumulator):
    metadata = accumulator.RunMetadata("step_5")
    (device,) = metadata.step_stats.dev_stats
    assert {stats.node_name for stats in device.node_stats} == {"logits", "out"}


def test_tensorflow_summary_iterator_reads_identical_events(written):
    path = str(written["path"])
    theirs = [e.SerializeToString() for e in tf_real.compat.v1.train.summary_iterator(path)]
    assert theirs == [e.SerializeToString() for e in written["events"]]
    assert written["events"][0].file_version == "brain.Event:2"


def test_ndflow_reads_a_file_tensorflow_just_wrote(tmp_path):
    with tf_real.Graph().as_default() as graph:
        tf_real.constant(1.0, name="c")
        writer = tf_real.compat.v1.summary.FileWriter(str(tmp_path), graph)
        value = tf_real.compat.v1.Summary.Value(tag="loss", simple_value=0.25)
        writer.add_summary(tf_real.compat.v1.Summary(value=[value]), 4)
        writer.close()
    (path,) = tmp_path.glob("events.out.tfevents.*")
    theirs = [e.SerializeToString() for e in tf_real.compat.v1.train.summary_iterator(str(path))]
    ours = [e.SerializeToString() for e in summary_iterator.summary_iterator(path)]
    assert ours == theirs and len(ours) == 4


# --------------------------------------------------------------------------- tensorboard + browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base, path, **params):
    url = f"{base}{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def _wait_for_run(base, process, deadline=120.0):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        if process.poll() is not None:
            pytest.fail(f"tensorboard exited with {process.returncode}")
        try:
            tags = json.loads(_get(base, "/data/plugin/scalars/tags"))
            if "loss" in tags.get(RUN, {}):
                return
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            pass
        time.sleep(0.5)
    pytest.fail(f"tensorboard at {base} did not serve run {RUN!r} within {deadline}s")


@pytest.fixture(scope="module")
def tensorboard(written, tmp_path_factory):
    port = _free_port()
    binary = pathlib.Path(sys.executable).parent / "tensorboard"
    log = (tmp_path_factory.mktemp("tb_server") / "tensorboard.log").open("wb")
    command = [str(binary), "--logdir", str(written["logdir"].parent), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--reload_interval", "1"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_run(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_tensorboard_serves_scalars(tensorboard):
    rows = json.loads(_get(tensorboard, "/data/plugin/scalars/scalars", run=RUN, tag="loss"))
    assert [(step, value) for _, step, value in rows] == [
        (step, pytest.approx(loss, rel=1e-6)) for step, loss in enumerate(LOSSES)
    ]


def test_tensorboard_serves_histograms_images_and_text(tensorboard):
    histograms = json.loads(
        _get(tensorboard, "/data/plugin/histograms/histograms", run=RUN, tag="weights")
    )
    assert [row[1] for row in histograms] == [0, 3, 6, 9]
    images = json.loads(_get(tensorboard, "/data/plugin/images/tags"))
    assert "sample/image" in images[RUN]
    text = json.loads(_get(tensorboard, "/data/plugin/text/text", run=RUN, tag="notes"))
    assert "hello" in text[0]["text"]


def test_tensorboard_serves_graph_and_run_metadata(tensorboard):
    graph = _get(tensorboard, "/data/plugin/graphs/graph", run=RUN).decode()
    for name in ("x", "w", "logits", "out"):
        assert f'name: "{name}"' in graph
    run_metadata = _get(tensorboard, "/data/plugin/graphs/run_metadata", run=RUN, tag="step_5")
    assert b"logits" in run_metadata


def test_tensorboard_projector_reads_config_and_metadata_tsv(tensorboard):
    config = json.loads(_get(tensorboard, "/data/plugin/projector/info", run=RUN))
    assert [e["tensorName"] for e in config["embeddings"]] == ["words"]
    metadata = _get(tensorboard, "/data/plugin/projector/metadata", run=RUN, name="words")
    assert metadata.decode().splitlines()[:2] == ["word\tclass", "word0\t0"]


def _screenshot(url, path, user_data_dir):
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={user_data_dir}",
        f"--screenshot={path}",
        "--window-size=1400,900",
        "--virtual-time-budget=15000",
        url,
    ]
    subprocess.run(command, check=True, timeout=180, capture_output=True)


def _check_non_blank_png(path):
    from PIL import Image

    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape == (900, 1400, 3)
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    assert len(colours) > 20, f"{path} looks blank ({len(colours)} colours)"
    assert pixels.std() > 5


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")
@pytest.mark.parametrize("dashboard", ["scalars", "timeseries", "graphs"])
def test_chromium_renders_dashboards(tensorboard, dashboard, tmp_path):
    path = tmp_path / f"tensorboard_{dashboard}.png"
    _screenshot(f"{tensorboard}/#{dashboard}", path, tmp_path / "chromium-profile")
    SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENS / path.name)
    _check_non_blank_png(path)
