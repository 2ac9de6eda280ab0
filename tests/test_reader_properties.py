"""Generated files for every layout of the reader registry (sources/files.py READERS and
data/layouts.json): a valid file loads and the store holds exactly its lines; a hostile one
(random bytes, truncated, a field of the wrong type or out of range, another encoding) either
loads or is refused with an ictrade error naming the file, and a refusal leaves the store as
it was. No other exception, ever."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from ictrade.errors import IctradeError, InputError
from ictrade.load import ingest_file
from ictrade.months import Month
from ictrade.sources.comtrade_bulk import COLUMNS as BULK_COLUMNS
from ictrade.sources.comtrade_parse import partner_iso2
from ictrade.sources.flash import COLUMNS as FLASH_COLUMNS
from ictrade.sources.layouts import layouts
from ictrade.store.store import open_store

from conftest import lines_table, snapshot

Line = tuple[str, str, str, str, float]  # month YYYY-MM, flow, hs_code, partner, value_usd
Rows = list[list[str]]
PARTNERS = ["CN", "US", "VN", "HK", "JP", "DE", "TW"]
CODES = ["8542321010", "8542311000", "8517130000", "8471300000", "8528721000"]
KO_FLOW = {"export": "수출", "import": "수입"}
EXAMPLES = settings(
    max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)

# ---- layouts: rows of text cells for the lines, and how a file of them is written -------


def canonical(lines: list[Line]) -> Rows:
    head = ["month", "flow", "hs_code", "partner", "value_usd", "source", "status"]
    return [head] + [[m, f, c, p, _num(v), "test", "confirmed"] for m, f, c, p, v in lines]


def kcs_long(lines: list[Line]) -> Rows:
    head = ["년월", "수출입구분", "HS코드", "국가코드", "금액(달러)"]
    return [head] + [[m, KO_FLOW[f], c, p, _num(v)] for m, f, c, p, v in lines]


def kcs_wide(lines: list[Line]) -> Rows:
    """Export and import of a key on one row (a flow the key lacks: 0)."""
    head = ["년월", "HS코드", "국가코드", "수출금액($)", "수입금액($)"]
    keyed: dict[tuple[str, str, str], dict[str, float]] = {}
    for m, f, c, p, v in lines:
        keyed.setdefault((m, c, p), {})[f] = v
    return [head] + [
        [m, c, p, _num(v.get("export", 0.0)), _num(v.get("import", 0.0))]
        for (m, c, p), v in keyed.items()
    ]


def item_series(lines: list[Line]) -> Rows:
    head = ["item_name", "hs_code", "partner_iso2", "flow", "month", "value_usd", "weight_kg"]
    return [head] + [["chips", c, p, f, m, _num(v), ""] for m, f, c, p, v in lines]


def dashboard_hs6(lines: list[Line]) -> Rows:
    """Exports to the world: one line per month and code (the first of the generated)."""
    head = ["hs6", "name_ko", "month", "exp_usd"]
    return [head] + [[c, "반도체", m.replace("-", ""), _num(v)] for m, _, c, _, v in _world(lines)]


def dashboard_item_country(lines: list[Line]) -> Rows:
    head = ["code", "level", "partner_iso2", "month", "exp_usd", "imp_usd", "weight_kg"]
    keyed: dict[tuple[str, str, str], dict[str, float]] = {}
    for m, f, c, p, v in lines:
        keyed.setdefault((m, c, p), {})[f] = v
    return [head] + [
        [c, "10", p, m.replace("-", ""), _num(v.get("export", 0.0)), _num(v.get("import", 0.0)), ""]
        for (m, c, p), v in keyed.items()
    ]


def bulk(lines: list[Line]) -> Rows:
    codes = {iso: code for code, iso in partner_iso2().items()}
    rows = [list(BULK_COLUMNS)]
    for m, f, c, p, v in lines:
        values = {
            "freqCode": "M", "period": m.replace("-", ""), "reporterCode": str(codes["KR"]),
            "flowCode": "X" if f == "export" else "M", "partnerCode": str(codes[p]),
            "partner2Code": "0", "customsCode": "C00", "motCode": "0", "cmdCode": c,
            "primaryValue": _num(v), "netWgt": "", "qty": "", "qtyUnitCode": "-1",
        }  # fmt: skip
        rows.append([values[c] for c in BULK_COLUMNS])
    return rows


def flash_rows(lines: list[Line]) -> Rows:
    """Flash figures: the cumulative export of an item and partner at a cut of the month."""
    rows = [list(FLASH_COLUMNS)]
    for m, f, c, p, v in lines:
        rows.append([c, "", KO_FLOW[f], "천달러", p, m.replace("-", ""), "10", _num(v)])
    return rows


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def write_csv(rows: Rows, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def write_xlsx(rows: Rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_parquet(rows: Rows) -> bytes:
    head, body = rows[0], rows[1:]
    dicts = [dict(zip(head, r, strict=True)) for r in body]
    for d in dicts:
        d["value_usd"] = float(d["value_usd"])
    out = io.BytesIO()
    pq.write_table(lines_table(dicts), out)
    return out.getvalue()


# layout name -> (rows of the lines, writer, file suffix, stored table, expected lines)
def _world(lines: list[Line]) -> list[Line]:
    firsts = {(m, c): (m, "export", c, "WORLD", v) for m, _, c, _, v in reversed(lines)}
    return list(firsts.values())


def _both_flows(lines: list[Line]) -> list[Line]:
    """A row of a wide layout is a line of each flow, 0 where the key lacks one."""
    given = {_key(x): x[4] for x in lines}
    keys = {(m, c, p) for m, _, c, p, _ in lines}
    return [
        (m, f, c, p, given.get((m, f, c, p), 0.0)) for m, c, p in keys for f in ("export", "import")
    ]


LAYOUTS: dict[
    str,
    tuple[
        Callable[[list[Line]], Rows],
        Callable[[Rows], bytes],
        str,
        str,
        Callable[[list[Line]], list[Line]],
    ],
] = {  # noqa: E501
    "lines.csv": (canonical, write_csv, ".csv", "lines", list),
    "lines.parquet": (canonical, write_parquet, ".parquet", "lines", list),
    "kcs-long.csv": (kcs_long, write_csv, ".csv", "lines", list),
    "kcs-wide.csv": (kcs_wide, write_csv, ".csv", "lines", _both_flows),
    "kcs-wide.xlsx": (kcs_wide, write_xlsx, ".xlsx", "lines", _both_flows),
    "kcs-item-series.csv": (item_series, write_csv, ".csv", "lines", list),
    "kcs-dashboard-hs6.csv": (dashboard_hs6, write_csv, ".csv", "lines", _world),
    "kcs-dashboard-item-country.csv": (
        dashboard_item_country,
        write_csv,
        ".csv",
        "lines",
        _both_flows,
    ),
    "comtrade-bulk.tsv": (bulk, lambda rows: write_csv(rows, "\t"), ".txt", "lines", list),
    "flash.csv": (flash_rows, write_csv, ".csv", "flash", list),
}


def test_every_layout_of_the_registry_is_generated():
    names = {layout.name for layout in layouts()}
    covered = {name.split(".")[0] for name in LAYOUTS}
    assert names <= covered, f"layouts without generated files: {names - covered}"
    assert {"flash", "comtrade-bulk"} <= covered


# ---- strategies ---------------------------------------------------------------------------

months = st.integers(Month(2015, 1).index, Month(2024, 12).index).map(
    lambda i: str(Month.from_index(i))
)
values = st.one_of(st.integers(0, 10**11).map(float), st.integers(1, 10**9).map(lambda c: c / 100))
line = st.tuples(
    months, st.sampled_from(["export", "import"]), st.sampled_from(CODES),
    st.sampled_from(PARTNERS), values,
)  # fmt: skip


def _key(x: Line) -> tuple[str, ...]:
    return x[:4]


valid_lines = st.lists(line, min_size=1, max_size=12, unique_by=_key)

HOSTILE_CELLS = [
    "", "abc", "1e308", "-5", "nan", "NaN", "inf", "1e13", "9" * 400, "2020-13", "0000-01",
    "9999-12", "\x00", "1,000", " 7 ", "ZZ", "85A232", "0x10", "1e-320", "수출입", '"', "\n",
]  # fmt: skip


@st.composite
def hostile(draw: st.DrawFn, rows: Rows) -> tuple[str, Rows | bytes]:
    """A variation of the file: a cell replaced, the bytes broken or the text re-encoded."""
    kind = draw(st.sampled_from(["cell", "cell", "bytes", "truncate", "encoding", "drop"]))
    if kind == "cell":
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        changed = [list(row) for row in rows]
        changed[r][c] = draw(st.sampled_from(HOSTILE_CELLS) | st.text(max_size=20))
        return kind, changed
    if kind == "drop":
        c = draw(st.integers(0, len(rows[0]) - 1))
        return kind, [row[:c] + row[c + 1 :] for row in rows]
    return kind, b""  # bytes-level: applied to the written file below


def break_bytes(data: st.DataObject, kind: str, raw: bytes) -> bytes:
    if kind == "truncate":
        return raw[: data.draw(st.integers(0, max(len(raw) - 1, 0)))]
    if kind == "encoding":
        text = raw.decode("utf-8", errors="replace")
        codec = data.draw(st.sampled_from(["utf-16", "utf-16-le", "cp949", "latin-1"]))
        return text.encode(codec, errors="replace")
    at = data.draw(st.integers(0, len(raw)))
    noise = data.draw(st.binary(min_size=1, max_size=64))
    return raw[:at] + noise + raw[at + data.draw(st.integers(0, 64)) :]


# ---- the invariant ------------------------------------------------------------------------


def stored(store: object, table: str) -> set[Line]:
    con = store.con  # type: ignore[attr-defined]
    if table == "flash":
        rows = con.execute(
            "SELECT month, flow, item_key, partner_ko, cum_value FROM flash"
        ).fetchall()
    else:
        rows = con.execute("SELECT month, flow, hs_code, partner, value_usd FROM lines").fetchall()
    return {(str(Month.from_date(m)), f, c, p, float(v)) for m, f, c, p, v in rows}


def load(path: Path, table: str) -> tuple[set[Line] | None, IctradeError | None, bool]:
    """(lines stored, or the error; whether the store is as before after an error)."""
    with open_store(":memory:") as store:
        before = snapshot(store)
        try:
            ingest_file(store, path, vintage=dt.date(2025, 2, 15))
        except IctradeError as exc:
            return None, exc, snapshot(store) == before
        return stored(store, table), None, True


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@EXAMPLES
@given(lines=valid_lines)
def test_a_valid_file_loads_exactly_its_lines(tmp_path, name, lines):
    rows_of, write, suffix, table, expected = LAYOUTS[name]
    path = tmp_path / f"valid{suffix}"
    path.write_bytes(write(rows_of(lines)))
    got, error, _ = load(path, table)
    assert error is None, f"{name}: {error}"
    assert got == set(expected(lines))


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@EXAMPLES
@given(lines=valid_lines, data=st.data())
def test_a_hostile_file_loads_or_is_refused_naming_the_file(tmp_path, name, lines, data):
    rows_of, write, suffix, table, _ = LAYOUTS[name]
    kind, changed = data.draw(hostile(rows_of(lines)))
    if isinstance(changed, list):
        try:
            raw = write(changed)
        except (ValueError, TypeError, KeyError, IctradeError, IllegalCharacterError):
            return  # the generator cannot write it in this format (a text value in Parquet)
    else:
        raw = break_bytes(data, kind, write(rows_of(lines)))
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(raw)
    try:
        _, error, unchanged = load(path, table)
    except Exception as exc:  # the property: nothing but ictrade's errors
        raise AssertionError(f"{name}, {kind}: {type(exc).__name__}: {exc}") from exc
    if error is not None:
        assert unchanged, f"{name}, {kind}: the store changed although the file was refused"
        assert str(path) in str(error), f"{name}, {kind}: the error does not name the file"
        if isinstance(error, InputError) and error.field is not None:
            assert error.line is not None or error.file is not None


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_parquet_file_damaged_in_its_data_is_refused(tmp_path, cut):
    good = write_parquet(canonical([("2020-11", "export", CODES[0], "CN", 5.0)] * 1))
    raw = bytearray(good)
    at = int(len(raw) * cut) // 2  # inside the data pages, the footer kept
    raw[at : at + 8] = b"\xff" * 8
    path = tmp_path / "damaged.parquet"
    path.write_bytes(bytes(raw))
    got, error, unchanged = load(path, "lines")
    if error is None:  # the bytes hit padding: nothing to refuse
        assert got == {("2020-11", "export", CODES[0], "CN", 5.0)}
        return
    assert isinstance(error, InputError)
    assert unchanged and str(path) in str(error)
