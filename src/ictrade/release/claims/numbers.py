"""Amounts as texts print them: '$16.6 billion', '136억4000만달러', '151억 2천만 달러',
'12-point-seven billion dollars', '△8.3%', '31.5%↑', 'seven percent', '15개월 연속'.

Each amount keeps the step it is printed to, in its own unit: '$860 million' is 860 at 10
(whole millions ending in 0 are taken to the ten), '136억4000만' is 136.4억 at 0.1억, '82억' is
82억 at 1억, '$2 billion' is 2 at 1 billion.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol, TypeVar

UNITS_EN = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "bln": 1e9, "million": 1e6, "mn": 1e6,
            "mln": 1e6}  # fmt: skip
UNITS_KO = {"조": 1e12, "억": 1e8, "천만": 1e7, "백만": 1e6, "만": 1e4, "천": 1e3}
DIGIT_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
KO_COUNTS = {"한": 1, "두": 2, "세": 3, "석": 3, "네": 4, "넉": 4, "다섯": 5, "여섯": 6}


def one_of(words: Collection[str]) -> str:
    """A pattern for any of ``words`` (the longest at a place first) as a tree of their shared
    beginnings, 's(?:even(?:teen)?|ix)': re follows one branch by its letters instead of trying
    every word at every place (dense text read twice as fast)."""
    heads: dict[str, list[str]] = {}
    for word in sorted(words):
        if word:
            heads.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(head) + one_of(rest) for head, rest in heads.items()]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in words else body  # greedy: the longer word first


WORDS = [*DIGIT_WORDS, *ORDINAL_WORDS]
WORD = one_of(WORDS)
# A number starts where no digit, point or digit-comma stands before it: without this, every
# position inside a long run of digits would start a new match (quadratic on hostile text).
# Nor after an exponent ('1e308') or an Arabic decimal or thousands sign ('١٥٫٨').
START = r"(?<![\d.٫٬])(?<!\d,)(?<!\d[eE])"
# Commas group thousands in threes ('1,234.5'); a number with any other comma ('16,6', a
# decimal comma) is none of its parts, for no part of it is the figure meant.
DIGITS = rf"{START}(?:\d{{1,3}}(?:,\d{{3}})++|\d++)(?:\.\d+)?(?![\d,]*\d)"
# '12-point-seven', 'six-point-87' (broadcast style), plain digits, or a number word
SPELLED = rf"(?:{START}\d+|{WORD})-point-(?:\d+|{WORD})(?:-(?:\d+|{WORD}))*"
NUM = rf"(?:{SPELLED}|{DIGITS}|\b(?:{WORD})\b)"
WORD_STARTS = "".join(sorted({w[0] for w in WORDS}))


def starting_with(chars: str, pattern: str) -> str:
    """``pattern`` tried only where one of ``chars`` (a character class's inside) stands: re
    skips other places at C speed instead of trying every alternative at each (figure-dense
    text read several times faster). Every match of ``pattern`` must begin with one of them."""
    return f"(?=[{chars}])(?:{pattern})"


MONEY_EN = re.compile(
    starting_with(
        rf"\d$€U{WORD_STARTS}",
        rf"(?:(?:US\s?\$|USD\s?|\$|€)\s?(?P<a>{DIGITS})"
        r"(?:\s*(?P<au>trillion|billion|million|bn|mn|bln|mln)\b)?)"
        rf"|(?:(?P<b>{SPELLED}|{DIGITS})\s*(?P<bu>trillion|billion|million)\s+"
        r"(?:(?:U\.S\.|US|American)\s+)?dollars?\b)"
        rf"|(?:(?P<c>{DIGITS})\s*(?P<cu>billion|million|bn|mn)\s+(?:USD|US\$|\$)(?![\w$]))",
    ),
    re.IGNORECASE,
)
MONEY_KO = re.compile(
    rf"(?P<parts>{START}(?:\d[\d,]*(?:\.\d+)?\s*(?:조|억|천만|백만|만|천)\s*)+)"
    r"(?P<cur>달러|불|弗|\$)"
)
# Units stand between the parts, so a run of digits splits into parts one way only.
KO_UNIT = "조|억|천만|백만|만|천"
WON = re.compile(
    rf"(?P<num>{DIGITS}(?:\s*(?:{KO_UNIT})\s*\d[\d,]*(?:\.\d+)?)*(?:\s*(?:{KO_UNIT}))?)"
    r"\s*(?:won\b|원)",
    re.I,
)
PERCENT = re.compile(
    starting_with(
        rf"+\-−△▽▲▼\d{WORD_STARTS}",
        rf"(?P<sign>[+\-−△▽▲▼]\s?)?(?P<num>{NUM})\s*-?\s*"
        r"(?P<unit>percentage points?|%\s?p\b|%p|%포인트|pp\b|%|percent\b|per cent\b|pct\b\.?"
        r"|퍼센트)"
        r"(?P<arrow>\s?[↑↓▲▼])?",
    ),
    re.IGNORECASE,
)
RANGE_AFTER = re.compile(r"\s?대(?![한형규])")  # '100억달러대', '10%대': a range, not a value


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    kind: str  # 'money' (USD), 'won' or 'percent'
    value: float  # in ``unit``; unsigned unless the text gives a sign
    unit: float
    step: float
    sign: int | None = None  # from a printed sign or arrow
    contribution: bool = False  # percentage points


def number_word(text: str) -> float | None:
    """'16.6' -> 16.6, '1,391.59' -> 1391.59, 'seven' -> 7, 'six-point-87' -> 6.87."""
    t = text.lower().replace(",", "")
    if "-point-" in t:
        whole, _, frac = t.partition("-point-")
        digits = "".join(str(DIGIT_WORDS.get(p, p)) for p in frac.split("-"))
        head = number_word(whole)
        return None if head is None or not digits.isdigit() else float(f"{int(head)}.{digits}")
    if t in DIGIT_WORDS:
        return float(DIGIT_WORDS[t])
    if t in ORDINAL_WORDS:
        return float(ORDINAL_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def step_of(text: str) -> float:
    """Printing step of a number: '16.6' -> 0.1, '328' -> 1, 'six-point-87' -> 0.01."""
    t = text.replace(",", "")
    if "-point-" in t:
        frac = t.partition("-point-")[2]
        n = sum(len(str(DIGIT_WORDS.get(p, p))) for p in frac.split("-"))
        return 10.0**-n
    if "." in t:
        return 10.0 ** -len(t.split(".")[1])
    return 1.0


def _trailing_zero_step(digits: str, step: float) -> float:
    """Whole numbers ending in zeros are printed to the ten ('$860 million', '4000만')."""
    plain = digits.replace(",", "")
    if step != 1.0 or not plain.isdigit() or int(plain) == 0:
        return step
    zeros = len(plain) - len(plain.rstrip("0"))
    return 10.0 ** min(zeros, 3) if zeros else step


def korean_money(parts: str) -> tuple[float, float, float]:
    """'136억4000만' -> (136.4, 1e8, 0.1); '151억 2천만' -> (151.2, 1e8, 0.1)."""
    pieces = re.findall(r"(\d[\d,]*(?:\.\d+)?)\s*(조|억|천만|백만|만|천)", parts)
    total = sum(float(n.replace(",", "")) * UNITS_KO[u] for n, u in pieces)
    head = UNITS_KO[pieces[0][1]]
    last_n, last_u = pieces[-1]
    step = _trailing_zero_step(last_n, step_of(last_n)) * UNITS_KO[last_u]
    if len(pieces) == 1:
        step = step_of(last_n) * UNITS_KO[last_u]  # '82억' is to the 억, '860억' too
    return total / head, head, step / head


def amounts(sentence: str) -> list[Amount]:
    """Money and percentages of a sentence, in order, never overlapping."""
    found: list[Amount] = []
    for m in MONEY_EN.finditer(sentence):
        digits = m.group("a") or m.group("b") or m.group("c")
        value = number_word(digits)
        unit_word = (m.group("au") or m.group("bu") or m.group("cu") or "").lower()
        if value is None or not unit_word:
            continue  # '$2.3' cut off before its unit: a number verify cannot read
        unit = UNITS_EN.get(unit_word, 1.0)
        step = step_of(digits)
        if unit == 1e6:
            step = _trailing_zero_step(digits, step) if step == 1.0 else step
            step = min(step, 10.0)
        found.append(Amount(m.start(), m.end(), "money", value, unit, step))
    for m in MONEY_KO.finditer(sentence):
        value, unit, step = korean_money(m.group("parts"))
        end = m.end()
        found.append(Amount(m.start(), end, "money", value, unit, step))
    for m in WON.finditer(sentence):  # '1,391.59 won per dollar', '1조2000억원': not in USD
        text = m.group("num").strip()
        if re.search(r"[조억만천]", text):
            value, unit, step = korean_money(text)
        else:
            value, unit, step = number_word(text) or 0.0, 1.0, step_of(text)
        found.append(Amount(m.start(), m.end(), "won", value, unit, step))
    for m in PERCENT.finditer(sentence):
        value = number_word(m.group("num"))
        if value is None:
            continue
        sign = None
        mark = (m.group("sign") or "").strip() + (m.group("arrow") or "").strip()
        if mark:
            sign = -1 if any(ch in mark for ch in "-−△▽▼↓") else 1
        unit_word = m.group("unit").lower()
        contribution = unit_word.startswith(("percentage", "pp", "%p", "% p", "%포인트"))
        found.append(
            Amount(
                m.start(), m.end(), "percent", value, 1.0, step_of(m.group("num")), sign,
                contribution,
            )
        )  # fmt: skip
    return leftmost_longest(found)


class Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Span)


def leftmost_longest(found: list[S]) -> list[S]:
    """The spans that do not overlap an earlier one, the longest first at a place."""
    out: list[S] = []
    for a in sorted(found, key=lambda a: (a.start, -a.end)):
        if not out or a.start >= out[-1].end:
            out.append(a)
    return out


def range_width(value: float) -> float:
    """'90억달러대' spans 90-99억, '100억달러대' 100-199억, '10%대' 10-19.9%: the place of the
    last non-zero digit."""
    whole = int(value)
    if whole <= 0 or whole != value:
        return 1.0
    width = 1
    while whole % (width * 10) == 0:
        width *= 10
    return float(width)


def is_range(sentence: str, end: int) -> bool:
    return RANGE_AFTER.match(sentence, end) is not None
