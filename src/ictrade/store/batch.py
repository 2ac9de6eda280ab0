"""Appending a batch to the store: the one transaction skeleton every table's ingest uses.

A batch (an Arrow table, registered as ``batch``) is checked as a whole before anything is
written, then written in one transaction together with its ``ingests`` row: a failure leaves
the store exactly as it was. A file whose hash is recorded is not loaded again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypedDict, Unpack

import duckdb
import pyarrow as pa

from ..errors import StoreError
from .base import Store
from .schema import RAW_KEPT_MAX
from .steps import step


class FileRecord(TypedDict, total=False):
    """What the ``ingests`` row keeps of a batch's file: its bytes (up to RAW_KEPT_MAX), its
    hash (for files too big to keep), when it was retrieved and how it was read (JSON)."""

    raw: bytes | None
    sha256: str | None
    retrieved_at: dt.datetime | None
    options: str | None


@dataclass(frozen=True)
class LoadReport:
    """What appending a file's rows added, said in one line (the store's and the lake's)."""

    origin: str
    lines_seen: int
    lines_added: int
    already_loaded: bool = False
    noun: ClassVar[str] = "lines"  # what a row of the file is, in the summary
    skipped_note: ClassVar[str] = "identical to stored lines"
    destination: ClassVar[str] = ""  # where the rows went, when not the store
    already_note: ClassVar[str] = "already loaded"

    def summary(self) -> str:
        if self.already_loaded:
            return f"{self.origin}: {self.already_note}; nothing changed"
        skipped = self.lines_seen - self.lines_added
        extra = f" ({skipped} {self.skipped_note}, skipped)" if skipped else ""
        added = f"{self.lines_added} {self.noun} added{self.destination}"
        return f"{self.origin}: {added} of {self.lines_seen}{extra}"


@dataclass(frozen=True)
class IngestReport(LoadReport):
    vintages: tuple[dt.date, ...] = ()  # of the lines added
    vintage_note: str = ""  # where the vintage came from, when the file did not say
    incomplete: tuple[str, ...] = ()  # the batch's months that look incomplete, described

    def summary(self) -> str:
        text = super().summary()
        if self.vintages and not self.already_loaded:
            first, last = self.vintages[0], self.vintages[-1]
            span = f"vintage {first}" if first == last else f"vintages {first} to {last}"
            text += f", as {span}" + (f" ({self.vintage_note})" if self.vintage_note else "")
        return text

    def warnings(self) -> list[str]:
        """What a user must know before releasing what was loaded."""
        return [
            f"warning: {month}; 'ictrade release' refuses the month until its lines are complete"
            for month in self.incomplete
        ]


def writable(store: Store) -> None:
    if store.read_only:
        raise StoreError(f"{store.name} is read-only; ingest into your own store (--store PATH)")


def is_loaded(store: Store, sha256: str | None, options: str | None = None) -> bool:
    """Is a file with this hash, read with these ``options``, recorded in the store?"""
    if not sha256:
        return False
    found = store.con.execute(
        "SELECT 1 FROM ingests WHERE sha256 = ? AND options IS NOT DISTINCT FROM ?",
        [sha256, options],
    ).fetchall()
    return bool(found)


# Steps of writing a batch a progress bar shows: the lines, the codes' items, the latest cube,
# the commit (``write`` reports the first ones).
WRITE_STEPS = 4


def append_batch(
    store: Store,
    table: pa.Table,
    *,
    origin: str,
    check: Callable[[duckdb.DuckDBPyConnection], object],
    write: Callable[[duckdb.DuckDBPyConnection, object], int],
    report: type[IngestReport] = IngestReport,
    **record: Unpack[FileRecord],
) -> IngestReport:
    """Check and write ``table`` atomically; return what was added.

    ``check(con)`` runs with the table registered as ``batch``, before the transaction, and
    raises on bad input; its result goes to ``write(con, checked)``, which runs inside the
    transaction and returns the number of rows added. ``raw`` (the file's bytes) is kept in the
    store up to RAW_KEPT_MAX; ``sha256`` (else the hash of ``raw``) identifies a loaded file,
    with the ``options`` it was read with (the same file read with another default vintage,
    source or status is another load).
    """
    writable(store)
    raw, sha256, options = record.get("raw"), record.get("sha256"), record.get("options")
    retrieved_at = record.get("retrieved_at")
    sha = sha256 or (hashlib.sha256(raw).hexdigest() if raw is not None else None)
    if raw is not None and len(raw) > RAW_KEPT_MAX:
        raw = None  # recorded by its hash only
    if is_loaded(store, sha, options):
        return report(origin, table.num_rows, 0, already_loaded=True)
    con = store.con
    con.register("batch", table)
    try:
        checked = check(con)
        step("checking", 1, 1)
        con.execute("BEGIN TRANSACTION")
        try:
            added = write(con, checked)
            step("writing", WRITE_STEPS - 1, WRITE_STEPS)
            con.execute(
                "INSERT INTO ingests (id, origin, sha256, lines_added, lines_seen, retrieved_at, "
                "ingested_at, raw, options) SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ?, ?, "
                "?, ? FROM ingests",
                [origin, sha, added, table.num_rows, retrieved_at, dt.datetime.now(), raw, options],
            )
            con.execute("COMMIT")
            step("writing", WRITE_STEPS, WRITE_STEPS)
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister("batch")
    return report(origin, table.num_rows, added)
