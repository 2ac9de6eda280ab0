"""One reader of flash files (sources/flash.py) for ``ingest`` and ``nowcast``, in UTF-8 or
cp949, chosen from the reader registry by its ``detect``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import InputError
from ictrade.load import ingest_file
from ictrade.nowcast.data import shipped_history
from ictrade.sources import flash
from ictrade.sources.files import ReadOptions, read_file
from ictrade.store.flash import flash_rows

from conftest import write_flash

HBM = ("반도체 _복합구조칩(HBM포함)", "전세계")


def _files(tmp_path: Path) -> tuple[Path, Path]:
    """The same flash figures (Korean names) as UTF-8 and as cp949."""
    figures = [f for f in shipped_history() if f.series == HBM and str(f.month) == "2025-05"]
    utf8 = write_flash(tmp_path / "utf8.csv", [f for f in figures if f.cut < 30])
    cp949 = tmp_path / "cp949.csv"
    cp949.write_bytes(utf8.read_text(encoding="utf-8").encode("cp949"))
    return utf8, cp949


def test_a_cp949_file_reads_as_its_utf8_twin(tmp_path):
    utf8, cp949 = _files(tmp_path)
    with pytest.raises(UnicodeDecodeError):
        cp949.read_text(encoding="utf-8")
    assert flash.read_flash_figures(cp949) == flash.read_flash_figures(utf8)
    assert len(flash.read_flash_figures(cp949)) == 2


def test_the_registry_detects_flash_files_and_lines_files(tmp_path, csv_file):
    _, cp949 = _files(tmp_path)
    assert flash.detect(cp949)
    assert read_file(cp949).kind == "flash"
    lines = csv_file("month,flow,hs_code,partner,value_usd\n2020-11,export,854232,US,5\n")
    assert not flash.detect(lines)
    assert read_file(lines).kind == "lines"
    with pytest.raises(InputError, match="missing column"):
        read_file(lines, ReadOptions(layout="flash"))


def test_ingest_loads_a_cp949_flash_file_into_the_flash_table(store, tmp_path):
    _, cp949 = _files(tmp_path)
    report = ingest_file(store, cp949, source="kcs")
    assert (report.lines_seen, report.lines_added) == (2, 2)
    assert {r.figure.series for r in flash_rows(store)} == {HBM}


def test_a_bad_flow_is_named_by_ingest_and_by_nowcast_alike(store, tmp_path):
    utf8, _ = _files(tmp_path)
    utf8.write_text(utf8.read_text(encoding="utf-8").replace("수출", "반출"), encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2, field 'flow_ko'.*'반출'"):
        ingest_file(store, utf8)
    result = CliRunner().invoke(cli, ["nowcast", str(utf8)])
    assert result.exit_code == 2 and "field 'flow_ko'" in result.output


@pytest.mark.slow
def test_nowcast_reads_a_cp949_file(tmp_path):
    utf8, cp949 = _files(tmp_path)
    runner = CliRunner()
    expected = runner.invoke(cli, ["nowcast", str(utf8)])
    result = runner.invoke(cli, ["nowcast", str(cp949)])
    assert result.exit_code == 0, result.output
    assert result.output == expected.output and HBM[0] in result.output


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\n\n\n", ""])
def test_a_header_only_flash_file_is_refused_by_ingest_and_nowcast(store, tmp_path, ending):
    path = tmp_path / "provisional_10day.csv"
    path.write_text(",".join(flash.COLUMNS) + ending, encoding="utf-8")
    with pytest.raises(InputError, match="header but no data lines") as refused:
        flash.read_flash_figures(path)
    assert str(path) in str(refused.value)
    before = (store.con.execute("SELECT count(*) FROM ingests").fetchall(), flash_rows(store))
    with pytest.raises(InputError, match="header but no data lines"):
        ingest_file(store, path, source="kcs", layout="flash")
    assert (
        store.con.execute("SELECT count(*) FROM ingests").fetchall(),
        flash_rows(store),
    ) == before
    result = CliRunner().invoke(cli, ["nowcast", str(path)])
    assert result.exit_code == 2, result.output
    assert "header but no data lines" in result.output
    assert "Traceback" not in result.output
