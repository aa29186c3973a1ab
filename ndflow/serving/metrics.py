"""The model server's monitoring metrics, under TF Serving's names, as Prometheus text.

Values live in a prometheus_client `CollectorRegistry` owned by each `ServingMetrics` (never the
global registry, so several servers and tests in one process stay apart). `render` writes them
the way TF Serving's PrometheusExporter does: `# TYPE` lines without `# HELP`, counters without a
`_total` suffix, `{}` on unlabelled points, histograms in microseconds.
"""

from __future__ import annotations

import threading

import prometheus_client

from ndflow.proto import error_codes_pb2

CONTENT_TYPE = "text/plain"

# TF Serving's latency buckets: 10 us x 1.8^k, 33 of them (monitoring::Buckets::Exponential).
_LATENCY_BUCKETS_US = tuple(10.0 * 1.8**k for k in range(33))
# Powers of two up to 2^14, for example counts and batch sizes.
_SIZE_BUCKETS = tuple(float(2**k) for k in range(15))

_SERVING = ":tensorflow:serving:"
# prometheus_client drops a counter's `_total` suffix from the family name; TF keeps it.
_COUNTERS_NAMED_TOTAL = frozenset({_SERVING + "request_example_count"})
_BATCHING = ":tensorflow:serving:batching_session:"


class ServingMetrics:
    """Mirrors the metrics TF Serving's model server exports (spec 4.8), on a private registry.

    >>> metrics = ServingMetrics()
    >>> metrics.record_request("half_plus_two", "predict", "REST", "OK", 0.002)
    >>> b'request_count{model_name="half_plus_two",status="OK"} 1' in metrics.render()[0]
    True
    """

    def __init__(self):
        self.registry = prometheus_client.CollectorRegistry(auto_describe=False)
        self._states: dict[tuple[str, str], str] = {}
        self._states_lock = threading.Lock()
        self._request_count = self._counter(_SERVING + "request_count", ("model_name", "status"))
        self._request_latency = self._histogram(
            _SERVING + "request_latency", ("model_name", "API", "entrypoint"), _LATENCY_BUCKETS_US
        )
        self._runtime_latency = self._histogram(
            _SERVING + "runtime_latency", ("model_name", "API", "runtime"), _LATENCY_BUCKETS_US
        )
        self._example_counts = self._histogram(
            _SERVING + "request_example_counts", ("model",), _SIZE_BUCKETS
        )
        self._example_total = self._counter(_SERVING + "request_example_count_total", ("model",))
        self._warmup_latency = self._histogram(
            _SERVING + "model_warmup_latency", ("model_path", "status"), _LATENCY_BUCKETS_US
        )
        self._warmup_records = self._counter(
            _SERVING + "model_warmup_records_read", ("model_path", "status")
        )
        self._load_attempts = self._counter(
            ":tensorflow:cc:saved_model:load_attempt_count", ("model_path", "status")
        )
        self._load_latency = self._counter(
            ":tensorflow:cc:saved_model:load_latency", ("model_path",)
        )
        # TF Serving has no model-state metric; this one is ndflow's (value 1 for the state held).
        self._model_state = self._gauge(
            ":ndflow:serving:model_state", ("model_name", "version", "state")
        )
        self._queuing_latency = self._histogram(
            _BATCHING + "queuing_latency", ("thread_pool_name",), _LATENCY_BUCKETS_US
        )
        self._wrapped_runs = self._counter(_BATCHING + "wrapped_run_count", ())
        self._input_batch_size = self._histogram(_BATCHING + "input_batch_size", (), _SIZE_BUCKETS)
        self._processed_batch_size = self._histogram(
            _BATCHING + "processed_batch_size", (), _SIZE_BUCKETS
        )
        self._padding_size = self._histogram(
            _BATCHING + "padding_size", ("execution_batch_size",), _SIZE_BUCKETS
        )

    def record_request(
        self, model: str, api: str, entrypoint: str, status: str | int, latency_seconds: float
    ) -> None:
        """Counts one request; its latency too when it succeeded (as TF Serving).

        Args:
          api: `Predict`/`Classify`/`Regress`/... for gRPC, `predict`/`classify`/`regress` for REST.
          entrypoint: `GRPC` or `REST`.
          status: the canonical code name (`OK`, `INVALID_ARGUMENT`, ...) or its number.
        """
        if isinstance(status, int):
            status = code_name(status)
        self._request_count.labels(model, status).inc()
        if status == "OK":
            self._request_latency.labels(model, api, entrypoint).observe(latency_seconds * 1e6)

    def record_runtime(self, model: str, api: str, seconds: float) -> None:
        """The Session-run time of one request (`runtime_latency`, runtime `TF1`)."""
        self._runtime_latency.labels(model, api, "TF1").observe(seconds * 1e6)

    def record_examples(self, model: str, count: int) -> None:
        """Examples in one Classify/Regress/MultiInference request."""
        self._example_counts.labels(model).observe(count)
        self._example_total.labels(model).inc(count)

    def record_warmup(self, model_path: str, ok: bool, seconds: float, records: int) -> None:
        status = "OK" if ok else "ERROR"
        self._warmup_latency.labels(model_path, status).observe(seconds * 1e6)
        self._warmup_records.labels(model_path, status).inc(records)

    def record_model_load(self, model_path: str, seconds: float, ok: bool) -> None:
        """One SavedModel load attempt (TF core's saved_model load metrics)."""
        self._load_attempts.labels(model_path, "success" if ok else "fail").inc()
        if ok:
            self._load_latency.labels(model_path).inc(int(seconds * 1e6))

    def set_model_state(self, model: str, version: int, state: str) -> None:
        """The manager state of one version (`START`, `LOADING`, `AVAILABLE`, ..., `END`).

        `END` drops the version's series, so swapping versions does not grow the page.
        """
        key = (model, str(version))
        with self._states_lock:
            previous = self._states.pop(key, None)
            if previous is not None:
                self._model_state.remove(model, key[1], previous)
            if state == "END":
                return
            self._states[key] = state
            self._model_state.labels(model, key[1], state).set(1)

    def record_wrapped_run(self) -> None:
        self._wrapped_runs.inc()

    def record_batch_queue_waits(self, thread_pool_name: str, waits_seconds) -> None:
        histogram = self._queuing_latency.labels(thread_pool_name)
        for wait in waits_seconds:
            histogram.observe(wait * 1e6)

    def record_batch(self, batch_size: int, padded_size: int) -> None:
        self._input_batch_size.observe(batch_size)
        self._processed_batch_size.observe(padded_size)
        self._padding_size.labels(str(padded_size)).observe(padded_size - batch_size)

    def render(self) -> tuple[bytes, str]:
        """The Prometheus text page and its content type, as TF Serving's exporter writes it."""
        lines = []
        for family in self.registry.collect():
            lines.extend(_family_lines(family))
        return ("".join(line + "\n" for line in lines)).encode(), CONTENT_TYPE

    def _counter(self, name: str, labels: tuple[str, ...]):
        return prometheus_client.Counter(name, name, labels, registry=self.registry)

    def _gauge(self, name: str, labels: tuple[str, ...]):
        return prometheus_client.Gauge(name, name, labels, registry=self.registry)

    def _histogram(self, name: str, labels: tuple[str, ...], buckets: tuple[float, ...]):
        return prometheus_client.Histogram(
            name, name, labels, registry=self.registry, buckets=buckets
        )


def code_name(code: int) -> str:
    """The canonical name of an error code (`3` -> `INVALID_ARGUMENT`), as the status label."""
    return error_codes_pb2.Code.Name(code)


def _family_lines(family) -> list[str]:
    samples = [sample for sample in family.samples if not sample.name.endswith("_created")]
    if not samples:
        return []
    if family.type == "histogram":
        samples = _exporter_order(samples)
    family_name = family.name
    if family_name in _COUNTERS_NAMED_TOTAL:
        family_name += "_total"
    lines = [f"# TYPE {family_name} {family.type}"]
    for sample in samples:
        name = family_name if family.type in ("counter", "gauge") else sample.name
        lines.append(f"{name}{{{_labels_text(sample.labels)}}} {_value_text(sample, family.type)}")
    return lines


def _exporter_order(samples) -> list:
    """Per label set: buckets, then `_sum`, then `_count` (TF's order; prometheus_client swaps)."""
    rank = {"_bucket": 0, "_sum": 1, "_count": 2}
    groups: dict[tuple, list] = {}
    for sample in samples:
        labels = tuple((k, v) for k, v in sample.labels.items() if k != "le")
        groups.setdefault(labels, []).append(sample)
    ordered = []
    for group in groups.values():
        ordered.extend(sorted(group, key=lambda s: rank[s.name[s.name.rindex("_") :]]))
    return ordered


def _labels_text(labels: dict[str, str]) -> str:
    parts = []
    for key, value in labels.items():
        if key == "le":
            value = "+Inf" if value == "+Inf" else _number(float(value))
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(f'{key}="{escaped}"')
    return ",".join(parts)


def _value_text(sample, family_type: str) -> str:
    if family_type == "histogram" and sample.name.endswith("_sum"):
        return _number(sample.value)
    return str(int(sample.value))


def _number(value: float) -> str:
    """absl::StrCat's rendering of a double: six significant digits."""
    return f"{value:.6g}"
