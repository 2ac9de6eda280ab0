"""The item trees of the schemes and the regions of regions.csv, loaded from package data.

Each scheme has its own items: ``taxonomy.csv`` for ``kr-ict`` (the Korean release's items),
``taxonomy-<scheme>.csv`` for a scheme with items of its own. ``taxonomy()`` without a name is
the taxonomy of the scheme in use (``using_scheme``; ``kr-ict`` unless a caller says
otherwise), so the code that writes releases and tables from facts reads the facts' items.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from typing import ClassVar, Generic, TypeVar

from ..errors import ReferenceDataError, UsageError


@dataclass(frozen=True)
class Item:
    id: str
    parent: str | None
    major: int | None
    name_en: str
    name_ko: str


@dataclass(frozen=True)
class Region:
    id: str
    major: int | None
    name_en: str
    name_ko: str


def read_package_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in ``ictrade/data``."""
    text = resources.files("ictrade").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


Entry = TypeVar("Entry", Item, Region)


class _Entries(Generic[Entry]):
    """Entries of a reference file by id; the major ones in the order releases list them."""

    noun: ClassVar[str]  # 'item', 'region': in the error for an unknown id

    def __init__(self, entries: list[Entry]) -> None:
        self.entries: list[Entry] = entries
        self.by_id: dict[str, Entry] = {e.id: e for e in entries}

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def majors(self) -> list[str]:
        return [e.id for e in sorted(self.entries, key=lambda e: e.major or 0) if e.major]

    def check(self, entry_id: str) -> str:
        if entry_id not in self.by_id:
            raise UsageError(
                f"unknown {self.noun} '{entry_id}'; {self.noun}s are: {', '.join(self.ids)}"
            )
        return entry_id


class Taxonomy(_Entries[Item]):
    """Items in file order (parents before children), with tree helpers."""

    noun = "item"

    def __init__(self, items: list[Item]) -> None:
        super().__init__(items)
        self.children: dict[str, list[str]] = {item.id: [] for item in items}
        for item in items:
            if item.parent is not None:
                if item.parent not in self.by_id:
                    raise ReferenceDataError(
                        f"taxonomy item '{item.id}' has unknown parent '{item.parent}'"
                    )
                self.children[item.parent].append(item.id)
        self.root = next(item.id for item in items if item.parent is None)

    @property
    def items(self) -> list[Item]:
        return self.entries

    def ancestors(self, item_id: str) -> list[str]:
        """The item and its ancestors, nearest first, ending at the root."""
        chain = [item_id]
        while (parent := self.by_id[chain[-1]].parent) is not None:
            chain.append(parent)
        return chain

    def common_ancestor(self, item_ids: list[str]) -> str:
        """The deepest item that every one of ``item_ids`` sits under (or is)."""
        chains = [self.ancestors(i) for i in item_ids]
        common = set(chains[0]).intersection(*chains[1:])
        return next(i for i in chains[0] if i in common)

    def descendants(self, item_id: str) -> list[str]:
        """The item and everything under it."""
        out = [item_id]
        for child in self.children[item_id]:
            out.extend(self.descendants(child))
        return out


class Regions(_Entries[Region]):
    noun = "region"

    @property
    def regions(self) -> list[Region]:
        return self.entries


def _major(text: str) -> int | None:
    return int(text) if text.strip() else None


DEFAULT_SCHEME = "kr-ict"
_IN_USE: ContextVar[str] = ContextVar("ictrade_scheme", default=DEFAULT_SCHEME)


@contextmanager
def using_scheme(name: str) -> Iterator[None]:
    """Make ``name`` the scheme whose items ``taxonomy()`` gives, for the block."""
    token = _IN_USE.set(name)
    try:
        yield
    finally:
        _IN_USE.reset(token)


def scheme_in_use() -> str:
    return _IN_USE.get()


def taxonomy(scheme_name: str | None = None) -> Taxonomy:
    """The items of ``scheme_name`` (default: the scheme in use)."""
    return _taxonomy(scheme_name or _IN_USE.get())


@functools.cache
def _taxonomy(scheme_name: str) -> Taxonomy:
    own = resources.files("ictrade").joinpath("data", f"taxonomy-{scheme_name}.csv")
    # a scheme without its own items file sorts codes into the kr-ict items
    rows = read_package_csv(own.name if own.is_file() else "taxonomy.csv")
    return Taxonomy(
        [
            Item(r["item"], r["parent"] or None, _major(r["major"]), r["name_en"], r["name_ko"])
            for r in rows
        ]
    )


@functools.cache
def regions() -> Regions:
    rows = read_package_csv("regions.csv")
    return Regions(
        [Region(r["region"], _major(r["major"]), r["name_en"], r["name_ko"]) for r in rows]
    )
