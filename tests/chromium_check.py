"""Whether a test that needs Chromium may skip: only outside CI, and only when it is missing."""

from __future__ import annotations

import os

import pytest

from ictrade.release.html import find_chromium


def require_chromium() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have Chromium: .ci/run installs the Debian package chromium")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    return path
