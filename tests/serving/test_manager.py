"""Model lifecycle: source polling, version policies, availability-preserving swaps, labels,
failed loads, warm-up and config reloads (TF Serving's ServerCore / AspiredVersionsManager)."""

from __future__ import annotations

import os
import shutil
import time

import numpy as np
import pytest

from ndflow.formats import tfrecord
from ndflow.framework import errors
from ndflow.proto import get_model_status_pb2
from ndflow.proto import model_management_pb2
from ndflow.proto import model_pb2
from ndflow.proto import model_server_config_pb2
from ndflow.proto import predict_pb2
from ndflow.proto import prediction_log_pb2
from ndflow.serving import config
from ndflow.serving import server_core
from ndflow.serving import tensor_codec

_FIXTURE = os.path.join(
    os.path.dirname(__file__), "..", "fixtures", "savedmodel_v1_half_plus_two", "00000123"
)
_STATE = get_model_status_pb2.ModelVersionStatus.State


def _add_version(base, version: int) -> str:
    path = os.path.join(base, str(version))
    shutil.copytree(_FIXTURE, path)
    return path


def _options(base, *flags):
    options = config.parse_flags(
        [f"--model_base_path={base}", "--model_name=m", "--load_retry_interval_micros=1000"]
        + list(flags)
    )
    options.file_system_poll_wait_seconds = 0.05
    return options


def _wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached")


def _served_version(core, **spec):
    with core.servable(model_pb2.ModelSpec(name="m", **spec)) as servable:
        return servable.version


def _states(core):
    request = get_model_status_pb2.GetModelStatusRequest(model_spec=model_pb2.ModelSpec(name="m"))
    return [
        (s.version, _STATE.Name(s.state), s.status.error_code)
        for s in core.model_status(request).model_version_status
    ]


@pytest.fixture
def started():
    cores = []

    def start(options, model_config=None):
        core = server_core.ServerCore(options, model_config)
        cores.append(core)
        core.start(timeout=20)
        return core

    yield start
    for core in cores:
        core.stop()


def test_new_version_serves_then_old_unloads(tmp_path, started):
    _add_version(tmp_path, 1)
    core = started(_options(tmp_path))
    assert _served_version(core) == 1
    _add_version(tmp_path, 2)
    _wait(lambda: _states(core) == [(2, "AVAILABLE", 0), (1, "END", 0)])
    assert _served_version(core) == 2
    with pytest.raises(
        errors.NotFoundError, match=r"Servable not found for request: Specific\(m, 1\)"
    ):
        _served_version(core, version={"value": 1})


def test_removing_every_version_unloads_the_model(tmp_path, started):
    _add_version(tmp_path, 1)
    core = started(_options(tmp_path))
    shutil.rmtree(tmp_path / "1")
    _wait(lambda: _states(core) == [(1, "END", 0)])
    with pytest.raises(errors.NotFoundError, match=r"Latest\(m\)"):
        _served_version(core)


def test_failed_new_version_leaves_previous_serving(tmp_path, started):
    _add_version(tmp_path, 1)
    core = started(_options(tmp_path, "--max_num_load_retries=1"))
    os.makedirs(tmp_path / "2")  # no saved_model.pb
    _wait(lambda: _states(core)[0][1] == "END")
    version, _, code = _states(core)[0]
    assert (version, code) == (2, errors.NOT_FOUND)
    assert _served_version(core) == 1
    assert _states(core)[1] == (1, "AVAILABLE", 0)


def test_startup_fails_when_latest_version_fails(tmp_path):
    os.makedirs(tmp_path / "7")
    core = server_core.ServerCore(_options(tmp_path, "--max_num_load_retries=0"))
    with pytest.raises(errors.UnknownError, match=r"1 servable\(s\) did not become available"):
        core.start(timeout=20)
    core.stop()


def _config_with(base, policy_text="", labels=None):
    config_text = (
        f'model_config_list {{ config {{ name: "m" base_path: "{base}" '
        f'model_platform: "tensorflow" {policy_text} }} }}'
    )
    parsed = config.parse_text_proto(config_text, model_server_config_pb2.ModelServerConfig())
    for label, version in (labels or {}).items():
        parsed.model_config_list.config[0].version_labels[label] = version
    return parsed


def test_policies_all_and_specific(tmp_path, started):
    for version in (1, 2, 3):
        _add_version(tmp_path, version)
    core = started(_options(tmp_path), _config_with(tmp_path, "model_version_policy { all {} }"))
    _wait(lambda: [v for v, s, _ in _states(core) if s == "AVAILABLE"] == [3, 2, 1])
    request = model_management_pb2.ReloadConfigRequest(
        config=_config_with(tmp_path, "model_version_policy { specific { versions: 2 } }")
    )
    assert core.reload_config(request).status.error_code == 0
    _wait(lambda: [v for v, s, _ in _states(core) if s == "AVAILABLE"] == [2])
    assert _served_version(core) == 2


def test_latest_two_and_labels(tmp_path, started):
    for version in (1, 2, 3):
        _add_version(tmp_path, version)
    core = started(
        _options(tmp_path),
        _config_with(tmp_path, "model_version_policy { latest { num_versions: 2 } }"),
    )
    _wait(lambda: [v for v, s, _ in _states(core) if s == "AVAILABLE"] == [3, 2])
    policy = "model_version_policy { latest { num_versions: 2 } }"
    reload = model_management_pb2.ReloadConfigRequest(
        config=_config_with(tmp_path, policy, {"stable": 2, "canary": 3})
    )
    assert core.reload_config(reload).status.error_code == 0
    assert _served_version(core, version_label="stable") == 2
    assert _served_version(core, version_label="canary") == 3
    with pytest.raises(errors.InvalidArgumentError, match="Unrecognized servable version label: x"):
        _served_version(core, version_label="x")
    bad = model_management_pb2.ReloadConfigRequest(
        config=_config_with(tmp_path, policy, {"stable": 1})
    )
    status = core.reload_config(bad).status
    assert status.error_code == errors.FAILED_PRECONDITION
    assert "not currently available for inference" in status.error_message


def test_labels_for_unavailable_versions_need_the_flag(tmp_path):
    _add_version(tmp_path, 1)
    model_config = _config_with(tmp_path, labels={"stable": 1})
    core = server_core.ServerCore(_options(tmp_path), model_config)
    with pytest.raises(errors.FailedPreconditionError, match="not currently available"):
        core.start(timeout=20)
    core.stop()
    options = _options(tmp_path, "--allow_version_labels_for_unavailable_models")
    core = server_core.ServerCore(options, model_config)
    core.start(timeout=20)
    try:
        assert _served_version(core, version_label="stable") == 1
    finally:
        core.stop()


def test_reload_rejects_relative_paths_and_unloads_dropped_models(tmp_path, started):
    _add_version(tmp_path, 1)
    core = started(_options(tmp_path))
    relative = _config_with("relative/path")
    status = core.reload_config(model_management_pb2.ReloadConfigRequest(config=relative)).status
    assert status.error_code == errors.INVALID_ARGUMENT
    assert "to have an absolute path or URI" in status.error_message
    empty = model_management_pb2.ReloadConfigRequest()
    empty.config.model_config_list.SetInParent()
    assert core.reload_config(empty).status.error_code == 0
    _wait(lambda: _states(core) == [(1, "END", 0)])


def _warmup_file(version_dir, records):
    os.makedirs(os.path.join(version_dir, "assets.extra"))
    path = os.path.join(version_dir, "assets.extra", "tf_serving_warmup_requests")
    with tfrecord.RecordWriter(path) as writer:
        for record in records:
            writer.write(record)


def _predict_log(value):
    log = prediction_log_pb2.PredictionLog()
    log.predict_log.request.model_spec.name = "ignored"
    array = np.array([[value]], np.float32)
    log.predict_log.request.inputs["x"].CopyFrom(tensor_codec.from_numpy(array))
    return log.SerializeToString()


def test_warmup_replays_records(tmp_path, started):
    _warmup_file(_add_version(tmp_path, 1), [_predict_log(1.0), _predict_log(2.0)])
    core = started(_options(tmp_path))
    assert _served_version(core) == 1


@pytest.mark.parametrize(
    ("records", "code"),
    [
        ([_predict_log(1.0), b"\x08\x01garbage"], errors.INVALID_ARGUMENT),
        (
            [prediction_log_pb2.PredictionLog(session_run_log={}).SerializeToString()],
            errors.UNIMPLEMENTED,
        ),
    ],
)
def test_bad_warmup_fails_the_load(tmp_path, records, code):
    _warmup_file(_add_version(tmp_path, 1), records)
    core = server_core.ServerCore(_options(tmp_path, "--max_num_load_retries=0"))
    with pytest.raises(errors.UnknownError):
        core.start(timeout=20)
    assert _states(core)[0][2] == code
    core.stop()


def test_corrupt_warmup_file_is_data_loss_unless_warmup_disabled(tmp_path):
    version_dir = _add_version(tmp_path, 1)
    os.makedirs(os.path.join(version_dir, "assets.extra"))
    with open(os.path.join(version_dir, "assets.extra", "tf_serving_warmup_requests"), "wb") as f:
        f.write(b"this is not a tfrecord file!")
    core = server_core.ServerCore(_options(tmp_path, "--max_num_load_retries=0"))
    with pytest.raises(errors.UnknownError, match="verify your warmup data is in TFRecord"):
        core.start(timeout=20)
    core.stop()
    core = server_core.ServerCore(_options(tmp_path, "--enable_model_warmup=false"))
    core.start(timeout=20)
    try:
        assert _served_version(core) == 1
    finally:
        core.stop()


def test_predict_request_after_swap_uses_new_version(tmp_path, started):
    _add_version(tmp_path, 1)
    core = started(_options(tmp_path))
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "m"
    request.inputs["x"].CopyFrom(tensor_codec.from_numpy(np.array([1.0, 2.0], np.float32)))
    with core.servable(request.model_spec) as servable:
        assert servable.predict(request).model_spec.version.value == 1
