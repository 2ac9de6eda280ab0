"""check-published: the history is proved figure by figure, and a wrong figure is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli

RAW = Path(__file__).resolve().parent.parent / "data-raw" / "reconstruct"
PUBLISHED = RAW / "published_figures.csv"
PUBLISHED_2024 = RAW / "published_figures_2024_2025h1.csv"


@pytest.mark.slow
def test_every_primary_figure_matches_except_documented_conflicts():
    result = CliRunner().invoke(cli, ["check-published", str(PUBLISHED), str(PUBLISHED_2024),
                                      "--dataset", "default", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{PUBLISHED}: 1691 figures checked: 1689 matched, 0 mismatched, "
                               "2 documented conflicts, 0 without data")
    assert lines[1].startswith(f"{PUBLISHED_2024}: 521 figures checked: 519 matched, "
                               "0 mismatched, 2 documented conflicts, 0 without data")


def test_a_conflict_is_documented_for_its_own_file_only(tmp_path):
    """conflicts.csv names line 473 of the 2024-2025 file (a level given as the SSD value): the
    same line number of another file is checked as usual."""
    rows = PUBLISHED_2024.read_text(encoding="utf-8").splitlines()
    assert rows[472].startswith("2024-11,export,computers_peripherals,world,1150,")
    # the rows before it out of scope (an unknown series): line 473 is the one figure checked
    filler = rows[472].replace("computers_peripherals", "not_an_item")
    for name, expected in (("published_figures_2024_2025h1.csv", "conflict  "),
                           ("copy.csv", "mismatched")):
        text = "\n".join([rows[0], *[filler] * 471, rows[472]]) + "\n"
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = CliRunner().invoke(cli, ["check-published", str(tmp_path / name), "--dataset",
                                          "default"])
        assert f"{expected} 2024-11 export computers_peripherals/world value" in result.stdout


def test_a_wrong_figure_is_reported_with_both_values(tmp_path):
    rows = PUBLISHED.read_text(encoding="utf-8").splitlines()
    header = rows[0]
    line = next(r for r in rows if r.startswith("2020-11,export,total,world,16600"))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(header + "\n" + line.replace("16600,100,+15.8", "16800,100,+15.8") + "\n")
    result = CliRunner().invoke(cli, ["check-published", str(wrong), "--dataset", "default"])
    assert result.exit_code == 1
    assert "mismatched 2020-11 export total/world value" in result.stdout
    assert "published 16,800" in result.stdout and "store 16,5" in result.stdout
    assert "matched    2020-11 export total/world yoy" in result.stdout


HOSTILE_HEADER = (
    "month,flow,series,region,value_usd_millions,stated_precision_usd_millions,yoy_pct,"
    "yoy_precision_pct,vintage"
)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("2020-11,export,total,world,16551,1,15.8,0.1,2020-12-32", "vintage"),
        ("2020-11,export,total,world,16551,1,15.8,0.1,9999-12-31", "vintage"),
        ("2020-13,export,total,world,16551,1,15.8,0.1,2020-12-15", "month"),
        ("2020-11,export,total,world,inf,1,15.8,0.1,2020-12-15", "value_usd_millions"),
        ("2020-11,export,total,world,1,-1,1,0.1,2020-12-15", "stated_precision_usd_millions"),
    ],
)
def test_impossible_published_figures_name_their_line_and_field(tmp_path, row, field):
    path = tmp_path / "published.csv"
    path.write_text(f"{HOSTILE_HEADER}\n{row}\n")
    result = CliRunner().invoke(cli, ["check-published", str(path)])
    assert result.exit_code == 2, result.output
    assert f"line 2, field '{field}'" in result.output


def test_unreadable_published_and_conflicts_files_are_input_errors(tmp_path):
    good = tmp_path / "published.csv"
    good.write_text(f"{HOSTILE_HEADER}\n2020-11,export,total,world,16551,1,15.8,0.1,2020-12-15\n")
    big = tmp_path / "big.csv"
    long_field = "x" * 200_000
    big.write_text(f"{HOSTILE_HEADER}\n2020-11,export,total,world,1,1,1,1,2020-12-15,{long_field}\n")
    result = CliRunner().invoke(cli, ["check-published", str(big)])
    assert result.exit_code == 2 and "line 2: the CSV cannot be read" in result.output
    conflicts = tmp_path / "conflicts.csv"
    conflicts.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(cli, ["check-published", str(good), "--conflicts", str(conflicts)])
    assert result.exit_code == 2 and "missing column figures_line" in result.output
    conflicts.write_text("figures_file,figures_line,measure\nx\n")  # a short row
    result = CliRunner().invoke(cli, ["check-published", str(good), "--conflicts", str(conflicts)])
    assert result.exit_code == 0, result.output
