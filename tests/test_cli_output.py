"""--format json|csv on the commands that print data, -q/-v on every command, progress bars:
data on standard output, messages on standard error."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from test_cli import all_commands

from ictrade.cli import cli
from ictrade.cli.output import add_verbosity_options, progress_bar

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "data-raw" / "reconstruct" / "published_figures.csv"
HEADER = "month,flow,hs_code,partner,value_usd,source,vintage,status\n"
LINE = "2020-11,export,8542321010,US,1000,a,2020-12-15,preliminary\n"


def one_line(folder: Path) -> Path:
    """one.csv in ``folder``: a memory chip line of 2020-11."""
    file = folder / "one.csv"
    file.write_text(HEADER + LINE, encoding="utf-8")
    return file


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store with two vintages of 2020-11: a memory chip line revised, a phone line added."""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(HEADER + LINE, encoding="utf-8")
    second.write_text(
        HEADER
        + "2020-11,export,8542321010,US,1200,a,2021-02-15,confirmed\n"
        + "2020-11,export,8542311000,CN,500,a,2021-02-15,confirmed\n",
        encoding="utf-8",
    )
    path = tmp_path / "s.duckdb"
    for file in (first, second):
        assert run("ingest", str(file), "--store", str(path)).exit_code == 0
    return path


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args))


def as_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_vintages_as_json_and_csv(store):
    text = run("vintages", "2020-11", "--store", str(store))
    assert text.stdout.startswith("vintage     lines  status")  # the default is unchanged
    found = json.loads(run("vintages", "2020-11", "--store", str(store), "--format", "json").stdout)
    assert [v["vintage"] for v in found] == ["2020-12-15", "2021-02-15"]
    assert set(found[0]) == {"vintage", "sources", "statuses", "lines", "ict_exports_usd",
                             "ict_imports_usd"}  # fmt: skip
    assert found[1]["ict_exports_usd"] == 1700.0 and found[1]["lines"] == 2
    rows = as_csv(run("vintages", "2020-11", "--store", str(store), "--format", "csv").stdout)
    assert [r["vintage"] for r in rows] == ["2020-12-15", "2021-02-15"]


def test_revisions_as_json_and_csv(store):
    args = ["revisions", "2020-11", "--from", "2020-12-15", "--to", "2021-02-15",
            "--store", str(store)]  # fmt: skip
    doc = json.loads(run(*args, "--format", "json").stdout)
    assert {"month", "from", "to", "aggregates", "lines", "lines_changed"} <= set(doc)
    assert doc["month"] == "2020-11" and doc["lines_changed"] == 2
    world = next(a for a in doc["aggregates"] if (a["item"], a["region"]) == ("total", "world"))
    assert world["before"] == 1000 and world["after"] == 1700
    assert world["change_pct"] == pytest.approx(70)
    added = next(c for c in doc["lines"] if c["hs_code"] == "8542311000")
    assert added["before"] is None and added["after"] == 500
    rows = as_csv(run(*args, "--format", "csv").stdout)
    assert {r["kind"] for r in rows} == {"aggregate", "line"}
    assert {"flow", "item", "hs_code", "before", "after"} <= set(rows[0])


def test_classify_as_json_and_csv():
    doc = json.loads(run("classify", "8542.32-1010", "--month", "2020-11", "--format", "json")
                     .stdout)  # fmt: skip
    assert doc["code"] == "8542321010" and doc["month"] == "2020-11" and doc["ict"] is True
    assert doc["item"] == "dram" and doc["covering"]["prefix"] == "8542321010"
    assert [p["has_month"] for p in doc["over_time"]].count(True) == 1
    rows = as_csv(run("classify", "8542321010", "--month", "2020-11", "--format", "csv").stdout)
    assert list(rows[0]) == ["code", "from", "to", "item", "mixed", "has_month"]


def test_ingest_report_as_json_and_csv(tmp_path):
    file = one_line(tmp_path)
    done = run("ingest", str(file), "--store", str(tmp_path / "s.duckdb"), "--format", "json")
    report = json.loads(done.stdout)
    assert report["lines_added"] == 1 and report["vintages"] == ["2020-12-15"]
    again = run("ingest", str(file), "--store", str(tmp_path / "s.duckdb"), "--format", "csv")
    assert as_csv(again.stdout)[0]["already_loaded"] == "true"


def test_check_published_as_json_and_csv(tmp_path):
    rows = PUBLISHED.read_text(encoding="utf-8").splitlines()
    primary = [r for r in rows[1:] if r.split(",")[9] == "1"][:5]
    figures = tmp_path / "figures.csv"
    figures.write_text("\n".join([rows[0], *primary]) + "\n", encoding="utf-8")
    args = ["check-published", str(figures), "--dataset", "default"]
    found = json.loads(run(*args, "--format", "json").stdout)
    assert found and {"file", "line", "month", "status", "stated", "actual"} <= set(found[0])
    assert all(f["month"].count("-") == 1 for f in found)  # months as YYYY-MM
    rows = as_csv(run(*args, "--format", "csv").stdout)
    assert len(rows) == len(found) and "status" in rows[0]


def test_quiet_keeps_the_data_and_drops_the_messages(store):
    for args in (["-q", "vintages"], ["vintages", "-q"], ["vintages", "--quiet"]):
        result = run(*args, "2020-11", "--store", str(store))
        assert result.exit_code == 0 and result.stderr == "", args
        assert result.stdout.startswith("vintage ")
    assert "using the store" in run("vintages", "2020-11", "--store", str(store)).stderr
    verbose = run("-v", "vintages", "2020-11", "--store", str(store))
    assert "using the store" in verbose.stderr and "done in" in verbose.stderr
    errors = run("-q", "vintages", "1999-01", "--store", str(store))
    assert errors.exit_code == 2 and errors.stderr.startswith("error: ")


@pytest.mark.parametrize("words", all_commands(cli, []), ids=" ".join)
def test_every_command_takes_quiet_and_verbose(words):
    command: click.Command = cli
    for word in words:
        assert isinstance(command, click.Group)
        command = command.commands[word]
    options = {opt for p in command.params for opt in getattr(p, "opts", [])}
    assert {"-q", "--quiet", "-v", "--verbose"} <= options
    assert run(*words, "--help").exit_code == 0


def test_a_bad_format_is_a_usage_error(store):
    result = run("vintages", "2020-11", "--store", str(store), "--format", "xml")
    assert result.exit_code == 2 and "'xml' is not one of" in result.stderr


def test_add_verbosity_options_keeps_a_commands_own_quiet():
    @click.command()
    @click.option("--quiet", is_flag=True)
    def own(quiet: bool) -> None:
        click.echo(str(quiet))

    add_verbosity_options(own)
    assert [p.name for p in own.params] == ["quiet", "verbose"]


def test_progress_only_on_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv("ICTRADE_PROGRESS", raising=False)
    with click.Context(cli), progress_bar("reading") as update:  # stderr captured: no terminal
        update(5, 10)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("ICTRADE_PROGRESS", "1")
    with click.Context(cli), progress_bar("reading") as update:
        update(5, 10)
        update(10, 10)
    assert "reading" in capsys.readouterr().err


def test_ingest_shows_reading_progress_only_when_asked(tmp_path, monkeypatch):
    file = one_line(tmp_path)
    monkeypatch.delenv("ICTRADE_PROGRESS", raising=False)
    plain = run("ingest", str(file), "--store", str(tmp_path / "a.duckdb"))
    assert plain.exit_code == 0 and "reading one.csv" not in plain.stderr  # not a terminal
    monkeypatch.setenv("ICTRADE_PROGRESS", "1")
    forced = run("ingest", str(file), "--store", str(tmp_path / "b.duckdb"))
    assert "reading one.csv" in forced.stderr and "reading one" not in forced.stdout
    verbose = run("-v", "ingest", str(file), "--store", str(tmp_path / "c.duckdb"))
    assert "read, checked and stored in" in verbose.stderr


def test_ingest_and_lake_ingest_show_checking_and_writing(tmp_path, monkeypatch):
    file = one_line(tmp_path)
    monkeypatch.setenv("ICTRADE_PROGRESS", "1")
    ingest = run("ingest", str(file), "--store", str(tmp_path / "a.duckdb"))
    lake = run("lake", "ingest", str(file), "--lake", str(tmp_path / "lake"))
    for result in (ingest, lake):
        assert result.exit_code == 0, result.output
        assert "checking one.csv" in result.stderr and "writing one.csv" in result.stderr
        assert "checking" not in result.stdout
    monkeypatch.delenv("ICTRADE_PROGRESS")
    quiet = run("ingest", str(file), "--store", str(tmp_path / "b.duckdb"), "-q")
    assert "checking" not in quiet.stderr


def test_a_progress_setting_that_is_neither_0_nor_1_is_named(tmp_path, monkeypatch):
    file = one_line(tmp_path)
    monkeypatch.setenv("ICTRADE_PROGRESS", "sometimes")
    result = run("ingest", str(file), "--store", str(tmp_path / "a.duckdb"))
    assert result.exit_code == 0 and "ICTRADE_PROGRESS 'sometimes'" in result.stderr


def test_status_line_rewrites_one_line_on_a_terminal(monkeypatch, capsys):
    from ictrade.cli.output import VERBOSITY, status_line

    monkeypatch.delenv("ICTRADE_PROGRESS", raising=False)
    with click.Context(cli), status_line() as say:
        say("page 1/2")
        say("page 2/2")
    assert capsys.readouterr().err == "page 1/2\npage 2/2\n"
    with click.Context(cli) as ctx:
        ctx.meta[VERBOSITY] = -1
        with status_line() as say:
            say("page 1/2")
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("ICTRADE_PROGRESS", "1")
    with click.Context(cli), status_line() as say:
        say("page 1/2")
        say("page 2/2")
    shown = capsys.readouterr().err  # (click drops the line-clearing code off a terminal)
    assert shown.count("\r") == 2 and shown.count("\n") == 1 and shown.endswith("page 2/2\n")


@pytest.mark.slow  # a server process
def test_serve_says_its_url_once_it_listens():
    """Even with -q (the URL is what serve gives), printed once the port is bound: the URL
    answers at once. --port 0 takes a free port, and the line names the one taken."""
    import subprocess
    import sys
    import urllib.request

    command = "from ictrade.cli import main; main()"
    args = ["-q", "serve", "--dataset", "default", "--port", "0"]
    proc = subprocess.Popen([sys.executable, "-c", command, *args], stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "ICTRADE_API_KEY": ""})  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.fullmatch(r"serving on (http://127\.0\.0\.1:(\d+)/) \(API under /api/\); "
                             r"Ctrl-C stops\n", line)  # fmt: skip
        assert found and found.group(2) != "0", line
        with urllib.request.urlopen(found.group(1) + "api/ping", timeout=10) as answer:
            assert answer.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_groups_quiet_is_the_commands_quiet(tmp_path):
    rows = PUBLISHED.read_text(encoding="utf-8").splitlines()
    figures = tmp_path / "figures.csv"
    figures.write_text("\n".join([rows[0], *[r for r in rows[1:] if r.split(",")[9] == "1"][:3]])
                       + "\n", encoding="utf-8")  # fmt: skip
    args = ["check-published", str(figures), "--dataset", "default"]
    before, after = run("-q", *args), run(*args, "-q")
    assert before.stdout == after.stdout and before.stderr == after.stderr == ""
    assert len(after.stdout.splitlines()) == 1  # all matched: the summary only
    assert len(run(*args).stdout.splitlines()) > 1  # each figure, then the summary


def test_verbose_names_the_vintage_an_as_of_date_resolves_to(store):
    found = run("-v", "series", "--store", str(store), "--as-of", "2021-01-31")
    assert found.exit_code == 0, found.output
    assert "vintage: as of 2021-01-31 -> lines published up to 2020-12-15" in found.stderr
    latest = run("series", "-v", "--store", str(store))
    assert "vintage: latest figures -> lines published up to 2021-02-15" in latest.stderr
    assert "vintage:" not in run("series", "--store", str(store)).stderr


def test_nowcast_offers_text_csv_and_json_with_and_without_backtest(monkeypatch, tmp_path):
    from ictrade.months import Month
    from ictrade.nowcast import engine

    found = [engine.Nowcast("반도체 _낸드", "전세계", Month(2025, 12), 10, 905678.81, 679418.7,
                            float("inf"), "202512")]  # fmt: skip
    scores = [engine.Score("model", 10, 2078, 0.2583, 0.1475, 0.774),
              engine.Score("working_days", 10, 2078, 0.3523, 0.2429, 0.706)]  # fmt: skip
    monkeypatch.setattr(engine, "nowcasts", lambda flash, histories: found)
    monkeypatch.setattr(engine, "backtest_scores", lambda *args, **kwargs: scores)
    flash = tmp_path / "flash.csv"
    text = run("nowcast", str(flash))
    assert text.exit_code == 0, text.output
    head, row = text.stdout.splitlines()
    assert head.split() == ["item_key", "partner_ko", "month", "cut_day", "nowcast", "lo80",
                            "hi80"]  # fmt: skip
    assert row.split() == ["반도체", "_낸드", "전세계", "202512", "10", "905,678.8", "679,418.7",
                           "inf"]  # fmt: skip
    hangul = len("반도체낸드")  # each takes two columns
    assert head.index("partner_ko") == row.index("전세계") + hangul
    rows = as_csv(run("nowcast", str(flash), "--format", "csv").stdout)
    assert rows[0]["nowcast"] == "905678.8" and rows[0]["month"] == "202512"
    assert json.loads(run("nowcast", str(flash), "--format", "json").stdout)[0]["cut_day"] == 10
    table = run("nowcast", "--backtest").stdout.splitlines()
    assert table[0].split()[:3] == ["cut", "method", "n"] and "+0.267" in table[1]
    csv_scores = as_csv(run("nowcast", "--backtest", "--format", "csv").stdout)
    assert csv_scores[0]["mape_vs_wd"] == "+0.267" and csv_scores[1]["method"] == "working_days"
    doc = json.loads(run("nowcast", "--backtest", "--format", "json").stdout)
    assert doc[0]["method"] == "model" and round(doc[0]["mape_vs_wd"], 3) == 0.267
