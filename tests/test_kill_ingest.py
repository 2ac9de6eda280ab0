"""``ictrade ingest`` killed with SIGKILL at varied moments, again and again: after each kill
the store opens and holds exactly what it held before that ingest or what the ingest makes of
it (no half-written batch, nothing earlier lost), and the same ingest run again completes."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table, snapshot

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="SIGKILL")]

KILLS = 10
CODES = [f"85423210{n:02d}" for n in range(10)] + [f"85171300{n:02d}" for n in range(10)]
PARTNERS = ["CN", "US", "VN", "HK", "JP", "TW", "IN", "SG", "DE", "MX", "AU", "MY", "PH", "ID"]
MONTHS = [f"{y}-{m:02d}" for y in range(2015, 2020) for m in range(1, 13)]  # 60 months


def revision(path: Path, n: int) -> Path:
    """Every key of the store again (about 34,000 lines), as vintage n: each line supersedes
    the one in force."""
    vintage = dt.date(2020, 1, 15) + dt.timedelta(days=n)
    rows = [
        {
            "month": month,
            "flow": flow,
            "hs_code": code,
            "partner": partner,
            "value_usd": float(1000 + n + 7 * k),
            "source": "kill-test",
            "vintage": vintage,
        }
        for k, (month, flow, code, partner) in enumerate(
            (m, f, c, p)
            for m in MONTHS
            for f in ("export", "import")
            for c in CODES
            for p in PARTNERS
        )
    ]
    pq.write_table(lines_table(rows), path)
    return path


def ingest(store: Path, file: Path) -> subprocess.Popen[bytes]:
    command = "from ictrade.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", command, "ingest", str(file), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def state(store: Path) -> list[tuple[object, ...]]:
    with open_store(store) as opened:  # replays what a killed writer left in the log
        return snapshot(opened)


def test_kill_9_during_ingest_leaves_the_store_before_or_after(tmp_path):
    rng = random.Random(15)
    store = tmp_path / "store.duckdb"
    with open_store(store) as opened:
        ingest_table(
            opened,
            lines_table(
                [
                    {
                        "month": "2014-12",
                        "flow": "export",
                        "hs_code": CODES[0],
                        "partner": "CN",
                        "value_usd": 5.0,
                    }
                ]
            ),
            origin="earlier",
        )
    first = revision(tmp_path / "rev-0.parquet", 0)
    started = time.monotonic()
    assert ingest(store, first).wait() == 0
    took = time.monotonic() - started
    outcomes = []
    for n in range(1, KILLS + 1):
        file = revision(tmp_path / f"rev-{n}.parquet", n)
        before = state(store)
        reference = tmp_path / "reference.duckdb"
        shutil.copy(store, reference)
        assert ingest(reference, file).wait() == 0
        after = state(reference)
        reference.unlink()
        writer = ingest(store, file)
        time.sleep(rng.uniform(0.05, took))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        now = state(store)
        assert now in (before, after), f"kill {n}: neither the state before nor after"
        outcomes.append("before" if now == before else "after")
        again = ingest(store, file)
        _, err = again.communicate()
        assert again.returncode == 0, err.decode()
        assert state(store) == after
    print("kills left the store:", outcomes)
