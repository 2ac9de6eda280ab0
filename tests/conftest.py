"""Shared fixtures: an in-memory store and builders of customs lines."""

from __future__ import annotations

import csv
import datetime as dt
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, settings

from ictrade.months import Month, month_range
from ictrade.sources.flash import COLUMNS, FlashFigure
from ictrade.store.schema import LINE_SCHEMA
from ictrade.store.store import Store, open_store

# No per-example deadline or too-slow check: on a shared 2-core machine an example's time says
# nothing about the code (speed is measured by bench/, never by tests).
settings.register_profile("ictrade", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ictrade")

HEADER = "month,flow,hs_code,partner,value_usd,source,vintage,status\n"


def lines_table(rows: list[dict[str, object]]) -> pa.Table:
    """A LINE_SCHEMA table from dicts; months as 'YYYY-MM', vintages as dates or ISO text
    (default: 2021-01-15, or the 15th of the month after for later months)."""
    defaults = {
        "net_kg": None,
        "quantity": None,
        "source": "test",
        "vintage": dt.date(2021, 1, 15),
        "status": "confirmed",
        "imputed": False,
        "reporter": "KR",
    }
    full = []
    for row in rows:
        r = {**defaults, **row}
        month = Month.parse(str(r["month"]))
        r["month"] = month.first_day()
        if "vintage" not in row:  # a vintage is never before its month (store/validate.py)
            r["vintage"] = max(dt.date(2021, 1, 15), (month + 1).first_day() + dt.timedelta(14))
        if isinstance(r["vintage"], str):
            r["vintage"] = dt.date.fromisoformat(r["vintage"])
        full.append(r)
    return pa.Table.from_pylist(full, schema=LINE_SCHEMA)


def series_rows(
    values: dict[str, list[float]],
    start: str,
    *,
    flow: str = "export",
    partner: str = "US",
    source: str = "test",
) -> list[dict[str, object]]:
    """Lines for one partner: {hs_code: [value per month from start]}."""
    first = Month.parse(start)
    rows: list[dict[str, object]] = []
    for code, series in values.items():
        months = month_range(first, first + (len(series) - 1))
        for month, value in zip(months, series, strict=True):
            rows.append(
                {
                    "month": str(month),
                    "flow": flow,
                    "hs_code": code,
                    "partner": partner,
                    "value_usd": float(value),
                    "source": source,
                }
            )
    return rows


@pytest.fixture(scope="session")
def default_dataset() -> Iterator[Store]:
    """The shipped default dataset, loaded once for the tests that only read it (loading it
    takes seconds)."""
    with open_store(dataset="default") as s:
        yield s


@pytest.fixture
def store() -> Iterator[Store]:
    with open_store(":memory:") as s:
        yield s


@pytest.fixture
def csv_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    def write(body: str, name: str = "lines.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(body.encode(encoding))
        return path

    return write


def snapshot(store: Store) -> list[tuple[object, ...]]:
    """Everything stored, for 'the store is unchanged' assertions."""
    return (
        store.con.execute("SELECT * FROM lines ORDER BY ALL").fetchall()
        + store.con.execute("SELECT id, origin, sha256 FROM ingests ORDER BY id").fetchall()
    )


def write_flash(path: Path, figures: Iterable[FlashFigure], hs_code: str = "") -> Path:
    """A flash CSV in the provisional_10day.csv layout holding ``figures`` (exports)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for f in figures:
            out.writerow(
                [f.series[0], hs_code, "수출", f.unit, f.series[1], f.month_text, f.cut, f.value]
            )
    return path


class Running:
    """``app`` served on a free loopback port in a thread, as ``ictrade serve`` serves it
    (its HTTP protocol included); ``with Running(app) as port: ...``."""

    def __init__(self, app: object, log_level: str = "error") -> None:
        from ictrade.web.server import server

        self.server = server(app, host="127.0.0.1", port=0, log_level=log_level)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
