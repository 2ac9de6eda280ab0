"""The release job: facts for a month, then the files people publish."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

from ..errors import UsageError
from ..months import Month
from ..stats.cube import load_cube
from ..stats.facts import FactsOptions, build_facts, resolve_as_of
from ..stats.facts_doc import Document
from ..store.base import in_store_scheme
from ..store.store import Store
from .flash import flash_facts, flash_month
from .markdown import short_markdown
from .notes import Notes
from .renderers import PDF_FILE, Source, facts_file, render

FORMATS = ("md", "json", "html", "pdf", "xlsx")


@dataclass(frozen=True)
class ReleaseFiles:
    month: Month
    short: str
    paths: list[Path]


def facts_json(facts: Document) -> str:
    """One line of JSON: the facts document as printed by ``--format json``."""
    return json.dumps(facts, ensure_ascii=False, separators=(",", ":"))


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@in_store_scheme
def release_facts(store: Store, month: Month, **options: Unpack[FactsOptions]) -> Document:
    """The facts document of ``month`` (``build_facts`` with ``options``); the flash facts
    when only flash figures exist."""
    as_of = options.get("as_of")
    if flash_month(store, month, as_of):
        return flash_facts(store, month, as_of=as_of)
    return build_facts(store, month, **options)


@in_store_scheme
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
    workbook of tables for ``xlsx`` (file names: renderers.py). A month with only flash
    figures in the store gets a flash release (release/flash.py), in Markdown only."""
    if fmt not in FORMATS or fmt == "json":
        raise UsageError(f"cannot write format '{fmt}'; formats are: md, html, pdf, xlsx")
    facts = release_facts(store, month, as_of=as_of, as_published=as_published)
    source = Source(facts, lang, None, notes)
    if fmt in ("html", "pdf") and not source.flash:
        from .page import trend_from_cube

        cube = load_cube(store, resolve_as_of(store, month, as_of, as_published))
        source = Source(facts, lang, trend_from_cube(cube, month), notes)
    files = render(source, "html" if fmt == "pdf" else fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [_write(out_dir / f.name, f.content) for f in files]
    if fmt == "md":
        text = json.dumps(facts, ensure_ascii=False, indent=1)
        paths.append(_write(out_dir / facts_file(facts), text))
    if fmt == "pdf":
        from .page import html_to_pdf

        pdf = out_dir / PDF_FILE.format(lang=lang)
        html_to_pdf(paths[0], pdf)
        paths.append(pdf)
    short = files[0].content if source.flash else short_markdown(*source.text_args)
    return ReleaseFiles(month, str(short), paths)
