"""The lines that nest (store/nesting.py), found by SQL joins on cut codes, are those of the
definition checked pair by pair; set aside, they leave lines that nest no more."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ictrade.store.nesting import find_nested, nested_with

CODES = ["85", "8542", "854231", "854232", "8542321010", "8517", "851712"]
Line = tuple[str, str, str, int]  # code, partner, source, month
LINES = st.sets(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(["WORLD", "CN", "US"]),
        st.sampled_from(["a", "b"]),
        st.sampled_from([1, 2]),
    ),
    min_size=1,
    max_size=12,
)


def _nests(x: Line, lines: set[Line]) -> bool:
    code, partner, source, month = x
    for c, p, s, m in lines:
        if m != month:
            continue
        if p == partner and c != code and c.startswith(code):
            return True
        related = c.startswith(code) or code.startswith(c)
        if partner == "WORLD" and p != "WORLD" and related:
            return True
        if p == partner and c == code and s < source:
            return True
    return False


def _table(lines: set[Line]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"reporter": "KR", "month": dt.date(2020, m, 1), "flow": "export", "partner": p,
             "hs_code": c, "source": s, "value_usd": 1.0}
            for c, p, s, m in sorted(lines)
        ]
    )  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(LINES)
def test_the_nesting_lines_are_those_of_the_definition(lines: set[Line]) -> None:
    con = duckdb.connect()
    con.register("lines", _table(lines))
    nested = find_nested(con, "lines", "nested")
    got: set[Line] = set()
    if nested is not None:
        rows = con.execute("SELECT hs_code, partner, source, month FROM nested").fetchall()
        got = {(c, p, s, m.month) for c, p, s, m in rows}
        assert nested.lines == len(got) and nested.value_usd == len(got)
    want = {x for x in lines if _nests(x, lines)}
    assert got == want
    kept = lines - want
    assert not any(_nests(x, kept) for x in kept)


@settings(max_examples=25, deadline=None)
@given(LINES, LINES)
def test_lines_nesting_with_stored_lines_are_found(old: set[Line], new: set[Line]) -> None:
    """Two sets of lines that each nest no more, checked against each other: refused exactly
    when some line of one nests with a line of the other (not with another vintage of
    itself)."""
    old = {x for x in old if not _nests(x, old)}
    new = {x for x in new if not _nests(x, new)}
    assume(old and new)
    con = duckdb.connect()
    con.register("old_lines", _table(old))
    con.register("new_lines", _table(new))
    both = old | new
    want = any(_nests(x, both) for x in both)
    assert (nested_with(con, "new_lines", "old_lines") is not None) == want
