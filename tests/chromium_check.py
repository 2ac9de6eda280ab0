"""Whether a test that needs Chromium or another Debian tool may skip: only outside CI, and only
when it is missing."""

from __future__ import annotations

import os
import shutil

import pytest

from ictrade.release.page import find_chromium


def require_chromium() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have Chromium: .ci/run installs the Debian package chromium")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    return path


def require_tool(name: str, package: str) -> str:
    """The path of a command-line tool that .ci/run installs (Debian package ``package``)."""
    path = shutil.which(name)
    if path is None:
        install = f"apt-get install {package}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have {name}: .ci/run installs it ({install})")
        pytest.skip(f"{name} is not installed (Debian: {install})")
    return path
