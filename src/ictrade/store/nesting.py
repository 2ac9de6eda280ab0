"""Lines that nest in other lines, found before they reach the lake.

The lake's aggregation (``engine/aggregate.py``) counts every line in force as given; the store
counts a total and its detail once (``store/refine.py``). So the lake takes one level of detail
only. A line *nests* when, for the same reporter, month and flow, whatever the source or
vintage of either line (lines of two vintages or sources can be in force at once):

- ``finer``: a line of the same partner has a finer code under its code (8542 beside 854231);
- ``world``: it is a ``WORLD`` line and a partner line's code is its code, finer or coarser
  (the world's 854231 beside China's 854231 or China's 8542);
- ``source``: the same code and partner come from another source that sorts before its own.

Those are the lines ``--finest`` sets aside: what is left nests no more (each kind's lines are
taken out whatever the others keep). Found by equi-joins of the distinct line keys on codes cut
to each code length of the file, in DuckDB (spilling to disk): no loop over lines in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

KEY = ("reporter", "month", "flow", "partner", "hs_code", "source")
_KEY_SQL = ", ".join(KEY)
WHY = {
    "finer": "coarser lines with finer lines under them",
    "world": "WORLD lines beside partner lines of their codes",
    "source": "lines another source also gives",
}
COUNTED = "the lake counts every line as given, so their value would count twice"


@dataclass(frozen=True)
class Nested:
    """Lines of a batch that nest: how many, their value, by kind, and one example."""

    lines: int
    value_usd: float
    by_kind: tuple[tuple[str, int, float], ...]  # kind, lines, value
    example: str

    def why(self) -> str:
        return ", ".join(f"{n} {WHY[kind]}" for kind, n, _ in self.by_kind)

    def message(self, fix: str) -> str:
        return (
            f"{self.lines} lines nest in other lines of the same reporter, month and flow "
            f"({self.why()}; {self.value_usd:,.2f} USD), e.g. {self.example}; {COUNTED}: {fix}"
        )


def find_nested(con: duckdb.DuckDBPyConnection, lines: str, table: str) -> Nested | None:
    """Create ``table`` (the KEY of each nesting line of ``lines``, an SQL relation of
    LINE_SCHEMA rows, with its kind and a line it nests with); None when no line nests."""
    kinds, lengths = _possible(con, lines)
    if not kinds:
        return None
    keys = f"SELECT DISTINCT {_KEY_SQL} FROM {lines}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE nest_keys AS {keys}")
    pairs = pairs_sql("nest_keys", "nest_keys", lengths, kinds)
    # a line nesting in several ways is named once: a WORLD line as one, else by its finer codes
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM ({pairs})
        QUALIFY row_number() OVER (PARTITION BY {_KEY_SQL}
            ORDER BY kind DESC, other_partner, other_code, other_source) = 1"""
    )
    con.execute("DROP TABLE nest_keys")
    by_kind = con.execute(
        f"""SELECT n.kind, count(*), coalesce(sum(l.value_usd), 0) FROM {lines} l
        JOIN {table} n USING ({_KEY_SQL}) GROUP BY n.kind ORDER BY n.kind"""
    ).fetchall()
    if not by_kind:
        return None
    first = con.execute(f"SELECT * FROM {table} ORDER BY {_KEY_SQL} LIMIT 1").fetchall()[0]
    return Nested(
        lines=sum(int(n) for _, n, _ in by_kind),
        value_usd=sum(float(v) for _, _, v in by_kind),
        by_kind=tuple((str(k), int(n), float(v)) for k, n, v in by_kind),
        example=describe(first),
    )


def _possible(con: duckdb.DuckDBPyConnection, lines: str) -> tuple[set[str], list[int]]:
    """The kinds of nesting ``lines`` may hold, from their distinct codes and each reporter's
    partners and sources (two quick scans), and their code lengths: most files hold one level
    of detail and are checked no further."""
    codes = sorted(c for (c,) in con.execute(f"SELECT DISTINCT hs_code FROM {lines}").fetchall())
    mixed, several = con.execute(
        f"""SELECT coalesce(bool_or(w), false), coalesce(bool_or(s), false) FROM (
            SELECT bool_or(partner = 'WORLD') AND bool_or(partner <> 'WORLD') AS w,
                   count(DISTINCT source) > 1 AS s
            FROM {lines} GROUP BY reporter)"""
    ).fetchall()[0]
    # sorted, the codes under a code follow it: one pass finds whether any code is under another
    finer = any(b.startswith(a) for a, b in zip(codes, codes[1:], strict=False))
    kinds = {k for k, on in (("finer", finer), ("world", mixed), ("source", several)) if on}
    return kinds, sorted({len(c) for c in codes})


def pairs_sql(a: str, b: str, lengths: list[int], kinds: set[str]) -> str:
    """Rows of ``a`` (relations of KEY columns) that nest with rows of ``b``: KEY, the kind,
    and one such row of ``b`` (other_partner, other_code, other_source). ``lengths``: the code
    lengths to cut codes to (every length of a code of ``a`` or ``b``).

    Each select is an equi-join on codes cut to one length (a hash join, not a comparison of
    every pair), with ``b`` first reduced to one row per join key: at most one row per line
    of ``a``, however many lines of ``b`` lie under it."""
    cols = "a.reporter, a.month, a.flow, a.partner, a.hs_code, a.source"

    def select(kind: str, on: list[tuple[str, str]], a_where: str, b_where: str) -> str:
        """``on``: pairs of an expression of ``a``'s columns and one of ``b``'s, equal."""
        heads = ", ".join(f"{bx} AS h{i}" for i, (_, bx) in enumerate(on))
        equal = " AND ".join(f"{ax} = b.h{i}" for i, (ax, _) in enumerate(on))
        # one row of b per key, named consistently by arg_min over a key unique in b
        others = f"""SELECT reporter, month, flow, {heads}, arg_min(partner, k) AS other_partner,
                arg_min(hs_code, k) AS other_code, arg_min(source, k) AS other_source
            FROM (SELECT *, concat_ws(' ', partner, hs_code, source) AS k FROM {b})
            WHERE {b_where} GROUP BY ALL"""
        return f"""SELECT {cols}, '{kind}' AS kind, b.other_partner, b.other_code,
                b.other_source
            FROM {a} a JOIN ({others}) b ON a.reporter = b.reporter AND a.month = b.month
                AND a.flow = b.flow AND {equal}
            WHERE {a_where}"""

    world, partners = "a.partner = 'WORLD'", "partner <> 'WORLD'"
    selects = []
    for n in lengths:
        cut = f"left(hs_code, {n})"
        if "finer" in kinds:  # b's code under a's, same partner
            on = [("a.partner", "partner"), ("a.hs_code", cut)]
            a_where, b_where = f"length(a.hs_code) = {n}", f"length(hs_code) > {n}"
            selects.append(select("finer", on, a_where, b_where))
        if "world" in kinds:  # a partner's code is the world's or under it; then over it
            on = [("a.hs_code", cut)]
            selects.append(select("world", on, f"{world} AND length(a.hs_code) = {n}", partners))
            on = [(f"left(a.hs_code, {n})", "hs_code")]
            a_where = f"{world} AND length(a.hs_code) > {n}"
            selects.append(select("world", on, a_where, f"{partners} AND length(hs_code) = {n}"))
    if "source" in kinds:
        on = [("a.partner", "partner"), ("a.hs_code", "hs_code")]
        selects.append(select("source", on, "b.other_source < a.source", "true"))
    return "\nUNION ALL\n".join(selects)


def describe(row: tuple[object, ...], here: str = "", there: str = "") -> str:
    """One nesting pair of ``pairs_sql``'s rows, in words (``here`` and ``there``: where each
    line is, when they come from two places)."""
    reporter, month, flow, partner, code, source, kind, partner2, code2, source2 = row
    when = f"{reporter} {str(month)[:7]} {flow}"
    if kind == "finer":
        return f"{when} partner {partner}: {code}{here} beside the finer {code2}{there}"
    if kind == "world":
        return f"{when}: the WORLD line {code}{here} beside {partner2}'s {code2}{there}"
    return f"{when} partner {partner} {code}: given by {source}{here} and by {source2}{there}"


def nested_with(con: duckdb.DuckDBPyConnection, new: str, stored: str) -> str | None:
    """What is wrong when line keys of ``new`` nest with lines of ``stored`` or have lines of
    ``stored`` nest with them (both SQL relations of LINE_SCHEMA rows of a lake): how many,
    one pair, the fix; None when none do. Lines with the same key (another vintage of the same
    line) do not nest."""
    for name, relation in (("nest_new", new), ("nest_old", stored)):
        keys = f"SELECT DISTINCT {_KEY_SQL} FROM {relation}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {keys}")
    kinds, lengths = _possible(con, "(SELECT * FROM nest_new UNION ALL SELECT * FROM nest_old)")
    if not kinds:
        return None
    new_first = pairs_sql("nest_new", "nest_old", lengths, kinds)
    old_first = pairs_sql("nest_old", "nest_new", lengths, kinds)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE nest_pairs AS
        SELECT true AS new_first, * FROM ({new_first})
        UNION ALL SELECT false AS new_first, * FROM ({old_first})"""
    )
    distinct = "SELECT count(*) FROM (SELECT DISTINCT " + _KEY_SQL + " FROM nest_pairs WHERE {})"
    counts = [
        int(con.execute(distinct.format(side)).fetchall()[0][0])
        for side in ("new_first", "NOT new_first")
    ]
    rows = con.execute(f"SELECT * FROM nest_pairs ORDER BY {_KEY_SQL} LIMIT 1").fetchall()
    for name in ("nest_new", "nest_old", "nest_pairs"):
        con.execute(f"DROP TABLE {name}")
    if not rows:
        return None
    new_first_row, *pair = rows[0]
    places = (" (new)", " (in the lake)")
    here, there = places if new_first_row else places[::-1]
    return (
        f"{counts[0]} new lines and {counts[1]} lines of the lake nest with one another (the "
        f"same reporter, month and flow), e.g. {describe(tuple(pair), here, there)}; "
        f"{COUNTED}: keep one level of detail per "
        "reporter, month and flow in a lake (load these lines into another lake, or into a "
        "store, which counts totals and detail once)"
    )
