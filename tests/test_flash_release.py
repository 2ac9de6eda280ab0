"""Flash releases: flash figures loaded into the store, and 'release' writing a marked estimate
with 80% bands when a month has only flash figures."""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import InputError
from ictrade.load import ingest_file
from ictrade.months import Month
from ictrade.nowcast.data import shipped_history
from ictrade.nowcast.engine import nowcast_file
from ictrade.release.flash import flash_month
from ictrade.release.flash_text import number
from ictrade.release.renderers import FLASH_RENDERERS
from ictrade.sources.flash import FlashFigure
from ictrade.store.flash import flash_rows
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table, series_rows
from conftest import write_flash as conftest_write_flash

HBM = ("반도체 _복합구조칩(HBM포함)", "전세계")
RAMEN = ("라면(원화)", "미국")
BOTOX = ("보톡스", "전세계")
RELEASE_FILE = FLASH_RENDERERS["md"][0].name
MARK = "Estimate from customs flash figures for the first 20 days; not a release of final data"


def write_flash(path: Path, figures: Iterable[FlashFigure]) -> Path:
    """The three series' figures, with an HS code as the flash source gives it."""
    return conftest_write_flash(path, figures, hs_code="854232")


def pick(months: set[str], *, finals: bool = True) -> list[FlashFigure]:
    """The shipped figures of three series in ``months``; without the May 2025 finals unless
    ``finals`` (so the store holds only flash figures for that month)."""
    return [
        f
        for f in shipped_history()
        if f.series in (HBM, RAMEN, BOTOX)
        and str(f.month) in months
        and (finals or not (str(f.month) == "2025-05" and f.cut == 30))
    ]


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def flash_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store holding April 2025 flash and final figures and May 2025 10- and 20-day flash
    figures only (no customs lines); and the CSV loaded."""
    folder = tmp_path_factory.mktemp("flash")
    csv_path = write_flash(folder / "flash.csv", pick({"2025-04", "2025-05"}, finals=False))
    store = folder / "store.duckdb"
    result = run("ingest", str(csv_path), "--store", str(store), "--vintage", "2025-05-21")
    assert result.exit_code == 0, result.output
    assert "flash figures added" in result.output
    return store, csv_path


@pytest.fixture(scope="module")
def released(
    flash_store: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, dict[str, Any]]:
    store, _ = flash_store
    out = tmp_path_factory.mktemp("out")
    result = run("release", "2025-05", "--store", str(store), "--out", str(out))
    assert result.exit_code == 0, result.output
    facts = json.loads(run("release", "2025-05", "--store", str(store), "--format", "json").stdout)
    return result.stdout, out, facts


def test_ingest_puts_flash_figures_in_the_flash_table(flash_store: tuple[Path, Path]) -> None:
    store, csv_path = flash_store
    with open_store(store, read_only=True) as s:
        rows = flash_rows(s)
        assert s.con.execute("SELECT count(*) FROM lines").fetchall() == [(0,)]
    loaded = pick({"2025-04", "2025-05"}, finals=False)
    assert len(rows) == len(loaded)
    assert {(r.figure.series, str(r.figure.month), r.figure.cut, r.figure.value) for r in rows} == {
        (f.series, str(f.month), f.cut, f.value) for f in loaded
    }
    assert {r.flow for r in rows} == {"export"} and {r.hs_code for r in rows} == {"854232"}
    again = run("ingest", str(csv_path), "--store", str(store), "--vintage", "2025-05-21")
    assert again.exit_code == 0 and "already loaded" in again.output


def test_changed_value_with_the_same_vintage_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    figures = pick({"2025-04"})
    first = write_flash(tmp_path / "a.csv", figures)
    changed = [
        FlashFigure(f.series, f.unit, f.month, f.cut, f.value + 1, f.month_text) for f in figures
    ]
    extra = FlashFigure(("새 품목", "전세계"), "천$", Month(2025, 6), 10, 5.0, "202506")
    second = write_flash(tmp_path / "b.csv", [extra, *changed])
    with open_store(":memory:") as store:
        ingest_file(store, first, source="kcs", vintage=Month(2025, 5).first_day())
        before = store.con.execute("SELECT * FROM flash ORDER BY ALL").fetchall()
        with pytest.raises(InputError, match=r"b\.csv, line 3, field 'cum_value'.*differs"):
            ingest_file(store, second, source="kcs", vintage=Month(2025, 5).first_day())
        assert store.con.execute("SELECT * FROM flash ORDER BY ALL").fetchall() == before
        # under a new vintage the new figures are kept and the latest is read
        report = ingest_file(store, second, source="kcs", vintage=Month(2025, 6).first_day())
        assert report.lines_added == len(figures) + 1
        latest = {(r.figure.series, r.figure.cut): r.figure.value for r in flash_rows(store)}
        assert latest[(HBM, 10)] == next(
            f.value for f in changed if f.series == HBM and f.cut == 10
        )


def test_bad_flash_value_names_line_and_field(tmp_path: Path) -> None:
    path = write_flash(tmp_path / "bad.csv", pick({"2025-04"}))
    path.write_text(path.read_text(encoding="utf-8").replace(",수출,", ",반송,", 1), "utf-8")
    refused = pytest.raises(InputError, match=r"line 2, field 'flow_ko'")
    with open_store(":memory:") as store, refused:
        ingest_file(store, path)


@pytest.mark.slow
def test_release_writes_a_flash_release_marked_as_an_estimate(
    released: tuple[str, Path, dict[str, Any]],
) -> None:
    text, out, facts = released
    assert MARK in text
    assert text.startswith("# Flash estimate of exports, May 2025")
    assert (out / RELEASE_FILE).read_text(encoding="utf-8") == text.removesuffix("\n")
    assert json.loads((out / "flash.json").read_text(encoding="utf-8")) == facts
    assert not (out / "release-short.en.md").exists()
    assert facts["schema"] == "ictrade.flash/1" and facts["estimate"] is True
    assert (facts["month"], facts["cut_day"]) == ("2025-05", 20)
    assert facts["model"]["method"] == "model"
    assert facts["model"]["baselines"] == ["working_days", "last_year"]


@pytest.mark.slow
def test_bands_hold_the_nowcast_and_equal_the_nowcast_functions_output(
    flash_store: tuple[Path, Path], released: tuple[str, Path, dict[str, Any]]
) -> None:
    _, csv_path = flash_store
    facts = released[2]
    expected = {
        (r["item_key"], r["partner_ko"], r["cut_day"]): r
        for r in csv.DictReader(nowcast_file(csv_path).splitlines())
        if r["month"] == "202505"
    }
    assert len(facts["series"]) == len(pick({"2025-05"}, finals=False)) // 2
    for s in facts["series"]:
        assert s["cut_day"] == 20
        assert 0 < s["cum_value"] <= s["lo80"] <= s["nowcast"] <= s["hi80"] < math.inf
        row = expected[(s["item_key"], s["partner_ko"], "20")]
        for name in ("nowcast", "lo80", "hi80"):
            assert f"{s[name]:.1f}" == row[name]
        for band in s["baselines"].values():
            assert band["lo80"] <= band["nowcast"] <= band["hi80"]


@pytest.mark.slow
def test_every_number_in_the_table_comes_from_the_flash_facts(
    released: tuple[str, Path, dict[str, Any]],
) -> None:
    text, _, facts = released
    rows = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    by_series = {(s["item_key"], s["partner_ko"]): s for s in facts["series"]}
    assert len(rows) - 1 == len(by_series)
    for cells in rows[1:]:
        s = by_series[(cells[0].strip(), cells[1].strip())]
        lo, hi = cells[6].strip().split(" to ")
        assert [c.strip() for c in cells[3:6]] == [
            str(s["cut_day"]),
            number(s["cum_value"]),
            number(s["nowcast"]),
        ]
        assert (lo, hi) == (number(s["lo80"]), number(s["hi80"]))
    prose = " ".join(line for line in text.splitlines() if not line.startswith("|"))
    learned = facts["model"]["learned_from"]
    allowed = {str(facts["cut_day"]), f"{facts['interval'] * 100:.0f}"}
    allowed |= {m[:4] for m in (facts["month"], learned["first_month"], learned["last_month"])}
    assert set(re.findall(r"\d+", prose)) == allowed


@pytest.mark.slow
def test_the_months_own_final_is_never_read(
    tmp_path: Path, released: tuple[str, Path, dict[str, Any]]
) -> None:
    """The same store plus absurd May finals and later months: the same flash facts."""
    absurd = [
        FlashFigure(
            f.series, f.unit, f.month + k, 30 if k == 0 else f.cut, f.value * 9, str(f.month + k)
        )
        for f in pick({"2025-05"})
        for k in (0, 1)
        if f.cut == 30 or k == 1
    ]
    store = tmp_path / "s.duckdb"
    for name, figures in (("a", pick({"2025-04", "2025-05"}, finals=False)), ("b", absurd)):
        path = write_flash(tmp_path / f"{name}.csv", figures)
        assert (
            run("ingest", str(path), "--store", str(store), "--vintage", "2025-05-21").exit_code
            == 0
        )
    result = run("release", "2025-05", "--store", str(store), "--format", "json")
    facts = json.loads(result.stdout)
    assert [s["nowcast"] for s in facts["series"]] == [s["nowcast"] for s in released[2]["series"]]


def test_a_month_with_customs_lines_gets_the_normal_release(
    flash_store: tuple[Path, Path], tmp_path: Path
) -> None:
    _, csv_path = flash_store
    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        rows = series_rows({"8542321010": [1e9, 1.1e9, 1.2e9]}, "2025-03")
        ingest_table(s, lines_table(rows), origin="test")
        ingest_file(s, csv_path)
        assert not flash_month(s, Month(2025, 5)) and not flash_month(s, Month(2025, 3))
    result = run("release", "2025-05", "--store", str(store), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Estimate" not in result.stdout
    assert (tmp_path / "out" / "release-short.en.md").is_file()
    assert not (tmp_path / "out" / RELEASE_FILE).exists()
    facts = json.loads(run("release", "2025-05", "--store", str(store), "--format", "json").stdout)
    assert facts["schema"] == "ictrade.facts/1"


def test_a_month_with_neither_lines_nor_flash_is_no_data(flash_store: tuple[Path, Path]) -> None:
    store, _ = flash_store
    for args in ([], ["--format", "json"]):
        result = run("release", "2025-07", "--store", str(store), *args)
        assert result.exit_code == 2
        assert "no data for 2025-07" in result.output
        assert "flash figures only for 2025-04 to 2025-05" in result.output


@pytest.mark.slow
def test_the_api_serves_a_month_that_holds_only_flash_figures(
    flash_store: tuple[Path, Path], released: tuple[str, Path, dict[str, Any]]
) -> None:
    from starlette.testclient import TestClient

    from ictrade.web.app import create_app

    store, _ = flash_store
    _, out, facts = released
    with TestClient(create_app(store=str(store), api_key="")) as client:
        files = client.get("/api/release/2025-05").json()["data"]["files"]
        assert [f["name"] for f in files] == [RELEASE_FILE]
        assert files[0]["text"] == (out / RELEASE_FILE).read_text(encoding="utf-8")
        # The server names its store by file name, never by a path of its disk.
        served = client.get("/api/facts/2025-05").json()["data"]
        assert served == {**facts, "data": {**facts["data"], "store": store.name}}
        html = client.get("/api/release/2025-05?format=html")
        assert html.status_code == 400 and "only flash figures" in html.text
