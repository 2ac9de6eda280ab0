"""docs/python.md: its examples run as they are; the tables match the library's figures;
open_store() without arguments opens the store the command line would."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ictrade
from ictrade.store.schema import LINE_SCHEMA
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
    total = next(
        c
        for c in facts["cells"]
        if (c["flow"], c["item"], c["region"]) == ("export", "total", "world")
    )
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


# ---- hostile arguments: an ictrade error naming the argument, never a library's ----------

DEFAULT = ictrade.open_store(dataset="default")


def _closed() -> ictrade.Store:
    store = ictrade.open_store(":memory:")
    store.close()
    return store


HOSTILE = [
    (
        lambda: ictrade.facts_table(DEFAULT, month="2020-11", as_of=dt.datetime(2021, 1, 15, 9)),
        None,
    ),
    (lambda: ictrade.series_table(DEFAULT, start=dt.date(2020, 1, 1), end="2020-03"), None),
    (lambda: ictrade.series_table(DEFAULT, item=["total"]), "item is text"),
    (lambda: ictrade.series_table("default"), "store must be a Store"),
    (lambda: ictrade.facts_table(5, month="2020-11"), "store must be a Store"),
    (lambda: ictrade.cube_table(_closed()), "is closed"),
    (lambda: ictrade.build_facts(DEFAULT, "2020-11"), None),
    (lambda: ictrade.build_facts(None, "2020-11"), "store is required"),
    (lambda: ictrade.build_facts(DEFAULT, 202011), "month is a Month"),
    (lambda: ictrade.facts_table(DEFAULT), "missing a required argument: 'month'"),
    (lambda: ictrade.open_store("x\x00y.duckdb"), "names no file"),
    (lambda: ictrade.open_store(" "), "names no file"),
    (lambda: ictrade.open_store(5), "path is text or a pathlib.Path"),
    (lambda: ictrade.open_store(b"s.duckdb"), "path is text or a pathlib.Path"),
    (lambda: ictrade.short_markdown({"schema": "x"}), "facts must be the document"),
    (lambda: ictrade.long_markdown(None), "facts is required"),
    (lambda: ictrade.ingest_file(DEFAULT, None), "path is required"),
    (lambda: ictrade.ingest_table(DEFAULT, pa.table({"a": [1]}), origin="x"), "lacks the columns"),
    (lambda: ictrade.Month("2020", "11"), "for text use Month.parse"),
    (lambda: ictrade.parse_months(None), "is not a month"),
    (lambda: ictrade.facts_table(DEFAULT, month="2020-11", as_published="false"), "True or False"),
    (lambda: ictrade.open_store(dataset="default", reporter=["KR"]), "reporter is text"),
]


@pytest.mark.parametrize(("call", "said"), HOSTILE, ids=[f"call-{n}" for n in range(len(HOSTILE))])
def test_hostile_arguments_get_ictrade_errors(call, said, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a path taken as text would create files here
    if said is None:
        call()
        return
    with pytest.raises(ictrade.IctradeError) as raised:
        call()
    assert said in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_lines_of_the_wrong_type_name_their_column():
    lines = pa.table({name: pa.array([None], pa.string()) for name in LINE_SCHEMA.names})
    lines = lines.set_column(0, "month", pa.array(["2020-11"]))
    with pytest.raises(ictrade.UsageError, match="column month is string, which does not convert"):
        ictrade.ingest_table(ictrade.open_store(":memory:"), lines, origin="x")


def test_a_release_written_into_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("")
    with pytest.raises(ictrade.UsageError, match="is a file; give a folder"):
        ictrade.write_release(DEFAULT, "2020-11", tmp_path / "out")


VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=2),
    st.dates(),
    st.sampled_from(["2020-11", "total", "world", "yoy", "1988-01", "9999-12", "2020-11-15"]),
)
ARGS = ("month", "as_of", "flow", "item", "region", "measure", "start", "end", "as_published")


@settings(max_examples=60)
@given(which=st.sampled_from(["facts", "series", "cube"]), args=st.dictionaries(
    st.sampled_from(ARGS), VALUES, max_size=3))  # fmt: skip
def test_fuzzed_table_arguments_give_tables_or_ictrade_errors(which, args):
    func = {"facts": ictrade.facts_table, "series": ictrade.series_table,
            "cube": ictrade.cube_table}[which]  # fmt: skip
    try:
        assert isinstance(func(DEFAULT, **args), pa.Table)
    except ictrade.IctradeError as exc:
        assert str(exc) and len(str(exc)) < 2000
