"""The words a claim is read with, all from data files.

Names of items and regions come from ``taxonomy.csv`` and ``regions.csv``; other names of
flows, items and regions from ``synonyms.csv``; direction verbs, period markers, causes,
hedges and the rest from ``claim_words.csv`` (kind, lang, pattern). Every table is read in a
fixed order (longest name first, then kind, id and text), so a reading never depends on set or
hash order.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

from ...classify import regions, taxonomy


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # 'flow', 'item', 'region'
    id: str
    text: str = ""


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("ictrade").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def names() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, kind, id) for every name; the longest first so 'memory chips' beats 'memory'."""
    by_text: dict[tuple[str, str], str] = {}
    for item in taxonomy().items:
        by_text |= {(item.name_en, "item"): item.id, (item.name_ko, "item"): item.id}
    for region in regions().regions:
        by_text |= {(region.name_en, "region"): region.id, (region.name_ko, "region"): region.id}
    # synonyms come last: '중국' and 'China' in these texts are China with Hong Kong
    by_text |= {(r["text"], r["kind"]): r["id"] for r in _rows("synonyms.csv")}
    found = [(name, kind, ident) for (name, kind), ident in by_text.items()]
    out = []
    for name, kind, ident in sorted(found, key=lambda n: (-len(n[0]), n[1], n[2], n[0])):
        if not name or (kind == "region" and ident == "world"):
            continue
        exact = name.isupper() or not name.isascii()
        body = re.escape(name).replace(r"\ ", r"\s+")
        edge = r"(?![A-Za-z])" if name[-1].isalnum() and name.isascii() else ""
        start = r"(?<![A-Za-z])" if name[0].isalnum() and name.isascii() else ""
        if kind == "region":
            edge += r"(?!\s?\$|\s+dollars?\b)"  # 'US$15.1 billion', 'U.S. dollars'
        out.append((re.compile(f"{start}{body}{edge}", 0 if exact else re.IGNORECASE), kind, ident))
    return tuple(out)


@functools.cache
def words(kind: str) -> re.Pattern[str]:
    """One pattern for every phrase of a kind in ``claim_words.csv`` (both languages)."""
    rows = [r for r in _rows("claim_words.csv") if r["kind"] == kind]
    if not rows:
        raise KeyError(f"no words of kind {kind!r} in claim_words.csv")
    en = "|".join(r["pattern"] for r in rows if r["lang"] == "en")
    ko = "|".join(r["pattern"] for r in rows if r["lang"] == "ko")
    parts = [f"(?<![\\w-])(?:{en})(?![\\w])"] if en else []
    parts += [f"(?:{ko})"] if ko else []
    return re.compile("|".join(parts), re.IGNORECASE)


def mentions(sentence: str) -> list[Mention]:
    """Names of flows, items and regions in a sentence, longest first, never overlapping."""
    taken = [False] * len(sentence)
    found = []
    for pattern, kind, ident in names():
        for m in pattern.finditer(sentence):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            found.append(Mention(m.start(), m.end(), kind, ident, m.group(0)))
    return sorted(found, key=lambda m: m.start)
