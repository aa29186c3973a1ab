"""Tests for ndflow/serving/metrics.py: TF Serving's metric names and Prometheus text format."""

from __future__ import annotations

from ndflow.framework import errors
from ndflow.serving import metrics


def _text(serving_metrics: metrics.ServingMetrics) -> str:
    body, content_type = serving_metrics.render()
    assert content_type == "text/plain"
    return body.decode()


def test_request_count_has_model_and_status_labels_and_no_total_suffix():
    serving_metrics = metrics.ServingMetrics()
    serving_metrics.record_request("half_plus_two", "predict", "REST", "OK", 0.001)
    serving_metrics.record_request("half_plus_two", "Predict", "GRPC", errors.NOT_FOUND, 0.001)
    text = _text(serving_metrics)
    assert "# TYPE :tensorflow:serving:request_count counter\n" in text
    assert ':tensorflow:serving:request_count{model_name="half_plus_two",status="OK"} 1\n' in text
    assert 'request_count{model_name="half_plus_two",status="NOT_FOUND"} 1\n' in text
    assert "_total" not in text
    assert "# HELP" not in text
    assert "_created" not in text


def test_request_latency_is_a_microsecond_histogram_of_successful_requests():
    serving_metrics = metrics.ServingMetrics()
    serving_metrics.record_request("m", "predict", "REST", "OK", 0.0015)
    serving_metrics.record_request("m", "predict", "REST", "INVALID_ARGUMENT", 5.0)
    text = _text(serving_metrics)
    name = ":tensorflow:serving:request_latency"
    labels = 'model_name="m",API="predict",entrypoint="REST"'
    assert f"# TYPE {name} histogram\n" in text
    assert f'{name}_bucket{{{labels},le="10"}} 0\n' in text
    assert f'{name}_bucket{{{labels},le="1983.59"}} 1\n' in text
    assert f'{name}_bucket{{{labels},le="+Inf"}} 1\n' in text
    assert f"{name}_sum{{{labels}}} 1500\n{name}_count{{{labels}}} 1\n" in text


def test_latency_histogram_has_tf_servings_33_buckets_plus_inf():
    serving_metrics = metrics.ServingMetrics()
    serving_metrics.record_runtime("m", "Predict", 0.01)
    lines = [
        line for line in _text(serving_metrics).splitlines() if "runtime_latency_bucket" in line
    ]
    assert len(lines) == 34
    assert 'runtime="TF1"' in lines[0]
    assert lines[-1].endswith('le="+Inf"} 1')


def test_unlabelled_points_print_empty_braces():
    text = _text(metrics.ServingMetrics())
    assert ":tensorflow:serving:batching_session:wrapped_run_count{} 0\n" in text


def test_label_values_are_escaped():
    serving_metrics = metrics.ServingMetrics()
    serving_metrics.record_request('we"ird\\name', "predict", "REST", "OK", 0.001)
    assert 'model_name="we\\"ird\\\\name"' in _text(serving_metrics)


def test_every_point_line_belongs_to_a_typed_metric_and_page_ends_with_newline():
    serving_metrics = metrics.ServingMetrics()
    serving_metrics.record_request("m", "classify", "REST", "OK", 0.002)
    serving_metrics.record_examples("m", 3)
    serving_metrics.record_model_load("/models/m/1", 0.25, ok=True)
    serving_metrics.record_warmup("/models/m/1", ok=True, seconds=0.01, records=2)
    text = _text(serving_metrics)
    assert text.endswith("\n")
    typed = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        name = line.split("{", 1)[0]
        base = name.removesuffix("_bucket").removesuffix("_sum").removesuffix("_count")
        assert name in typed or base in typed, line


def test_examples_and_model_load_metrics_use_tf_names():
    serving_metrics = metrics.ServingMetrics()
    serving_metrics.record_examples("m", 3)
    serving_metrics.record_model_load("/models/m/1", 0.25, ok=True)
    serving_metrics.record_model_load("/models/m/2", 0.25, ok=False)
    text = _text(serving_metrics)
    assert ':tensorflow:serving:request_example_count_total{model="m"} 3\n' in text
    assert ':tensorflow:serving:request_example_counts_bucket{model="m",le="4"} 1\n' in text
    assert (
        ':tensorflow:cc:saved_model:load_attempt_count{model_path="/models/m/1",status="success"} 1'
        in text
    )
    assert ':tensorflow:cc:saved_model:load_latency{model_path="/models/m/1"} 250000\n' in text
    assert 'load_latency{model_path="/models/m/2"}' not in text


def test_model_state_keeps_one_series_per_live_version():
    serving_metrics = metrics.ServingMetrics()
    for state in ("START", "LOADING", "AVAILABLE"):
        serving_metrics.set_model_state("m", 1, state)
    serving_metrics.set_model_state("m", 2, "AVAILABLE")
    text = _text(serving_metrics)
    assert ':ndflow:serving:model_state{model_name="m",version="1",state="AVAILABLE"} 1\n' in text
    assert 'state="LOADING"' not in text
    serving_metrics.set_model_state("m", 1, "END")
    assert 'version="1"' not in _text(serving_metrics)


def test_two_metrics_objects_do_not_share_values():
    one, two = metrics.ServingMetrics(), metrics.ServingMetrics()
    one.record_request("m", "predict", "REST", "OK", 0.001)
    assert "request_count{" in _text(one)
    assert "request_count{" not in _text(two)
