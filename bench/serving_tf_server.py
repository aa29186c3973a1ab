"""The TensorFlow side of bench/serving_load.py: TF loading a SavedModel behind a minimal server.

There is no `tensorflow_model_server` binary here, so this is the comparison point: a Python
process (run under `--tf-python`) that loads each SavedModel with `tf.compat.v1` (Session +
`saved_model.loader.load`, tag "serve") and serves
- REST: `POST /v1/models/<name>:predict` with `{"instances": [...]}` -> `{"predictions": ...}`
  (row format, one input and one output, batched by dim 0), `GET /v1/models/<name>` -> 200, on
  the standard library's `ThreadingHTTPServer` (HTTP/1.1 keep-alive, a thread per connection);
- gRPC: `tensorflow.serving.PredictionService/Predict` with tensorflow-serving-api's messages
  (`tf.make_ndarray` in, `tf.make_tensor_proto` out), on grpcio with a 32-thread pool.
No batching, warm-up, version policy or monitoring. Prints `READY` once both ports listen.

Usage: serving_tf_server.py --rest_api_port R --port G --model name=/path/to/version_dir ...
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import sys
from concurrent import futures

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def load_models(specs: list[str], tf) -> dict:
    models = {}
    for spec in specs:
        name, path = spec.split("=", 1)
        session = tf.compat.v1.Session(graph=tf.Graph())
        meta_graph = tf.compat.v1.saved_model.loader.load(session, ["serve"], path)
        signature = meta_graph.signature_def["serving_default"]
        (input_info,) = signature.inputs.values()
        (output_name, output_info) = next(iter(signature.outputs.items()))
        models[name] = (session, input_info.name, output_name, output_info.name)
    return models


def predict(models: dict, name: str, array):
    session, input_tensor, output_name, output_tensor = models[name]
    return output_name, session.run(output_tensor, {input_tensor: array})


def rest_handler(models: dict, np):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without TCP_NODELAY each reply waits ~40 ms.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            return

        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            name = self.path.rsplit("/", 1)[-1]
            self._reply(200 if name in models else 404, {"model": name})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            name = self.path.split("/")[3].split(":")[0]
            dtype = np.float32
            _, output = predict(models, name, np.asarray(body["instances"], dtype))
            self._reply(200, {"predictions": output.tolist()})

    return Handler


def grpc_server(models: dict, port: int, tf):
    import grpc
    from tensorflow_serving.apis import predict_pb2
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    class Service(prediction_service_pb2_grpc.PredictionServiceServicer):
        def Predict(self, request, context):  # noqa: N802 - gRPC method name
            (tensor,) = request.inputs.values()
            output_name, output = predict(models, request.model_spec.name, tf.make_ndarray(tensor))
            response = predict_pb2.PredictResponse()
            response.model_spec.name = request.model_spec.name
            response.outputs[output_name].CopyFrom(tf.make_tensor_proto(output))
            return response

    server = grpc.server(futures.ThreadPoolExecutor(32))
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(Service(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rest_api_port", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", action="append", required=True, help="name=version_dir")
    args = parser.parse_args()
    import numpy as np
    import tensorflow as tf

    models = load_models(args.model, tf)
    server = grpc_server(models, args.port, tf)
    # The standard library's listen backlog (5) resets connections when 32 clients connect
    # at once.
    http.server.ThreadingHTTPServer.request_queue_size = 128
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", args.rest_api_port), rest_handler(models, np)
    )
    print("READY", flush=True)
    try:
        httpd.serve_forever()
    finally:
        server.stop(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
