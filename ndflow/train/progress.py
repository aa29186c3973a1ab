"""ndflow's training progress hook: a tqdm bar on a terminal, log lines elsewhere.

`ProgressBarHook` follows the global step. When `sys.stderr` is a terminal it draws a tqdm
bar (global step, total when known, steps/s and the last loss); otherwise it logs (INFO,
logger "ndflow.train.progress", a child of "ndflow") every N steps:

    step 200/1000, 153.2 steps/sec, loss = 0.4213

MonitoredTrainingSession adds one for the chief when `log_step_count_steps` is set, with the
graph's total loss (the LOSSES collection, as `tf.losses.get_total_loss`) when there is one.
TF has no such hook; its StepCounterHook (kept) writes the "global_step/sec" summary.
"""

from __future__ import annotations

import logging
import sys

from ndflow.framework import graph as graph_lib
from ndflow.ops import losses
from ndflow.train import basic_session_run_hooks as basic_hooks
from ndflow.train import session_run_hook

GraphKeys = graph_lib.GraphKeys
_LOG = logging.getLogger("ndflow.train.progress")


def total_loss_or_none():
    """The total loss (`get_total_loss()`: LOSSES plus REGULARIZATION_LOSSES) when the LOSSES
    collection holds scalars only, else None. Builds ops: call it before the graph is finalized."""
    collected = graph_lib.get_collection(GraphKeys.LOSSES)
    # TF collects unreduced (Reduction.NONE) losses too; those do not add up to a total.
    if not collected or any(loss.shape.ndims != 0 for loss in collected):
        return None
    return losses.get_total_loss()


class ProgressBarHook(session_run_hook.SessionRunHook):
    """Shows training progress: a tqdm bar when stderr is a terminal, else a log line every
    `every_n_steps` global steps ("step 200/1000, 153.2 steps/sec, loss = 0.4213").

    Args:
      loss: a scalar loss tensor (or its name), a function returning one (or None) called in
        `begin()`, or None for no loss. It is fetched only on the steps that report.
      every_n_steps: how often the loss is fetched and, without a terminal, a line logged.
      total_steps: the last global step, if known: an int, or a StopAtStepHook whose
        `last_step` is read when training starts.

    Raises:
      ValueError: every_n_steps is not positive.

    >>> hooks = [tf.train.StopAtStepHook(last_step=1000)]
    >>> hooks.append(ProgressBarHook(loss, every_n_steps=100, total_steps=hooks[0]))
    """

    def __init__(self, loss=None, every_n_steps=100, total_steps=None):
        if every_n_steps is None or every_n_steps <= 0:
            raise ValueError(f"every_n_steps must be positive. Received: {every_n_steps}")
        self._loss = loss
        self._every_n_steps = every_n_steps
        self._total_steps = total_steps
        self._bar = None

    def begin(self):
        self._global_step_tensor = basic_hooks.global_step_read_or_raise("ProgressBarHook")
        loss = self._loss() if callable(self._loss) else self._loss
        self._loss_tensor = None if loss is None else basic_hooks.as_graph_element(loss)
        self._timer = basic_hooks.SecondOrStepTimer(every_steps=self._every_n_steps)
        self._next_step = None
        self._use_bar = _is_terminal(sys.stderr)
        self._bar = None

    def before_run(self, run_context):
        self._report = self._next_step is None or self._timer.should_trigger_for_step(
            self._next_step
        )
        requests = {"global_step": self._global_step_tensor}
        if self._report and self._loss_tensor is not None:
            requests["loss"] = self._loss_tensor
        return session_run_hook.SessionRunArgs(requests)

    def after_run(self, run_context, run_values):
        global_step = int(run_values.results["global_step"]) + 1
        if self._report:
            # The fetched step may be stale; the report names the step the run reached.
            global_step = int(run_context.session.run(self._global_step_tensor))
        self._next_step = global_step + 1
        if self._use_bar:
            self._advance_bar(global_step, run_values.results.get("loss"))
        if self._report:
            self._record(global_step, run_values.results.get("loss"))

    def end(self, session):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    # -- reporting -----------------------------------------------------------------

    def _total(self):
        total = self._total_steps
        if isinstance(total, basic_hooks.StopAtStepHook):
            total = total.last_step
        return None if total is None else int(total)

    def _record(self, global_step, loss) -> None:
        elapsed_secs, elapsed_steps = self._timer.update_last_triggered_step(global_step)
        if self._use_bar:
            return
        total = self._total()
        parts = [f"step {global_step}" if total is None else f"step {global_step}/{total}"]
        if elapsed_secs:
            parts.append(f"{elapsed_steps / elapsed_secs:.1f} steps/sec")
        if loss is not None:
            parts.append(f"loss = {float(loss):.4g}")
        _LOG.info("%s", ", ".join(parts))

    def _advance_bar(self, global_step, loss) -> None:
        if self._bar is None:
            self._bar = _make_bar(self._total(), global_step - 1)
        if global_step > self._bar.n:
            self._bar.update(global_step - self._bar.n)
        if loss is not None:
            self._bar.set_postfix_str(f"loss = {float(loss):.4g}")


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _make_bar(total, initial):
    """A tqdm bar on stderr counting global steps from `initial`."""
    import tqdm  # a dependency, imported here so `import ndflow` stays fast

    return tqdm.tqdm(
        total=total,
        initial=max(initial, 0),
        unit="step",
        desc="global step",
        file=sys.stderr,
        dynamic_ncols=True,
    )
