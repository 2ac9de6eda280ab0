"""Read a file and load it: ``ictrade ingest FILE``.

Sits above the store and the readers: ``sources.files.read_file`` turns the file into an Arrow
table for one store table, and the store loads that table (customs lines or flash figures).
The store itself knows tables, not files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Protocol, Unpack

import pyarrow as pa

from .errors import InputError, LineOf
from .sources._read import ReadProgress, reading_progress, regular_file, shown_path
from .sources.files import LineDefaults, ReadOptions, read_file, read_line_batches
from .store.base import Store
from .store.batch import FileRecord, IngestReport, is_loaded, writable
from .store.flash import ingest_flash
from .store.ingest import ingest_table
from .store.lake import LakeReport, append_batches
from .store.schema import RAW_KEPT_MAX
from .store.steps import Steps, steps_shown

__all__ = ["ingest_file", "ingest_lake_file"]


class Loader(Protocol):
    def __call__(
        self,
        store: Store,
        table: pa.Table,
        *,
        origin: str,
        first_line: LineOf = None,
        **record: Unpack[FileRecord],
    ) -> IngestReport: ...


# The store table a reader's rows go to, and how it is loaded.
LOADERS: dict[str, Loader] = {"lines": ingest_table, "flash": ingest_flash}


def _digest(file: Path) -> tuple[bytes | None, str]:
    """The file's bytes (None when too big to keep in the store) and its SHA-256."""
    if file.stat().st_size > RAW_KEPT_MAX:  # kept by its hash only: no need to hold it
        with file.open("rb") as fh:
            return None, hashlib.file_digest(fh, "sha256").hexdigest()
    raw = file.read_bytes()
    return raw, hashlib.sha256(raw).hexdigest()


def _state(file: Path) -> tuple[int, int, int]:
    info = file.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def _unchanged(file: Path, before: tuple[int, int, int]) -> None:
    """Refuse a file that changed (grew, was replaced or removed) while it was read: its lines
    and its recorded hash would not be of one file."""
    try:
        after = _state(file)
    except OSError:
        after = (0, -1, 0)
    if after != before:
        raise InputError(
            "the file changed while it was read (is it still being written or copied?); load "
            "it again once it is complete",
            file=str(file),
        )


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    layout: str | None = None,
    encoding: str = "auto",
    source: str | None = None,
    vintage: dt.date | None = None,
    status: str = "confirmed",
    mapping: dict[str, str] | None = None,
    progress: ReadProgress | None = None,
    steps: Steps | None = None,
) -> IngestReport:
    """Read, validate and load a file (customs lines, or flash figures) into ``store``;
    ``progress`` is told (bytes read, file size) while a CSV file is read, ``steps`` how far
    checking and writing have got (``store.steps``)."""
    file = regular_file(path)
    writable(store)
    before = _state(file)
    raw, sha = _digest(file)
    # The same file read with other options gives other lines: it is another load.
    chosen = {
        "layout": layout,
        "encoding": encoding,
        "source": source,
        "status": status,
        "vintage": str(vintage) if vintage else None,
        "map": mapping or None,
    }
    given = {k: v for k, v in chosen.items() if v is not None}
    options = None if given == {"encoding": "auto", "status": "confirmed"} else json.dumps(given)
    if is_loaded(store, sha, options):
        return IngestReport(str(path), 0, 0, already_loaded=True)  # known before reading it
    defaults = LineDefaults(source=source, vintage=vintage, status=status)
    with reading_progress(progress):
        read = read_file(file, ReadOptions(layout, encoding, mapping or None, defaults))
    _unchanged(file, before)
    with steps_shown(steps):
        report = LOADERS[read.kind](
            store,
            read.table,
            origin=shown_path(path),
            first_line=read.first_line,
            raw=raw,
            sha256=sha,
            retrieved_at=dt.datetime.now(),
            options=options,
        )
    if vintage is None and report.vintages == (dt.date.fromtimestamp(file.stat().st_mtime),):
        note = "the file's date; give the publication date with --vintage YYYY-MM-DD"
        return dataclasses.replace(report, vintage_note=note)  # the file named no vintage
    return report


def ingest_lake_file(
    lake: Path,
    path: str | Path,
    *,
    layout: str | None = None,
    source: str | None = None,
    vintage: dt.date | None = None,
    finest: bool = False,
    steps: Steps | None = None,
) -> LakeReport:
    """Read a file of customs lines and append it to the Parquet lake ``lake``; a file whose
    lines nest is refused, or with ``finest`` its finest lines only are kept. ``steps``: as
    for ``ingest_file``."""
    file = regular_file(path)
    _, sha = _digest(file)
    options = ReadOptions(layout, "auto", None, LineDefaults(source=source, vintage=vintage))
    # a big Parquet file is read a batch at a time: memory does not grow with its size
    batches = read_line_batches(file, options)
    with steps_shown(steps):
        return append_batches(lake, batches, origin=shown_path(path), sha256=sha, finest=finest)
