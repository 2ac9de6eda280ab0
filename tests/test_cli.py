"""CLI basics: version, help on every command, store selection, exit statuses."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from ictrade import __version__
from ictrade.cli import cli
from ictrade.errors import UsageError
from ictrade.store.store import choose_store


def all_commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    out = []
    for name, command in group.commands.items():
        out.append([*prefix, name])
        if isinstance(command, click.Group):
            out += all_commands(command, [*prefix, name])
    return out


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("words", all_commands(cli, []), ids=" ".join)
def test_help_on_every_command(words):
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_store_selection(tmp_path, monkeypatch):
    monkeypatch.delenv("ICTRADE_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    choice = choose_store()
    assert choice.dataset == "default" and "no store of yours yet" in choice.reason
    assert choose_store(dataset="kcs-sample").dataset == "kcs-sample"
    assert str(choose_store(store="x.duckdb").path) == "x.duckdb"
    monkeypatch.setenv("ICTRADE_STORE", "env.duckdb")
    assert "ICTRADE_STORE" in choose_store().reason
    with pytest.raises(UsageError, match="exclude each other"):
        choose_store(store="x.duckdb", dataset="default")


def test_bad_usage_exits_2():
    runner = CliRunner()
    assert runner.invoke(cli, ["release", "2020-13"]).exit_code == 2
    both = runner.invoke(cli, ["release", "2020-11", "--store", "x", "--dataset", "default"])
    assert both.exit_code == 2 and "exclude each other" in both.output
    unknown = runner.invoke(cli, ["release", "2020-11", "--dataset", "nope"])
    assert unknown.exit_code == 2 and "datasets are: default, kcs-sample" in unknown.output
    mutually = runner.invoke(cli, ["release", "2020-11", "--as-of", "2021-01-01",
                                   "--as-published"])
    assert mutually.exit_code == 2
