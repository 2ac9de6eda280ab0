"""read_lines: layouts recognised by header, encodings, and bad input located by line."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictrade.errors import InputError
from ictrade.sources.files import LineDefaults, read_lines
from ictrade.store.refine import refine_lines
from ictrade.store.schema import LINE_SCHEMA

DATA = Path(__file__).parent / "data" / "kcs_trade_dashboard"
HEADER = "month,flow,hs_code,partner,value_usd\n"
V = dt.date(2021, 1, 15)


def write(tmp_path: Path, body: str, name: str = "lines.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def test_canonical_csv_keeps_leading_zeros_and_fills_defaults(tmp_path):
    path = write(tmp_path, HEADER + "2020-11,export,0202,US,150822\n2020-11,import,0202,us,9\n")
    table = read_lines(path, defaults=LineDefaults(vintage=V, status="preliminary"))
    assert table.schema == LINE_SCHEMA
    rows = table.to_pylist()
    assert [r["hs_code"] for r in rows] == ["0202", "0202"]
    assert [r["partner"] for r in rows] == ["US", "US"]
    assert rows[0]["month"] == dt.date(2020, 11, 1)
    assert rows[0]["value_usd"] == 150822.0
    assert {r["source"] for r in rows} == {"lines"}  # the file's stem
    assert {(r["vintage"], r["status"], r["imputed"]) for r in rows} == {(V, "preliminary", False)}


def test_canonical_optional_columns_are_read(tmp_path):
    body = ("month,flow,hs_code,partner,value_usd,net_kg,source,vintage,status,imputed,reporter\n"
            "2020-11,export,854232,CN,10.5,3,kcs,2020-12-15,confirmed,true,DE\n")
    row = read_lines(write(tmp_path, body)).to_pylist()[0]
    assert row == {"month": dt.date(2020, 11, 1), "flow": "export", "hs_code": "854232",
                   "partner": "CN", "value_usd": 10.5, "net_kg": 3.0, "quantity": None,
                   "source": "kcs", "vintage": dt.date(2020, 12, 15), "status": "confirmed",
                   "imputed": True, "reporter": "DE"}


lines = st.lists(
    st.tuples(
        st.integers(2000 * 12, 2030 * 12 + 11),
        st.sampled_from(["export", "import"]),
        st.from_regex(r"\A[0-9]{2,10}\Z"),
        st.sampled_from(["US", "CN", "WORLD", "VN", "DE"]),
        st.floats(0, 1e12, allow_nan=False),
    ),
    min_size=1, max_size=30, unique_by=lambda t: (t[0], t[1], t[2], t[3]),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=lines, fmt=st.sampled_from(["csv", "parquet"]))
def test_canonical_round_trip(tmp_path, rows, fmt):
    expected = pa.table({
        "month": [f"{m // 12:04d}-{m % 12 + 1:02d}" for m, *_ in rows],
        "flow": [r[1] for r in rows], "hs_code": [r[2] for r in rows],
        "partner": [r[3] for r in rows], "value_usd": [r[4] for r in rows],
    })
    path = tmp_path / f"lines.{fmt}"
    (pacsv.write_csv if fmt == "csv" else pq.write_table)(expected, path)
    table = read_lines(path, defaults=LineDefaults(source="s", vintage=V))
    assert table["hs_code"].to_pylist() == expected["hs_code"].to_pylist()
    assert table["value_usd"].to_pylist() == expected["value_usd"].to_pylist()
    assert [d.strftime("%Y-%m") for d in table["month"].to_pylist()] == \
        expected["month"].to_pylist()


def test_parquet_with_date_months(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({
        "month": pa.array([dt.date(2020, 11, 1)], pa.date32()), "flow": ["export"],
        "hs_code": ["854232"], "partner": ["US"], "value_usd": [1.0]}), path)
    assert read_lines(path)["month"].to_pylist() == [dt.date(2020, 11, 1)]


@pytest.mark.parametrize(
    ("row", "line", "field", "says"),
    [
        ("2020-11,export,854232,US,abc", 3, "value_usd", "'abc'"),
        ("2020-11,export,854232,US,-5", 3, "value_usd", "non-negative"),
        ("2020-11,re-export,854232,US,1", 3, "flow", "export, import"),
        ("2020-11,export,85423X,US,1", 3, "hs_code", "2 to 10 digits"),
        ("2020-11,export,8,US,1", 3, "hs_code", "2 to 10 digits"),
        ("2020-11,export,854232,QQ,1", 3, "partner", "ISO 3166-1"),
        ("2020-13,export,854232,US,1", 3, "month", "YYYY-MM"),
        ("2020-11,export,854232,US,", 3, "value_usd", "empty"),
    ],
)
def test_bad_values_name_file_line_field_and_fix(tmp_path, row, line, field, says):
    path = write(tmp_path, HEADER + "2020-10,export,854232,US,1\n" + row + "\n")
    with pytest.raises(InputError) as err:
        read_lines(path)
    assert (err.value.file, err.value.line, err.value.field) == (str(path), line, field)
    assert says in str(err.value)


def test_bad_value_in_parquet_names_the_row(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"month": ["2020-11", "2020-11"], "flow": ["export", "export"],
                             "hs_code": ["854232", "8542"], "partner": ["US", "XX"],
                             "value_usd": [1.0, 2.0]}), path)
    with pytest.raises(InputError) as err:
        read_lines(path)
    assert (err.value.line, err.value.field) == (2, "partner")


def test_duplicated_line_names_both_lines(tmp_path):
    body = HEADER + "2020-11,export,8542,US,1\n2020-11,import,8542,US,2\n2020-11,export,8542,US,3\n"
    with pytest.raises(InputError) as err:
        read_lines(write(tmp_path, body))
    assert err.value.line == 4
    assert "as line 2" in str(err.value)


def test_missing_column_lists_the_layouts_tried(tmp_path):
    path = write(tmp_path, "month,flow,hs_code,value_usd\n2020-11,export,8542,1\n")
    with pytest.raises(InputError) as err:
        read_lines(path)
    message = str(err.value)
    assert "missing column 'partner' for the layout lines" in message
    assert err.value.line == 1
    assert "no layout recognises" in message
    for name in ("lines expects", "kcs-wide expects", "kcs-dashboard-hs6 expects"):
        assert name in message
    with pytest.raises(InputError, match="missing column 'partner' \\(layout lines expects"):
        read_lines(path, layout="lines")


def test_cp949_auto_and_forced_utf8(tmp_path):
    body = ("년월,HS코드,국가코드,수출금액($),수입금액($)\n"
            "2020.11,854232,US,100,\n2020.12,854232,전세계,5,7\n")
    path = write(tmp_path, body, encoding="cp949")
    table = read_lines(path)  # auto
    assert table.num_rows == 3
    assert set(table["partner"].to_pylist()) == {"US", "WORLD"}
    with pytest.raises(InputError) as err:
        read_lines(path, encoding="utf-8")
    assert err.value.line == 1
    assert "the file is not UTF-8; try --encoding cp949" in str(err.value)


def test_kcs_wide_gives_two_lines_per_row_and_skips_blank_flows(tmp_path):
    body = ("년월,HS코드,국가코드,수출금액($),수입금액($),수출중량(kg),수입중량(kg)\n"
            "2020-11,8542321010,CN,\"1,000\",250,7,\n"
            "2020-11,8542321010,US,300,,2,\n")
    table = read_lines(write(tmp_path, body, "kcs.csv"), defaults=LineDefaults(vintage=V))
    got = {(r["flow"], r["partner"]): (r["value_usd"], r["net_kg"]) for r in table.to_pylist()}
    assert got == {("export", "CN"): (1000.0, 7.0), ("import", "CN"): (250.0, None),
                   ("export", "US"): (300.0, 2.0)}
    assert set(table["source"].to_pylist()) == {"kcs"}


def test_kstat_xlsx_long_layout_with_title_rows_and_thousand_dollars(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["품목별 국가별 수출입실적"])
    sheet.append([])
    sheet.append(["기간", "수출입구분", "품목코드", "국가", "금액(천달러)", "중량(kg)"])
    sheet.append(["2020년 11월", "수출", "8542321010", "CN", 1500, 20])
    sheet.append(["2020년 11월", "수입", "8542321010", "중국", 2.5, None])
    sheet.append(["2020년 11월", "수출", 202300000, "US", 7, None])  # 0202300000 as a number
    sheet.append(["2020년 11월", "수입", "8542321010", "XX", 1, None])
    path = tmp_path / "kstat.xlsx"
    book.save(path)
    with pytest.raises(InputError) as err:
        read_lines(path)
    assert (err.value.line, err.value.field) == (7, "국가")
    sheet.delete_rows(7)
    book.save(path)
    rows = read_lines(path).to_pylist()
    assert [(r["flow"], r["hs_code"], r["value_usd"], r["net_kg"]) for r in rows] == [
        ("export", "8542321010", 1_500_000.0, 20.0), ("import", "8542321010", 2500.0, None),
        ("export", "0202300000", 7000.0, None)]
    assert {r["month"] for r in rows} == {dt.date(2020, 11, 1)}
    assert [r["partner"] for r in rows] == ["CN", "CN", "US"]  # codes and a Korean name


def test_mapping_column_to_field(tmp_path):
    body = "when,what,where,dir,usd\n202011,854232,JP,X,12\n"
    mapping = {"when": "month", "what": "hs_code", "where": "partner", "dir": "flow",
               "usd": "value_usd"}
    row = read_lines(write(tmp_path, body), mapping=mapping).to_pylist()[0]
    assert (row["month"], row["flow"], row["partner"], row["value_usd"]) == (
        dt.date(2020, 11, 1), "export", "JP", 12.0)


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_dashboard_hs6_file(tmp_path):
    path = DATA / "hs6_exports_world_monthly_sample.csv"
    table = read_lines(path)
    source = _csv_rows(path.name)
    assert table.num_rows == len(source)
    assert set(table["partner"].to_pylist()) == {"WORLD"}
    assert set(table["flow"].to_pylist()) == {"export"}
    assert pc.sum(table["value_usd"]).as_py() == sum(float(r["exp_usd"]) for r in source)
    first = table.to_pylist()[0]
    assert (first["hs_code"], first["month"]) == (source[0]["hs6"], dt.date(
        int(source[0]["month"][:4]), int(source[0]["month"][4:]), 1))


def test_dashboard_item_country_file_keeps_lines_as_reported_and_counts_them_once():
    path = DATA / "item_country_monthly_sample.csv"
    table = read_lines(path)
    got: dict[tuple[str, str, str], float] = defaultdict(float)
    for r in table.to_pylist():
        got[(r["hs_code"], r["partner"], r["flow"])] += r["value_usd"]
    source = _csv_rows(path.name)
    assert not any(code == "BTX" for code, *_ in got)  # a group label, not an HS code
    # DRAM and NAND stay beside 8542 as reported; counted (refine_lines), 8542 of the same
    # month and partner keeps only the remainder, so the parts under 8542 add up to it, once.
    assert any(code.startswith("85423210") for code, *_ in got)
    cols = table.to_pydict()
    parts = refine_lines(
        cols["month"], cols["flow"], cols["hs_code"], cols["partner"], cols["value_usd"]
    ).parts
    for partner in ("US", "CN"):
        exp = sum(float(r["exp_usd"]) for r in source
                  if r["code"] == "8542" and r["partner_iso2"] == partner)
        assert got[("8542", partner, "export")] == pytest.approx(exp)
        under = sum(p.value for p in parts
                    if p.code.startswith("8542") and p.partner == partner and p.flow == "export")
        assert under == pytest.approx(exp)
    for code in ("8532240000", "3002491000"):
        for partner in ("US", "CN"):
            exp = sum(float(r["exp_usd"]) for r in source
                      if r["code"] == code and r["partner_iso2"] == partner)
            assert got[(code, partner, "export")] == exp
    imports = sum(float(r["imp_usd"]) for r in source if r["imp_usd"] and r["code"] == "8542")
    assert got[("8542", "WORLD", "import")] == pytest.approx(imports)
    assert imports > 0


def test_unknown_layout_and_missing_file(tmp_path):
    from ictrade.errors import UsageError

    with pytest.raises(UsageError, match="layouts are: lines"):
        read_lines(write(tmp_path, HEADER), layout="nope")
    with pytest.raises(InputError, match="no such file"):
        read_lines(tmp_path / "absent.csv")


def test_line_numbers_count_blank_lines_and_title_rows(tmp_path):
    body = ("title\n\nmonth,flow,hs_code,partner,value_usd\n2020-11,export,8542,US,1\n\n"
            "2020-11,export,8542,XX,1\n")
    with pytest.raises(InputError) as err:
        read_lines(write(tmp_path, body))
    assert (err.value.line, err.value.field) == (6, "partner")


def test_ragged_row_is_located(tmp_path):
    body = HEADER + "2020-11,export,8542,US,1\n2020-11,export,8541,US,1,000\n"
    with pytest.raises(InputError) as err:
        read_lines(write(tmp_path, body))
    assert err.value.line == 3 and "6 fields where the header has 5" in str(err.value)


@given(keys=st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 3)), min_size=0,
                     max_size=12))
def test_duplicate_pair_agrees_with_the_grouping_fallback(keys):
    from ictrade.sources._build import _pair_by_groups, duplicate_pair

    table = pa.table({"k": [k for k, _ in keys], "n": [n for _, n in keys]})
    pair = duplicate_pair(table)
    fallback = _pair_by_groups(table) if keys else None
    assert (pair is None) == (fallback is None) == (len(set(keys)) == len(keys))
    if pair is not None:
        assert pair[0] < pair[1] and keys[pair[0]] == keys[pair[1]]
