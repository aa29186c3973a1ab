"""GeneratorDataset: elements made by calling functions (`Dataset.from_generator`).

`init_func` makes the iterator's state, `next_func(state)` one element per call (an
OutOfRangeError from it ends the sequence), `finalize_func(state)` runs once at the end or
when the iterator is closed.
"""

from __future__ import annotations

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op


class GeneratorDatasetValue(runtime.DatasetValue):
    def __init__(self, init_fn, next_fn, finalize_fn):
        self.init_fn = init_fn
        self.next_fn = next_fn
        self.finalize_fn = finalize_fn

    def make_iterator(self):
        return _GeneratorIterator(self)


class _GeneratorIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._state = None
        self._finished = False

    def __next__(self):
        if self._finished:
            raise StopIteration
        if self._state is None:
            self._state = self._dataset.init_fn([])
        try:
            return self._dataset.next_fn(self._state)
        except errors.OutOfRangeError:
            self._finalize()
            raise StopIteration from None

    def _finalize(self):
        self._finished = True
        if self._state is not None:
            state, self._state = self._state, None
            self._dataset.finalize_fn(state)

    def get_state(self):
        raise errors.UnimplementedError(
            None,
            None,
            "GeneratorDataset does not support checkpointing: the Python "
            "generator's position cannot be saved.",
        )

    def close(self):
        if not self._finished:
            self._finalize()


def _generator_kernel(
    ctx,
    init_func_other_args,
    next_func_other_args,
    finalize_func_other_args,
    init_func,
    next_func,
    finalize_func,
):
    return GeneratorDatasetValue(
        runtime.FunctionCaller(ctx, init_func, init_func_other_args),
        runtime.FunctionCaller(ctx, next_func, next_func_other_args),
        runtime.FunctionCaller(ctx, finalize_func, finalize_func_other_args),
    )


register_op(
    "GeneratorDataset",
    inputs=[
        "init_func_other_args: Tinit_func_args",
        "next_func_other_args: Tnext_func_args",
        "finalize_func_other_args: Tfinalize_func_args",
    ],
    outputs=["handle: variant"],
    attrs=[
        "init_func: func",
        "next_func: func",
        "finalize_func: func",
        "Tinit_func_args: list(type) >= 0",
        "Tnext_func_args: list(type) >= 0",
        "Tfinalize_func_args: list(type) >= 0",
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_generator_kernel,
    stateful=True,
)
registry.not_differentiable("GeneratorDataset", "a dataset")
