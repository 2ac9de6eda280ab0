"""The dashboard page: one HTML file with its style and script inlined, so an API key in the
page's address is all it needs; the charting library it loads is vendored and served, without
a key, under ``VENDOR_PATH`` (no CDN)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from starlette.staticfiles import StaticFiles

VENDOR_PATH = "/static/vendor"
VENDOR_DIR = ("ictrade", "web/static/vendor")  # package and directory, as StaticFiles takes them


def _static(name: str) -> str:
    return resources.files("ictrade").joinpath("web", "static", name).read_text(encoding="utf-8")


@functools.cache
def dashboard_html() -> str:
    page = _static("index.html")
    page = page.replace("/*CSS*/", _static("dashboard.css"))
    return page.replace("/*JS*/", _static("dashboard.js"))


class VendorFiles(StaticFiles):
    """The vendored files, always whole: a Range header is ignored, as RFC 9110 lets a server
    do, because Starlette answers a malformed or unsatisfiable one in plain text or with an
    empty 416, not in the API's envelope (and a few hundred kilobytes need no ranges)."""

    def __init__(self) -> None:
        super().__init__(packages=[VENDOR_DIR])

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            kept = [(k, v) for k, v in scope["headers"] if k not in (b"range", b"if-range")]
            scope = {**scope, "headers": kept}
        await super().__call__(scope, receive, send)
