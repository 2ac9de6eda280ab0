"""What a release says, before any language: ``Statement``s grouped in paragraphs, each of a
kind that every language module (``en``, ``ko``) has a phrase for. ``compose`` chooses them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..months import Month
from ..numbers import is_flat
from .facts_view import Figure


@dataclass
class Statement:
    kind: str
    subject: str = ""  # an item or region id
    figures: dict[str, Figure] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)


Paragraph = list[Statement]

# Every kind of statement; each language module (en, ko) has a phrase for each in its PHRASES.
KINDS = (
    "lead",
    "streak",
    "turn",
    "record",
    "coverage",
    "estimated",
    "imports_balance",
    "items_summary",
    "regions_summary",
    "item",
    "pair",
    "driver",
    "region",
    "threshold",
    "ytd",
    "period_record",
)
Phrase = Callable[["Statement", Month], str]  # says a statement of its month in one language


def direction(yoy: Figure | None) -> str:
    """'up', 'down' or 'flat' at printed precision; 'none' without a prior year."""
    if yoy is None:
        return "none"
    if is_flat(yoy.value):
        return "flat"
    return "up" if yoy.value > 0 else "down"


def pair_moves(s: Statement) -> set[str]:
    """The directions of a 'pair' statement's two parts, which choose how it is said."""
    return {direction(c["figures"].get("yoy")) for c in s.args["children"]}
