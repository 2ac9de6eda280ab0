"""The embedded default dataset: shape, completeness, and agreement with published figures.

Figures are evaluated as the store will read them: for each line key the latest vintage on or
before the figure's publication date (the as-of rule, implemented here in SQL).
"""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ictrade.classify import NON_ICT, membership, regions, scheme, taxonomy
from ictrade.classify.partners import WORLD, partner_codes
from ictrade.months import Month, month_range
from ictrade.numbers import matches
from ictrade.store.schema import LINE_KEY, LINE_SCHEMA

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data-raw" / "reconstruct"
FIGURES = ("published_figures.csv", "published_figures_2024_2025h1.csv")
FIRST, LAST = Month(2013, 1), Month(2025, 6)


def _dataset_file(name: str) -> Path:
    return Path(str(resources.files("ictrade").joinpath("datasets", "default", name)))


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    path = _dataset_file("lines.parquet")
    c.execute(f"CREATE TABLE lines AS SELECT * FROM read_parquet('{path}')")
    pairs = c.execute("SELECT DISTINCT month, hs_code FROM lines").fetchall()
    sch, tax = scheme("kr-ict"), taxonomy()
    rows = []
    for month, code in pairs:
        item = sch.classify(code, Month.from_date(month)).item
        rows += [(month, code, item, anc) for anc in tax.ancestors(item)] if item != NON_ICT else []
    c.register("code_item_rows", _table(rows, ("month", "hs_code", "leaf", "item")))
    c.execute("CREATE TABLE code_item AS SELECT * FROM code_item_rows")
    partners = [r[0] for r in c.execute("SELECT DISTINCT partner FROM lines").fetchall()]
    mem = membership()
    reg = [(m.first_day(), p, r) for m in month_range(FIRST, LAST) for p in partners
           for r in mem.regions_of(p, m)]
    c.register("partner_region_rows", _table(reg, ("month", "partner", "region")))
    c.execute("CREATE TABLE partner_region AS SELECT * FROM partner_region_rows")
    return c


def _table(rows: list[tuple[object, ...]], names: tuple[str, ...]) -> pa.Table:
    """Rows as an Arrow table (a month, then text), for DuckDB to read in one go (inserting
    row by row took seconds)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    types = [pa.date32()] + [pa.string()] * (len(names) - 1)
    return pa.table({n: pa.array(col, t) for n, col, t in zip(names, columns, types, strict=True)})


def value(con: duckdb.DuckDBPyConnection, month: Month, flow: str, item: str, region: str,
          as_of: dt.date, members_of: Month) -> float:
    """Sum of the lines in force as of ``as_of``; region members are those of ``members_of``."""
    sql = """
        WITH in_force AS (
            SELECT * FROM (
                SELECT *, row_number() OVER (
                    PARTITION BY source, month, flow, hs_code, partner ORDER BY vintage DESC) AS rn
                FROM lines WHERE month = ? AND flow = ? AND vintage <= ?)
            WHERE rn = 1)
        SELECT coalesce(sum(l.value_usd), 0) FROM in_force l
        JOIN code_item c ON c.month = l.month AND c.hs_code = l.hs_code AND c.item = ?
        JOIN partner_region r ON r.partner = l.partner AND r.month = ? AND r.region = ?
    """
    row = con.execute(sql, [month.first_day(), flow, as_of, item, members_of.first_day(),
                            region]).fetchone()
    assert row is not None
    return float(row[0])


def primary_figures() -> list[dict[str, str]]:
    items, regs = set(taxonomy().ids), set(regions().ids)
    rows = []
    for name in FIGURES:
        with open(RAW / name, encoding="utf-8") as fh:
            rows += [dict(r, line=str(n), file=name)
                     for n, r in enumerate(csv.DictReader(fh), start=2)]
    return [r for r in rows if r["is_primary_source"] == "1" and r["series"] in items
            and r["region"] in regs and FIRST <= Month.parse(r["month"]) <= LAST]


def conflicts() -> set[tuple[str, str, str]]:
    with open(_dataset_file("conflicts.csv"), encoding="utf-8") as fh:
        return {(r["figures_file"], r["figures_line"], r["measure"]) for r in csv.DictReader(fh)}


def sample() -> list[dict[str, str]]:
    """All of 2019-11, 2020-11 and 2025-06, and every fifth other figure across the history."""
    figs = primary_figures()
    keep = [f for f in figs if f["month"] in ("2019-11", "2020-11", "2025-06")]
    return keep + [f for i, f in enumerate(figs) if i % 5 == 0 and f not in keep]


def flow_value(con: duckdb.DuckDBPyConnection, f: dict[str, str], month: Month,
               as_of: dt.date, members_of: Month) -> float:
    args = (f["series"], f["region"], as_of, members_of)
    if f["flow"] == "balance":
        return value(con, month, "export", *args) - value(con, month, "import", *args)
    return value(con, month, f["flow"], *args)


@pytest.mark.parametrize("fig", sample(),
                         ids=lambda f: f"{f['file'][:-4]}-{f['line']}-{f['month']}-{f['series']}")
def test_published_figure_holds_as_of_its_vintage(con: duckdb.DuckDBPyConnection,
                                                  fig: dict[str, str]) -> None:
    month, as_of = Month.parse(fig["month"]), dt.date.fromisoformat(fig["vintage"])
    known = {(m, ln) for f, ln, m in conflicts() if f == fig["file"]}
    if fig["value_usd_millions"] and ("level", fig["line"]) not in known:
        v = flow_value(con, fig, month, as_of, month) / 1e6
        assert matches(float(fig["value_usd_millions"]), v,
                       float(fig["stated_precision_usd_millions"])), v
    if fig["yoy_pct"] and fig["flow"] != "balance" and ("yoy", fig["line"]) not in known:
        now = flow_value(con, fig, month, as_of, month)
        before = flow_value(con, fig, month - 12, as_of, month)
        pct = (now / before - 1) * 100
        assert matches(float(fig["yoy_pct"]), pct, float(fig["yoy_precision_pct"])), pct


def test_seed_release_2020_11(con: duckdb.DuckDBPyConnection) -> None:
    """The reference release: exports up 15.8% to 16.6bn, 6th month of growth, Japan -13.8%."""
    as_of = dt.date(2020, 12, 15)

    def yoy(m: Month, item: str = "total", region: str = "world") -> float:
        return (value(con, m, "export", item, region, as_of, m)
                / value(con, m - 12, "export", item, region, as_of, m) - 1) * 100

    nov = Month(2020, 11)
    growth = [yoy(nov - k) for k in range(7)]
    assert all(g > 0 for g in growth[:6]) and growth[6] < 0
    assert matches(16600, value(con, nov, "export", "total", "world", as_of, nov) / 1e6, 100)
    assert matches(328, value(con, nov, "export", "total", "japan", as_of, nov) / 1e6, 1)
    assert matches(-13.8, yoy(nov, region="japan"), 0.1)
    assert matches(24.9, yoy(nov, region="eu"), 0.1)
    mobile = [yoy(nov - k, "mobile_phones") for k in range(5)]
    assert mobile[0] > 0 and all(g < 0 for g in mobile[1:4]) and mobile[4] > 0
    for item in taxonomy().majors():
        assert yoy(nov, item) > 0, item
    for region in regions().majors():
        assert (yoy(nov, region=region) > 0) == (region != "japan"), region


def test_lines_shape() -> None:
    table = pq.read_table(_dataset_file("lines.parquet"))
    # Korea's own data: lines without a reporter column are the default reporter's
    korea = pa.schema([f for f in LINE_SCHEMA if f.name != "reporter"])
    assert table.schema.equals(korea, check_metadata=False)
    assert _dataset_file("lines.parquet").stat().st_size < 15e6


def test_lines_content(con: duckdb.DuckDBPyConnection) -> None:
    bad = con.execute("""
        SELECT count(*) FILTER (WHERE partner = 'WORLD' OR source <> 'reconstruction'
                                OR value_usd < 0 OR value_usd <> round(value_usd)
                                OR net_kg IS NOT NULL OR quantity IS NOT NULL
                                OR status NOT IN ('preliminary', 'confirmed'))
        FROM lines""").fetchone()
    assert bad == (0,)
    partners = {r[0] for r in con.execute("SELECT DISTINCT partner FROM lines").fetchall()}
    assert partners <= partner_codes() - {WORLD}
    for region in regions().ids:  # every region has partners in every month
        for m in month_range(FIRST, LAST):
            assert partners & membership().members(region, m), (region, m)
    months = {r[0] for r in con.execute("SELECT DISTINCT month FROM lines").fetchall()}
    assert months == {m.first_day() for m in month_range(FIRST, LAST)}
    flows = con.execute("SELECT count(DISTINCT flow) FROM lines GROUP BY month").fetchall()
    assert {f[0] for f in flows} == {2}
    assert con.execute("SELECT bool_or(imputed), bool_and(NOT imputed OR value_usd >= 0) "
                       "FROM lines").fetchone() == (True, True)


def test_every_code_classifies_to_a_leaf(con: duckdb.DuckDBPyConnection) -> None:
    tax = taxonomy()
    leaves = {r[0] for r in con.execute("SELECT DISTINCT leaf FROM code_item").fetchall()}
    assert all(not tax.children[leaf] for leaf in leaves)
    missing = con.execute("""SELECT count(*) FROM (SELECT DISTINCT month, hs_code FROM lines)
        l ANTI JOIN code_item c USING (month, hs_code)""").fetchone()
    assert missing == (0,)
    assert leaves == {i for i in tax.ids if not tax.children[i]}


def test_no_code_of_a_month_refines_another(con: duckdb.DuckDBPyConnection) -> None:
    """A coarser line beside finer ones would read as their total (refine_overlaps)."""
    rows = con.execute("""
        SELECT count(*) FROM (SELECT DISTINCT month, hs_code FROM lines) a
        JOIN (SELECT DISTINCT month, hs_code FROM lines) b
          ON a.month = b.month AND a.hs_code <> b.hs_code AND starts_with(b.hs_code, a.hs_code)
    """).fetchone()
    assert rows == (0,)


def test_later_vintages_restate_whole_months(con: duckdb.DuckDBPyConnection) -> None:
    key = ", ".join(k for k in LINE_KEY if k != "reporter")  # the file holds Korea's only
    rows = con.execute(f"""
        WITH k AS (SELECT DISTINCT {key}, vintage FROM lines),
             per AS (SELECT month, flow, vintage, count(*) AS n FROM k GROUP BY ALL)
        SELECT month, flow, count(DISTINCT n) FROM per GROUP BY ALL HAVING count(DISTINCT n) > 1
    """).fetchall()
    assert rows == []
    dup = con.execute(f"SELECT count(*) FROM (SELECT {key}, vintage FROM lines GROUP BY ALL "
                      "HAVING count(*) > 1)").fetchone()
    assert dup == (0,)


def test_the_extension_leaves_earlier_vintages_as_they_were(con: duckdb.DuckDBPyConnection) -> None:
    """2024-2025 came as a second stage: every line dated before its first release (2024-02-15)
    is the first stage's, so releases rebuilt as of earlier dates do not change."""
    early = con.execute("SELECT count(*), sum(value_usd), max(month) FROM lines "
                        "WHERE vintage < DATE '2024-02-15'").fetchone()
    assert early == (817_600, 6_300_100_016_400.0, dt.date(2023, 12, 1))
    late = con.execute("SELECT min(vintage) FROM lines WHERE month >= DATE '2024-01-01'").fetchone()
    assert late == (dt.date(2024, 2, 15),)


def test_published_cells_are_written_from_the_published_figures():
    """published.csv (what verify holds claims against) is the published-figures files' own
    statement of each cell: regenerating it from data-raw gives the shipped file."""
    from tools.reconstruct.published import published_csv

    assert _dataset_file("published.csv").read_text(encoding="utf-8") == published_csv()
