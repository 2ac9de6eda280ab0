"""How far a long store operation has got, for a progress bar: ``step(phase, done, total)``
tells the callback the caller installed with ``steps_shown`` (none: nothing happens)."""

from __future__ import annotations

from collections.abc import Callable

from ..progress import Scoped

Steps = Callable[[str, int, int], None]  # (phase, steps done, steps in the phase)
_STEPS: Scoped[Steps] = Scoped("ictrade_steps")
steps_shown = _STEPS.within  # tell the callback the steps of the operations within the block


def step(phase: str, done: int, total: int) -> None:
    callback = _STEPS.get()
    if callback is not None:
        callback(phase, done, total)
