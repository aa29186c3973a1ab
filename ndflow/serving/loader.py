"""Loading one model version (TF Serving's `SavedModelBundleFactory` + `saved_model_warmup`).

`load_servable` loads a SavedModel version into its own Graph and Session, builds its
Servable and replays `assets.extra/tf_serving_warmup_requests`; `load_with_retries` adds TF
Serving's retry loop (`--max_num_load_retries`, `--load_retry_interval_micros`).
"""

from __future__ import annotations

import logging
import os
import threading

from ndflow.formats import tfrecord
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.proto import prediction_log_pb2
from ndflow.runtime import session as session_lib
from ndflow.saved_model import loader as saved_model_loader
from ndflow.serving import servable as servable_lib

_log = logging.getLogger("ndflow.serving")

WARMUP_PATH = os.path.join("assets.extra", "tf_serving_warmup_requests")
MAX_WARMUP_RECORDS = 1000


def _open_session(path: str, tags: list):
    graph = graph_lib.Graph()
    session = session_lib.Session(graph=graph)
    try:
        meta_graph_def = saved_model_loader.load(session, tags, path)
    except RuntimeError as error:
        # TF's loader: no MetaGraph has exactly these tags.
        session.close()
        raise errors.NotFoundError(None, None, str(error)) from None
    except BaseException:
        session.close()
        raise
    return session, meta_graph_def


def _check_exists(path: str) -> None:
    if not saved_model_loader.maybe_saved_model_directory(path):
        raise errors.NotFoundError(
            None,
            None,
            f"Could not find SavedModel .pb or .pbtxt at supplied export directory path: {path}",
        )


def load_servable(name: str, version: int, path: str, options) -> servable_lib.Servable:
    """Loads version `version` of model `name` from `path` (TF's SavedModelBundle load, then
    warm-up when `options.enable_model_warmup`).

    Raises:
      OpError: any failure, as TF Serving reports it (NotFound for a missing SavedModel,
        DataLoss for a corrupt warm-up file, ...).
    """
    _check_exists(path)
    session, meta_graph_def = _open_session(path, options.tags)
    servable = servable_lib.Servable(
        name,
        version,
        session,
        meta_graph_def,
        path,
        enable_signature_method_name_check=options.enable_signature_method_name_check,
        enable_serialization_as_tensor_content=options.enable_serialization_as_tensor_content,
    )
    if options.enable_model_warmup:
        try:
            run_warmup(servable, path, max(1, options.num_request_iterations_for_warmup))
        except BaseException:
            session.close()
            raise
    return servable


def _as_op_error(error: Exception) -> errors.OpError:
    if isinstance(error, errors.OpError):
        return error
    return errors.UnknownError(None, None, f"{type(error).__name__}: {error}")


def load_with_retries(name, version, path, options, cancelled: threading.Event | None = None):
    """`load_servable` retried `options.max_num_load_retries` times, waiting
    `options.load_retry_interval_micros` between attempts (TF Serving's `LoaderHarness`).
    A set `cancelled` event (the version is no longer aspired, or the server stops) ends the
    retries early. Raises the last attempt's error as an OpError."""
    cancelled = cancelled or threading.Event()
    attempts = max(0, options.max_num_load_retries) + 1
    wait = max(0.0, options.load_retry_interval_micros / 1e6)
    for attempt in range(attempts):
        try:
            return load_servable(name, version, path, options)
        except Exception as error:  # noqa: BLE001 - every failure is reported as the version's status
            last = _as_op_error(error)
            _log.error("Loading servable %s version %d failed: %s", name, version, last.message)
        if attempt + 1 < attempts:
            _log.info("Retrying load of servable %s version %d", name, version)
            if cancelled.wait(wait):
                break
    raise last


# -- warm-up (TF Serving's servables/tensorflow/saved_model_warmup_util.cc) ---------------------


def _warmup_records(warmup_path: str):
    """The records of the warm-up file; a corrupt file is DATA_LOSS with TF Serving's hint."""
    try:
        yield from tfrecord.RecordReader(warmup_path)
    except errors.OpError as error:
        raise errors.DataLossError(
            None,
            None,
            f"{error.message}. Please verify your warmup data is in TFRecord format.",
        ) from None


def _replay(servable, log) -> None:
    kind = log.WhichOneof("log_type")
    if kind == "predict_log":
        servable.predict(log.predict_log.request)
    elif kind == "classify_log":
        servable.classify(log.classify_log.request)
    elif kind == "regress_log":
        servable.regress(log.regress_log.request)
    elif kind == "multi_inference_log":
        servable.multi_inference(log.multi_inference_log.request)
    else:
        raise errors.UnimplementedError(None, None, f"Unsupported log_type for warmup: {kind}")


def run_warmup(servable, export_dir: str, iterations: int = 1) -> int:
    """Replays the PredictionLog records of `<export_dir>/assets.extra/tf_serving_warmup_requests`
    through the servable's own request path; returns the number of records (0: no file).

    Raises:
      DataLossError: the file is not TFRecord-framed.
      InvalidArgumentError: a record is not a PredictionLog, or more than 1000 records.
      UnimplementedError: a session_run_log or predict_streamed_log record.
    """
    warmup_path = os.path.join(export_dir, WARMUP_PATH)
    if not os.path.exists(warmup_path):
        return 0
    count = 0
    for record in _warmup_records(warmup_path):
        count += 1
        try:
            log = prediction_log_pb2.PredictionLog.FromString(record)
        except Exception:  # noqa: BLE001 - protobuf's DecodeError
            raise errors.InvalidArgumentError(
                None, None, f"Failed to parse warmup record: {record!r} from {warmup_path}"
            ) from None
        for _ in range(iterations):
            _replay(servable, log)
        if count > MAX_WARMUP_RECORDS:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Number of warmup records exceeds the maximum ({MAX_WARMUP_RECORDS}) at "
                f"{warmup_path}",
            )
    _log.info(
        "Finished reading warmup data for model at %s. Number of warmup records read: %d.",
        export_dir,
        count,
    )
    return count
