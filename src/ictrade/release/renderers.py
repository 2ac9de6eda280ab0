"""The release files by format: one table for ``ictrade release`` and the API.

A renderer takes the facts document (and, for the HTML page, the trend taken from the cube)
and returns a file's content; it never reads a store. File names are defined here only.
A month that holds only flash figures has its flash facts (``flash.py``) and one renderer,
the English Markdown flash release.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..stats.facts_doc import Document, Facts, FlashFacts
from . import flash_text
from .flash_text import flash_markdown
from .markdown import long_markdown, short_markdown
from .notes import Notes

if TYPE_CHECKING:
    from .page import Trend


FACTS_FILE = "facts.json"  # the facts document beside the Markdown release
PDF_FILE = "release.{lang}.pdf"  # the HTML page printed
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Source:
    """What a renderer may use."""

    facts: Document
    lang: str = "en"
    trend: Trend | None = None  # the HTML page's trend chart, from the cube
    notes: Notes | None = None

    @property
    def release(self) -> Facts:
        """The facts of a month with customs lines (the renderers of RENDERERS take them)."""
        if self.facts["schema"] == flash_text.SCHEMA:
            raise UsageError(f"{self.facts['month']} has only flash figures")
        return self.facts

    @property
    def flash_facts(self) -> FlashFacts:
        if self.facts["schema"] != flash_text.SCHEMA:
            raise UsageError(f"{self.facts['month']} is not a month of flash figures only")
        return self.facts

    @property
    def text_args(self) -> tuple[Facts, str, Notes | None]:
        return self.release, self.lang, self.notes

    @property
    def flash(self) -> bool:
        return self.facts["schema"] == flash_text.SCHEMA


@dataclass(frozen=True)
class Renderer:
    variant: str  # 'short', 'long', 'page', 'workbook' or 'flash'
    name: str  # the file name; {lang} is the language
    render: Callable[[Source], str | bytes]


@dataclass(frozen=True)
class ReleaseFile:
    name: str  # e.g. release-long.en.md
    variant: str
    media_type: str
    content: str | bytes


# The page (matplotlib) and the workbook load their libraries only when asked for.
def _page(s: Source) -> str:
    from .page import render_html

    return render_html(s.release, s.trend, s.lang, s.notes)


def _workbook(source: Source) -> bytes:
    from .xlsx import write_workbook

    with tempfile.TemporaryDirectory(prefix="ictrade-xlsx-") as folder:
        path = write_workbook(source.release, Path(folder) / "release.xlsx", source.lang)
        return path.read_bytes()


RENDERERS: dict[str, list[Renderer]] = {
    "md": [
        Renderer("short", "release-short.{lang}.md", lambda s: short_markdown(*s.text_args)),
        Renderer("long", "release-long.{lang}.md", lambda s: long_markdown(*s.text_args)),
    ],
    "html": [Renderer("page", "release.{lang}.html", _page)],
    "xlsx": [Renderer("workbook", "release-tables.{lang}.xlsx", _workbook)],
}
FLASH_RENDERERS: dict[str, list[Renderer]] = {
    "md": [Renderer("flash", "release-flash.en.md", lambda s: flash_markdown(s.flash_facts))],
}


def facts_file(facts: Document) -> str:
    """The name of the facts document's file beside the Markdown release."""
    return flash_text.FACTS_FILE if facts["schema"] == flash_text.SCHEMA else FACTS_FILE


def renderers(source: Source, fmt: str) -> list[Renderer]:
    table = FLASH_RENDERERS if source.flash else RENDERERS
    if fmt not in table:
        if source.flash:
            raise UsageError(
                f"{source.facts['month']} has only flash figures: its flash release is Markdown "
                "only; drop --format or use --format json"
            )
        raise UsageError(f"cannot render format '{fmt}'; formats are: {', '.join(table)}")
    return table[fmt]


def render(source: Source, fmt: str) -> list[ReleaseFile]:
    """The files of format ``fmt`` for ``source``, in the order ``ictrade release`` writes them."""
    return [
        ReleaseFile(r.name.format(lang=source.lang), r.variant, MEDIA_TYPES[fmt], r.render(source))
        for r in renderers(source, fmt)
    ]
