"""The release files the API serves, by format and language.

Each (format, language) maps to a renderer of the facts document. Formats without a renderer
in this version answer 400 "not available yet", naming those that are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..months import Month
from ..release.markdown import long_markdown, short_markdown
from ..stats.cube import Cube
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


Renderer = Callable[[Source], str | bytes]


@dataclass(frozen=True)
class ReleaseFile:
    name: str  # e.g. release-long.en.md
    variant: str  # 'short', 'long' or 'workbook'
    media_type: str
    content: str | bytes


# (format, lang) -> {variant: renderer}
RENDERERS: dict[tuple[str, str], dict[str, Renderer]] = {
    ("md", "en"): {
        "short": lambda s: short_markdown(s.facts),
        "long": lambda s: long_markdown(s.facts),
    },
}


def available() -> list[str]:
    """The format/language pairs this version renders, e.g. ['md/en']."""
    return [f"{fmt}/{lang}" for fmt, lang in RENDERERS]


def check(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise ApiError(400, f"unknown format '{fmt}'; allowed: {', '.join(FORMATS)}", FORMATS)
    if lang not in LANGS:
        raise ApiError(400, f"unknown lang '{lang}'; allowed: {', '.join(LANGS)}", LANGS)
    if (fmt, lang) not in RENDERERS:
        raise ApiError(
            400,
            f"format {fmt} in language {lang} is not available yet; available: "
            f"{', '.join(available())}",
            available(),
        )


def render(source: Source, fmt: str, lang: str) -> list[ReleaseFile]:
    check(fmt, lang)
    return [
        ReleaseFile(
            f"release{'' if variant == 'workbook' else '-' + variant}.{lang}.{fmt}",
            variant,
            MEDIA_TYPES[fmt],
            renderer(source),
        )
        for variant, renderer in RENDERERS[(fmt, lang)].items()
    ]
