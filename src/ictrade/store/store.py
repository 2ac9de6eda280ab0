"""Opening a store: the user's DuckDB file, a path, or a shipped dataset (read-only).

Which store a command uses: ``--store PATH`` (or ``ICTRADE_STORE``), else ``--dataset NAME``,
else the user's store when it exists, else the shipped ``default`` dataset. The two options
exclude each other.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import platformdirs

from ..classify import scheme
from ..classify.splits import splits
from ..errors import StoreError, UsageError
from .schema import LINES_DDL

META_DDL = [
    LINES_DDL,
    """CREATE TABLE IF NOT EXISTS ingests (
        id INTEGER PRIMARY KEY, origin VARCHAR, sha256 VARCHAR, lines_added BIGINT,
        lines_seen BIGINT, retrieved_at TIMESTAMP, ingested_at TIMESTAMP, raw BLOB)""",
    # one row per item of a code and month range; a code the split table apportions has
    # several, with their shares (estimated)
    """CREATE TABLE IF NOT EXISTS code_map (
        scheme VARCHAR, hs_code VARCHAR, valid_from DATE, valid_to DATE, item VARCHAR,
        mixed BOOLEAN, share DOUBLE DEFAULT 1.0, estimated BOOLEAN DEFAULT false)""",
    "ALTER TABLE code_map ADD COLUMN IF NOT EXISTS share DOUBLE DEFAULT 1.0",
    "ALTER TABLE code_map ADD COLUMN IF NOT EXISTS estimated BOOLEAN DEFAULT false",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    # CUBE_SQL over the lines in force now, kept by ingest (store/query.py, refresh_cube)
    """CREATE TABLE IF NOT EXISTS cube_latest (
        month DATE NOT NULL, flow VARCHAR NOT NULL, item VARCHAR NOT NULL,
        partner VARCHAR NOT NULL, value_usd DOUBLE, scheme VARCHAR NOT NULL,
        estimated_usd DOUBLE DEFAULT 0)""",
    "ALTER TABLE cube_latest ADD COLUMN IF NOT EXISTS estimated_usd DOUBLE DEFAULT 0",
    # customs flash figures (provisional_10day.csv layout): cumulative value from day 1 to
    # cut_day (10, 20; 30 = month end), in the file's unit; see store/flash.py
    """CREATE TABLE IF NOT EXISTS flash (
        item_key VARCHAR NOT NULL, hs_code VARCHAR, flow VARCHAR NOT NULL, unit VARCHAR NOT NULL,
        partner_ko VARCHAR NOT NULL, month DATE NOT NULL, cut_day INTEGER NOT NULL,
        cum_value DOUBLE NOT NULL, source VARCHAR NOT NULL, vintage DATE NOT NULL)""",
]


def first_row(rows: list[tuple[Any, ...]]) -> tuple[Any, ...] | None:
    """The first row of a fully fetched result (DuckDB wants results read to the end)."""
    return rows[0] if rows else None


def default_store_path() -> Path:
    """The user's store: ``<user data dir>/ictrade/store.duckdb``."""
    return Path(platformdirs.user_data_dir("ictrade", appauthor=False)) / "store.duckdb"


def available_datasets() -> list[str]:
    folder = resources.files("ictrade").joinpath("datasets")
    return sorted(p.name for p in folder.iterdir() if p.joinpath("lines.parquet").is_file())


def dataset_path(name: str) -> Path:
    if name not in available_datasets():
        raise UsageError(
            f"unknown dataset '{name}'; datasets are: {', '.join(available_datasets())}"
        )
    return Path(str(resources.files("ictrade").joinpath("datasets", name, "lines.parquet")))


@dataclass(frozen=True)
class StoreChoice:
    """What a command will open, and the sentence that says so on standard error."""

    path: Path | None
    dataset: str | None
    reason: str


def choose_store(store: str | None = None, dataset: str | None = None) -> StoreChoice:
    """Resolve ``--store``/``ICTRADE_STORE``/``--dataset`` into a store to open."""
    if store and dataset:
        raise UsageError("--store and --dataset exclude each other; give one of them")
    if dataset:
        return StoreChoice(None, dataset, f"using the shipped dataset '{dataset}' (read-only)")
    if store:
        return StoreChoice(Path(store), None, f"using the store {store}")
    env = os.environ.get("ICTRADE_STORE")
    if env:
        return StoreChoice(Path(env), None, f"using the store {env} (from ICTRADE_STORE)")
    user = default_store_path()
    if user.exists():
        return StoreChoice(user, None, f"using your store {user}")
    return StoreChoice(
        None, "default", "no store of yours yet: using the shipped 'default' dataset (read-only)"
    )


def rules_fingerprint(scheme_name: str) -> str:
    rules = scheme(scheme_name).rules
    text = "\n".join(f"{r.prefix},{r.item},{r.valid_from},{r.valid_to}" for r in rules)
    text += "\n".join(
        f"{s.code},{s.item},{s.share},{s.valid_from},{s.valid_to}"
        for s in splits(scheme_name).shares
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Store:
    """A DuckDB database of customs lines, with the classification of their codes."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        *,
        read_only: bool,
        scheme_name: str = "kr-ict",
    ) -> None:
        self.con = con
        self.name = name
        self.read_only = read_only
        self.scheme_name = scheme_name
        # Spans where a partial dataset is complete (meta.json "complete"); None: complete.
        self.completeness: list[dict[str, Any]] | None = None
        self.description: str | None = None  # what a shipped dataset holds (meta.json)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_code_map(self) -> None:
        """(Re)classify the store's codes when the shipped rules changed since last time, and
        rebuild the latest cube then (or when the store predates it)."""
        from .classify_codes import refresh_code_map
        from .query import cube_ready, refresh_cube

        key = f"rules:{self.scheme_name}"
        fingerprint = rules_fingerprint(self.scheme_name)
        row = first_row(self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall())
        current = bool(row and row[0] == fingerprint)
        if current and cube_ready(self.con, self.scheme_name):
            return
        self.con.execute("BEGIN TRANSACTION")
        try:
            if not current:
                refresh_code_map(self.con, self.scheme_name, only_new=False)
                self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, fingerprint])
            refresh_cube(self.con, self.scheme_name)  # whole: every code may have moved
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in META_DDL:
        con.execute(ddl)


def open_store(
    path: str | Path | None = None,
    *,
    dataset: str | None = None,
    read_only: bool = False,
    scheme_name: str = "kr-ict",
) -> Store:
    """Open (creating if needed) the store at ``path``, or load a shipped dataset read-only.

    With neither, open ``:memory:`` (an empty, writable store: handy in tests).
    """
    if dataset is not None:
        return _open_dataset(dataset, scheme_name)
    target = str(path) if path is not None else ":memory:"
    if target != ":memory:":
        if read_only and not Path(target).exists():
            raise StoreError(f"no store at {target}; create one with 'ictrade ingest FILE'")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only and target != ":memory:")
    except duckdb.Error as exc:
        raise StoreError(f"cannot open the store {target}: {exc}") from None
    if not read_only:
        _create_schema(con)
    store = Store(con, target, read_only=read_only, scheme_name=scheme_name)
    if not read_only:
        store.ensure_code_map()
    return store


def _open_dataset(name: str, scheme_name: str) -> Store:
    from .classify_codes import refresh_code_map
    from .ingest import load_parquet_lines
    from .query import refresh_cube

    path = dataset_path(name)
    con = duckdb.connect(":memory:")
    _create_schema(con)
    load_parquet_lines(con, path)
    refresh_code_map(con, scheme_name, only_new=False)
    refresh_cube(con, scheme_name)
    store = Store(con, f"dataset:{name}", read_only=True, scheme_name=scheme_name)
    meta = path.with_name("meta.json")
    if meta.is_file():
        info = json.loads(meta.read_text(encoding="utf-8"))
        store.completeness = info.get("complete")
        store.description = info.get("description")
    return store


def open_choice(choice: StoreChoice, *, read_only: bool = True) -> Store:
    if choice.dataset is not None:
        return open_store(dataset=choice.dataset)
    return open_store(choice.path, read_only=read_only)
