"""ictrade nowcast: file reading, no look-ahead, CLI output and the backtest."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import InputError
from ictrade.months import Month
from ictrade.nowcast.data import build_panel, shipped_history
from ictrade.nowcast.engine import backtest, nowcast_file
from ictrade.nowcast.features import series_cases
from ictrade.sources.flash import FlashFigure, read_flash_figures

from conftest import write_flash

HBM = ("반도체 _복합구조칩(HBM포함)", "전세계")
RAMEN = ("라면(원화)", "미국")


def pick(series: set[tuple[str, str]], months: set[str]) -> list[FlashFigure]:
    return [f for f in shipped_history() if f.series in series and str(f.month) in months]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def test_shipped_history_has_genuine_flash_months() -> None:
    figures = shipped_history()
    assert len(figures) == 8557
    panel = build_panel(figures)
    hbm = panel.values[HBM][Month(2024, 6).index]
    assert hbm == {10: 514863.0, 20: 1603016.0, 30: 3742313.0}


def test_bad_cut_names_file_line_and_field(tmp_path: Path) -> None:
    path = write_flash(tmp_path / "f.csv", pick({HBM}, {"2024-06"}))
    text = path.read_text().replace(",20,", ",25,")
    path.write_text(text)
    with pytest.raises(InputError, match=r"f\.csv, line 3, field 'cut_day'.*'25'"):
        read_flash_figures(path)


@pytest.mark.slow
def test_cli_prints_a_row_for_every_10_and_20_day_cut(tmp_path: Path) -> None:
    figures = pick({HBM, RAMEN}, {"2025-03", "2025-04"})
    figures = [f for f in figures if not (f.series == RAMEN and str(f.month) == "2025-04")]
    path = write_flash(tmp_path / "flash.csv", figures)
    result = CliRunner().invoke(cli, ["nowcast", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    out = rows(result.output)
    expected = {(f.series[0], f.series[1], f.month_text, str(f.cut)) for f in figures if f.cut < 30}
    assert {(r["item_key"], r["partner_ko"], r["month"], r["cut_day"]) for r in out} == expected
    assert len(out) == len(expected) == 6
    for r in out:
        lo, mid, hi = float(r["lo80"]), float(r["nowcast"]), float(r["hi80"])
        assert 0 < lo <= mid <= hi and math.isfinite(hi)
    as_json = CliRunner().invoke(cli, ["nowcast", str(path), "--format", "json"])
    found = json.loads(as_json.stdout)
    assert [(n["item_key"], n["cut_day"], round(n["nowcast"], 1)) for n in found] == [
        (r["item_key"], int(r["cut_day"]), float(r["nowcast"])) for r in out
    ]
    assert {n["month"] for n in found} == {"2025-03", "2025-04"}


@pytest.fixture(scope="module")
def may_2025(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[FlashFigure], str]:
    """HBM and ramen-to-US figures of 2025-05 (all three cuts) and their nowcast."""
    figures = pick({HBM, RAMEN}, {"2025-05"})
    assert {f.cut for f in figures} == {10, 20, 30}
    return figures, nowcast_file(write_flash(tmp_path_factory.mktemp("may") / "a.csv", figures))


@pytest.mark.slow
def test_prediction_never_reads_its_own_months_final(
    tmp_path: Path, may_2025: tuple[list[FlashFigure], str]
) -> None:
    figures, first = may_2025
    changed = [
        FlashFigure(f.series, f.unit, f.month, f.cut, f.value * 7 + 1, f.month_text)
        if f.cut == 30
        else f
        for f in figures
    ]
    # also the same final through --history, and later months with absurd values
    later = [
        FlashFigure(f.series, f.unit, f.month + 1, f.cut, f.value * 50, str(f.month + 1))
        for f in changed
    ]
    history = write_flash(tmp_path / "h.csv", changed + later)
    second = nowcast_file(write_flash(tmp_path / "b.csv", changed), [history])
    assert first == second
    assert len(rows(first)) == 4


@pytest.mark.slow
def test_ten_day_nowcast_ignores_the_same_months_twenty_day_figure(
    tmp_path: Path, may_2025: tuple[list[FlashFigure], str]
) -> None:
    figures, text = may_2025
    first = rows(text)
    later = [
        f if f.cut != 20 else FlashFigure(f.series, f.unit, f.month, 20, f.value * 9, f.month_text)
        for f in figures
    ]
    second = rows(nowcast_file(write_flash(tmp_path / "b.csv", later)))
    assert [r for r in first if r["cut_day"] == "10"] == [r for r in second if r["cut_day"] == "10"]
    assert [r for r in first if r["cut_day"] == "20"] != [r for r in second if r["cut_day"] == "20"]


@pytest.mark.slow
def test_a_series_without_history_gets_a_pooled_estimate(tmp_path: Path) -> None:
    figures = [
        FlashFigure(("새 품목", "전세계"), f.unit, f.month, f.cut, f.value, f.month_text)
        for f in pick({HBM}, {"2025-05"})
        if f.cut < 30
    ]
    out = rows(nowcast_file(write_flash(tmp_path / "new.csv", figures)))
    assert [r["cut_day"] for r in out] == ["10", "20"]
    for r, f in zip(out, figures, strict=True):
        assert f.value < float(r["nowcast"]) < float(r["hi80"]) < math.inf


def test_features_ignore_the_months_final() -> None:
    months = build_panel(pick({HBM}, {"2025-01", "2025-02", "2025-03"})).values[HBM]
    before = series_cases(HBM, months)
    months[Month(2025, 3).index][30] *= 3
    after = series_cases(HBM, months)
    march = Month(2025, 3).index
    for a, b in zip(before, after, strict=True):
        if a.month == march:
            assert a.y != b.y
            assert a.__dict__ | {"y": None} == b.__dict__ | {"y": None}


@pytest.mark.slow
def test_backtest_scores_model_and_baselines() -> None:
    panel = build_panel(shipped_history())
    scores = backtest(panel, Month(2025, 10), series=["반도체 _복합구조칩(HBM포함)", "보톡스"])
    assert {(s.method, s.cut) for s in scores} == {
        (m, c) for m in ("model", "working_days", "last_year") for c in (10, 20)
    }
    for s in scores:
        assert s.n > 10
        assert 0 <= s.coverage <= 1 and s.mape > 0 and s.median_ape > 0


@pytest.mark.slow
def test_full_backtest_meets_the_targets_of_docs_nowcast() -> None:
    """The targets of docs/nowcast.md section 4, on the whole shipped history (2023-2025)."""
    scores = {(s.method, s.cut): s for s in backtest(build_panel(shipped_history()))}
    targets = {10: (0.05, 0.10), 20: (0.15, 0.20)}  # MAPE and median APE below working days
    for cut, (mape_gain, median_gain) in targets.items():
        model, wd = scores[("model", cut)], scores[("working_days", cut)]
        assert 1 - model.mape / wd.mape >= mape_gain
        assert 1 - model.median_ape / wd.median_ape >= median_gain
        assert 0.75 <= model.coverage <= 0.85


@pytest.mark.slow
def test_cli_backtest_prints_the_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["nowcast", "--backtest", "--from", "2025-11", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    out = rows(result.output)
    assert [(r["cut"], r["method"]) for r in out][:3] == [
        ("10", "model"),
        ("10", "last_year"),
        ("10", "working_days"),
    ]
    assert all(0 <= float(r["coverage80"]) <= 1 for r in out)


def test_cli_without_file_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["nowcast"])
    assert result.exit_code == 2
    assert "FLASH.csv" in result.output


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("item_key,partner_ko,month,cut_day\nHBM,전세계,202401,10\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: missing column.*cum_value"):
        read_flash_figures(path)
