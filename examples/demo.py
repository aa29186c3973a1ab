"""ndflow's demo: the seed documents' story, end to end, in one command (`make demo`).

1. a synthetic two-class image set is written as sharded TFRecord files of tf.train.Examples;
2. a tf.data pipeline reads them: TFRecordDataset -> parse_single_example -> decode_png ->
   shuffle -> batch -> prefetch;
3. the seed's CNN is trained with an Estimator, writing TensorBoard summaries, and evaluated
   on held-out images;
4. it is exported as a SavedModel with a predict signature;
5. `ndflow serve` serves it; REST and gRPC predict requests classify held-out images;
6. a fresh process warms up and runs it, timed as the seed times Keras and Go (and
   TensorFlow on the same SavedModel, given `--tf-python`);
7. the server shuts down cleanly.

    python -m examples.demo [--quick] [--output demo_output] [--tf-python .venv-tf/bin/python]

Exits non-zero when a stage fails (including a model that does not learn).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import pathlib
import shutil
import sys
import time

import numpy as np

import ndflow as tf
from examples.story import images
from examples.story import model
from examples.story import pipeline
from examples.story import serving
from examples.story import timing

MODEL_NAME = "seed_cnn"
STAGES = 7


@dataclasses.dataclass(frozen=True)
class Settings:
    """How big the run is: the full demo, or the reduced one that tests and CI run."""

    image_size: int = 32
    train_images: int = 2000
    validation_images: int = 400
    train_shards: int = 4
    validation_shards: int = 2
    batch_size: int = 32
    train_steps: int = 200
    learning_rate: float = 1e-3
    min_accuracy: float = 0.9
    served_images: int = 4
    timing_runs: int = 3
    timing_calls: int = 50
    seed_size: int | None = 250


QUICK = Settings(
    image_size=24,
    train_images=512,
    validation_images=128,
    train_steps=60,
    min_accuracy=0.75,
    timing_runs=1,
    timing_calls=10,
    seed_size=None,
)


class StageFailed(RuntimeError):
    """A stage could not do its job; the demo stops with a non-zero exit status."""


class Progress:
    """Numbered stage headers with the time each stage took."""

    def __init__(self):
        self._started = time.perf_counter()
        self._stage_start = None

    def stage(self, number: int, title: str) -> None:
        self._finish_stage()
        print(f"\n[{number}/{STAGES}] {title}", flush=True)
        self._stage_start = time.perf_counter()

    def _finish_stage(self) -> None:
        if self._stage_start is not None:
            print(f"      ({time.perf_counter() - self._stage_start:.1f} s)", flush=True)

    def done(self) -> None:
        self._finish_stage()
        print(f"\nall {STAGES} stages done in {time.perf_counter() - self._started:.1f} s")


def say(text: str) -> None:
    print(f"      {text}", flush=True)


@dataclasses.dataclass
class Paths:
    root: pathlib.Path

    @property
    def data(self) -> pathlib.Path:
        return self.root / "tfrecords"

    @property
    def model_dir(self) -> pathlib.Path:
        return self.root / "model"

    @property
    def export_base(self) -> pathlib.Path:
        return self.root / "export" / MODEL_NAME

    @property
    def server_log(self) -> pathlib.Path:
        return self.root / "model_server.log"


# ---------------------------------------------------------------------- stages


def write_tfrecords(paths: Paths, settings: Settings):
    """Stage 1: the image set as sharded TFRecords; returns (train files, validation files,
    held-out images, their labels)."""
    size = settings.image_size
    train_x, train_y = images.make_images(settings.train_images, size, seed=0)
    test_x, test_y = images.make_images(settings.validation_images, size, seed=1)
    train = images.write_shards(paths.data, "train", train_x, train_y, settings.train_shards)
    validation = images.write_shards(
        paths.data, "validation", test_x, test_y, settings.validation_shards
    )
    total_mb = sum(path.stat().st_size for path in train + validation) / 1e6
    say(f"{len(train_x)} training and {len(test_x)} held-out {size}x{size} PNG images")
    say(f"classes: {', '.join(f'{i} = {name}' for i, name in enumerate(images.CLASS_NAMES))}")
    say(f"{len(train)} + {len(validation)} shards, {total_mb:.1f} MB, in {paths.data}/")
    return train, validation, test_x, test_y


def read_pipeline(train_files, settings: Settings) -> None:
    """Stage 2: one pass over the training shards through the input pipeline."""
    size, batch_size = settings.image_size, settings.batch_size
    with tf.Graph().as_default():
        records = pipeline.dataset(train_files, size, batch_size, training=False)
        features, labels = tf.data.make_one_shot_iterator(records).get_next()
        with tf.Session() as sess:
            start = time.perf_counter()
            first = sess.run(features["image"])
            count = len(first) + count_remaining(sess, labels)
            elapsed = time.perf_counter() - start
    say("TFRecordDataset -> parse_single_example -> decode_png -> shuffle -> batch -> prefetch")
    say(f"first batch: images {first.shape} float32 in [{first.min():.2f}, {first.max():.2f}]")
    say(f"read {count} records in {elapsed:.2f} s ({count / elapsed:.0f} records/s)")


def count_remaining(sess, labels) -> int:
    """Runs `labels` until the iterator ends; the number of elements seen."""
    count = 0
    while True:
        try:
            count += len(sess.run(labels))
        except tf.errors.OutOfRangeError:
            return count


def train_and_evaluate(paths: Paths, train_files, validation_files, settings: Settings):
    """Stage 3: the seed CNN trained with an Estimator; held-out accuracy must clear the bar."""
    config = tf.estimator.RunConfig(
        tf_random_seed=7,
        save_summary_steps=20,
        save_checkpoints_steps=settings.train_steps,
        log_step_count_steps=20,
        # One BLAS thread: the input pipeline's threads share the CPU with training, and
        # OpenBLAS's threads stall whenever one of them loses its core (see
        # ndflow/runtime/blas_threads.py); on 2 cores this is 10x faster under load.
        session_config=tf.ConfigProto(intra_op_parallelism_threads=1),
    )
    estimator = tf.estimator.Estimator(
        model.model_fn,
        str(paths.model_dir),
        config=config,
        params={"learning_rate": settings.learning_rate},
    )
    size, batch_size = settings.image_size, settings.batch_size
    say(
        f"conv 3x3x32 -> conv 3x3x32 -> max pool 2x2 -> dense 64 + dropout -> sigmoid, "
        f"input {size}x{size}x3"
    )
    start = time.perf_counter()
    estimator.train(
        pipeline.input_fn(train_files, size, batch_size, training=True),
        steps=settings.train_steps,
    )
    elapsed = time.perf_counter() - start
    say(f"{settings.train_steps} steps of batch {batch_size} in {elapsed:.1f} s")
    metrics = estimator.evaluate(pipeline.input_fn(validation_files, size, 100, training=False))
    accuracy = float(metrics["accuracy"])
    say(f"held-out accuracy {accuracy:.3f} (loss {float(metrics['loss']):.4f}; chance is 0.5)")
    if accuracy < settings.min_accuracy:
        raise StageFailed(
            f"the model did not learn: accuracy {accuracy:.3f} < {settings.min_accuracy}"
        )
    return estimator


def export(estimator, paths: Paths, settings: Settings) -> pathlib.Path:
    """Stage 4: the SavedModel, with its predict signature."""
    receiver = model.serving_input_receiver_fn(settings.image_size)
    export_dir = pathlib.Path(
        estimator.export_saved_model(str(paths.export_base), receiver).decode()
    )
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], str(export_dir))
    signature = meta_graph.signature_def["serving_default"]
    say(f"{export_dir}  ({timing.directory_mb(export_dir):.2f} MB)")
    say(f"signature serving_default ({signature.method_name}):")
    for kind, tensors in (("input ", signature.inputs), ("output", signature.outputs)):
        for key, info in sorted(tensors.items()):
            dims = [d.size for d in info.tensor_shape.dim]
            say(f"  {kind} {key:12} {info.name:26} {tf.as_dtype(info.dtype).name} {dims}")
    return export_dir


def serve_and_predict(server, test_x, test_y, settings: Settings) -> None:
    """Stage 5: start the server, then classify held-out images over REST and gRPC."""
    start = time.perf_counter()
    server.start()
    ready = time.perf_counter() - start
    say(f"ndflow serve: gRPC 127.0.0.1:{server.grpc_port}, REST 127.0.0.1:{server.rest_port}")
    say(f"{MODEL_NAME} AVAILABLE {ready:.2f} s after the start")
    chosen = np.arange(settings.served_images)
    batch = images_as_floats(test_x[chosen])
    rest = server.rest_predict(batch)
    grpc = server.grpc_predict(batch)
    say(
        f"{'image':>5}  {'true class':12} {'REST p(vertical)':>17} {'gRPC p(vertical)':>17}  answer"
    )
    wrong = 0
    for row, index in enumerate(chosen):
        truth = images.CLASS_NAMES[test_y[index]]
        rest_p = rest[row]["probability"][0]
        grpc_p = float(grpc["probability"][row][0])
        answer = images.CLASS_NAMES[int(rest_p > 0.5)]
        wrong += answer != truth
        say(f"{index:>5}  {truth:12} {rest_p:>17.4f} {grpc_p:>17.4f}  {answer}")
        if abs(rest_p - grpc_p) > 1e-5:
            raise StageFailed(f"REST and gRPC disagree on image {index}: {rest_p} vs {grpc_p}")
    say(f"{len(chosen) - wrong}/{len(chosen)} right")


def images_as_floats(batch: np.ndarray) -> np.ndarray:
    """uint8 images as the model's float32 input in [0, 1] (what decode + convert gives)."""
    return batch.astype(np.float32) / 255.0


def compare_timings(paths: Paths, export_dir, settings: Settings, tf_python) -> None:
    """Stage 6: the seed's table, for ndflow (and TensorFlow) in fresh processes: the trained
    model, and the same network at the seed's 250x250 input."""
    models = [
        (f"{settings.image_size}x{settings.image_size} demo model", export_dir, settings.image_size)
    ]
    if settings.seed_size:
        seed_dir = paths.root / "export_seed_size" / "1"
        model.export_untrained(seed_dir, settings.seed_size)
        models.append(
            (f"{settings.seed_size}x{settings.seed_size} seed size", seed_dir, settings.seed_size)
        )
    backends = [("ndflow", sys.executable)]
    if tf_python:
        backends.append(("TensorFlow", tf_python))
    rows = {}
    for title, directory, size in models:
        answers = {}
        for backend, python in backends:
            row = timing.measure(
                python,
                backend.lower(),
                directory,
                model,
                size,
                settings.timing_runs,
                settings.timing_calls,
            )
            rows[f"{backend}, {title}"] = {**row, "size_mb": timing.directory_mb(directory)}
            answers[backend] = row["answer"][0][0]
        check_agreement(answers, title)
    rows.update(timing.SEED_FIGURES)
    runs = settings.timing_runs
    processes = "one fresh process" if runs == 1 else f"medians of {runs} fresh processes"
    say(f"{processes} per row; {settings.timing_calls} batch-1 inferences after the first")
    for line in timing.table(rows):
        say(line)
    if not tf_python:
        say("(no TensorFlow interpreter given: pass --tf-python for its rows)")


def check_agreement(answers: dict, title: str) -> None:
    """TensorFlow, running ndflow's SavedModel, must give ndflow's answer."""
    if len(answers) < 2:
        return
    difference = abs(answers["TensorFlow"] - answers["ndflow"])
    if difference > 1e-4:
        raise StageFailed(f"TensorFlow and ndflow disagree on the {title} by {difference}")


def shut_down(server, paths: Paths) -> None:
    """Stage 7: SIGTERM the server, check it exited cleanly, say where everything is."""
    status = server.stop()
    if status != 0:
        raise StageFailed(f"the server exited with status {status}; log: {paths.server_log}")
    say("server stopped cleanly (exit status 0)")
    say(f"TFRecords:   {paths.data}/")
    say(f"logdir:      {paths.model_dir}/  (checkpoints, events; evaluation in eval/)")
    say(f"SavedModel:  {paths.export_base}/")
    say(f"server log:  {paths.server_log}")
    say(f"TensorBoard: tensorboard --logdir {paths.model_dir}")
    say("             (TensorBoard itself: `pip install tensorboard`, or .venv-tf/bin/tensorboard)")


# ---------------------------------------------------------------------- driver


def run(paths: Paths, settings: Settings, tf_python: str | None) -> None:
    progress = Progress()
    progress.stage(1, "Writing the image set as sharded TFRecords")
    train_files, validation_files, test_x, test_y = write_tfrecords(paths, settings)
    progress.stage(2, "Reading it back through the tf.data pipeline")
    read_pipeline(train_files, settings)
    progress.stage(3, "Training the seed CNN with an Estimator (TensorBoard summaries on)")
    estimator = train_and_evaluate(paths, train_files, validation_files, settings)
    progress.stage(4, "Exporting a SavedModel")
    export_dir = export(estimator, paths, settings)
    server = serving.ModelServer(MODEL_NAME, paths.export_base, paths.server_log)
    try:
        progress.stage(5, "Serving it with `ndflow serve`: REST and gRPC predict")
        serve_and_predict(server, test_x, test_y, settings)
        progress.stage(6, "Warm-up and inference times, as the seed measures them")
        compare_timings(paths, export_dir, settings, tf_python)
        progress.stage(7, "Shutting the server down")
        shut_down(server, paths)
    finally:
        server.stop()
    progress.done()


def show_training_progress() -> None:
    """The training loop's progress lines (ndflow's ProgressBarHook) and nothing else."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("      %(message)s"))
    progress_logger = logging.getLogger("ndflow.train.progress")
    progress_logger.setLevel(logging.INFO)
    progress_logger.addHandler(handler)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the reduced run (tests and CI)")
    parser.add_argument("--output", default="demo_output", help="where everything is written")
    parser.add_argument("--tf-python", help="a Python with TensorFlow, for its timing column")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    settings = QUICK if args.quick else Settings()
    tf_python = args.tf_python if args.tf_python and os.path.exists(args.tf_python) else None
    paths = Paths(pathlib.Path(args.output).resolve())
    shutil.rmtree(paths.root, ignore_errors=True)
    paths.root.mkdir(parents=True)
    print(
        f"ndflow {tf.__version__} demo{' (quick)' if args.quick else ''}: writing to {paths.root}"
    )
    show_training_progress()
    try:
        run(paths, settings, tf_python)
    except Exception as error:  # noqa: BLE001 - any failure ends the demo with a clear message
        print(f"\ndemo FAILED: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
