"""The context handed to kernels: resources, the running node, step id and run options."""

from __future__ import annotations


class KernelContext:
    """What a kernel may reach besides its inputs (`ctx` in `kernel(ctx, *inputs)`).

    One context serves one `Session.run` (or one function call inside it); the executor
    sets `node` before each kernel so stateful kernels can name their resources and errors.
    """

    __slots__ = (
        "session",
        "resources",
        "node",
        "step_id",
        "options",
        "run_metadata",
        "call_frame",
        "donated",
        "_caller",
    )

    def __init__(
        self, session, resources, step_id: int, options=None, run_metadata=None, caller=None
    ):
        self.session = session
        self.resources = resources
        self.node = None
        self.step_id = step_id
        self.options = options
        self.run_metadata = run_metadata
        self.call_frame = None
        # The input array the running kernel may take over (registry.donated), or None.
        self.donated = None
        self._caller = caller

    @property
    def node_name(self) -> str:
        return self.node.name if self.node is not None else ""

    @property
    def timeout_in_ms(self) -> int:
        if self.options is None:
            return 0
        return getattr(self.options, "timeout_in_ms", 0)

    def call_function(self, func, inputs) -> list:
        """Runs the library function `func` (a FuncAttr or name) on `inputs`; returns its
        outputs. Used by the If, While and PartitionedCall kernels."""
        return self._caller(self, func, inputs)

    def child(self) -> KernelContext:
        """A context for a nested function call in the same step."""
        return KernelContext(
            self.session,
            self.resources,
            self.step_id,
            self.options,
            self.run_metadata,
            self._caller,
        )
