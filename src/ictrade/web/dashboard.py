"""The dashboard page: one HTML file with its style and script inlined, so an API key in the
page's address is all it needs; the charting library it loads is vendored and served, without
a key, under ``VENDOR_PATH`` (no CDN)."""

from __future__ import annotations

import functools
from importlib import resources

VENDOR_PATH = "/static/vendor"
VENDOR_DIR = ("ictrade", "web/static/vendor")  # package and directory, as StaticFiles takes them


def _static(name: str) -> str:
    return resources.files("ictrade").joinpath("web", "static", name).read_text(encoding="utf-8")


@functools.cache
def dashboard_html() -> str:
    page = _static("index.html")
    page = page.replace("/*CSS*/", _static("dashboard.css"))
    return page.replace("/*JS*/", _static("dashboard.js"))
