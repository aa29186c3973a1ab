"""Dataset ops that only tune TensorFlow's own runtime (options, autotuning, graph
rewrites, tf.data service splits, thread pools). ndflow accepts them so pipelines from TF
graphs run; each passes its input through unchanged."""

from __future__ import annotations

from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op
_TYPES = ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"]


def _pass_through(ctx, input_dataset, *extra, **attrs):
    del ctx, extra, attrs
    return runtime.dataset_of(input_dataset)


_OPS = {
    "OptionsDataset": ([], ["serialized_options: string"] + _TYPES + ["metadata: string = ''"]),
    "ModelDataset": (
        [],
        ["algorithm: int = 0", "cpu_budget: int = 0", "ram_budget: int = 0"] + _TYPES,
    ),
    "OptimizeDatasetV2": (
        [
            "optimizations_enabled: string",
            "optimizations_disabled: string",
            "optimizations_default: string",
        ],
        _TYPES + ["optimization_configs: list(string) = []"],
    ),
    "MaxIntraOpParallelismDataset": (["max_intra_op_parallelism: int64"], _TYPES),
    "PrivateThreadPoolDataset": (["num_threads: int64"], _TYPES),
    "RewriteDataset": (["rewrite_name: string"], _TYPES),
}

for _name, (_inputs, _attrs) in _OPS.items():
    register_op(
        _name,
        inputs=["input_dataset: variant"] + _inputs,
        outputs=["handle: variant"],
        attrs=_attrs,
        shape=runtime.dataset_shape,
        kernel=_pass_through,
    )
    registry.not_differentiable(_name, "a dataset")
