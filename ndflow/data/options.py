"""`tf.data.Options` and its option groups. ndflow records them (`Dataset.options()`
returns what `with_options` set); its runtime has no autotuner or graph rewrites for most
of them to steer. `deterministic` is honoured by parallel map and interleave."""

from __future__ import annotations


class OptionsBase:
    """Attributes limited to the declared options; unset ones read as their default."""

    _OPTIONS: dict = {}

    def __init__(self):
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        options = type(self)._OPTIONS
        if name not in options:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        if name in self._values:
            return self._values[name]
        default = options[name]
        if isinstance(default, type) and issubclass(default, OptionsBase):
            value = default()
            self._values[name] = value
            return value
        return default

    def __setattr__(self, name, value):
        if name not in type(self)._OPTIONS:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        self._values[name] = value

    def __eq__(self, other):
        return type(self) is type(other) and self._values == other._values

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(type(self))

    def merge(self, other):
        """Options set on `other` win over those set here (TF's merge order)."""
        result = type(self)()
        for source in (self, other):
            for name, value in source._values.items():
                if isinstance(value, OptionsBase) and name in result._values:
                    value = result._values[name].merge(value)
                result._values[name] = value
        return result


def _group(name, options):
    return type(
        name,
        (OptionsBase,),
        {"_OPTIONS": options, "__doc__": f"Mirrors `tf.data.experimental.{name}`."},
    )


AutotuneOptions = _group(
    "AutotuneOptions",
    {
        "enabled": None,
        "cpu_budget": None,
        "ram_budget": None,
        "autotune_algorithm": None,
        "initial_parallelism": None,
        "min_parallelism": None,
    },
)
DistributeOptions = _group("DistributeOptions", {"auto_shard_policy": None, "num_devices": None})
OptimizationOptions = _group(
    "OptimizationOptions",
    {
        name: None
        for name in (
            "apply_default_optimizations",
            "filter_fusion",
            "filter_parallelization",
            "inject_prefetch",
            "seq_interleave_prefetch",
            "map_and_batch_fusion",
            "map_and_filter_fusion",
            "map_fusion",
            "map_parallelization",
            "noop_elimination",
            "parallel_batch",
            "shuffle_and_repeat_fusion",
        )
    },
)
ThreadingOptions = _group(
    "ThreadingOptions", {"max_intra_op_parallelism": None, "private_threadpool_size": None}
)
ServiceOptions = _group("ServiceOptions", {"pinned": None})


class Options(OptionsBase):
    """Mirrors `tf.data.Options`."""

    _OPTIONS = {
        "autotune": AutotuneOptions,
        "deterministic": None,
        "experimental_deterministic": None,
        "experimental_distribute": DistributeOptions,
        "experimental_external_state_policy": None,
        "experimental_optimization": OptimizationOptions,
        "experimental_slack": None,
        "experimental_symbolic_checkpoint": None,
        "experimental_service": ServiceOptions,
        "experimental_threading": ThreadingOptions,
        "experimental_warm_start": None,
        "dataset_name": None,
        "framework_type": None,
        "threading": ThreadingOptions,
    }

    def deterministic_flag(self):
        """The effective `deterministic` setting (None when not set)."""
        value = self._values.get("deterministic")
        return self._values.get("experimental_deterministic") if value is None else value
