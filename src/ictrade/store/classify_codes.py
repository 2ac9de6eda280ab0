"""The code_map table: each distinct HS code of the store, classified month range by month range.

Aggregation joins lines to it, so the rules are applied once per code, not once per line.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from ..classify import NON_ICT, Decision, Scheme, scheme
from ..classify.splits import Splits, splits
from ..months import OPEN_END, OPEN_START, Month
from .apportion import split_by_rules


def refresh_code_map(
    con: duckdb.DuckDBPyConnection,
    scheme_name: str,
    *,
    only_new: bool,
    candidates: list[str] | None = None,
) -> int:
    """Classify the store's codes (only those not yet in code_map when ``only_new``).

    ``candidates``: the codes that may be new (a batch's), to spare a scan of every line.
    """
    if only_new and candidates is not None:
        known = con.execute(
            "SELECT DISTINCT hs_code FROM code_map WHERE scheme = ?", [scheme_name]
        ).fetchall()
        seen = {code for (code,) in known}
        codes = [(code,) for code in candidates if code not in seen]
    elif only_new:
        codes = con.execute(
            """SELECT DISTINCT hs_code FROM lines WHERE hs_code NOT IN
               (SELECT hs_code FROM code_map WHERE scheme = ?)""",
            [scheme_name],
        ).fetchall()
    else:
        con.execute("DELETE FROM code_map WHERE scheme = ?", [scheme_name])
        codes = con.execute("SELECT DISTINCT hs_code FROM lines").fetchall()
    table = code_segments([code for (code,) in codes], scheme_name)
    if table.num_rows:
        con.register("new_codes", table)
        con.execute("INSERT INTO code_map SELECT * FROM new_codes")
        con.unregister("new_codes")
    return len(codes)


def code_segments(codes: list[str], scheme_name: str) -> pa.Table:
    """The code_map rows of ``codes``: each code's item month range by month range (one row
    per item, with its share, where the split table apportions the code)."""
    rules = scheme(scheme_name)
    table = splits(scheme_name)
    names = ("scheme", "hs_code", "valid_from", "valid_to", "item", "mixed", "share", "estimated")
    rows: dict[str, list[object]] = {k: [] for k in names}
    related = _related_test(rules)
    always = (OPEN_START.index, OPEN_END.index)
    for code in codes:
        if not related(code):
            # No rule starts or extends the code: outside the basket at every month.
            segments = [(*always, NON_ICT, False, 1.0, False)]
        else:
            segments = [
                piece
                for start, end, decision in rules.segments(code)
                for piece in _shares(code, start, end, decision, table)
            ]
        for start, end, *rest in segments:
            first, last = Month.from_index(start).first_day(), Month.from_index(end).first_day()
            for key, value in zip(rows, (scheme_name, code, first, last, *rest), strict=True):
                rows[key].append(value)
    types = [pa.string(), pa.string(), pa.date32(), pa.date32(), pa.string(), pa.bool_()]
    types += [pa.float64(), pa.bool_()]
    return pa.table({k: pa.array(v, t) for (k, v), t in zip(rows.items(), types, strict=True)})


def _shares(
    code: str, start: int, end: int, decision: Decision, table: Splits
) -> list[tuple[int, int, str, bool, float, bool]]:
    """A rules segment of a code, cut where the split table's shares change; one row per item
    (share, estimated) where the table apportions the code."""
    if not split_by_rules(decision):
        return [(start, end, decision.item, decision.mixed, 1.0, False)]
    cuts = sorted({start, *(b for b in table.bounds(code) if start < b <= end), end + 1})
    out = []
    for first, nxt in zip(cuts, cuts[1:], strict=False):
        shares = table.at(code, first)
        if not shares:
            out.append((first, nxt - 1, decision.item, decision.mixed, 1.0, False))
        out.extend((first, nxt - 1, item, decision.mixed, s, True) for item, s in shares.items())
    return out


def _related_test(rules: Scheme) -> Callable[[str], bool]:
    """Whether some rule's prefix starts a code or extends it (only those need the rules)."""
    prefixes = {r.prefix for r in rules.rules}
    heads = {r.prefix[:k] for r in rules.rules for k in range(2, len(r.prefix) + 1)}

    def related(code: str) -> bool:
        return code in heads or any(code[:k] in prefixes for k in range(2, len(code) + 1))

    return related


def mixed_codes(con: duckdb.DuckDBPyConnection, scheme_name: str) -> list[str]:
    """The store's codes whose rules mix ICT and non-ICT items in the months of their lines:
    they are counted as their covering rule says, and a finer code would split them."""
    rows = con.execute(
        """SELECT DISTINCT l.hs_code FROM lines l
           JOIN code_map m ON m.hs_code = l.hs_code
            AND l.month BETWEEN m.valid_from AND m.valid_to
           WHERE m.scheme = ? AND m.mixed ORDER BY 1""",
        [scheme_name],
    ).fetchall()
    return [r[0] for r in rows]


def split_codes(con: duckdb.DuckDBPyConnection, scheme_name: str) -> list[str]:
    """The store's codes that are apportioned among items (store/apportion.py): coarser than
    the rules, with finer rules sending their parts to different items, and either shares in
    the split table for the months of their lines or finer lines in the store to split by."""
    rules, table = scheme(scheme_name), splits(scheme_name)
    related = _related_test(rules)
    spans = con.execute(
        "SELECT hs_code, min(month), max(month) FROM lines GROUP BY 1 ORDER BY 1"
    ).fetchall()
    # a code with finer codes in the store: the next code in sorted order extends it (one pass,
    # where comparing every pair took minutes for a store of 20,000 codes)
    ordered = sorted(code for code, _, _ in spans)
    coarser = {a for a, b in zip(ordered, ordered[1:], strict=False) if b.startswith(a)}
    out = []
    for code, first, last in spans:
        if not related(code):
            continue
        low, high = Month.from_date(first).index, Month.from_date(last).index
        finer = code in coarser
        for start, end, decision in rules.segments(code):
            start, end = max(start, low), min(end, high)
            if start > end or not split_by_rules(decision):
                continue
            months = (start, *(b for b in table.bounds(code) if start <= b <= end))
            if finer or any(table.at(code, m) for m in months):
                out.append(code)
                break
    return out
