"""How verify reads text dense with figures fast (bench/verify_dense.py measures it) without
reading anything differently: names are looked for only where their first word stands, once
per sentence; patterns are tried only where a match can begin, number words as a tree."""

from __future__ import annotations

import importlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.months import Month
from ictrade.release.claims import extract, mentions

lexicon = importlib.import_module("ictrade.release.claims.lexicon")
numbers = importlib.import_module("ictrade.release.claims.numbers")
events = importlib.import_module("ictrade.release.claims.events")
read = importlib.import_module("ictrade.release.claims.read")


class Counted:
    """A name's pattern that counts the sentences it is tried on."""

    def __init__(self, pattern: re.Pattern[str], tried: list[str]) -> None:
        self.pattern, self.tried = pattern, tried

    def finditer(self, text: str):  # type: ignore[no-untyped-def]
        self.tried.append(self.pattern.pattern)
        return self.pattern.finditer(text)


def test_names_are_tried_only_where_their_first_word_stands(monkeypatch):
    tried: list[str] = []
    counted = tuple((Counted(p, tried), key, kind, ident) for p, key, kind, ident in
                    lexicon._names())  # fmt: skip
    monkeypatch.setattr(lexicon, "_names", lambda: counted)
    lexicon._mentions.cache_clear()
    found = mentions("Semiconductor exports rose 16.1% to $8.5 billion.")
    assert {m.id for m in found} == {"semiconductors", "export"}
    assert 0 < len(tried) < len(counted) / 10  # of 200 names, those starting 'semiconductor'...


def test_a_sentence_s_names_are_looked_up_once():
    lexicon._mentions.cache_clear()
    text = "Semiconductors rose 16.1% to $8.5 billion. 반도체 수출은 85.2억 달러(16.1%↑)."
    extract(text, Month(2020, 11))
    info = lexicon._mentions.cache_info()
    assert (info.misses, info.hits) == (2, 2)  # each sentence read once, asked for twice


def test_letters_re_matches_to_ascii_ones_ignoring_case_are_folded():
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for ch in set(re.findall(r"[a-z]", everything, re.IGNORECASE)):
        assert lexicon._fold(ch) in "abcdefghijklmnopqrstuvwxyz", hex(ord(ch))
    assert {m.id for m in mentions("ſemiconductors and İnformation and communications "
                                   "technology")} == {"semiconductors", "total"}  # fmt: skip


def _plain(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern as it was written before: no look-ahead for where it can begin, number
    words as one alternation, longest first."""
    guarded = re.fullmatch(r"\(\?=\[[^]]*\]\)\(\?:(.*)\)", pattern.pattern, re.S)
    body = guarded.group(1) if guarded else pattern.pattern
    words = "|".join(sorted(numbers.WORDS, key=len, reverse=True))
    return re.compile(body.replace(numbers.WORD, words), pattern.flags)


FAST = [events.STREAK, events.SPAN, events.RECORD, events.TIMES, numbers.PERCENT,
        numbers.MONEY_EN, read.NOT_A_FIGURE]  # fmt: skip
TOKENS = [*numbers.WORDS, "SEVENTEEN", "Twenty", "1", "12", "2020", "3.5", "1,234", "th", "nd",
          "-", " ", "  ", ",", ".", "month", "months", "Months", "year", "years", "straight",
          "consecutive", "in a row", "for the ", "for ", "continuing ", "a rising trend",
          "%", "%p", "percent", "per cent", "pct", "percentage points", "△", "+", "−", "↑",
          "$", "US$", "USD", "€", "billion", "million", "bn", "dollars", "U.S. ", "-point-",
          "개월", "연속", "째", "달", "년", "두", "세", "번째", "역대", "최대", "사상", "월간",
          "record", "high", "highest", "new", "ever", "since", "time", "Jan", "March", "Q3",
          "H1", "https://x", "'", "‘", "ſ", "İ", "K", "x"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=24).map("".join))
def test_fast_patterns_find_what_the_plain_ones_do(text):
    for pattern in FAST:
        plain = _plain(pattern)
        assert plain.pattern != pattern.pattern
        got = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        assert got == [(m.span(), m.groupdict()) for m in plain.finditer(text)], pattern.pattern


NAME_TOKENS = ["semi", "conductors", "Semiconductors", "memory", " ", "\n", "chips", "China",
               "Hong Kong", "(including", ",", "and", "x", "US", "$", "dollars", "the", "EU",
               "United States", "반도체", "중국", "ſ", "İ"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(NAME_TOKENS), max_size=16).map("".join))
def test_names_look_behind_after_their_first_letter_as_before_it(text):
    for pattern, _, _, _ in lexicon._names():
        before = re.sub(r"^(\w)\(\?<!\[A-Za-z\]\w\)", r"(?<![A-Za-z])\1", pattern.pattern)
        plain = re.compile(before, pattern.flags)
        assert [m.span() for m in pattern.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]
