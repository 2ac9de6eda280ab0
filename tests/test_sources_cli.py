"""ictrade fetch kcs|comtrade against local fake servers, through the CLI."""

from __future__ import annotations

from click.testing import CliRunner
from fake_servers import FakeKcs, serve, serve_handler
from test_sources_comtrade import KEY as CT_KEY
from test_sources_comtrade import FakeComtrade
from test_sources_kcs import KEY, dataset

from ictrade.cli import cli
from ictrade.months import Month, month_range
from ictrade.store.store import open_store


def test_fetch_kcs_quota_then_resume(tmp_path, monkeypatch):
    fake = FakeKcs(dataset("2020-01", "2020-03"), key=KEY)
    fake.quota_after = 2
    store = tmp_path / "store.duckdb"
    with serve(fake) as url:
        monkeypatch.setenv("ICTRADE_KCS_KEY", KEY)
        monkeypatch.setenv("ICTRADE_KCS_BASE_URL", url)
        args = ["fetch", "kcs", "--start", "2020-01", "--end", "2020-03", "--hs", "8542",
                "--hs", "8517", "--page-size", "5", "--store", str(store)]
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 2
        assert "error: KCS daily quota exhausted" in first.stderr
        assert KEY not in first.output + first.stderr
        fake.quota_after = None
        second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "resumed" in second.stdout and "page" in second.stderr
    expected = 2 * sum(1 for r in fake.rows if r["hsCd"][:4] in ("8542", "8517"))
    with open_store(store, read_only=True) as s:
        assert s.con.execute("SELECT count(*) FROM lines").fetchone()[0] == expected


def test_fetch_kcs_rejects_bad_arguments(tmp_path, monkeypatch):
    monkeypatch.setenv("ICTRADE_KCS_KEY", KEY)
    base = ["fetch", "kcs", "--start", "2020-01", "--end", "2020-03",
            "--store", str(tmp_path / "s.duckdb")]
    result = CliRunner().invoke(cli, [*base, "--hs", "854"])
    assert result.exit_code == 2 and "HS code '854' is not 2, 4, 6, 10 digits" in result.stderr
    result = CliRunner().invoke(cli, [*base, "--partner", "ZZ"])
    assert result.exit_code == 2 and "unknown partner 'ZZ'" in result.stderr


def test_fetch_comtrade(tmp_path, monkeypatch):
    months = list(month_range(Month(2020, 1), Month(2020, 2)))
    fake = FakeComtrade(["854232", "851713"], months, cap=1000)
    store = tmp_path / "store.duckdb"
    with serve_handler(fake) as url:
        monkeypatch.setenv("ICTRADE_COMTRADE_KEY", CT_KEY)
        monkeypatch.setenv("ICTRADE_COMTRADE_BASE_URL", url)
        result = CliRunner().invoke(cli, [
            "fetch", "comtrade", "--reporter", "410", "--start", "2020-01", "--end", "2020-02",
            "--hs", "854232", "--hs", "851713", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "24 lines stored from 1 calls" in result.stdout
    with open_store(store, read_only=True) as s:
        assert s.con.execute("SELECT DISTINCT source FROM lines").fetchall() == [("comtrade",)]


def test_fetch_kcs_as_json_and_quiet(tmp_path, monkeypatch):
    """--format json: one document on standard output; -q: no page lines on standard error."""
    import json

    fake = FakeKcs(dataset("2020-01", "2020-02"), key=KEY)
    with serve(fake) as url:
        monkeypatch.setenv("ICTRADE_KCS_KEY", KEY)
        monkeypatch.setenv("ICTRADE_KCS_BASE_URL", url)
        result = CliRunner().invoke(cli, [
            "-q", "fetch", "kcs", "--start", "2020-01", "--end", "2020-02", "--hs", "8542",
            "--store", str(tmp_path / "s.duckdb"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["source"] == "kcs" and report["start"] == "2020-01"
    assert report["lines_stored"] == report["lines_read"] > 0 and report["pages"] >= 1
    assert report["summary"].startswith("kcs 2020-01..2020-02: ")
