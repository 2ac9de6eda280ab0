"""The release files the API serves, by format and language: the renderers of
``ictrade release --format md|html|xlsx --lang en|ko`` (release/renderers.py)."""

from __future__ import annotations

import base64
from typing import Any

from ..errors import quoted
from ..release.renderers import FLASH_RENDERERS, MEDIA_TYPES, RENDERERS, ReleaseFile, Source, render
from .params import ApiError, one_of

__all__ = ["ReleaseFile", "Source", "available", "check", "file_list", "pick", "render_files"]

FORMATS = tuple(MEDIA_TYPES)
LANGS = ("en", "ko")


def variants(fmt: str) -> list[str]:
    """The files a release of format ``fmt`` may have (a month's depend on its figures)."""
    tables = (RENDERERS, FLASH_RENDERERS)
    return list(dict.fromkeys(r.variant for table in tables for r in table.get(fmt, [])))


def available() -> list[str]:
    """The format/language pairs this version renders, e.g. ['md/en', 'md/ko', ...]."""
    return [f"{fmt}/{lang}" for fmt in RENDERERS for lang in LANGS]


def check(fmt: str, lang: str, variant: str | None = None) -> None:
    """A release's format, language and file variant (checked with or without download=)."""
    one_of("format", fmt, FORMATS)
    one_of("lang", lang, LANGS)
    if variant is not None and variant not in variants(fmt):
        owner = next((f for f in FORMATS if variant in variants(f)), None)
        fix = f"; {variant} is a file of format={owner}" if owner else ""
        allowed = variants(fmt)
        shown = f"unknown variant {quoted(variant)} for format {fmt}; allowed: {', '.join(allowed)}"
        raise ApiError(400, shown + fix, allowed)
    if f"{fmt}/{lang}" not in available():
        raise ApiError(
            400,
            f"format {fmt} in language {lang} is not available yet; available: "
            f"{', '.join(available())}",
            available(),
        )


def render_files(source: Source, fmt: str) -> list[ReleaseFile]:
    check(fmt, source.lang)
    return render(source, fmt)


def pick(files: list[ReleaseFile], variant: str | None) -> ReleaseFile:
    """The file to download: the variant asked for, else the long text or the only file."""
    by_variant = {f.variant: f for f in files}
    if variant is None:
        return by_variant.get("long") or files[0]
    return by_variant[one_of("variant", variant, list(by_variant))]


def file_list(files: list[ReleaseFile]) -> list[dict[str, Any]]:
    """The files as the API lists them: text as it is, binary files (PDF, Excel) in base64."""
    out = []
    for f in files:
        text = f.content if isinstance(f.content, str) else None
        encoded = None if isinstance(f.content, str) else base64.b64encode(f.content).decode()
        out.append(
            {
                "name": f.name,
                "variant": f.variant,
                "media_type": f.media_type,
                "text": text,
                "base64": encoded,
            }
        )
    return out
