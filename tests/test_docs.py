"""Docs that cannot drift: the README's examples run, and the CLI reference is generated."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_cli_reference_is_up_to_date():
    from tools.gen_cli_docs import DOC, render

    assert DOC.read_text(encoding="utf-8") == render(), "run: python tools/gen_cli_docs.py"


def test_readme_quick_start_names_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/ictrade release 2020-11" in text and "scripts/test" in text


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A working directory with the repository's example files and no user store."""
    for name in ("examples", "data-raw", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ICTRADE_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@pytest.mark.slow
def test_readme_examples_run(sandbox):
    commands = readme_commands()
    assert len(commands) >= 8
    runner = CliRunner()
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "ictrade"
        result = runner.invoke(cli, words[1:])
        assert result.exit_code == 0, f"{command}\n{result.output}"
