"""The release files the API serves, by format and language: the same renderers as
``ictrade release --format md|html|xlsx --lang en|ko``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..months import Month
from ..release.markdown import long_markdown, short_markdown
from ..release.page import TREND_MONTHS, Trend, render_html
from ..release.xlsx import write_workbook
from ..stats.cube import Cube
from ..stats.series import series_from_cube
from .params import ApiError

FORMATS = ("md", "html", "xlsx")
LANGS = ("en", "ko")
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Facts = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """What a renderer may use: the facts document, and the cube it came from (for charts)."""

    facts: Facts
    cube: Cube
    month: Month
    lang: str


@dataclass(frozen=True)
class ReleaseFile:
    name: str  # as `ictrade release` names it, e.g. release-long.en.md
    variant: str  # 'short', 'long', 'page' or 'workbook'
    media_type: str
    content: str | bytes


def _trend(source: Source) -> Trend:
    """The HTML page's trend chart, from the cached cube (as trend_from_store makes it)."""
    start, cube = source.month - (TREND_MONTHS - 1), source.cube
    values = series_from_cube(cube, "export", "total", "world", "value", start, source.month)
    growth = series_from_cube(cube, "export", "total", "world", "yoy", start, source.month)
    return Trend([p.month for p in values], [p.value for p in values], [p.value for p in growth])


def _workbook(source: Source) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ictrade-xlsx-") as folder:
        path = write_workbook(source.facts, Path(folder) / "release.xlsx", source.lang)
        return path.read_bytes()


Renderer = Callable[[Source], str | bytes]
# format -> [(variant, file name pattern, renderer)]
RENDERERS: dict[str, list[tuple[str, str, Renderer]]] = {
    "md": [
        ("short", "release-short.{lang}.md", lambda s: short_markdown(s.facts, s.lang)),
        ("long", "release-long.{lang}.md", lambda s: long_markdown(s.facts, s.lang)),
    ],
    "html": [("page", "release.{lang}.html", lambda s: render_html(s.facts, _trend(s), s.lang))],
    "xlsx": [("workbook", "release-tables.{lang}.xlsx", _workbook)],
}


def available() -> list[str]:
    """The format/language pairs this version renders, e.g. ['md/en', 'md/ko', ...]."""
    return [f"{fmt}/{lang}" for fmt in RENDERERS for lang in LANGS]


def check(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise ApiError(400, f"unknown format '{fmt}'; allowed: {', '.join(FORMATS)}", FORMATS)
    if lang not in LANGS:
        raise ApiError(400, f"unknown lang '{lang}'; allowed: {', '.join(LANGS)}", LANGS)
    if f"{fmt}/{lang}" not in available():
        raise ApiError(
            400,
            f"format {fmt} in language {lang} is not available yet; available: "
            f"{', '.join(available())}",
            available(),
        )


def render(source: Source, fmt: str) -> list[ReleaseFile]:
    check(fmt, source.lang)
    return [
        ReleaseFile(name.format(lang=source.lang), variant, MEDIA_TYPES[fmt], renderer(source))
        for variant, name, renderer in RENDERERS[fmt]
    ]


def pick(files: list[ReleaseFile], variant: str | None) -> ReleaseFile:
    """The file to download: the variant asked for, else the long text or the only file."""
    by_variant = {f.variant: f for f in files}
    if variant is None:
        return by_variant.get("long") or files[0]
    if variant not in by_variant:
        raise ApiError(
            400,
            f"unknown variant '{variant}' for this format; allowed: {', '.join(by_variant)}",
            list(by_variant),
        )
    return by_variant[variant]
