"""Progress callbacks that a caller installs for a block of code, so that code deep below it
can say how far it has got without the callback passing through every signature in between:
the steps of a long store operation (store/steps.py) and the bytes of a file read so far
(sources/_read.py), both shown as progress bars by the command line. A ContextVar holds the
callback, so each thread and task sees only its own. Below every layer: any may import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

C = TypeVar("C", bound=Callable[..., None])


class Scoped(Generic[C]):
    """A callback installed for the block of a ``with scoped.within(callback)``, and read where
    progress is made with ``scoped.get()`` (None: nobody is listening)."""

    def __init__(self, name: str) -> None:
        self._var: ContextVar[C | None] = ContextVar(name, default=None)

    @contextmanager
    def within(self, callback: C | None) -> Iterator[None]:
        token = self._var.set(callback)
        try:
            yield
        finally:
            self._var.reset(token)

    def get(self) -> C | None:
        return self._var.get()
