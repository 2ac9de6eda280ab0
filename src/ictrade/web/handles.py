"""The stores a server reads, and the caches in front of them.

A shipped dataset is loaded once and kept (it never changes). A store file is opened read-only
only when something must be computed, so ``ictrade ingest`` can still write to it while the
server runs; its *stamp* (the latest ingest id, re-read when the file changes on disk) is part
of every cache key, so answers computed before an ingest are never served after it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Generic, TypeVar

from ..stats.cube import Cube, load_cube
from ..store.store import Store, StoreChoice, first_row, open_choice

V = TypeVar("V")


class LRU(Generic[V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple[object, ...], V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

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
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class StoreHandle:
    """One store the server answers from: its identity, its stamp and a way to use it."""

    def __init__(self, choice: StoreChoice) -> None:
        self.choice = choice
        self.path = choice.path.resolve() if choice.path is not None else None
        self.identity = f"dataset:{choice.dataset}" if self.path is None else str(self.path)
        if (choice.scheme, choice.reporter) != ("kr-ict", "KR"):
            self.identity += f"#{choice.reporter}:{choice.scheme}"
        self.name = choice.dataset or str(choice.path)
        self._lock = threading.RLock()  # one DuckDB connection: one user at a time
        self._kept: Store | None = None
        self._file_state: tuple[int, int, int] | None = None
        self._stamp = "static"
        self.cubes: LRU[Cube] = LRU(8)

    @contextmanager
    def use(self) -> Iterator[Store]:
        with self._lock:
            if self.path is None:
                if self._kept is None:
                    self._kept = open_choice(self.choice)
                yield self._kept
                return
            with open_choice(self.choice) as store:
                yield store

    def stamp(self) -> str:
        """What changes when the store's data change: the latest ingest id (files only)."""
        if self.path is None:
            return self._stamp
        state = self._stat()
        if state != self._file_state:
            with self.use() as store:
                row = first_row(store.con.execute("SELECT max(id) FROM ingests").fetchall())
            self._stamp = f"ingest:{row[0] if row else None}"
            self._file_state = state
        return self._stamp

    def _stat(self) -> tuple[int, int, int]:
        assert self.path is not None
        main = self.path.stat()
        wal = Path(f"{self.path}.wal")
        wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
        return (main.st_mtime_ns, main.st_size, wal_mtime)

    def cube(self, as_of: dt.date | None, store: Store | None = None) -> Cube:
        """The cube as of a vintage date, built once per (stamp, as_of)."""
        key = (self.stamp(), as_of)
        cached = self.cubes.get(key)
        if cached is not None:
            return cached
        if store is not None:
            return self.cubes.put(key, load_cube(store, as_of))
        with self.use() as opened:
            return self.cubes.put(key, load_cube(opened, as_of))

    def compute(self, func: Callable[[Store], V]) -> V:
        with self.use() as store:
            return func(store)

    def close(self) -> None:
        with self._lock:
            if self._kept is not None:
                self._kept.close()
                self._kept = None
