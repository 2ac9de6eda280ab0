"""ictrade: customs trade records to the monthly ICT goods trade release."""

from __future__ import annotations

__version__ = "0.1.0"
