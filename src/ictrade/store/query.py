"""Queries over the lines table, written as plain SQL so they can run on another engine.

``latest_filter`` picks, for every line key, the vintage in force on a date: the line with
vintage <= D whose successor (``superseded_by``) came after D.
"""

from __future__ import annotations

import bisect
import datetime as dt

import duckdb
import pyarrow as pa

from ..errors import NoDataError
from ..months import Month
from .apportion import CUBE_COLUMNS
from .base import Store, first_row, remembered


def vintage_filter(as_of: dt.date | None) -> tuple[str, list[object]]:
    """SQL condition (on alias l) selecting the lines in force as of ``as_of`` (None: latest)."""
    if as_of is None:
        return "l.superseded_by IS NULL", []
    return "l.vintage <= ? AND (l.superseded_by IS NULL OR l.superseded_by > ?)", [as_of, as_of]


# Reporter x month x flow x item x partner: the one aggregation every statistic is computed
# from (each reporter's cube is its slice). A code the split table apportions has one code_map
# row per item, with its share (estimated).
CUBE_SQL = """
SELECT l.reporter, l.month, l.flow, m.item, l.partner, sum(l.value_usd * m.share) AS value_usd,
    sum(CASE WHEN m.estimated THEN l.value_usd * m.share ELSE 0 END) AS estimated_usd
FROM lines l
JOIN code_map m ON m.hs_code = l.hs_code AND l.month BETWEEN m.valid_from AND m.valid_to
WHERE m.scheme = ? AND m.item <> 'non_ict' AND {vintage}
GROUP BY ALL
"""
_CUBE_COLUMNS = ", ".join(CUBE_COLUMNS)


def needs_counting(con: duckdb.DuckDBPyConnection, reporter: str) -> bool:
    """Whether some lines of ``reporter`` may refine others (codes nested in one another, WORLD
    lines beside partner lines, or one line from two sources): then its cube is counted line by
    line (``apportion``, in Python: seconds for the KCS files, minutes for tens of millions of
    lines), else CUBE_SQL. Lines refine only lines of their own reporter."""
    mine, of = "WHERE l.reporter = ?", [reporter]
    row = first_row(
        con.execute(
            "SELECT bool_or(partner = 'WORLD') AND bool_or(partner <> 'WORLD') "
            f"FROM lines l {mine}",
            of,
        ).fetchall()
    )
    if row and row[0]:
        return True
    sql = f"SELECT count(DISTINCT source) > 1 FROM lines l {mine}"
    several = first_row(con.execute(sql, of).fetchall())
    if several and several[0]:
        # the same line from two sources is one figure: counted once
        latest, params = vintage_filter(None)
        twice = f"""SELECT 1 FROM lines l {mine} AND {latest}
            GROUP BY reporter, month, flow, hs_code, partner HAVING count(*) > 1 LIMIT 1"""
        if con.execute(twice, [*of, *params]).fetchall():
            return True
    sql = f"SELECT DISTINCT hs_code FROM lines l {mine}"
    codes = {c for (c,) in con.execute(sql, of).fetchall()}
    return any(code[:k] in codes for code in codes for k in range(2, len(code)))


def _counted(
    con: duckdb.DuckDBPyConnection,
    scheme_name: str,
    reporter: str,
    condition: str,
    params: list[object],
) -> pa.Table:
    """The cube of one reporter's lines, counted line by line (CUBE_COLUMNS)."""
    from .apportion import counted_cube

    # A line given by several sources counts once: the latest vintage, then the first source.
    lines = con.sql(
        f"""SELECT l.month, l.flow, l.hs_code, l.partner, l.value_usd FROM lines l
        WHERE {condition} AND l.reporter = ?
        QUALIFY row_number() OVER (PARTITION BY l.month, l.flow, l.hs_code, l.partner
            ORDER BY l.vintage DESC, l.source) = 1""",
        params=[*params, reporter],
    ).to_arrow_table()
    return counted_cube(lines, scheme_name)


def cube_rows(store: Store, as_of: dt.date | None) -> pa.Table:
    """The cube's rows of the store's reporter (CUBE_COLUMNS); for the latest figures, read
    from the ``cube_latest`` table (below)."""
    if as_of is None and cube_ready(store.con, store.scheme_name):
        return store.con.sql(
            CACHED_SQL, params=[store.scheme_name, store.reporter]
        ).to_arrow_table()
    condition, params = vintage_filter(as_of)
    if needs_counting(store.con, store.reporter):
        return _counted(store.con, store.scheme_name, store.reporter, condition, params)
    sql = CUBE_SQL.format(vintage=f"{condition} AND l.reporter = ?")
    return store.con.sql(
        f"SELECT {_CUBE_COLUMNS} FROM ({sql})",
        params=[store.scheme_name, *params, store.reporter],
    ).to_arrow_table()


def interval_rows(store: Store) -> pa.Table | None:
    """The cube's rows of the store's reporter by the span each line is in force (CUBE_COLUMNS
    with ``vintage`` and ``superseded_by``): the rows in force at any date, summed, are
    ``cube_rows`` of that date. None where lines are counted one by one (``needs_counting``):
    their sums do not split by span."""
    if needs_counting(store.con, store.reporter):
        return None
    sql = CUBE_SQL.replace("SELECT l.reporter,", "SELECT l.reporter, l.vintage, l.superseded_by,")
    return store.con.sql(
        f"SELECT {_CUBE_COLUMNS}, vintage, superseded_by FROM "
        f"({sql.format(vintage='l.reporter = ?')})",
        params=[store.scheme_name, store.reporter],
    ).to_arrow_table()


# ---- the latest cube, kept as a table ----------------------------------------------------
#
# ``cube_latest`` is CUBE_SQL over the lines in force now, materialised (with the scheme), so
# that facts on the latest figures (the common case) do not aggregate the whole history. It
# is kept equal to CUBE_SQL's answer:
# - ingest recomputes the months its batch spans, inside the batch's transaction: a batch
#   only changes which vintage is in force for its own keys, and only brings new codes in its
#   own lines (the code map of stored codes does not change);
# - a change of the classification rules (upgrade.ensure_code_map) rebuilds it whole;
# - shipped datasets, loaded into memory at open, build it then.
# Where lines refine one another (``needs_counting``) a batch may change how lines of other
# months are counted and apportioned: the table is then rebuilt whole, from the counted cube.
# The meta row 'cube:v2:<scheme>' says the table is complete; without it (a store written before
# the table existed, opened read-only) the lines are aggregated. As-of queries always are.

CACHED_SQL = f"SELECT {_CUBE_COLUMNS} FROM cube_latest WHERE scheme = ? AND reporter = ?"


def _marker(scheme_name: str) -> str:
    return f"cube:v2:{scheme_name}"  # v2: with estimated_usd


def cube_ready(con: duckdb.DuckDBPyConnection, scheme_name: str) -> bool:
    """Whether ``cube_latest`` holds the whole latest cube of the scheme."""
    rows = con.execute("SELECT 1 FROM meta WHERE key = ?", [_marker(scheme_name)]).fetchall()
    return bool(rows)


def refresh_cube(
    con: duckdb.DuckDBPyConnection,
    scheme_name: str,
    span: tuple[dt.date, dt.date] | None = None,
) -> None:
    """Recompute ``cube_latest``: the months of ``span`` only when given (and the table is
    complete already), else whole. Run it in the transaction that changed the lines."""
    if span is not None and not cube_ready(con, scheme_name):
        span = None
    latest, params = vintage_filter(None)
    # Lines refine only lines of their own reporter: the reporters whose lines need counting
    # are counted whole, the others aggregated (over the span).
    held = con.execute("SELECT DISTINCT reporter FROM lines").fetchall()
    counted = [r for (r,) in held if needs_counting(con, r)]
    for reporter in counted:
        _refresh_counted(con, scheme_name, reporter, latest, params)
    within = " AND NOT list_contains(?::VARCHAR[], {0}reporter)"
    others: list[object] = [counted]
    if span is not None:
        within += " AND {0}month BETWEEN ? AND ?"
        others += span
    con.execute(
        f"DELETE FROM cube_latest WHERE scheme = ?{within.format('')}", [scheme_name, *others]
    )
    aggregate = CUBE_SQL.format(vintage=latest + within.format("l."))
    con.execute(
        f"INSERT INTO cube_latest BY NAME SELECT *, ? AS scheme FROM ({aggregate})",
        [scheme_name, scheme_name, *params, *others],
    )
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, 'complete')", [_marker(scheme_name)])


def _refresh_counted(
    con: duckdb.DuckDBPyConnection,
    scheme_name: str,
    reporter: str,
    latest: str,
    params: list[object],
) -> None:
    con.execute(
        "DELETE FROM cube_latest WHERE scheme = ? AND reporter = ?", [scheme_name, reporter]
    )
    counted = _counted(con, scheme_name, reporter, latest, params)
    con.register("counted", counted)
    try:
        con.execute(
            f"""INSERT INTO cube_latest BY NAME
            SELECT {_CUBE_COLUMNS}, ? AS reporter, ? AS scheme FROM counted""",
            [reporter, scheme_name],
        )
    finally:
        con.unregister("counted")


def publication_date(store: Store, month: Month) -> dt.date:
    """When a month's figures were first published: its earliest vintage in the store."""
    return remembered(
        store, ("published", store.reporter, month), lambda: _publication_date(store, month)
    )


def _publication_date(store: Store, month: Month) -> dt.date:
    row = first_row(
        store.con.execute(
            "SELECT min(vintage) FROM lines WHERE month = ? AND reporter = ?",
            [month.first_day(), store.reporter],
        ).fetchall()
    )
    if not row or row[0] is None:
        raise NoDataError(f"the store holds no data for {month}; {data_span_hint(store)}")
    value: dt.date = row[0]
    return value


def data_span_hint(store: Store) -> str:
    row = first_row(
        store.con.execute(
            "SELECT min(month), max(month) FROM lines WHERE reporter = ?", [store.reporter]
        ).fetchall()
    )
    if not row or row[0] is None:
        held = reporters(store)
        if held:
            return (
                f"it holds no lines of reporter {store.reporter}; "
                f"pick one of: --reporter {', '.join(held)}"
            )
        return "the store is empty; load data with 'ictrade ingest FILE'"
    return f"it holds {Month.from_date(row[0])} to {Month.from_date(row[1])}"


def reporters(store: Store) -> list[str]:
    """The reporters whose lines the store holds."""
    rows = store.con.execute("SELECT DISTINCT reporter FROM lines ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def latest_vintage(store: Store, as_of: dt.date | None) -> dt.date | None:
    """The latest vintage of the reporter's lines in force as of ``as_of``."""
    if store.memo is None:
        condition, params = vintage_filter(as_of)
        sql = f"SELECT max(l.vintage) FROM lines l WHERE {condition} AND l.reporter = ?"
        row = first_row(store.con.execute(sql, [*params, store.reporter]).fetchall())
        return row[0] if row else None
    # The latest vintage on or before the date: a line is superseded only by a later one.
    vintages = remembered(store, ("vintages", store.reporter), lambda: _vintages_of(store))
    at = bisect.bisect_right(vintages, as_of) if as_of is not None else len(vintages)
    return vintages[at - 1] if at else None


def _vintages_of(store: Store) -> list[dt.date]:
    sql = "SELECT DISTINCT vintage FROM lines WHERE reporter = ? ORDER BY 1"
    return [r[0] for r in store.con.execute(sql, [store.reporter]).fetchall()]


def earliest_vintage(store: Store) -> dt.date | None:
    """The first date on which the reporter's figures were published (None: no lines)."""
    vintages = remembered(store, ("vintages", store.reporter), lambda: _vintages_of(store))
    return vintages[0] if vintages else None


def sources(store: Store) -> list[str]:
    """The sources of the reporter's lines."""

    def read() -> list[str]:
        rows = store.con.execute(
            "SELECT DISTINCT source FROM lines WHERE reporter = ? ORDER BY 1", [store.reporter]
        ).fetchall()
        return [r[0] for r in rows]

    return list(remembered(store, ("sources", store.reporter), read))


def imputed_flows(store: Store, months: list[Month], as_of: dt.date | None) -> dict[str, set[str]]:
    """Month ('2020-11') -> the flows whose lines in force as of ``as_of`` are imputed there:
    no published figure constrains them (the default dataset marks such lines)."""
    condition, params = vintage_filter(as_of)
    marks = ", ".join("?" for _ in months)
    rows = store.con.execute(
        f"SELECT DISTINCT l.month, l.flow FROM lines l WHERE {condition} AND l.reporter = ? "
        f"AND l.imputed AND l.month IN ({marks})",
        [*params, store.reporter, *[m.first_day() for m in months]],
    ).fetchall()
    out: dict[str, set[str]] = {}
    for month, flow in rows:
        out.setdefault(str(Month.from_date(month)), set()).add(flow)
    return out
