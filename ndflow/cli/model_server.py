"""`ndflow_model_server` / `ndflow serve`: a drop-in `tensorflow_model_server`.

Parses TF Serving's flags, loads every configured model (ports open only once all are
AVAILABLE, as upstream), starts the gRPC and REST front ends and, on SIGTERM/SIGINT, stops
accepting, drains in-flight requests and unloads.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading

from ndflow.framework import errors
from ndflow.framework import versions
from ndflow.runtime import blas_threads
from ndflow.serving import config
from ndflow.serving import grpc_service
from ndflow.serving import rest
from ndflow.serving import server_core

_GRACE_SECONDS = 10.0


def _print_version() -> None:
    print(f"TensorFlow ModelServer: ndflow-{versions.NDFLOW_VERSION}")
    print(f"TensorFlow Library: ndflow-{versions.NDFLOW_VERSION}")


def _start_front_ends(core, options) -> list:
    servers = []
    if options.port or options.grpc_socket_path:
        servers.append(grpc_service.serve(core, options))
    if options.rest_api_port:
        servers.append(rest.serve(core, options))
    return servers


def _wait_for_signal() -> None:
    """Blocks until SIGTERM or SIGINT (the main thread owns the handlers)."""
    done = threading.Event()

    def handler(signum, frame):
        logging.getLogger("ndflow.serving").info("Received signal %d, shutting down.", signum)
        done.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not done.wait(1.0):
            pass
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _apply_intra_op_parallelism(options) -> None:
    """`--tensorflow_intra_op_parallelism` (or `--tensorflow_session_parallelism`, which sets
    both of TF's pools) is the BLAS thread count of the kernels; 0, "the server picks", is 1.

    The server's parallelism is its concurrent requests, each on its own thread: OpenBLAS's
    threads on top of those stall whenever one loses its core (ndflow/runtime/
    blas_threads.py). Serving the seed CNN on 2 cores with 32 gRPC clients, one BLAS thread
    answered 2.3x the requests of two, and was faster with a single client too.
    """
    threads = options.tensorflow_intra_op_parallelism or options.tensorflow_session_parallelism
    blas_threads.set_threads(threads if threads > 0 else 1)


def _start(options):
    """Builds and starts the core and front ends; returns them or raises OpError."""
    config.validate_options(options)
    _apply_intra_op_parallelism(options)
    core = server_core.ServerCore(options)
    core.start()
    try:
        return core, _start_front_ends(core, options)
    except BaseException:
        core.stop()
        raise


def main(argv=None) -> int:
    """Runs the model server until SIGTERM/SIGINT; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        options = config.parse_flags(argv)
    except config.FlagError as error:
        print(f"{error}\n{config.usage()}", file=sys.stderr)
        return 2
    if options.help:
        print(config.usage())
        return 0
    if options.version:
        _print_version()
        return 0
    try:
        core, servers = _start(options)
    except errors.OpError as error:
        print(f"Failed to start server. Error: {error.message}", file=sys.stderr)
        return 255
    _wait_for_signal()
    # Stop accepting and drain in-flight requests, then unload every model.
    for server in servers:
        server.stop(_GRACE_SECONDS)
    core.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
