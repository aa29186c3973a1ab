"""Flags and config files of the model server (TF Serving's main.cc parsing rules)."""

from __future__ import annotations

import pytest

from ndflow.framework import errors
from ndflow.serving import config


def test_defaults_are_tf_servings():
    options = config.parse_flags([])
    assert options.port == 8500
    assert options.rest_api_port == 0
    assert options.model_name == "default"
    assert options.file_system_poll_wait_seconds == 1
    assert options.enable_model_warmup is True
    assert options.max_num_load_retries == 5
    assert options.load_retry_interval_micros == 60_000_000
    assert options.tags == ["serve"]


def test_file_system_poll_wait_seconds_also_takes_fractions():
    # TF's flag is int32; ndflow takes TF's integers and, beyond TF, fractions of a second.
    def poll_wait(text):
        return config.parse_flags([f"--file_system_poll_wait_seconds={text}"])

    assert poll_wait("3").file_system_poll_wait_seconds == 3
    assert poll_wait("0.2").file_system_poll_wait_seconds == 0.2


def test_values_and_bool_spellings():
    options = config.parse_flags(
        [
            "--port=9000",
            "--enable_batching",
            "--enable_model_warmup=FALSE",
            "--rest_api_enable_cors_support=1",
            "--saved_model_tags=serve,gpu",
            "--rest_api_host=127.0.0.1",
        ]
    )
    assert options.port == 9000
    assert options.enable_batching is True
    assert options.enable_model_warmup is False
    assert options.rest_api_enable_cors_support is True
    assert options.tags == ["serve", "gpu"]
    assert options.rest_api_host == "127.0.0.1"


@pytest.mark.parametrize(
    "arg",
    ["--no_such_flag=1", "port=1", "--port", "--port=abc", "--enable_batching=maybe"],
)
def test_bad_flags_raise_flag_error(arg):
    with pytest.raises(config.FlagError):
        config.parse_flags([arg])


def test_startup_validation_messages():
    with pytest.raises(errors.InvalidArgumentError, match="Both server_options.model_base_path"):
        config.validate_options(config.parse_flags([]))
    with pytest.raises(errors.InvalidArgumentError, match="At least one of"):
        config.validate_options(config.parse_flags(["--port=0", "--model_base_path=/m"]))
    with pytest.raises(errors.InvalidArgumentError, match="batching was not enabled"):
        config.validate_options(
            config.parse_flags(["--model_base_path=/m", "--batching_parameters_file=/b"])
        )


_CONFIG = """
# comment
model_config_list {
  config {
    name: "half_plus_two"
    base_path: "/models/half_plus_two"
    model_platform: "tensorflow"
    model_version_policy { specific { versions: 123 versions: 124 } }
    version_labels { key: "stable" value: 123 }
  }
  config: {
    name: "other", base_path: "/models/other", model_platform: "tensorflow"
    model_version_policy { latest { num_versions: 2 } }
  }
}
"""


def test_read_model_server_config(tmp_path):
    path = tmp_path / "models.config"
    path.write_text(_CONFIG)
    parsed = config.read_model_server_config(path)
    first, second = parsed.model_config_list.config
    assert list(first.model_version_policy.specific.versions) == [123, 124]
    assert dict(first.version_labels) == {"stable": 123}
    assert second.model_version_policy.latest.num_versions == 2


def test_parse_error_has_tf_prefix(tmp_path):
    path = tmp_path / "bad.config"
    path.write_text("model_config_list { config { nme: 'x' } }")
    with pytest.raises(errors.InvalidArgumentError) as info:
        config.read_model_server_config(path)
    assert info.value.message.startswith(
        "Error parsing text-format tensorflow.serving.ModelServerConfig: 1:"
    )


def test_batching_and_monitoring_files(tmp_path):
    batching = tmp_path / "batching.config"
    batching.write_text("max_batch_size { value: 128 } allowed_batch_sizes: 8")
    params = config.read_batching_parameters(batching)
    assert params.max_batch_size.value == 128
    assert list(params.allowed_batch_sizes) == [8]
    monitoring = tmp_path / "monitoring.config"
    monitoring.write_text('prometheus_config { enable: true, path: "/m" }')
    assert config.read_monitoring_config(monitoring).prometheus_config.path == "/m"


def test_missing_config_file_is_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError):
        config.read_model_server_config(tmp_path / "absent")
