"""check-published: the history is proved figure by figure, and a wrong figure is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli

PUBLISHED = Path(__file__).resolve().parent.parent / "data-raw" / "reconstruct" / \
    "published_figures.csv"


@pytest.mark.slow
def test_every_primary_figure_matches_except_documented_conflicts():
    result = CliRunner().invoke(cli, ["check-published", str(PUBLISHED), "--dataset",
                                      "default", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "1689 matched, 0 mismatched, 2 documented conflicts, 0 without data" in result.stdout


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
