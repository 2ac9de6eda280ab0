"""The dashboard page: one HTML file with its style and script inlined (no CDN, no other
request than the API's), so an API key in the page's address is all it needs."""

from __future__ import annotations

import functools
from importlib import resources


def _static(name: str) -> str:
    return resources.files("ictrade").joinpath("web", "static", name).read_text(encoding="utf-8")


@functools.cache
def dashboard_html() -> str:
    page = _static("index.html")
    page = page.replace("/*CSS*/", _static("dashboard.css"))
    return page.replace("/*JS*/", _static("dashboard.js"))
