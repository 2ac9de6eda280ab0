"""One aggregation, two engines: on a million synthetic lines of several reporters, the cube and
the facts Spark (local[2]) builds from the lake equal DuckDB's to the cent, for the latest
figures and as of an earlier vintage, under both schemes; and the cluster recipe's entry point
(``ictrade lake facts --engine spark`` with SPARK_REMOTE) works against a Spark Connect server
started here on loopback."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from ictrade.engine import lake_cube_rows
from ictrade.months import Month
from ictrade.stats.lake import lake_facts
from ictrade.store.lake import append_lines

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.synthetic import generate  # noqa: E402

pytestmark = pytest.mark.slow
EARLIER = dt.date(2022, 6, 30)  # revisions of 2021 months come later: as of then, unrevised
SCHEMES = ("kr-ict", "oecd-ict")
KEYS = ["reporter", "month", "flow", "item", "region", "lag"]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lake")
    lines = 0
    for table in generate(1_000_000, reporters=4, first="2021-01", n_months=24):
        lines += append_lines(folder, table, origin="synthetic").lines_added
    assert lines >= 1_000_000
    yield folder
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


def _sorted(table: pa.Table) -> pa.Table:
    return table.select([*KEYS, "value_usd"]).sort_by([(k, "ascending") for k in KEYS])


def _same_to_the_cent(a: pa.Table, b: pa.Table) -> None:
    assert a.num_rows == b.num_rows > 0
    assert a.select(KEYS).equals(b.select(KEYS))
    left, right = a["value_usd"].to_numpy(), b["value_usd"].to_numpy()
    assert float(abs(left - right).max()) < 0.005


@pytest.mark.parametrize("scheme_name", SCHEMES)
def test_spark_cube_equals_duckdb(lake: Path, scheme_name: str) -> None:
    for as_of in (None, EARLIER):
        duck = lake_cube_rows(lake, scheme_name, as_of=as_of, engine="duckdb")
        spark = lake_cube_rows(lake, scheme_name, as_of=as_of, engine="spark")
        assert set(duck["reporter"].to_pylist()) == {"KR", "DE", "US", "JP"}
        _same_to_the_cent(_sorted(duck), _sorted(spark))
    latest = lake_cube_rows(lake, scheme_name, engine="duckdb")
    earlier = lake_cube_rows(lake, scheme_name, as_of=EARLIER, engine="duckdb")
    assert not _sorted(latest)["value_usd"].equals(_sorted(earlier)["value_usd"])


def _cells(facts: dict[str, object]) -> dict[tuple[str, str, str], dict[str, object]]:
    cells = facts["cells"]
    assert isinstance(cells, list)
    return {(c["flow"], c["item"], c["region"]): c for c in cells}


@pytest.mark.parametrize("scheme_name", SCHEMES)
def test_spark_facts_equal_duckdb(lake: Path, scheme_name: str) -> None:
    for reporter, month, as_of in (("DE", Month(2022, 12), None), ("KR", Month(2021, 11), EARLIER)):
        view = {"scheme_name": scheme_name, "reporter": reporter, "as_of": as_of}
        duck = lake_facts(lake, month, engine="duckdb", **view)  # type: ignore[arg-type]
        spark = lake_facts(lake, month, engine="spark", **view)  # type: ignore[arg-type]
        assert len(duck["cells"]) > 20
        assert duck == spark


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def spark_connect(tmp_path: Path) -> Iterator[str]:
    """A Spark Connect server on loopback, stopped (its process group) at the end."""
    import pyspark

    home = Path(pyspark.__file__).parent
    port = _free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(tmp_path),
           "SPARK_PID_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [str(home / "sbin" / "start-connect-server.sh"), "--wait", "--master", "local[2]",
         "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
         "--conf", f"spark.connect.grpc.binding.port={port}", "--conf", "spark.ui.enabled=false"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert server.poll() is None, "the Spark Connect server stopped"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(1)
        else:
            pytest.fail("the Spark Connect server did not listen within 240 s")
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def test_cluster_recipe_entry_point_on_spark_connect(
    lake: Path, spark_connect: str, tmp_path: Path
) -> None:
    ictrade = shutil.which("ictrade", path=str(Path(sys.executable).parent))
    assert ictrade is not None
    env = {**os.environ, "SPARK_REMOTE": spark_connect}
    env.pop("ICTRADE_SPARK_MASTER", None)
    args = [ictrade, "lake", "facts", "2022-12", "--lake", str(lake), "--engine", "spark",
            "--reporter", "US", "--scheme", "oecd-ict"]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    remote = json.loads(done.stdout)
    local = lake_facts(lake, Month(2022, 12), scheme_name="oecd-ict", reporter="US")
    a, b = _cells(local), _cells(remote)
    assert a.keys() == b.keys()
    for key, cell in a.items():
        assert cell["value_usd"] == pytest.approx(b[key]["value_usd"], abs=0.005), key
