"""The facts document's shape (stats/facts_doc.py) is what build_facts writes, and docs/facts.md
describes every key of it (as datasette's tests check that every setting is documented)."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

from ictrade.months import Month
from ictrade.stats.facts import build_facts
from ictrade.stats.facts_doc import Facts
from ictrade.store.store import open_store

DOC = Path(__file__).resolve().parent.parent / "docs" / "facts.md"


def _entry(hint: object) -> object:
    """The TypedDict inside list[X], X | None, NotRequired[X]; else None."""
    for arg in typing.get_args(hint):
        if typing.is_typeddict(arg):
            return arg
        inner = _entry(arg)
        if inner is not None:
            return inner
    return None


def shape(td: object, prefix: str = "") -> Iterator[tuple[str, bool]]:
    """Every key path of a TypedDict ('cells[].yoy_pct'), and whether it is required."""
    hints = typing.get_type_hints(td)
    required = td.__required_keys__  # type: ignore[attr-defined]
    for name, hint in hints.items():
        path = prefix + name
        yield path, name in required
        inner = hint if typing.is_typeddict(hint) else _entry(hint)
        if inner is not None:
            is_list = typing.get_origin(hint) is list
            yield from shape(inner, path + ("[]." if is_list else "."))


def paths(document: object, prefix: str = "") -> Iterator[str]:
    if isinstance(document, dict):
        for name, value in document.items():
            yield prefix + name
            if name == "partner_share_pct" or name == "complete_spans":
                continue  # keyed by flow / a dataset's own spans: values, not fields
            yield from paths(value, prefix + name + ".")
    elif isinstance(document, list):
        for entry in document:
            yield from paths(entry, prefix[:-1] + "[].")


@pytest.fixture(scope="module")
def documents(default_dataset) -> list[dict[str, object]]:
    out = []
    # the first year (no prior-year figures) and a published month (vintage fields)
    for month in ("2013-06", "2020-11"):
        published = month == "2020-11"
        out.append(build_facts(default_dataset, Month.parse(month), as_published=published))
    with open_store(dataset="kcs-sample") as store:
        out.append(build_facts(store, Month(2026, 1)))
    return [dict(d) for d in out]


def test_documents_hold_exactly_the_described_shape(documents):
    known = dict(shape(Facts))
    for document in documents:
        found = set(paths(document))
        assert found <= set(known), f"keys not in facts_doc.Facts: {sorted(found - set(known))}"
        for path, required in known.items():
            parent = path.rpartition(".")[0]
            held = not parent or any(p == parent or p.startswith(parent + ".") for p in found)
            assert not (required and held) or path in found, f"{path} missing from a document"


def _documented() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    named = set(re.findall(r"`([a-z_\[\].]+)`", text))
    return named | set(paths(example))


def test_docs_describe_every_key_of_the_facts_document():
    documented = _documented()
    missing = [
        path
        for path, _ in shape(Facts)
        if path not in documented and path.rpartition(".")[2] not in documented
    ]
    assert not missing, f"describe in docs/facts.md: {missing}"
