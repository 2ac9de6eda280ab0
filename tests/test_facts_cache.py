"""Facts documents as the server keeps them: by the lines in force a date resolves to, with
the answers of the snapshot's queries kept beside it. Every document must be the one the
library writes, byte for byte, and a new ingest must be seen at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ictrade.months import Month, month_range
from ictrade.release.build import facts_json, release_facts
from ictrade.stats.facts_doc import Document
from ictrade.store.ingest import ingest_table
from ictrade.store.store import Store, choose_store, open_store
from ictrade.web import service as service_module
from ictrade.web.handles import StoreHandle
from ictrade.web.service import Service

from conftest import lines_table, series_rows

EXPECTED = Path(__file__).parent / "expected" / "facts-digests.json"
Case = tuple[Month, dt.date | None, bool]  # month, as_of, as_published


def answer(compute: Callable[..., Document], *args: Any, **options: Any) -> str:
    """``compute(*args, **options)`` as JSON, or the error a user would see (not JSON)."""
    try:
        return facts_json(compute(*args, **options))
    except Exception as exc:  # noqa: BLE001 - the error is part of the answer compared
        return f"{type(exc).__name__}: {exc}"


def default_cases() -> list[Case]:
    """Months of every regime, dates between vintages, on them and around them."""
    months = list(month_range(Month(2013, 1), Month(2026, 1)))
    cases: list[Case] = [(m, None, False) for m in months[::5]]
    cases += [(m, None, True) for m in months[3::7]]
    for k in range(40):
        day = dt.date(2013, 3, 1) + dt.timedelta(days=97 * k + k % 5)
        before = Month.from_date(day) - 1
        cases += [(before, day, False), (Month(2013, 6) + 2 * k, day, False)]
    edges = [dt.date(2020, 12, 14), dt.date(2020, 12, 15), dt.date(2021, 1, 2), dt.date(2031, 1, 1)]
    cases += [(Month(2020, 11), day, published) for day in edges for published in (False, True)]
    return cases


def key(case: Case) -> str:
    month, as_of, published = case
    return f"{month}|{as_of}|{'published' if published else ''}"


@pytest.fixture(scope="module")
def default_service() -> Iterator[Service]:
    service = Service(choose_store(None, "default"))
    yield service
    service.close()


def test_facts_match_the_pinned_digests(default_service: Service) -> None:
    """The default data's documents over its whole history, pinned (a change to how facts
    are computed that changes a figure, an entry or their order shows here)."""
    handle = default_service.default
    found = {
        key(case): hashlib.sha256(
            answer(default_service.facts, handle, *case).encode()
        ).hexdigest()[:16]
        for case in default_cases()
    }
    if os.environ.get("ICTRADE_UPDATE_EXPECTED"):
        EXPECTED.write_text(json.dumps(found, indent=0) + "\n", encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    changed = [k for k in expected if found.get(k) != expected[k]]
    assert not changed, f"{changed[:5]} changed; if intended, rerun with ICTRADE_UPDATE_EXPECTED=1"


def compare(service: Service, handle: StoreHandle, cases: list[Case], *, own_cubes: bool) -> None:
    """The served documents against the library's on the same snapshot, without its kept
    answers (``own_cubes``: cubes built again; else the handle's, for data whose cubes are
    counted line by line, where DuckDB's row order moves the last digit)."""
    for month, as_of, published in cases:
        served = answer(service.facts, handle, month, as_of, published)
        with handle.use() as store:
            store.memo = None
            options: dict[str, Any] = {"as_of": as_of, "as_published": published}
            if not own_cubes:
                options["cube_loader"] = lambda s, vintage: handle.cube(vintage, s)
            expected = answer(release_facts, store, month, **options)
            if served.startswith("{") or expected.startswith("{"):
                assert served == expected, (month, as_of, published)
                sent = service.facts_json(handle, month, as_of, published).raw
                assert sent == served.encode()  # the bytes the server sends
            # else both refused (the server names the months it holds in its own words)


@pytest.mark.slow
def test_served_facts_are_the_library_documents(default_service: Service) -> None:
    cases = default_cases()[::6]
    compare(default_service, default_service.default, cases, own_cubes=True)
    # asked again, in another order: kept documents echo each request's own date
    compare(default_service, default_service.default, cases[::-1], own_cubes=True)


def test_served_facts_of_a_counted_dataset_are_the_library_documents() -> None:
    service = Service(choose_store(None, "kcs-sample"))
    months = [Month(2016, 1), Month(2024, 12), Month(2025, 1), Month(2025, 6), Month(2026, 1)]
    cases: list[Case] = [(m, None, p) for m in months for p in (False, True)]
    cases += [(Month(2025, 6), dt.date(2025, 7, 20), False), (Month(2026, 3), None, False)]
    compare(service, service.default, cases, own_cubes=False)


V1, V2, V3 = dt.date(2021, 1, 15), dt.date(2021, 3, 15), dt.date(2021, 5, 15)


def _rows(reporter: str, scale: float, vintage: dt.date, source: str = "a") -> list[dict]:  # type: ignore[type-arg]
    rows = series_rows({"854232": [scale * (10 + k) for k in range(14)]}, "2019-11")
    rows += series_rows({"851712": [scale * (3 + k % 4) for k in range(14)]}, "2019-11")
    return [{**r, "reporter": reporter, "vintage": vintage, "source": source} for r in rows]


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    """Two reporters' lines, revised at different dates."""
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        ingest_table(store, lines_table(_rows("KR", 1.0, V1) + _rows("DE", 100.0, V1)), origin="a")
        ingest_table(store, lines_table(_rows("DE", 200.0, V2)), origin="b")
    return path


def test_served_facts_of_each_reporter_are_the_library_documents(store_file: Path) -> None:
    service = Service(choose_store(str(store_file), None))
    days = [None, V1, V1 + dt.timedelta(days=3), V2 - dt.timedelta(days=1), V2, dt.date(2030, 1, 1)]
    cases: list[Case] = [(m, d, False) for m in (Month(2020, 11), Month(2020, 12)) for d in days]
    cases += [(Month(2020, 12), None, True), (Month(2020, 12), dt.date(2020, 1, 1), False)]
    for reporter in ("KR", "DE"):
        handle = service.handle({"reporter": reporter})
        compare(service, handle, cases, own_cubes=True)
    service.close()


def test_facts_are_kept_by_the_lines_in_force(store_file: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[dt.date | None] = []
    real = service_module.release_facts

    def counted(store: Store, month: Month, **options: object) -> Document:
        calls.append(options.get("as_of"))  # type: ignore[arg-type]
        return real(store, month, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module, "release_facts", counted)
    service = Service(choose_store(str(store_file), None))
    handle, month = service.handle({"reporter": "DE"}), Month(2020, 12)
    first = service.facts(handle, month, V1 + dt.timedelta(days=1), False)
    second = service.facts(handle, month, V2 - dt.timedelta(days=1), False)  # same lines
    assert len(calls) == 1
    assert first["data"]["as_of_requested"] == str(V1 + dt.timedelta(days=1))  # type: ignore[typeddict-item]
    assert second["data"]["as_of_requested"] == str(V2 - dt.timedelta(days=1))  # type: ignore[typeddict-item]
    assert first["cells"] == second["cells"]
    later = service.facts(handle, month, V2, False)  # the revision is in force
    assert len(calls) == 2 and later["cells"] != first["cells"]
    latest = service.facts(handle, month, None, False)
    assert len(calls) == 2 and latest["cells"] == later["cells"]  # V2 is the latest vintage
    assert latest["data"]["as_of_requested"] is None  # type: ignore[typeddict-item]
    service.close()


def test_an_ingest_into_the_served_store_is_seen(store_file: Path) -> None:
    service = Service(choose_store(str(store_file), None))
    handle, month, later = service.default, Month(2020, 12), dt.date(2021, 12, 1)
    before = service.facts(handle, month, later, False)
    assert before["data"]["sources"] == ["a"]  # type: ignore[typeddict-item]
    with open_store(store_file) as store:  # a new vintage from another source
        ingest_table(store, lines_table(_rows("KR", 3.0, V3, source="b")), origin="c")
    after = service.facts(handle, month, later, False)
    assert after["data"]["sources"] == ["a", "b"]  # type: ignore[typeddict-item]
    assert after["data"]["as_of"] == str(V3)  # type: ignore[typeddict-item]
    assert after["cells"][0]["value_usd"] == 3 * before["cells"][0]["value_usd"]  # type: ignore[typeddict-item]
    on_v2 = service.facts(handle, month, V2, False)  # dates before it: as they were
    assert on_v2["cells"] == before["cells"]
    service.close()


def test_no_record_is_claimed_against_no_earlier_figure() -> None:
    """The KCS sample blanks the months before its complete span: a month's figure compared
    with none of them is no record (it was one, with a NaN 'previous record', which JSON
    cannot carry: the API answered 500)."""
    service = Service(choose_store(None, "kcs-sample"))
    facts = service.facts(service.default, Month(2025, 2), None, False)
    assert facts["records"] and all(r["periods_compared"] > 0 for r in facts["records"])  # type: ignore[typeddict-item]
    json.loads(service.facts_json(service.default, Month(2025, 2), None, False).raw)
    service.close()


def test_a_snapshot_reads_the_code_layers_of_any_date_as_the_lines_give_them(
    store_file: Path,
) -> None:
    from ictrade.store.layers import code_layers

    keys = [(k, "ascending") for k in ("flow", "partnered", "month", "hs_code", "items")]
    service = Service(choose_store(str(store_file), None))
    for reporter in ("KR", "DE"):
        handle = service.handle({"reporter": reporter})
        with handle.use() as store:
            for day in (None, dt.date(2020, 1, 1), V1, V2 - dt.timedelta(days=1), V2, V3):
                kept = code_layers(store, day).sort_by(keys).to_pylist()
                store.memo = None
                assert kept == code_layers(store, day).sort_by(keys).to_pylist()
                store.memo = handle._pinned()[0].memo
    service.close()
