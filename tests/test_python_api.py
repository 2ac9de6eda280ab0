"""docs/python.md: its examples run as they are; the tables match the library's figures;
open_store() without arguments opens the store the command line would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ictrade
from ictrade.store.store import choose_store

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example-{n}" for n in range(len(EXAMPLES))])
def test_the_examples_run(code):
    exec(compile(code, str(DOC), "exec"), {})


def test_tables_hold_the_library_figures():
    store = ictrade.open_store(dataset="default")
    facts = ictrade.build_facts(store, ictrade.Month(2020, 11))
    table = ictrade.facts_table(store, month="2020-11")
    assert table.to_pylist() == facts["cells"]
    points = ictrade.series(store, "export", "semiconductors", "world", measure="yoy")
    series = ictrade.series_table(store, item="semiconductors", measure="yoy")
    assert series["value"].to_pylist() == [p.value for p in points]
    cube = ictrade.cube_table(store).to_pandas()
    world = cube[(cube.flow == "export") & (cube.item == "total") & (cube.region == "world")]
    november = world[world.month.astype(str) == "2020-11-01"]
    total = next(c for c in facts["cells"] if (c["flow"], c["item"], c["region"])
                 == ("export", "total", "world"))
    assert november.value_usd.iloc[0] == pytest.approx(total["value_usd"])


def test_open_store_without_arguments_opens_what_the_cli_would(tmp_path, monkeypatch):
    monkeypatch.delenv("ICTRADE_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert choose_store().dataset == "default"
    with ictrade.open_store() as store:
        assert store.name == "dataset:default"
    path = tmp_path / "mine.duckdb"
    monkeypatch.setenv("ICTRADE_STORE", str(path))
    with ictrade.open_store() as store:
        assert store.name == str(path) and not store.read_only
