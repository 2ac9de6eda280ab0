"""Readings that need the whole text, not one sentence.

- A number broken by a line break ('rose 21.' then, a paragraph later, '2 percent to ...') is
  neither '21' nor '2 percent': it is set aside as unrecognised, and the lines around it read as
  one sentence, so the figures after it keep their subject.
- An item named loosely: a sub-item whose name begins its parent's name ('computers' of
  'computers and peripheral devices', 컴퓨터 of 컴퓨터 및 주변기기) is the parent, as the
  ministry counts it, unless the text names the parent or a sibling (then it is the sub-item).
"""

from __future__ import annotations

import functools
import re

from ...classify import taxonomy
from .lexicon import mentions
from .model import Claim

BROKEN = re.compile(
    r"(?<![\w.,])\d[\d,]*\.[ \t]*(?:\r?\n[ \t]*)+\d+(?:\.\d+)?(?![\w.])"
    r"(?:\s?(?:%|percent\b|per\s+cent\b|퍼센트))?"
)


def broken_numbers(text: str) -> tuple[str, list[Claim]]:
    """``text`` with each broken number blanked (same length, line breaks gone) and the
    unrecognised claims for them."""
    claims = []
    for m in BROKEN.finditer(text):
        head, tail = (part.strip() for part in re.split(r"\r?\n", m.group(), maxsplit=1))
        why = f"a number broken by a line break ('{head}' / '{tail}'): which one is meant"
        claims.append(Claim(m.group(), m.group(), "number", "other", "other", "world",
                            start=m.start(), end=m.end(), why=f"{why} cannot be told"))  # fmt: skip
    if claims:  # one pass: blanking claim by claim copied the whole text for each
        text = BROKEN.sub(lambda m: " " * len(m.group()), text)
    return text, claims


@functools.cache
def _loose() -> dict[str, tuple[str, frozenset[str]]]:
    """Sub-item -> (parent, the parent's other descendants) for names that begin the parent's."""
    tree = taxonomy()
    out = {}
    for child in tree.items:
        parent = tree.by_id.get(child.parent or "")
        if parent is None or parent.parent is None:
            continue
        heads = [(child.name_en.lower(), parent.name_en.lower()),
                 (child.name_ko, parent.name_ko)]  # fmt: skip
        if any(p.startswith(c + " ") for c, p in heads):
            family = frozenset(tree.descendants(parent.id)) - {child.id}
            out[child.id] = (parent.id, family)
    return out


def loosely_named(claims: list[Claim], text: str) -> None:
    """Give claims on a loosely named sub-item its parent (see the module's docstring)."""
    loose = _loose()
    if not any(c.item in loose for c in claims):
        return
    named = {m.id for m in mentions(text) if m.kind == "item"}
    for claim in claims:
        if claim.item in loose:
            parent, family = loose[claim.item]
            if not named & family:
                claim.item = parent
