"""A store's tables: creating them in a new store, and bringing a store an older version
wrote up to date (columns added since, lines from before reporters existed). The store's codes
are classified again, and its latest cube rebuilt, when the shipped rules or split table have
changed since it was last opened for writing: the fingerprint of the rules is kept in its
``meta`` table. Opening a store, which does all this, is store.py's.
"""

from __future__ import annotations

import hashlib

import duckdb

from ..classify import scheme
from ..classify.splits import splits
from .base import Store, first_row
from .classify_codes import refresh_code_map
from .query import cube_ready, refresh_cube
from .schema import DEFAULT_REPORTER, LINES_DDL

META_DDL = [
    LINES_DDL,
    """CREATE TABLE IF NOT EXISTS ingests (
        id INTEGER PRIMARY KEY, origin VARCHAR, sha256 VARCHAR, lines_added BIGINT,
        lines_seen BIGINT, retrieved_at TIMESTAMP, ingested_at TIMESTAMP, raw BLOB,
        options VARCHAR)""",
    # one row per item of a code and month range; a code the split table apportions has
    # several, with their shares (estimated)
    """CREATE TABLE IF NOT EXISTS code_map (
        scheme VARCHAR, hs_code VARCHAR, valid_from DATE, valid_to DATE, item VARCHAR,
        mixed BOOLEAN, share DOUBLE DEFAULT 1.0, estimated BOOLEAN DEFAULT false)""",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    # CUBE_SQL over the lines in force now, kept by ingest (store/query.py, refresh_cube)
    """CREATE TABLE IF NOT EXISTS cube_latest (
        reporter VARCHAR NOT NULL, month DATE NOT NULL, flow VARCHAR NOT NULL,
        item VARCHAR NOT NULL, partner VARCHAR NOT NULL, value_usd DOUBLE,
        scheme VARCHAR NOT NULL, estimated_usd DOUBLE DEFAULT 0)""",
    # customs flash figures: schema.FLASH_SCHEMA
    """CREATE TABLE IF NOT EXISTS flash (
        item_key VARCHAR NOT NULL, hs_code VARCHAR, flow VARCHAR NOT NULL, unit VARCHAR NOT NULL,
        partner_ko VARCHAR NOT NULL, month DATE NOT NULL, cut_day INTEGER NOT NULL,
        cum_value DOUBLE NOT NULL, source VARCHAR NOT NULL, vintage DATE NOT NULL)""",
    # the options a file was read with (JSON; NULL: the defaults), for stores made before it
    "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS options VARCHAR",
]


def rules_fingerprint(scheme_name: str) -> str:
    """A digest of the scheme's shipped rules and split table."""
    rules = scheme(scheme_name).rules
    text = "\n".join(f"{r.prefix},{r.item},{r.valid_from},{r.valid_to}" for r in rules)
    text += "\n".join(
        f"{s.code},{s.item},{s.share},{s.valid_from},{s.valid_to}"
        for s in splits(scheme_name).shares
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_code_map(store: Store) -> None:
    """(Re)classify the store's codes when the shipped rules changed since last time, and
    rebuild the latest cube then (or when the store predates it)."""
    con, scheme_name = store.con, store.scheme_name
    key = f"rules:{scheme_name}"
    fingerprint = rules_fingerprint(scheme_name)
    row = first_row(con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall())
    current = bool(row and row[0] == fingerprint)
    if current and cube_ready(con, scheme_name):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        if not current:
            refresh_code_map(con, scheme_name, only_new=False)
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, fingerprint])
        refresh_cube(con, scheme_name)  # whole: every code may have moved
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# Stores written before splits: their code map is rebuilt (the rules fingerprint holds the
# split table) and their latest cube too (its marker changed).
MIGRATIONS = [
    "ALTER TABLE code_map ADD COLUMN IF NOT EXISTS share DOUBLE DEFAULT 1.0",
    "ALTER TABLE code_map ADD COLUMN IF NOT EXISTS estimated BOOLEAN DEFAULT false",
    "ALTER TABLE cube_latest ADD COLUMN IF NOT EXISTS estimated_usd DOUBLE DEFAULT 0",
]


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables a store lacks and add the columns an older store lacks."""
    for ddl in META_DDL:
        con.execute(ddl)
    _add_reporters(con)
    for ddl in MIGRATIONS:
        con.execute(ddl)


def _add_reporters(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a store written before reporters existed up to date: its lines are Korea's, and
    its latest cube is rebuilt with the reporter (ensure_code_map)."""
    columns = {r[0] for r in con.execute("DESCRIBE lines").fetchall()}
    if "reporter" in columns:
        return
    con.execute(f"ALTER TABLE lines ADD COLUMN reporter VARCHAR DEFAULT '{DEFAULT_REPORTER}'")
    con.execute("DROP TABLE cube_latest")
    con.execute("DELETE FROM meta WHERE key LIKE 'cube:%'")
    con.execute(META_DDL[4])


def outdated(con: duckdb.DuckDBPyConnection, scheme_name: str) -> bool:
    """Whether a store opened read-only needs bringing up to date first: written before
    reporters, or not classified by ``scheme_name``'s current rules."""
    try:
        columns = {r[0] for r in con.execute("DESCRIBE lines").fetchall()}
        key = f"rules:{scheme_name}"
        row = first_row(con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall())
    except duckdb.Error:
        return False  # not a store: the first query says so
    return "reporter" not in columns or not row or row[0] != rules_fingerprint(scheme_name)
