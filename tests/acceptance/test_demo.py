"""`make demo`'s reduced run (`python -m examples.demo --quick`), end to end in a subprocess:
TFRecords in the seed's layout, the trained model clearing its accuracy bar, a SavedModel,
REST and gRPC answers from `ndflow serve`, the timing table and a clean shutdown; and a
failing stage ending the demo with a non-zero status.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

import ndflow as tf
from examples import demo

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("demo") / "out"
    result = subprocess.run(
        [sys.executable, "-m", "examples.demo", "--quick", "--output", str(output)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result, output


def test_quick_demo_runs_every_stage(quick_run):
    result, _ = quick_run
    assert result.returncode == 0, result.stdout + result.stderr
    for stage in range(1, demo.STAGES + 1):
        assert f"[{stage}/{demo.STAGES}]" in result.stdout
    assert f"all {demo.STAGES} stages done" in result.stdout


def test_quick_demo_learns_well_above_chance(quick_run):
    result, _ = quick_run
    accuracy = float(re.search(r"held-out accuracy (\d\.\d+)", result.stdout).group(1))
    assert accuracy >= demo.QUICK.min_accuracy


def test_quick_demo_writes_sharded_tfrecords_in_the_seed_layout(quick_run):
    _, output = quick_run
    shards = sorted((output / "tfrecords").glob("*.tfrecord"))
    assert [path.name for path in shards] == [
        *(f"train-{i:05d}-of-00004.tfrecord" for i in range(4)),
        *(f"validation-{i:05d}-of-00002.tfrecord" for i in range(2)),
    ]
    record = next(tf.python_io.tf_record_iterator(str(shards[0])))
    features = tf.train.Example.FromString(record).features.feature
    size = demo.QUICK.image_size
    assert features["image/encoded"].bytes_list.value[0].startswith(b"\x89PNG")
    assert features["image/height"].int64_list.value == [size]
    assert features["image/width"].int64_list.value == [size]
    assert features["image/class/label"].int64_list.value == [0]
    assert features["image/class/text"].bytes_list.value == [b"horizontal"]


def test_quick_demo_writes_summaries_and_a_saved_model(quick_run):
    _, output = quick_run
    model_dir = output / "model"
    assert list(model_dir.glob("events.out.tfevents.*"))
    assert list((model_dir / "eval").glob("events.out.tfevents.*"))
    exports = list((output / "export" / demo.MODEL_NAME).iterdir())
    assert len(exports) == 1 and exports[0].name.isdigit()
    assert (exports[0] / "saved_model.pb").is_file()


def test_quick_demo_serves_rest_and_grpc_and_stops_cleanly(quick_run):
    result, _ = quick_run
    answers = re.findall(
        r"^\s+\d+\s+(horizontal|vertical)\s+([\d.]+)\s+([\d.]+)\s+(\w+)$",
        result.stdout,
        re.MULTILINE,
    )
    assert len(answers) == demo.QUICK.served_images
    for _, rest, grpc, _ in answers:
        assert float(rest) == pytest.approx(float(grpc), abs=1e-3)
    assert "server stopped cleanly (exit status 0)" in result.stdout
    assert "warm up + 1st inference" in result.stdout
    assert re.search(r"ndflow, \d+x\d+ demo model\s+[\d.]+ s\s+[\d.]+ ms", result.stdout)


def test_a_failing_stage_exits_non_zero(tmp_path, monkeypatch, capsys):
    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(demo, "write_tfrecords", broken)
    monkeypatch.setattr(demo, "show_training_progress", lambda: None)  # no handler left behind
    assert demo.main(["--quick", "--output", str(tmp_path / "out")]) == 1
    assert "demo FAILED: OSError: disk full" in capsys.readouterr().err
