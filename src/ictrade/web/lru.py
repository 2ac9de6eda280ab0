"""The server's caches: least-recently-used maps bounded by entries and by weight (bytes),
and what a request keeps for itself (``look_once``).

Every cache in front of the stores (cubes, facts documents, serialized answers) is one; entries
are keyed by the store's identity and stamp, so nothing computed before an ingest is served
after it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Generic, TypeVar

V = TypeVar("V")

# the state of each store file a request has looked at (see look_once)
LOOKED: ContextVar[dict[Path, tuple[int, int, int]] | None] = ContextVar("looked", default=None)


def look_once() -> None:
    """From here on, the current request (its task, and the threads it hands work to) looks
    at each store file's state once: what it answers from is the snapshot it saw first."""
    LOOKED.set({})


class LRU(Generic[V]):
    """A small thread-safe least-recently-used map: at most ``size`` entries, and at most
    ``budget`` in total of what ``weigh`` says an entry costs (bytes, say), when given."""

    def __init__(
        self, size: int, budget: int | None = None, weigh: Callable[[V], int] | None = None
    ) -> None:
        self.size, self.budget, self.weigh = size, budget, weigh
        self._data: OrderedDict[tuple[object, ...], V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self.weight = 0

    def get(self, key: tuple[object, ...]) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: tuple[object, ...], value: V) -> V:
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.weight -= self._weigh(old)
            self._data[key] = value
            self.weight += self._weigh(value)
            while len(self._data) > self.size or (
                self.budget is not None and self.weight > self.budget and len(self._data) > 1
            ):
                self.weight -= self._weigh(self._data.popitem(last=False)[1])
        return value

    def _weigh(self, value: V) -> int:
        return self.weigh(value) if self.weigh is not None else 0
