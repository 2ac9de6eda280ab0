"""The release job: facts for a month, then the files people publish."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..months import Month
from ..stats.facts import build_facts
from ..store.store import Store
from .flash import flash_facts, flash_month, write_flash_release
from .markdown import long_markdown, short_markdown


@dataclass(frozen=True)
class ReleaseFiles:
    month: Month
    short: str
    paths: list[Path]


def facts_json(facts: dict[str, Any]) -> str:
    """One line of JSON: the facts document as printed by ``--format json``."""
    return json.dumps(facts, ensure_ascii=False, separators=(",", ":"))


def release_facts(
    store: Store, month: Month, *, as_of: dt.date | None = None, as_published: bool = False
) -> dict[str, Any]:
    """The facts document of ``month``; the flash facts when only flash figures exist."""
    if flash_month(store, month, as_of):
        return flash_facts(store, month, as_of=as_of)
    return build_facts(store, month, as_of=as_of, as_published=as_published)


def write_release(
    store: Store,
    month: Month,
    out_dir: Path,
    *,
    as_of: dt.date | None = None,
    as_published: bool = False,
) -> ReleaseFiles:
    """Write the short and long English releases of ``month`` as Markdown under ``out_dir``;
    a flash release when the store holds only flash figures for the month (release/flash.py)."""
    if flash_month(store, month, as_of):
        short, written = write_flash_release(store, month, out_dir, as_of=as_of)
        return ReleaseFiles(month, short, written)
    facts = build_facts(store, month, as_of=as_of, as_published=as_published)
    out_dir.mkdir(parents=True, exist_ok=True)
    short = short_markdown(facts)
    files = {
        "release-short.en.md": short,
        "release-long.en.md": long_markdown(facts),
        "facts.json": json.dumps(facts, ensure_ascii=False, indent=1),
    }
    paths = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return ReleaseFiles(month, short, paths)
