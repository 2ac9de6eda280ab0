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
    return tuple((pattern, kind, ident) for pattern, _, kind, ident in _names())


@functools.cache
def _names() -> tuple[tuple[re.Pattern[str], tuple[str, bool], str, str], ...]:
    """(pattern, (key, folded), kind, id): ``key``, the name's first word, is in every text
    the pattern matches (folded by ``_fold`` if ``folded``: the pattern ignores case)."""
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
        if name[0].isalnum() and name.isascii():  # the look-behind after the first letter lets
            body = f"{body[0]}(?<![A-Za-z]{body[0]}){body[1:]}"  # re skip to where it occurs
        if kind == "region":
            edge += r"(?!\s?\$|\s+dollars?\b)"  # 'US$15.1 billion', 'U.S. dollars'
        key = (name.split()[0], False) if exact else (_fold(name.split()[0]), True)
        out.append((re.compile(f"{body}{edge}", 0 if exact else re.I), key, kind, ident))
    return tuple(out)


# Beside lower case, re's IGNORECASE matches these letters to ASCII ones (tests check the list).
_ODD_CASES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _fold(text: str) -> str:
    return text.translate(_ODD_CASES).lower()


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
    return list(_mentions(sentence))


@functools.lru_cache(maxsize=8)  # a sentence's names are asked for by its figures and subjects
def _mentions(sentence: str) -> tuple[Mention, ...]:
    taken = [False] * len(sentence)
    folded = _fold(sentence)
    found = []
    for pattern, (key, fold), kind, ident in _names():
        if key not in (folded if fold else sentence):
            continue  # a plain search for the first word is many times cheaper than the pattern's
        for m in pattern.finditer(sentence):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            found.append(Mention(m.start(), m.end(), kind, ident, m.group(0)))
    return tuple(sorted(found, key=lambda m: m.start))
