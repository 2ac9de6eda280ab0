"""Which flow, item and region each figure of a sentence is about.

A figure takes the flow, item and region named last before it in the sentence, after names
that only give a cause, examples or a relative clause are set aside ('on the back of
semiconductors and phones', '반도체는 모바일, 컴퓨터 등 수요 증가로 ...', 'peripheral devices such
as SSDs', 'semiconductors, which accounted for half of all ICT exports, fell'). A name with
figures in brackets after it ('반도체(33.6억불, 4.7%↑)', 'semiconductors (down 37.1 percent)')
owns those figures and no others. Lists paired by 'respectively' / '각각' give their i-th
figure of each kind to the i-th name. Names after a figure count when the words between say so
('worth $7.6 billion to China', 'a 36.4-percent drop in mobile phone exports', '$14.5 billion in
exports', '68억달러 흑자'); 'Vietnam imported Korean goods' is an export to Vietnam; 'China,
including Hong Kong' and 'China ... and Hong Kong' are China with Hong Kong. A sentence naming
nothing before a figure speaks of the previous sentence's subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from .lexicon import Mention, mentions, words

CONJUNCTION = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|(?:and|&)\s+(?:both\s+)?|와\s*|과\s*|및\s*|·\s*|,?\s*그리고\s*)"
    r"(?:the\s+|those\s+(?:to|of|for)\s+(?:the\s+)?)?",
    re.IGNORECASE,
)
TOPIC = re.compile(r"\s?(?:\([^)]*\))?\s?(?:은|는|이|가|의)(?=\s|$)")
AFTER_FIGURE = re.compile(  # words between a figure and a name that still speak of the figure
    r"\s*(?:worth\s+(?:of\s+)?(?:[\w-]+\s+){0,3})?(?:to|bound for|in|of|for)\s+(?:the\s+)?"
    r"|\s*(?:on-year\s+|year-on-year\s+)?(?:increase|rise|decline|drop|fall|gain|growth|jump|"
    r"surge|slide|slump|decrease|contraction|expansion)\s+(?:in|of)\s+(?:the\s+)?"
    r"(?:(?:overseas\s+|outbound\s+)?(?:(?:sales|exports|shipments)\s+of\s+(?:the\s+)?)?)?"
    r"|\s*(?:monthly\s+|outbound\s+|overseas\s+)?(?:exports?|sales|shipments)\s+of\s+(?:the\s+)?"
    r"|\s*(?:을|를)\s*차지(?:하는|한|하고\s+있는)\s*"  # '40%를 차지하는 반도체': the name after
    r"|\s*(?:monthly\s+)?",
    re.IGNORECASE,
)
TIED = r"sales|exports|shipments|increase|rise|decline|drop|fall|gain|growth|jump|overseas"
RELATIVE = re.compile(r",\s*(?:which|who)\b[^,]*,", re.I)
IMPORTED = re.compile(r"imported|수입했|수입한", re.I)
FIGURE_KINDS_AFTER = ("money", "percent")
HANGUL = re.compile(r"[가-힣]")
REGION_WORD = re.compile(r"\bthe region\b|해당 지역|이 지역", re.I)
BALANCE_AFTER = re.compile(r"흑자|적자|surplus|deficit", re.I)  # '61.7억 달러 흑자'


@dataclass(frozen=True)
class Subject:
    flow: str = "export"
    item: str = "total"
    region: str = "world"


def _spans_ko(
    sentence: str, ms: list[Mention], cues: list[re.Match[str]], stops: list[int]
) -> Iterator[tuple[int, int]]:
    """Korean causes and examples end with their cue: back to the topic or the last figure."""
    for cue in cues:
        if cue.group(0).isascii():
            continue
        start = max([0, *[s for s in stops if s <= cue.start()]])
        for m in ms:
            if start <= m.end <= cue.start() and TOPIC.match(sentence, m.end):
                start = max(start, m.end)
        yield start, cue.start()


def _spans_en(
    sentence: str, cues: list[re.Match[str]], stops: list[int]
) -> Iterator[tuple[int, int]]:
    for cue in cues:
        if not cue.group(0).isascii():
            continue
        end = min([len(sentence), *[s for s in stops if s >= cue.end()]])
        comma = sentence.find(",", cue.end(), end)
        end = comma if comma >= 0 else end
        if re.match(r"\s*,?\s*(?:which|that)\b", sentence[end:], re.I):
            continue  # '... thanks to SSDs, which grew 74.1 percent': SSDs are the subject
        yield cue.start(), end


def _owners(
    sentence: str, ms: list[Mention], figures: Sequence[tuple[int, int, str]]
) -> dict[int, Mention]:
    """Figure index -> the name whose brackets hold it: '반도체(33.6억불, 4.7%↑)'."""
    owned: dict[int, Mention] = {}
    for m in ms:
        opened = re.match(r"\s?[(（]", sentence[m.end :])
        if not opened:
            continue
        close = sentence.find(")", m.end)
        close = len(sentence) if close < 0 else close
        inside = [n for n, f in enumerate(figures) if m.end < f[0] and f[1] <= close]
        for n in inside:
            if not re.search(r"[(（].*[(（]", sentence[m.end : figures[n][0]]):
                owned.setdefault(n, m)
    return owned


def _merge_hong_kong(sentence: str, ms: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in ms:
        china = next((c for c in reversed(out) if c.id in ("china", "china_incl_hk")), None)
        if m.id == "hong_kong" and china is not None and m.start - china.end < 80:
            between = sentence[china.end : m.start]
            if re.search(r"\band\b|includ|포함|및|과|와", between) and not re.search(
                r"\d", between
            ):
                out[out.index(china)] = replace(china, id="china_incl_hk")
                continue
        out.append(m)
    return out


def _flips(sentence: str, ms: list[Mention]) -> list[Mention]:
    """'Vietnam imported Korean goods': an import by a partner is an export to it."""
    out = []
    for n, m in enumerate(ms):
        if m.kind == "flow" and m.id == "import" and IMPORTED.match(sentence, m.start) and n:
            prev = ms[n - 1]
            if prev.kind == "region" and m.start - prev.end <= 4:
                m = replace(m, id="export")
        out.append(m)
    return out


def _last_list(sentence: str, ms: list[Mention]) -> list[Mention]:
    """The last run of two or more names of one kind joined by 'and', ',', '와', '및'..."""
    best: list[Mention] = []
    for kind in ("flow", "item", "region"):
        run: list[Mention] = []
        for m in (m for m in ms if m.kind == kind):
            if run and CONJUNCTION.fullmatch(sentence[run[-1].end : m.start]):
                run.append(m)
            else:
                run = [m]
            if len(run) >= 2 and (not best or run[-1].end > best[-1].end):
                best = list(run)
    if not best and ms:  # 'both computers and peripheral devices': one name, two children
        last = ms[-1]
        parts = re.split(r"\s+and\s+|\s*및\s*|·", last.text)
        found = [mentions(p) for p in parts] if len(parts) == 2 else []
        if found and all(len(f) == 1 and f[0].kind == last.kind for f in found):
            best = [replace(last, id=f[0].id) for f in found]
    return best


def _respectively(
    sentence: str, ms: list[Mention], figures: Sequence[tuple[int, int, str]]
) -> dict[int, Mention]:
    """Figure index -> the name a 'respectively' / '각각' list pairs it with."""
    paired: dict[int, Mention] = {}

    def named_between(a: int, b: int) -> bool:
        return any(a <= m.start and m.end <= b for m in ms)

    for cue in words("respectively").finditer(sentence):
        if cue.group(0).isascii():
            scope = [n for n, f in enumerate(figures) if f[1] <= cue.start()]
            while len(scope) > 1 and named_between(figures[scope[0]][1], figures[scope[1]][0]):
                scope = scope[1:]
            keep = [scope[-1]] if scope else []
            for n in reversed(scope[:-1]):
                if named_between(figures[n][1], figures[keep[0]][0]):
                    break
                keep.insert(0, n)
            scope = keep
        else:
            scope = []
            for n, f in enumerate(figures):
                if f[0] >= cue.end() and not named_between(
                    figures[scope[-1]][1] if scope else cue.end(), f[0]
                ):
                    scope.append(n)
        if not scope:
            continue
        first = figures[scope[0]][0]
        lo = max([0, *[f[1] for f in figures if f[1] <= first]])
        run = _last_list(sentence, [m for m in ms if lo <= m.start and m.end <= first])
        by_kind: dict[str, list[int]] = {}
        for n in scope:
            by_kind.setdefault(figures[n][2], []).append(n)
        for group in by_kind.values():
            if len(run) >= 2 and len(group) == len(run):
                paired.update({n: run[i] for i, n in enumerate(group)})
    return paired


def _set_aside(
    sentence: str, ms: list[Mention], figures: Sequence[tuple[int, int, str]]
) -> list[Mention]:
    """Names that give causes, examples or a relative clause, not subjects."""
    starts, ends = [f[0] for f in figures], [f[1] for f in figures]
    spans = [(m.start(), m.end()) for m in RELATIVE.finditer(sentence)]
    for kind in ("cause", "example"):
        cues = list(words(kind).finditer(sentence))  # one scan for both languages' cues
        spans += list(_spans_en(sentence, cues, starts))
        spans += list(_spans_ko(sentence, ms, cues, ends))
    return [m for m in ms if not any(a <= m.start and m.end <= b for a, b in spans)]


def _pulled_forward(
    sentence: str, ms: list[Mention], figures: Sequence[tuple[int, int, str]]
) -> list[Mention]:
    """Names after a figure that the words between tie to it move just before it."""
    out = list(ms)
    for f in figures:
        if f[2] not in FIGURE_KINDS_AFTER:
            continue
        pos = f[1]
        for n, m in enumerate(out):
            if m.start < pos:
                continue
            gap = sentence[pos : m.start]
            if not gap.strip() and m.kind != "flow":
                break
            if not AFTER_FIGURE.fullmatch(gap) or any(pos <= g[0] < m.start for g in figures):
                break
            if m.kind == "flow" and not re.search(rf"\bin\s*$|worth|{TIED}", gap):
                break
            out[n] = replace(m, start=f[0] - 1, end=f[0] - 1)
            pos = m.end
    return sorted(out, key=lambda m: m.start)


def subjects(
    sentence: str,
    figures: Sequence[tuple[int, int, str]],
    context: Subject,
    *,
    carry_region: bool = False,
) -> list[Subject]:
    """The subject of each figure (start, end, kind) of ``sentence``."""
    raw = _flips(sentence, _merge_hong_kong(sentence, mentions(sentence)))
    owners = _owners(sentence, raw, figures)
    paired = _respectively(sentence, raw, figures)
    owning = {id(m) for m in owners.values()}
    ms = _pulled_forward(sentence, _set_aside(sentence, raw, figures), figures)
    hangul = HANGUL.search(sentence) is not None
    region_word = next((m.end() for m in REGION_WORD.finditer(sentence)), None)
    out = []
    for n, (start, end, kind) in enumerate(figures):
        usable = [m for m in ms if id(m) not in owning or owners.get(n) is m
                  or TOPIC.match(sentence, m.end)]  # fmt: skip
        before = [m for m in usable if m.end <= start]
        last = {m.kind: m.id for m in before}
        if kind in ("streak", "turn", "record", "rank") and not before:
            last = {}
            for m in reversed([m for m in usable if m.start >= end]):
                last[m.kind] = m.id  # the first named after it
        if kind == "record":  # 'a record monthly sales of semiconductors', 'record-high surplus'
            pos = end
            for m in (m for m in raw if m.start >= end):
                if m.kind == "region" or not AFTER_FIGURE.fullmatch(sentence[pos : m.start]):
                    break
                last[m.kind], pos = m.id, m.end
        inside = next((m for m in raw if m.kind == "flow" and start <= m.start < end), None)
        balance = next(
            (
                m
                for m in raw
                if m.kind == "flow" and 0 <= m.start - end <= 4 and BALANCE_AFTER.match(m.text)
            ),
            None,
        )
        for given in (inside, balance, owners.get(n), paired.get(n)):
            if given is not None:
                last[given.kind] = given.id
        if "flow" not in last and hangul:
            later = next((m for m in raw if m.kind == "flow" and m.start >= end), None)
            if later is not None:  # verb-final: '중국(47.5억불)에서 최대 흑자', '...으로의 수출이'
                last["flow"] = later.id
        if (
            region_word is not None
            and region_word <= start
            and "region" not in last
            and context.region != "world"
        ):
            last["region"] = context.region  # 'exports to the region accounted for 44.7 percent'
        if last:
            default_flow = "export" if context.flow == "balance" else context.flow
            carry = carry_region and "flow" not in last and last.get("item", "total") != "total"
            region = context.region if carry and "region" not in last else "world"
            out.append(
                Subject(last.get("flow", default_flow), last.get("item", "total"),
                        last.get("region", region))
            )  # fmt: skip
        else:
            out.append(context)
    return out
