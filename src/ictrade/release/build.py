"""The release job: facts for a month, then the files people publish."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..months import Month
from ..stats.facts import build_facts, resolve_as_of
from ..store.store import Store
from .flash import flash_facts, flash_month, write_flash_release
from .markdown import long_markdown, short_markdown
from .notes import Notes

FORMATS = ("md", "json", "html", "pdf", "xlsx")


@dataclass(frozen=True)
class ReleaseFiles:
    month: Month
    short: str
    paths: list[Path]


def facts_json(facts: dict[str, Any]) -> str:
    """One line of JSON: the facts document as printed by ``--format json``."""
    return json.dumps(facts, ensure_ascii=False, separators=(",", ":"))


def _write_text(out_dir: Path, name: str, text: str) -> Path:
    path = out_dir / name
    path.write_text(text, encoding="utf-8")
    return path


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
    fmt: str = "md",
    lang: str = "en",
    notes: Notes | None = None,
) -> ReleaseFiles:
    """Write the release of ``month`` under ``out_dir``: Markdown (short and long) and the
    facts for ``md``; one HTML page for ``html``; that page and its PDF for ``pdf``; the
    workbook of tables for ``xlsx``. A month with only flash figures in the store gets a flash
    release (release/flash.py), in Markdown only."""
    if fmt not in FORMATS or fmt == "json":
        raise UsageError(f"cannot write format '{fmt}'; formats are: md, html, pdf, xlsx")
    if flash_month(store, month, as_of):
        if fmt != "md":
            raise UsageError(
                f"{month} has only flash figures: its flash release is Markdown "
                "only; drop --format or use --format json"
            )
        short, written = write_flash_release(store, month, out_dir, as_of=as_of)
        return ReleaseFiles(month, short, written)
    facts = build_facts(store, month, as_of=as_of, as_published=as_published)
    out_dir.mkdir(parents=True, exist_ok=True)
    short = short_markdown(facts, lang, notes)
    paths: list[Path] = []
    if fmt == "md":
        paths.append(_write_text(out_dir, f"release-short.{lang}.md", short))
        paths.append(
            _write_text(out_dir, f"release-long.{lang}.md", long_markdown(facts, lang, notes))
        )
        paths.append(
            _write_text(out_dir, "facts.json", json.dumps(facts, ensure_ascii=False, indent=1))
        )
    elif fmt in ("html", "pdf"):
        from .page import html_to_pdf, render_html, trend_from_store

        trend = trend_from_store(store, month, resolve_as_of(store, month, as_of, as_published))
        page = _write_text(out_dir, f"release.{lang}.html", render_html(facts, trend, lang, notes))
        paths.append(page)
        if fmt == "pdf":
            html_to_pdf(page, out_dir / f"release.{lang}.pdf")
            paths.append(out_dir / f"release.{lang}.pdf")
    else:
        from .xlsx import write_workbook

        paths.append(write_workbook(facts, out_dir / f"release-tables.{lang}.xlsx", lang))
    return ReleaseFiles(month, short, paths)
