"""Figures in a release or news text (English or Korean), each with the subject it is about.

A text is cut into sentences; in each, every figure (money, growth rate, streak, turn, record)
is tied to the nearest flow, item and region named before it in the sentence, or to the
subject of the previous sentence when the sentence names none ("This is the 6th consecutive
month ..."). Names come from taxonomy.csv, regions.csv and ``data/synonyms.csv``.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..classify import regions, taxonomy

_CARDINALS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
_ORDINALS = [
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
COUNT_WORDS = {
    **{w: n for n, w in enumerate(_CARDINALS, start=2)},
    **{w: n for n, w in enumerate(_ORDINALS, start=2)},
    "두": 2,
    "세": 3,
}
WORD = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
UP = (
    r"up|ris(?:e|es|en)|rose|increas\w*|advanc\w*|jump\w*|gr[eo]w\w*|gain\w*|expand\w*|"
    r"climb\w*|surg\w*|higher|positive|증가|상승|늘"
)
DOWN = (
    r"down|f[ae]ll\w*|declin\w*|decreas\w*|contract\w*|drop\w*|plung\w*|lower|shr[ai]nk\w*|"
    r"slid\w*|negative|감소|하락|줄"
)
MONEY = re.compile(
    r"(?:(?:US\$|USD|\$)\s?(?P<en>\d[\d,]*(?:\.\d+)?)\s*(?P<en_unit>billion|million|bn|mn)\b)"
    r"|(?:(?P<ko>\d[\d,]*(?:\.\d+)?)\s*(?P<ko_unit>억|백만|만)\s*(?:달러|불))"
)
PERCENT = re.compile(
    r"(?P<sign>[+\-−])?(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>percentage points?|%p|pp\b|%|percent\b|"
    r"per cent\b)"
)
STREAK = re.compile(
    rf"(?P<n>\d+)(?:st|nd|rd|th) (?:consecutive|straight) month"
    rf"|(?P<w>{WORD}) (?:consecutive |straight )?months? in a row"
    rf"|(?P<w2>{WORD}) (?:consecutive|straight) months?"
    rf"|(?P<ko>\d+)개월 연속",
    re.IGNORECASE,
)
TURN = re.compile(r"first time in (?P<w>\w+) months|(?P<ko>\d+)개월 만에")
RECORD = re.compile(
    r"(?P<rank>highest|second[- ]highest|third[- ]highest)|record for the month of"
    r"|record high|all-time high|역대 (?P<ko>최대|두 번째|세 번째)"
)
FLAT = re.compile(r"\bwas flat\b|\bflat (?:at|compared)|보합|같은 수준")
YTD = re.compile(r"year[- ]to[- ]date|January(?: \d{4})? to \w+|cumulative|누계|1~\d+월")
SHARE = re.compile(r"share|accounting for|accounted for|비중")
DEFICIT = re.compile(r"deficit|적자")
MONTHS_EN = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
NOT_A_FIGURE = re.compile(  # dates, years, ordinals and labels: numbers that are no claim
    rf"\d{{4}}-\d{{2}}(?:-\d{{2}})?|\b(?:19|20)\d{{2}}\b|\d{{4}}년|\d{{1,2}}(?:월|일)|"
    rf"{MONTHS_EN}\.? \d{{1,2}}\b|\b\d+(?:st|nd|rd|th)\b|\b[HQ][1-4]\b|\d+[A-Z]\b|"
    r"compare \d+ periods|\d+개 기간|\d+ (?:years|half-years) in the data|\d+개 (?:연도|반기)|"
    r"\b1~(?=\d{1,2}월)"
)
COVERAGE = re.compile(r"\bcover|포괄")
HALF_YEAR = re.compile(r"half-year|반기")
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![A-Za-z0-9])")
ABBREVIATION = re.compile(rf"(?:\bU\.S\.|\b{MONTHS_EN}\.|\bNo\.|\bvs\.)$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\sa-z])")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # 'flow', 'item', 'region'
    id: str


@dataclass
class Claim:
    """One figure the text prints, with its subject and how precisely it is printed."""

    text: str  # the figure as printed
    sentence: str
    measure: str  # 'value', 'yoy', 'flat', 'share', 'contribution', 'streak', 'turn', 'record'
    # or 'threshold' / 'number' (a number verify cannot read)
    flow: str
    item: str
    region: str
    printed: float = 0.0  # in ``unit`` (e.g. 16.6 with unit 1e9)
    unit: float = 1.0
    step: float = 1.0  # printing precision, in ``unit``
    scope: str = "month"  # or 'ytd'
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return f"{self.flow}/{self.item}/{self.region}"


@functools.cache
def lexicon() -> list[tuple[re.Pattern[str], str, str]]:
    """(pattern, kind, id), longest names first so 'memory chips' wins over 'memory'."""
    names: list[tuple[str, str, str]] = []
    for item in taxonomy().items:
        names += [(item.name_en, "item", item.id), (item.name_ko, "item", item.id)]
    for region in regions().regions:
        names += [(region.name_en, "region", region.id), (region.name_ko, "region", region.id)]
    text = resources.files("ictrade").joinpath("data", "synonyms.csv").read_text("utf-8")
    names += [(r["text"], r["kind"], r["id"]) for r in csv.DictReader(text.splitlines())]
    out: list[tuple[re.Pattern[str], str, str]] = []
    for name, kind, ident in sorted(set(names), key=lambda n: -len(n[0])):
        if not name or (kind == "region" and ident == "world" and name == "전체"):
            continue
        exact = name.isupper() or not name.isascii()
        body = re.escape(name).replace(r"\ ", r"\s+")
        edge = r"\b" if name[-1].isalnum() and name.isascii() else ""
        start = r"\b" if name[0].isalnum() and name.isascii() else ""
        flags = 0 if exact else re.IGNORECASE
        out.append((re.compile(f"{start}{body}{edge}", flags), kind, ident))
    return out


def mentions(sentence: str) -> list[Mention]:
    """Names of flows, items and regions in a sentence, longest first, never overlapping."""
    taken = [False] * len(sentence)
    found = []
    for pattern, kind, ident in lexicon():
        for m in pattern.finditer(sentence):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            found.append(Mention(m.start(), m.end(), kind, ident))
    return sorted(found, key=lambda m: m.start)


def sentences(text: str) -> list[str]:
    """Sentences of prose; Markdown tables and the editor's notes are not claims."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip().removeprefix("- ").strip()
        if not line or line.startswith(("|", ">")):
            continue
        joined: list[str] = []
        for piece in SENTENCE_END.split(line):
            if joined and (ABBREVIATION.search(joined[-1]) or piece[:1].islower()):
                joined[-1] += " " + piece  # 'the U.S. exports', 'on Dec. 15'
            else:
                joined.append(piece)
        out += joined
    return out


def _number(text: str) -> tuple[float, float]:
    """The value and printing step of '16.6' (0.1), '328' (1), '860' (10: trailing zero)."""
    digits = text.replace(",", "")
    if "." in digits:
        return float(digits), 10.0 ** -len(digits.split(".")[1])
    return float(digits), 1.0


def _count(word: str | None) -> int | None:
    if word is None:
        return None
    return int(word) if word.isdigit() else COUNT_WORDS.get(word.lower())


@dataclass
class Context:
    flow: str = "export"
    item: str = "total"
    region: str = "world"


def _subject(
    ms: list[Mention], pos: int, ctx: Context, *, look_after: bool = False
) -> tuple[str, str, str]:
    """The flow, item and region named last before ``pos``; for a streak, turn or record in
    a sentence that names nothing before it, those named after it ('... month of growth for
    semiconductors in exports to Vietnam'); else the previous sentence's subject."""
    before = [m for m in ms if m.end <= pos]
    if look_after and not before:
        before = [m for m in ms if m.start >= pos]
    last = {m.kind: m.id for m in before}
    if "item" in last or "region" in last or "flow" in last:
        # a sentence naming only a flow ('Imports reached ...') speaks of the total
        item, region = last.get("item", "total"), last.get("region", "world")
        default_flow = "export" if ctx.flow == "balance" else ctx.flow
    else:
        item, region, default_flow = ctx.item, ctx.region, ctx.flow
    return last.get("flow", default_flow), item, region


def _sign(sentence: str, start: int, end: int, lo: int, hi: int) -> int | None:
    """+1 or -1 from the direction word nearest the figure, None when there is none."""
    best: tuple[int, int] | None = None
    for pattern, sign in ((UP, 1), (DOWN, -1)):
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})", sentence[lo:start]):
            distance = start - (lo + m.end())
            best = min(best or (distance, sign), (distance, sign))
        m2 = re.search(rf"(?<![\w-])(?:{pattern})", sentence[end:hi])
        if m2:
            best = min(best or (m2.start(), sign), (m2.start(), sign))
    return None if best is None else best[1]


def _figures(sentence: str) -> list[tuple[int, int, str, re.Match[str]]]:
    found = []
    for kind, pattern in (
        ("money", MONEY),
        ("percent", PERCENT),
        ("streak", STREAK),
        ("turn", TURN),
        ("record", RECORD),
        ("flat", FLAT),
    ):
        found += [(m.start(), m.end(), kind, m) for m in pattern.finditer(sentence)]
    found.sort(key=lambda f: f[0])
    out: list[tuple[int, int, str, re.Match[str]]] = []
    for f in found:  # a figure inside another (a percent in a streak phrase) is not its own
        if not out or f[0] >= out[-1][1]:
            out.append(f)
    return out


def _stray_numbers(
    sentence: str, figures: list[tuple[int, int, str, re.Match[str]]], ms: list[Mention]
) -> list[tuple[int, int, str, re.Match[str]]]:
    """Numbers outside every figure, name, date and label: claims verify cannot read."""
    spans = [(f[0], f[1]) for f in figures] + [(m.start, m.end) for m in ms]
    spans += [(m.start(), m.end()) for m in NOT_A_FIGURE.finditer(sentence)]
    return [
        (m.start(), m.end(), "number", m)
        for m in NUMBER.finditer(sentence)
        if not any(a <= m.start() < b for a, b in spans)
    ]


def _money(claim: Claim, m: re.Match[str], sentence: str) -> None:
    if m.group("en"):
        value, step = _number(m.group("en"))
        unit = 1e9 if m.group("en_unit") in ("billion", "bn") else 1e6
        if unit == 1e6 and step == 1.0 and value % 10 == 0 and value:
            step = 10.0  # '$860 million' is printed to the ten million
    else:
        value, step = _number(m.group("ko"))
        unit = {"억": 1e8, "백만": 1e6, "만": 1e4}[m.group("ko_unit")]
    near = sentence[max(0, m.start() - 25) : m.end() + 12]
    if claim.flow == "balance" and DEFICIT.search(near):
        value = -value
    if re.search(r"(?:above|over|more than|exceed\w*)\s*$", sentence[: m.start()]) or re.match(
        r"\s*(?:를|을)?\s*(?:이상|넘|돌파|상회)", sentence[m.end() :]
    ):
        claim.measure = "threshold"
    claim.printed, claim.unit, claim.step = value, unit, step


def _percent(claim: Claim, m: re.Match[str], sentence: str, lo: int, hi: int) -> None:
    value, step = _number(m.group("num"))
    unit = m.group("unit")
    if unit.startswith(("percentage", "%p", "pp")):
        claim.measure = "contribution"
    elif SHARE.search(sentence[lo : m.start()]):
        claim.measure = "share"
    elif COVERAGE.search(sentence[lo : m.start()]):
        claim.measure = "coverage"
    if m.group("sign"):
        sign: int | None = -1 if m.group("sign") in "-−" else 1
    else:
        sign = _sign(sentence, m.start(), m.end(), lo, hi) if claim.measure == "yoy" else 1
    claim.printed, claim.step = value * (sign or 1), step
    claim.args["signed"] = sign is not None


def _event(claim: Claim, kind: str, m: re.Match[str], sentence: str) -> None:
    after, whole = sentence[m.end() :], sentence
    if kind == "streak":
        claim.args["months"] = _count(
            m.group("n") or m.group("w") or m.group("w2") or m.group("ko")
        )
        down = re.search(rf"(?<![\w-])(?:{DOWN})", after) or (
            not re.search(rf"(?<![\w-])(?:{UP})", after)
            and re.search(rf"(?<![\w-])(?:{DOWN})", whole)
        )
        double = re.search(r"double[- ]digit|두 자릿수", whole)
        claim.args["kind"] = (
            f"yoy_double_digit_{'decline' if down else 'growth'}"
            if double
            else ("yoy_decline" if down else "yoy_growth")
        )
    elif kind == "turn":
        claim.args["months"] = _count(m.group("w") or m.group("ko"))
        fell = re.search(r"\bfell\b|decline|decrease|negative|감소", whole)
        grew = re.search(r"growth|increase|positive|rose|증가", whole)
        claim.args["kind"] = "decline_after_growth" if fell and not grew else "growth_after_decline"
    elif kind == "record":
        word = (m.group("rank") or m.group("ko") or "").replace(" ", "-").lower()
        claim.args["rank"] = (
            2
            if word.startswith(("second", "두"))
            else (3 if word.startswith(("third", "세")) else 1)
        )
        calendar = re.search(r"for the month of|\d+월 (?:기준|중)", whole)
        claim.args["kind"] = "calendar_month_high" if calendar else "all_time_high"
        if HALF_YEAR.search(whole):
            claim.scope = "half_year"


def _thresholds_to_streaks(sentence_claims: list[Claim]) -> None:
    """'above $10 billion for the 11th straight month': the streak is the threshold's."""
    level = next((c for c in sentence_claims if c.measure == "threshold"), None)
    if level is None:
        return
    for claim in sentence_claims:
        if claim.measure == "streak":
            claim.args["kind"] = "above_threshold"
            claim.args["threshold_usd"] = level.printed * level.unit


def extract(text: str) -> list[Claim]:
    """Every figure of ``text`` with its subject."""
    claims: list[Claim] = []
    ctx = Context()
    for sentence in sentences(text):
        ms, figures = mentions(sentence), _figures(sentence)
        figures = sorted(figures + _stray_numbers(sentence, figures, ms), key=lambda f: f[0])
        scope = "ytd" if YTD.search(sentence) else "month"
        first: Claim | None = None
        for n, (start, _end, kind, m) in enumerate(figures):
            event = kind in ("streak", "turn", "record")
            flow, item, region = _subject(ms, start, ctx, look_after=event)
            measure = {"money": "value", "percent": "yoy"}.get(kind, kind)
            claim = Claim(m.group(0), sentence, measure, flow, item, region, scope=scope)
            lo = figures[n - 1][1] if n else 0
            hi = figures[n + 1][0] if n + 1 < len(figures) else len(sentence)
            if kind == "number":
                claims.append(claim)
                continue
            if kind == "money":
                _money(claim, m, sentence)
            elif kind == "percent":
                _percent(claim, m, sentence, lo, hi)
            else:
                _event(claim, kind, m, sentence)
            claims.append(claim)
            first = first or claim
        _thresholds_to_streaks(claims[len(claims) - len(figures) :])
        if first is not None:
            ctx = Context(first.flow, first.item, first.region)
    return claims
