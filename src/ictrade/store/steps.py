"""How far a long store operation has got, for a progress bar: ``step(phase, done, total)``
tells the callback the caller installed with ``steps_shown`` (none: nothing happens)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Steps = Callable[[str, int, int], None]  # (phase, steps done, steps in the phase)
_STEPS: ContextVar[Steps | None] = ContextVar("ictrade_steps", default=None)


@contextmanager
def steps_shown(callback: Steps | None) -> Iterator[None]:
    """Tell ``callback`` the steps of the operations within the block."""
    token = _STEPS.set(callback)
    try:
        yield
    finally:
        _STEPS.reset(token)


def step(phase: str, done: int, total: int) -> None:
    callback = _STEPS.get()
    if callback is not None:
        callback(phase, done, total)
