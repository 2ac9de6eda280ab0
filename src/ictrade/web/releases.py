"""The release files the API serves, by format and language: the renderers of
``ictrade release --format md|html|xlsx --lang en|ko`` (release/renderers.py)."""

from __future__ import annotations

from ..release.renderers import MEDIA_TYPES, RENDERERS, ReleaseFile, Source, render
from .params import ApiError

__all__ = ["ReleaseFile", "Source", "available", "check", "pick", "render_files"]

FORMATS = tuple(MEDIA_TYPES)
LANGS = ("en", "ko")


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


def render_files(source: Source, fmt: str) -> list[ReleaseFile]:
    check(fmt, source.lang)
    return render(source, fmt)


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
