"""The period a figure is about: the data month, another month, a year-earlier month, a half,
the year so far or a year.

A month named after the figure in its clause ('14.7 percent in December') wins; then a marker
before it in the sentence ('In the first half of 2017, ...', '상반기 수출은', "'13.10월 162.3억불");
then the period a previous sentence of the paragraph set (a half-year paragraph goes on); else
the data month. A money figure after 'from' that a year-earlier phrase follows ('from $21.5
billion a year earlier'), or inside '전년 동월(...)', is the year-earlier month's.
"""

from __future__ import annotations

import re

from ...months import Month
from .lexicon import words

MONTH = "month"  # the data month
PREV_YEAR = "prev_year_same_month"
YTD = "ytd"
EARLIER = "earlier"  # a period before the data month the text does not name
MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
MONTH_RE = (
    r"(?P<name>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?(?!\s*\d{1,2}\b(?!\d))"
    r"(?:,?\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b|\s+(?P<rel>this|last|the previous) year)?"
)
NAMED_MONTH = re.compile(rf"\b(?:in|for|of|during|through|to)\s+(?:the month of\s+)?"
                         rf"{MONTH_RE}")  # fmt: skip
KO_MONTH = re.compile(
    r"(?:['‘’](?P<yy>\d\d)\.\s?(?P<km>\d{1,2})월|(?:(?P<ky>(?:19|20)\d\d)년\s?)?(?P<kn>\d{1,2})월)"
    r"(?!\s?(?:부터|이후|대비|까지|\d|일))"
)
THIS_MONTH = re.compile(
    r"last month|this month|the cited month|the month(?! of)|지난달|이달|당월|the one-month period",
    re.I,
)
PREVIOUS_MONTH = re.compile(
    r"(?:in|during|for) the previous month|the month before|전월(?:에|의|은)", re.I
)
MONTH_ON_MONTH = re.compile(
    r"(?:from|over|than) (?:the previous|a|the prior) month|month-on-month|on-month|\bm/m\b|"
    r"전월\s?(?:대비|比)|전달\s?대비",
    re.I,
)
QUARTERS = ["first", "second", "third", "fourth"]
HALF_YEAR = re.compile(r"(?P<year>(?:19|20)\d\d)")
FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$|\bfrom\s+(?:the\s+)?(?:US|USD)?$", re.I)
AFTER_STREAK = re.compile(r"(?:\bafter\b|\bhad (?:previously |been )?\w+|previously)[^,.]*$", re.I)


def _month_of(number: int, year: int | None, rel: str | None, data: Month | None) -> str:
    if data is None:
        return MONTH if year is None else f"{year}-{number:02d}"
    if year is None:
        year = data.year if number <= data.month else data.year - 1
        if rel in ("last", "the previous"):
            year = data.year - 1
    label = f"{year}-{number:02d}"
    return MONTH if label == str(data) else label


def _named(match: re.Match[str], data: Month | None) -> str:
    name = match.group("name").lower().rstrip(".")
    number = next(n for n, full in enumerate(MONTH_NAMES, 1) if full.startswith(name[:3]))
    year = int(match.group("year")) if match.group("year") else None
    return _month_of(number, year, match.group("rel"), data)


def _marker(text: str, data: Month | None, *, last: bool) -> tuple[int, str] | None:
    """The first (or last) period marker in ``text``, with its position."""
    found: list[tuple[int, str]] = []
    if not text.strip():
        return None
    spans_of = {k: list(words(k).finditer(text)) for k in ("ytd", "half", "quarter")}
    spans = [(m.start(), m.end()) for k in ("ytd", "half", "quarter") for m in spans_of[k]]
    named_months = list(NAMED_MONTH.finditer(text))  # each pattern scans the text once
    for m in named_months:
        if not any(a <= m.start(1) < b for a, b in spans):
            found.append((m.start(), _named(m, data)))
    for m in KO_MONTH.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if m.group("yy"):
            year: int | None = 2000 + int(m.group("yy"))
        else:
            year = int(m.group("ky")) if m.group("ky") else None
        found.append((m.start(), _month_of(int(m.group("km") or m.group("kn")), year, None, data)))
    for m in THIS_MONTH.finditer(text):
        found.append((m.start(), MONTH))
    for m in PREVIOUS_MONTH.finditer(text):
        found.append((m.start(), str(data - 1) if data else EARLIER))
    for m in spans_of["half"]:
        year_m = HALF_YEAR.search(text, m.end(), m.end() + 12)
        year = int(year_m.group("year")) if year_m else (data.year if data else 0)
        second = re.search(r"second|last|하반기|H2", m.group(0), re.I)
        found.append((m.start(), f"{year}H{2 if second else 1}"))
    for m in spans_of["ytd"]:
        found.append((m.start(), YTD))
    for m in spans_of["quarter"]:
        digit = re.search(r"[1-4]", m.group(0))
        ordinal = m.group(0).lower().split()[0]
        n = int(digit.group(0)) if digit else 1 + QUARTERS.index(ordinal)
        year_m = HALF_YEAR.search(text, m.end(), m.end() + 12)
        year = int(year_m.group("year")) if year_m else (data.year if data else 0)
        found.append((m.start(), f"{year}Q{n}"))
    named = [(m.start(), m.end()) for m in named_months]
    for m in words("year").finditer(text):
        if any(a <= m.start() < b for a, b in named):
            continue  # 'in January this year'
        year_m = HALF_YEAR.search(m.group(0))
        found.append(
            (m.start(), year_m.group("year") if year_m else (str(data.year) if data else "year"))
        )
    if not found:
        return None
    spans_of_time = [f for f in found if f[1] == YTD or f[1][4:5] in ("H", "Q")]
    found = sorted(
        spans_of_time or found
    )  # '누계 (2020년 1월 - 2020년 7월)': the span, not a month
    return found[-1] if last else found[0]


CLAUSE_END = re.compile(r",\s(?!\d)|;|\bwhile\b|\bbut\b|\bwhereas\b|다\.|며,|고,")


def clause_end(sentence: str, end: int) -> int:
    """Where the clause of a figure ends: a comma or conjunction that starts a new subject."""
    m = CLAUSE_END.search(sentence, end)
    return m.start() if m else len(sentence)


def period_of(
    sentence: str,
    start: int,
    end: int,
    kind: str,
    data: Month | None,
    carried: str | None,
) -> str:
    """The period of the figure at ``sentence[start:end]``; ``carried``: the period the
    paragraph or the sentence's lead set."""
    before, after = sentence[:start], sentence[end : clause_end(sentence, end)]
    clause = before[clause_start(before) :]
    if kind in ("money", "percent"):
        prev = words("prev_year")
        if (FROM_BEFORE.search(before) and prev.search(after[:80])) or prev.match(after.lstrip()):
            return PREV_YEAR
        if re.search(
            r"(?:전년\s?동월|전년\s?같은\s?달|작년\s?같은\s?달|1년\s?전)\s?[(（]\s*$", before
        ):
            return PREV_YEAR
    if kind == "streak" and AFTER_STREAK.search(before[-60:]):
        return str(data - 1) if data else EARLIER
    if kind in ("streak", "turn", "record", "rank"):
        after = after[:16]  # '... for three months, with growth in December': not the streak's
    marker = _marker(after, data, last=False)
    if marker is not None:
        return marker[1]
    marker = _marker(clause, data, last=True)
    if marker is not None:
        return marker[1]
    return carried if carried is not None else MONTH


def clause_start(before: str) -> int:
    """Where the clause ending at ``len(before)`` starts: after a comma, a relative clause
    ('..., which fell during the first eight months of this year, ...') left out."""
    text = _blank_relatives(before)
    cuts = [m.start() for m in CLAUSE_BREAK.finditer(text)]
    return cuts[-1] + 1 if cuts else 0


CLAUSE_BREAK = re.compile(
    r"[,;]\s(?!\s*(?:reaching|totaling|totalling|amounting|hitting|standing)\b)"
)


def _blank_relatives(text: str) -> str:
    return re.sub(r",\s*(?:which|who)\b[^,]*,", lambda m: " " * len(m.group(0)), text)


def lead_period(lead: str, data: Month | None) -> str | None:
    """The period a sentence sets before its first figure ('In the first half of 2017, ...'):
    it goes on in the paragraph's next sentences until one sets another."""
    marker = _marker(_blank_relatives(lead), data, last=True)
    return None if marker is None else marker[1]
