"""`ndflow_model_server` / `ndflow serve`: flag errors, --version, startup failures."""

from __future__ import annotations

import pytest

from ndflow.cli import main as ndflow_main
from ndflow.cli import model_server
from ndflow.runtime import blas_threads
from ndflow.serving import config


def test_unknown_flag_exits_2_with_usage(capsys):
    assert model_server.main(["--no_such_flag=1"]) == 2
    assert "unknown argument: --no_such_flag=1" in capsys.readouterr().err


def test_version(capsys):
    assert ndflow_main.main(["serve", "--version"]) == 0
    assert capsys.readouterr().out.startswith("TensorFlow ModelServer: ")


def test_startup_validation_failure(capsys):
    assert model_server.main(["--port=8500"]) == 255
    assert "Failed to start server. Error: Both server_options.model_base_path" in (
        capsys.readouterr().err
    )


def test_bad_config_file_fails_startup(tmp_path, capsys):
    path = tmp_path / "bad.config"
    path.write_text("model_config_list { nope }")
    assert model_server.main([f"--model_config_file={path}"]) == 255
    err = capsys.readouterr().err
    assert "Error parsing text-format tensorflow.serving.ModelServerConfig: 1:" in err


@pytest.mark.parametrize(
    ("flags", "threads"),
    [
        ([], 1),
        (["--tensorflow_intra_op_parallelism=2"], 2),
        (["--tensorflow_session_parallelism=3"], 3),
    ],
)
def test_intra_op_parallelism_flag_sets_blas_threads(flags, threads):
    before = blas_threads.get_threads()
    if before is None:
        pytest.skip("NumPy's BLAS here is not a known OpenBLAS")
    try:
        options = config.parse_flags([*flags, "--port=8500"])
        model_server._apply_intra_op_parallelism(options)
        assert blas_threads.get_threads() == threads
    finally:
        blas_threads.set_threads(before)
