"""Months whose lines are visibly incomplete, and vintages a user can follow: what ingest says,
and what a release says instead of figures it cannot stand behind."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.months import Month, month_range
from ictrade.store.coverage import incomplete_months
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table

ROOT = Path(__file__).resolve().parent.parent
CODES = [f"854232{n:04d}" for n in range(40)]  # 40 memory-chip codes


def world_rows(
    months: list[str], codes: list[str], scale: float = 1.0, source: str = "test"
) -> list[dict[str, object]]:
    return [
        {
            "month": m,
            "flow": "export",
            "hs_code": c,
            "partner": "WORLD",
            "value_usd": 1e6 * scale * (1 + n % 7),
            "source": source,
        }
        for m in months
        for n, c in enumerate(codes)
    ]


def months(first: str, last: str) -> list[str]:
    return [str(m) for m in month_range(Month.parse(first), Month.parse(last))]


def gaps(rows: list[dict[str, object]]) -> list[str]:
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(rows), origin="t.csv")
        return [
            f"{g.month} {g.codes}/{g.typical_codes:.0f} {g.compared_with}"
            for g in incomplete_months(store)
        ]


def test_a_last_month_with_few_codes_is_incomplete():
    rows = world_rows(months("2024-01", "2024-12"), CODES) + world_rows(["2025-01"], CODES[:3])
    assert gaps(rows) == ["2025-01 3/40 before"]


def test_a_hole_in_the_middle_is_incomplete_against_both_sides():
    rows = [
        r
        for r in world_rows(months("2024-01", "2024-12"), CODES)
        if r["month"] != "2024-06" or r["hs_code"] in CODES[:10]
    ]
    assert gaps(rows) == ["2024-06 10/40 around"]


def test_steps_real_changes_and_small_losses_are_not_incomplete():
    narrow_then_wide = world_rows(months("2023-01", "2023-12"), CODES[:4]) + world_rows(
        months("2024-01", "2024-06"), CODES
    )
    assert gaps(narrow_then_wide) == []
    crash = world_rows(months("2024-01", "2024-06"), CODES) + world_rows(
        ["2024-07"], CODES, scale=0.3
    )  # every code there: a fall in trade, not missing lines
    assert gaps(crash) == []
    few_missing = world_rows(months("2024-01", "2024-06"), CODES) + world_rows(
        ["2024-07"], CODES[:30]
    )
    assert gaps(few_missing) == []


OTHER = [f"851713{n:04d}" for n in range(40)]  # 40 phone codes, goods CODES do not hold


def test_a_partial_month_of_one_source_is_found_beside_a_complete_other():
    rows = (
        world_rows(months("2024-01", "2024-06"), CODES, source="a")
        + world_rows(months("2024-01", "2024-05"), OTHER, source="b")
        + world_rows(["2024-06"], OTHER[:2], source="b")
    )
    assert gaps(rows) == ["2024-06 2/40 before"]


def partner_rows(months_: list[str], codes: list[str], source: str) -> list[dict[str, object]]:
    return [
        {**r, "partner": partner, "value_usd": float(r["value_usd"]) / 4}  # type: ignore[arg-type]
        for r in world_rows(months_, codes, source=source)
        for partner in ("CN", "US")
    ]


def test_a_sparse_companion_covered_by_complete_world_lines_is_not_incomplete():
    """An item x partner file whose first month holds a few codes, beside a file of every
    code of the world (at coarser codes, as HS4 items beside HS6 lines, or finer): the world's
    figures are made of the complete file, so the month is released."""
    whole = world_rows(months("2024-01", "2024-06"), CODES, source="world")
    headings = ["8542", "854232"]  # coarser than the world's codes, and HS6
    companion = (
        world_rows(["2024-01"], CODES[:1], source="items")
        + world_rows(months("2024-02", "2024-06"), CODES[:8] + headings, source="items")
        + partner_rows(["2024-01"], CODES[:1], source="items")
        + partner_rows(months("2024-02", "2024-06"), CODES[:8] + headings, source="items")
    )
    for order in (whole + companion, companion + whole):
        assert gaps(order) == []
    # the same companion beside world lines that are themselves cut short that month
    cut = [r for r in whole if r["month"] != "2024-01" or r["hs_code"] in CODES[:3]]
    assert "2024-01 3/40 after" in gaps(cut + companion)


def test_a_wide_file_cut_short_beside_a_narrow_series_of_the_same_source():
    """A source joining a few long series and a wide file that ends on a cut month (the KCS
    HS6 file's last month beside the HSK10 series that go on): the cut month is incomplete."""
    series, wide = CODES[:4], [f"8471{n:02d}" for n in range(40)]
    rows = (
        world_rows(months("2023-01", "2024-12"), series, source="kcs")
        + world_rows(months("2024-01", "2024-05"), wide, source="kcs")
        + world_rows(["2024-06"], wide[:3], source="kcs")
    )
    assert gaps(rows) == ["2024-06 3/40 before"]


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["month", "flow", "hs_code", "partner", "value_usd"])
        writer.writeheader()
        for r in rows:
            writer.writerow({k: r[k] for k in writer.fieldnames})
    return path


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_ingest_reports_the_incomplete_month_and_release_refuses_it(tmp_path):
    rows = world_rows(months("2024-01", "2024-12"), CODES) + world_rows(["2025-01"], CODES[:3])
    path = write_csv(tmp_path / "world.csv", rows)
    store = str(tmp_path / "s.duckdb")
    code, out = invoke("ingest", str(path), "--store", store, "--vintage", "2025-02-15")
    assert code == 0, out
    assert "as vintage 2025-02-15" in out and "--vintage YYYY-MM-DD" not in out
    assert "warning: 2025-01 looks incomplete" in out and "3 export codes" in out
    assert "about 40 in the months before it" in out
    for fmt in ("md", "json", "xlsx"):
        code, out = invoke(
            "release", "2025-01", "--store", store, "--format", fmt, "--out", str(tmp_path / "r")
        )
        assert code != 0 and "2025-01 looks incomplete" in out and "Traceback" not in out
        assert "not released as if complete" in out
    code, out = invoke("release", "2024-12", "--store", store, "--out", str(tmp_path / "r"))
    assert code == 0, out


def test_ingest_names_the_vintage_it_gave_a_file_without_one(tmp_path):
    path = write_csv(tmp_path / "world.csv", world_rows(months("2024-01", "2024-03"), CODES))
    code, out = invoke("ingest", str(path), "--store", str(tmp_path / "s.duckdb"))
    modified = dt.date.fromtimestamp(path.stat().st_mtime)
    assert (
        code == 0
        and f"as vintage {modified} (the file's date; give the publication "
        "date with --vintage YYYY-MM-DD)"
        in out
    ), out


def test_as_of_before_every_vintage_says_so(tmp_path):
    path = write_csv(tmp_path / "world.csv", world_rows(months("2024-01", "2024-03"), CODES))
    store = str(tmp_path / "s.duckdb")
    invoke("ingest", str(path), "--store", store, "--vintage", "2024-04-15")
    code, out = invoke("release", "2024-03", "--store", store, "--as-of", "2024-01-01")
    assert code != 0 and "holds no ICT lines" not in out
    assert "nothing was published by 2024-01-01: the store's earliest vintage is 2024-04-15" in out
    code, out = invoke("release", "2024-03", "--as-of", "2010-01-01")  # the default dataset
    assert code != 0 and "nothing was published by 2010-01-01" in out
    code, out = invoke("release", "2020-11", "--as-of", "2020-12-01")  # before its first vintage
    assert code != 0 and "2020-11 was first published on 2020-12-15, after 2020-12-01" in out


@pytest.mark.slow
def test_new_user_on_the_real_hs6_file(tmp_path):
    """The KCS HS6 world file, as a new user loads it: its cut-off last month is reported and
    refused; a complete month is released in both languages and every format."""
    store = str(tmp_path / "x.duckdb")
    code, out = invoke(
        "ingest", str(ROOT / "data-raw" / "kcs" / "hs6_exports_world_monthly.csv"), "--store", store
    )
    assert code == 0 and "warning: 2026-02 looks incomplete" in out and "251 export codes" in out
    code, out = invoke("release", "2026-02", "--store", store)
    assert code != 0 and "2026-02 looks incomplete" in out
    for lang in ("en", "ko"):
        for fmt in ("md", "html", "xlsx"):
            code, out = invoke(
                "release",
                "2025-09",
                "--store",
                store,
                "--lang",
                lang,
                "--format",
                fmt,
                "--out",
                str(tmp_path / "r"),
            )
            assert code == 0, out
    text = (tmp_path / "r" / "release-long.ko.md").read_text(encoding="utf-8")
    assert "0백만 달러" not in text and "수입은" not in text and "자료 없음" in text
    page = (tmp_path / "r" / "release.en.html").read_text(encoding="utf-8")
    assert "$0 million" not in page and "Imports of ICT" not in page and "no data" in page


def test_the_dashboard_opens_on_the_latest_complete_month(tmp_path):
    """The meta answer the dashboard opens on names the last complete month and the incomplete
    ones (labelled there); the incomplete month's facts are refused with the reason."""
    import warnings

    from ictrade.web import create_app

    with warnings.catch_warnings():  # Starlette would rather see httpx2; httpx works the same
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from starlette.testclient import TestClient

    rows = world_rows(months("2024-01", "2024-12"), CODES) + world_rows(["2025-01"], CODES[:3])
    store = tmp_path / "s.duckdb"
    with open_store(store) as opened:
        ingest_table(opened, lines_table(rows), origin="t.csv")
    with TestClient(create_app(str(store), api_key="")) as client:
        meta = client.get("/api/meta").json()["data"]
        assert meta["months"]["last"] == "2025-01"
        assert meta["months"]["last_whole"] == "2024-12"
        assert meta["incomplete_months"] == ["2025-01"]
        refused = client.get("/api/facts/2025-01")
        assert refused.status_code < 500 and "looks incomplete" in refused.text
        assert client.get("/api/facts/2024-12").status_code == 200
    with TestClient(create_app(dataset="default", api_key="")) as client:
        assert client.get("/api/meta").json()["data"]["incomplete_months"] == []


def test_the_dashboard_labels_an_incomplete_month():
    script = (ROOT / "src" / "ictrade" / "web" / "static" / "dashboard.js").read_text("utf-8")
    assert "incomplete_months" in script and "not_releasable" in script
    assert "not released" in script


def test_refused_months_are_one_answer_for_release_and_meta(tmp_path):
    """A store of a few long series beside a file of every code for some months, cut short in
    its last one: the months of the series alone hold part of the goods, the cut month is
    incomplete; the release refuses each naming the nearest months released, and the meta
    the dashboard's month picker reads lists the same months with the same reasons."""
    from ictrade.stats.cube import load_cube
    from ictrade.stats.releasable import refused_months

    wide = [f"8471{n:02d}" for n in range(40)]
    rows = (
        world_rows(months("2023-01", "2024-09"), CODES[:4], source="kcs")
        + world_rows(months("2024-01", "2024-05"), wide, source="kcs")
        + world_rows(["2024-06"], wide[:3], source="kcs")
    )
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        ingest_table(store, lines_table(rows), origin="t.csv")
        refused = refused_months(store, load_cube(store, None), None)
    assert "looks incomplete" in refused[Month.parse("2024-06")]
    assert "only part of the ICT goods" in refused[Month.parse("2024-08")]
    assert Month.parse("2024-05") not in refused
    for month in ("2024-06", "2024-08"):
        code, out = invoke("release", month, "--store", str(path), "--out", str(tmp_path / "r"))
        assert code != 0 and refused[Month.parse(month)] in out, out
        assert "(the nearest months released: 2024-05)" in out
    import warnings

    from ictrade.web import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from starlette.testclient import TestClient

    with TestClient(create_app(str(path), api_key="")) as client:
        meta = client.get("/api/meta").json()["data"]
    assert meta["not_releasable"] == {str(m): why for m, why in sorted(refused.items())}
    assert meta["months"]["last_whole"] == "2024-05"
