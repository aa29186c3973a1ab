"""ndflow's model server: a drop-in TensorFlow Serving (`tensorflow_model_server`) in Python.

Source (source.py) -> Loader (loader.py) -> Manager (manager.py) -> Servable (servable.py),
wired by ServerCore (server_core.py) and served over REST (rest.py) and gRPC (grpc_service.py).
Never imported by `import ndflow`.
"""
