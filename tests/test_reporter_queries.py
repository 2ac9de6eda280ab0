"""What a store answers for one reporter does not change with another reporter's lines: the
months it refuses as incomplete, when a month was published, its earliest figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_incomplete_months import CODES, months, world_rows

from ictrade.errors import NoDataError
from ictrade.load import ingest_file
from ictrade.months import Month
from ictrade.release.build import release_facts
from ictrade.stats.facts import build_facts
from ictrade.store import query
from ictrade.store.base import Store
from ictrade.store.coverage import incomplete_months
from ictrade.store.flash import flash_rows
from ictrade.store.ingest import ingest_table
from ictrade.store.query import cube_rows, interval_rows
from ictrade.store.store import open_store

from conftest import lines_table, series_rows

JUNE = Month(2024, 6)


def _of(reporter: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**r, "reporter": reporter} for r in rows]


def _reading(store: Store, reporter: str) -> Store:
    """The same database and memo read for ``reporter`` (as a server's snapshot does)."""
    view = Store(store.con, store.name, read_only=store.read_only, reporter=reporter)
    view.memo = store.memo
    return view


def _gaps(store: Store, reporter: str) -> list[str]:
    return [str(g.month) for g in incomplete_months(_reading(store, reporter))]


# KR's June holds 5 of its 40 codes; JP's lines under the same source are complete.
SHORT_KR = world_rows(months("2024-01", "2024-05"), CODES) + world_rows(["2024-06"], CODES[:5])
WHOLE_JP = _of("JP", world_rows(months("2024-01", "2024-06"), CODES))


@pytest.mark.parametrize("snapshot", [False, True])
def test_another_reporters_lines_do_not_hide_a_gap(snapshot: bool) -> None:
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(SHORT_KR + WHOLE_JP), origin="t.csv")
        store.memo = {} if snapshot else None
        # JP first: a snapshot's memo shared by both reporters must not hand JP's verdict on
        assert _gaps(store, "JP") == []
        assert _gaps(store, "KR") == ["2024-06"]
        with pytest.raises(NoDataError, match="2024-06 looks incomplete.*5 export codes"):
            build_facts(store, JUNE)


PHONES = [f"851713{n:04d}" for n in range(60)]  # goods KR does not trade here


@pytest.mark.parametrize("snapshot", [False, True])
def test_another_reporters_lines_do_not_refuse_a_complete_month(snapshot: bool) -> None:
    whole_kr = world_rows(months("2024-01", "2024-06"), CODES)
    jp_to_may = _of("JP", world_rows(months("2024-01", "2024-05"), PHONES))
    with open_store(":memory:") as store:
        report = ingest_table(store, lines_table(whole_kr + jp_to_may), origin="t.csv")
        assert report.incomplete == ()
        store.memo = {} if snapshot else None
        assert _gaps(store, "JP") == [] and _gaps(store, "KR") == []
        assert build_facts(store, JUNE)["month"] == "2024-06"


def test_ingest_judges_each_reporter_of_a_batch_apart() -> None:
    short_jp = _of("JP", SHORT_KR)
    whole_kr = world_rows(months("2024-01", "2024-06"), CODES)
    with open_store(":memory:") as store:
        report = ingest_table(store, lines_table(whole_kr + short_jp), origin="t.csv")
        (warning,) = report.warnings()
        assert warning.startswith("warning: reporter JP: 2024-06 looks incomplete")
    with open_store(":memory:") as store:  # the store's own reporter alone: as before
        report = ingest_table(store, lines_table(SHORT_KR), origin="t.csv")
        (warning,) = report.warnings()
        assert warning.startswith("warning: 2024-06 looks incomplete")


def _dated(reporter: str, rows: list[dict[str, object]], vintage: str) -> list[dict[str, object]]:
    return [{**r, "reporter": reporter, "vintage": vintage} for r in rows]


def test_a_date_before_the_reporters_first_figures_names_its_own_first_vintage() -> None:
    """JP published earlier than KR: a date before KR's first figures is refused with KR's
    first vintage, not JP's (which led to another refusal)."""
    first_half = world_rows(months("2024-01", "2024-06"), CODES)
    rows = _dated("KR", first_half, "2024-09-01") + _dated("JP", first_half, "2024-07-10")
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(rows), origin="t.csv")
        for day in ("2024-07-01", "2024-08-01"):
            with pytest.raises(NoDataError, match="earliest vintage is 2024-09-01"):
                build_facts(store, JUNE, as_of=dt.date.fromisoformat(day))
        assert build_facts(_reading(store, "JP"), JUNE, as_of=dt.date(2024, 8, 1))


def test_a_month_published_later_says_when_for_its_reporter() -> None:
    """KR's June came out after the date asked, JP's before it: the answer says when KR's
    June was published."""
    rows = (
        _dated("KR", world_rows(months("2024-01", "2024-05"), CODES), "2024-06-15")
        + _dated("KR", world_rows(["2024-06"], CODES), "2024-09-01")
        + _dated("JP", world_rows(["2024-06"], CODES), "2024-07-10")
    )
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(rows), origin="t.csv")
        with pytest.raises(NoDataError, match="2024-06 was first published on 2024-09-01"):
            build_facts(store, JUNE, as_of=dt.date(2024, 8, 1))


def test_korean_flash_figures_are_no_other_reporters_month(tmp_path: Path) -> None:
    """Flash files are the Korea Customs Service's (the flash table names no reporter): a JP
    month without lines is no Korean flash estimate."""
    from test_flash_release import pick, write_flash

    may = Month(2025, 5)
    with open_store(":memory:") as store:
        flash = write_flash(tmp_path / "flash.csv", pick({"2025-04", "2025-05"}, finals=False))
        ingest_file(store, flash, vintage=dt.date(2025, 5, 21))
        jp = _of("JP", world_rows(months("2025-01", "2025-04"), CODES))
        ingest_table(store, lines_table(jp), origin="t.csv")
        assert release_facts(store, may)["estimate"] is True  # KR: the flash estimate
        japan = _reading(store, "JP")
        assert flash_rows(japan) == []
        with pytest.raises(NoDataError, match="no data for 2025-05"):
            release_facts(japan, may)


def test_another_reporters_nested_lines_leave_the_cube_by_span() -> None:
    """JP's WORLD lines beside partner lines are counted line by line; KR's plain lines keep
    their cube rows by span in force (a cube per vintage in milliseconds, not a count of every
    line in Python), with the same figures."""
    plain = series_rows({"854232": [10.0 + k for k in range(14)]}, "2019-11")
    jp = _of("JP", plain + [{**r, "partner": "WORLD"} for r in plain])
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(plain), origin="kr.csv")
        alone = cube_rows(store, dt.date(2021, 6, 1))
        ingest_table(store, lines_table(jp), origin="jp.csv")
        assert interval_rows(store) is not None and interval_rows(_reading(store, "JP")) is None
        assert cube_rows(store, dt.date(2021, 6, 1)).equals(alone)


def test_a_server_names_each_reporters_own_incomplete_months(tmp_path: Path) -> None:
    """The reporters of a store file share the server's snapshot and its kept answers."""
    import warnings

    from ictrade.web import create_app

    with warnings.catch_warnings():  # Starlette would rather see httpx2; httpx works the same
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from starlette.testclient import TestClient

    short_march = [r for r in WHOLE_JP if r["month"] != "2024-03" or r["hs_code"] in CODES[:5]]
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        ingest_table(store, lines_table(SHORT_KR + short_march), origin="t.csv")
    with TestClient(create_app(str(path), api_key="")) as client:
        for query, expected in (("", ["2024-06"]), ("?reporter=JP", ["2024-03"])):
            meta = client.get(f"/api/meta{query}").json()["data"]
            assert meta["incomplete_months"] == expected


def test_ingest_counts_line_by_line_only_the_reporters_that_need_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The latest cube kept by ingest: KR's plain lines are aggregated for the batch's months,
    not counted whole in Python because JP's lines need it; the table is the same."""
    plain = series_rows({"854232": [10.0 + k for k in range(14)]}, "2019-11")
    later = series_rows({"854232": [30.0, 31.0]}, "2021-01")
    jp = _of("JP", plain + [{**r, "partner": "WORLD"} for r in plain])
    counted: list[str] = []
    count = query._counted

    def spy(con: object, scheme_name: str, reporter: str, *args: object) -> object:
        counted.append(reporter)
        return count(con, scheme_name, reporter, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(query, "_counted", spy)
    with open_store(":memory:") as store:
        for rows in (plain, jp, later):
            ingest_table(store, lines_table(rows), origin="t.csv")
        assert counted == ["JP", "JP"]
        kept = query.cube_rows(store, None)
        assert query.cube_ready(store.con, store.scheme_name)
        order = [(c, "ascending") for c in ("month", "flow", "item", "partner")]
        assert kept.sort_by(order).equals(
            query.cube_rows(store, dt.date(2030, 1, 1)).sort_by(order)
        )
