"""The stores a server reads, and the caches in front of them.

A shipped dataset is loaded once and kept (it never changes). A store file is opened read-only
only when something must be computed, so ``ictrade ingest`` can still write to it while the
server runs; its *stamp* (the latest ingest id, re-read when the file changes on disk) is part
of every cache key, so answers computed before an ingest are never served after it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ..errors import IctradeError, StoreBusyError
from ..stats.cube import Cube, load_cube
from ..stats.vintage_cubes import VintageCubes
from ..store.base import line_vintages, resolve_vintage
from ..store.coverage import incomplete_months
from ..store.layers import code_layers
from ..store.store import Store, StoreChoice, first_row, open_choice, snapshot_store
from .lru import LOOKED, LRU

V = TypeVar("V")

FIRST_SNAPSHOT_WAIT = 5.0  # seconds a first request waits for a writer to let go of the file
RETRY_SNAPSHOT = 0.5  # seconds between attempts while a writer holds the file
CUBE_BYTES = 512 << 20  # cubes kept per store
PREPARED_VINTAGES = 400  # the latest vintages whose months that compare are found ahead

def cube_bytes(cube: Cube) -> int:
    arrays = (cube.value, cube.prior, cube.unattributed, cube.estimated)
    return sum(a.nbytes for a in arrays if a is not None)


class StoreHandle:
    """One store the server answers from: its identity, its stamp and a way to use it.

    A store file is read through an in-memory snapshot of its tables, taken when the file
    changes: the file is held only while copying, so ``ictrade ingest`` can write to it while
    the server runs, and while an ingest holds it the server answers from the last snapshot.
    Queries run on cursors of the snapshot, so requests do not wait for each other.
    """

    def __init__(self, choice: StoreChoice) -> None:
        self.choice = choice
        self.path = choice.path.resolve() if choice.path is not None else None
        self.identity = f"dataset:{choice.dataset}" if self.path is None else str(self.path)
        if (choice.scheme, choice.reporter) != ("kr-ict", "KR"):
            self.identity += f"#{choice.reporter}:{choice.scheme}"
        # What answers show: the dataset or the file's name, never a path of the server's disk.
        self.name = choice.dataset or (choice.path.name if choice.path else "")
        self._refresh = threading.Lock()
        # The snapshot, its stamp, file state and vintages change together, under this lock: a
        # request that saw the new stamp and read the old snapshot would keep the old figures
        # under the new stamp, served until the next ingest.
        self._swap = threading.Lock()
        self._issued: dict[int, str] = {}  # id of a store use() yields -> its snapshot's stamp
        self._kept: Store | None = None
        self._file_state: tuple[int, int, int] | None = None
        self._tried = 0.0  # when a snapshot was last refused by a writer's lock
        self._stamp = "static"
        self._vintages: list[dt.date] = []
        # A cube per set of lines in force asked (the default data's: 2.5 MB each, 155
        # vintages): 16 made a mix of dates rebuild cubes again and again.
        self.cubes: LRU[Cube] = LRU(256, budget=CUBE_BYTES, weigh=cube_bytes)
        # One cube is built at a time: a request that needs the cube another is building
        # waits for it instead of building it again, and builds do not crowd the cores.
        self._building = threading.Lock()
        self._at_vintages: tuple[str, VintageCubes] | None = None
        self._prepared = ""  # the stamp of the snapshot last prepared

    @contextmanager
    def use(self) -> Iterator[Store]:
        kept, stamp = self._pinned()
        cursor = kept.con.cursor()
        store = Store(
            cursor,
            kept.name if self.path is None else self.name,
            read_only=True,
            scheme_name=self.choice.scheme,
            reporter=self.choice.reporter,
        )
        store.completeness, store.description = kept.completeness, kept.description
        store.compare_by_lines = kept.compare_by_lines
        store.memo = kept.memo  # the snapshot's answers, kept until the next snapshot
        self._issued[id(store)] = stamp
        try:
            yield store
        finally:
            del self._issued[id(store)]
            cursor.close()

    def _pinned(self) -> tuple[Store, str]:
        """The snapshot to answer from and its stamp, taken together."""
        self._current()
        with self._swap:
            assert self._kept is not None
            return self._kept, self._stamp

    def _current(self) -> Store:
        """The snapshot to answer from, taken again when the file changed and no writer
        holds it (a writer's lock: the last snapshot, or a brief wait for the first one)."""
        kept = self._kept
        if self.fresh():
            assert kept is not None
            return kept
        if kept is not None and time.monotonic() - self._tried < RETRY_SNAPSHOT:
            return kept  # a writer held the file a moment ago: do not knock on every request
        if not self._refresh.acquire(blocking=kept is None):
            assert kept is not None
            return kept  # another request is taking the snapshot: answer from the last one
        try:
            return self._take(kept)
        finally:
            self._refresh.release()

    def _take(self, kept: Store | None) -> Store:
        if self._kept is not None and self._kept is not kept:
            return self._kept  # taken while this request waited
        state, stamp = None, self._stamp
        if self.path is None:
            fresh = open_choice(self.choice)
        else:
            taken = self._snapshot(wait=kept is None)
            if taken is None:
                assert kept is not None
                return kept
            fresh, state, stamp = taken
        fresh.memo = {}
        vintages = line_vintages(fresh)
        if kept is not None:  # after an ingest: requests meanwhile read the last snapshot
            self._prepare(fresh, stamp, vintages)
        with self._swap:
            self._vintages = vintages
            self._kept, self._stamp, self._file_state = fresh, stamp, state
        return fresh

    def warm(self) -> None:
        """The snapshot taken and prepared (``_prepare``): what ``ictrade serve`` does before
        it listens, so that the first requests at new dates do not wait for it together (a
        store of the default data: 0.3 s, during which every connection queued)."""
        self._current()
        with self._swap:
            kept, stamp, vintages = self._kept, self._stamp, self._vintages
        if kept is not None and self._prepared != stamp:
            self._prepare(kept, stamp, vintages)

    def _prepare(self, store: Store, stamp: str, vintages: list[dt.date]) -> None:
        """What requests at any date read of a new snapshot, built before it answers: the
        latest cube, the cube rows by span in force, each month's slices, which months compare
        at each vintage, the codes and layers of each month (requests waited for them)."""
        with contextlib.suppress(IctradeError), self._building:  # an empty store: later
            self.cubes.put((stamp, None), self._build(store, stamp, None))
            self._at_vintages = (stamp, VintageCubes(store))
            self._at_vintages[1].prepare()
            for vintage in vintages[-PREPARED_VINTAGES:]:  # which months compare
                self._build(store, stamp, vintage)
            code_layers(store, None)
            incomplete_months(store)
        self._prepared = stamp

    def _snapshot(self, *, wait: bool) -> tuple[Store, tuple[int, int, int], str] | None:
        """A snapshot of the file, the file's state before it and its stamp; None while a
        writer holds it (after up to FIRST_SNAPSHOT_WAIT seconds when ``wait``, else at once;
        StoreBusyError then)."""
        deadline = time.monotonic() + (FIRST_SNAPSHOT_WAIT if wait else 0)
        while True:
            state = self._stat(now=True)
            try:
                fresh = snapshot_store(self.choice)
            except StoreBusyError:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                self._tried = time.monotonic()
                if wait:
                    raise
                return None
            row = first_row(fresh.con.execute("SELECT max(id) FROM ingests").fetchall())
            return fresh, state, f"ingest:{row[0] if row else None}"

    def fresh(self) -> bool:
        """Whether the snapshot is taken and the file unchanged since: ``stamp()`` and
        ``use()`` then return at once (otherwise they may copy the file first)."""
        with self._swap:
            kept, state = self._kept, self._file_state
        return kept is not None and (self.path is None or self._stat() == state)

    def stamp(self) -> str:
        """What changes when the store's data change: the latest ingest id (files only)."""
        return self._pinned()[1]

    def _stat(self, *, now: bool = False) -> tuple[int, int, int]:
        """The file's state; looked at once per request (``look_once``) unless ``now``: a
        request asks several times, three system calls each time (a tenth of the CPU of a
        mixed load)."""
        assert self.path is not None
        looked = LOOKED.get()
        if not now and looked is not None and self.path in looked:
            return looked[self.path]
        try:
            main = self.path.stat()
        except OSError:
            state = (0, 0, 0)  # removed: the snapshot (or the error opening it) stands
        else:
            wal = Path(f"{self.path}.wal")
            wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
            state = (main.st_mtime_ns, main.st_size, wal_mtime)
        if looked is not None:
            looked[self.path] = state
        return state

    def stamp_of(self, store: Store | None) -> str:
        """The stamp of the snapshot of a store ``use()`` gave (it may be older than the
        handle's); the handle's without one."""
        pinned = self._issued.get(id(store)) if store is not None else None
        return pinned or self.stamp()

    def resolve(self, as_of: dt.date | None) -> dt.date | None:
        """The vintage whose lines-in-force equal those as of ``as_of``: the latest vintage on
        or before it; None (the latest figures) from the latest vintage on. A date before
        every vintage stays as it is (nothing was published then)."""
        self._current()
        return resolve_vintage(self._vintages, as_of)

    def cube(self, as_of: dt.date | None, store: Store | None = None) -> Cube:
        """The cube as of a vintage date, built once per stamp and set of lines in force (all
        dates between two vintages share one cube)."""
        resolved = self.resolve(as_of)
        key = (self.stamp_of(store), resolved)
        cached = self.cubes.get(key)
        if cached is not None:
            return cached
        with self._building:
            cached = self.cubes.get(key)
            if cached is not None:
                return cached
            if store is not None:
                return self.cubes.put(key, self._build(store, key[0], resolved))
            with self.use() as opened:
                return self.cubes.put(key, self._build(opened, key[0], resolved))

    def _build(self, store: Store, stamp: str, resolved: dt.date | None) -> Cube:
        """A vintage's cube from the snapshot's rows by span in force (VintageCubes, made
        once per stamp: a new date costs milliseconds, not an aggregation of the lines)."""
        if resolved is None:
            return load_cube(store, None)
        if self._at_vintages is None or self._at_vintages[0] != stamp:
            self._at_vintages = (stamp, VintageCubes(store))
        return self._at_vintages[1].cube(store, resolved)

    def compute(self, func: Callable[[Store], V]) -> V:
        with self.use() as store:
            return func(store)

    def close(self) -> None:
        with self._refresh:
            if self._kept is not None:
                self._kept.close()
                self._kept = None


class ReporterHandle(StoreHandle):
    """The store of ``base`` read for another reporter (same scheme): ``base``'s snapshot, which
    holds every reporter's lines and cube rows, and cubes of its own."""

    def __init__(self, base: StoreHandle, reporter: str) -> None:
        super().__init__(dataclasses.replace(base.choice, reporter=reporter))
        self.base = base

    def _current(self) -> Store:
        return self.base._current()

    def _pinned(self) -> tuple[Store, str]:
        return self.base._pinned()

    def fresh(self) -> bool:
        return self.base.fresh()

    def stamp(self) -> str:
        return self.base.stamp()

    def resolve(self, as_of: dt.date | None) -> dt.date | None:
        return self.base.resolve(as_of)

    def close(self) -> None:
        """Nothing of its own to close: ``base`` holds the snapshot."""
