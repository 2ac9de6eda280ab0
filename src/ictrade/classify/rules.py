"""HS codes to the items of a scheme, by dated rules kept as data (``rules/<scheme>.csv``).

Each rule maps an HS prefix (2 to 10 digits) to an item of taxonomy.csv, or to ``non_ict``,
for the months ``valid_from``..``valid_to`` (inclusive; empty means open). For a line of month M:

* the longest rule prefix that starts the code wins;
* a code coarser than the rules under it (an HS6 line where the rules are HSK10) goes to the
  deepest item that all those rules share, together with its covering rule if it has one;
* a code whose rules mix ICT and non-ICT items is *mixed*: it is counted as its covering rule
  says (at the deepest item its ICT rules share) and reported, so a user can add a finer rule;
* a code with no covering rule (an HS4 line) follows the outermost rules under it: outside the
  basket if they all exclude, else the deepest item its ICT rules share.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources

from ..errors import ReferenceDataError, UsageError
from ..months import Month
from .taxonomy import taxonomy
from .validity import FIRST, LAST, Valid

NON_ICT = "non_ict"
_CODE = re.compile(r"^\d{2,10}$", re.ASCII)  # not fullwidth or Arabic-Indic digits
_FIRST, _LAST = FIRST, LAST  # month indexes for open rule bounds


@dataclass(frozen=True)
class Rule(Valid):
    prefix: str
    item: str
    confidence: str = ""
    basis: str = ""
    label: str = ""

    def period(self) -> str:
        start = "" if self.valid_from == _FIRST else str(Month.from_index(self.valid_from))
        end = "" if self.valid_to == _LAST else str(Month.from_index(self.valid_to))
        return f"{start or 'always'}..{end or 'open'}" if (start or end) else "always"

    def record(self) -> dict[str, object]:
        """For JSON and CSV: the bounds as months, None when open."""
        return {
            "prefix": self.prefix,
            "item": self.item,
            "valid_from": month_bound(self.valid_from),
            "valid_to": month_bound(self.valid_to),
            "confidence": self.confidence,
            "basis": self.basis,
            "label": self.label,
        }


def month_bound(index: int) -> str | None:
    """A rule or period bound as YYYY-MM; None when open."""
    return None if index in (_FIRST, _LAST) else str(Month.from_index(index))


@dataclass
class Decision:
    """Where a code goes in a month, and why (what ``ictrade classify`` prints)."""

    code: str
    month: Month
    item: str  # an item id, or NON_ICT
    covering: Rule | None  # the longest rule whose prefix starts the code
    finer: list[Rule] = field(default_factory=list)  # valid rules whose prefix extends the code
    mixed: bool = False

    @property
    def is_ict(self) -> bool:
        return self.item != NON_ICT

    def record(self) -> dict[str, object]:
        return {
            "code": self.code,
            "month": str(self.month),
            "item": self.item,
            "ict": self.is_ict,
            "mixed": self.mixed,
            "covering": self.covering.record() if self.covering else None,
            "finer": [r.record() for r in self.finer],
        }

    def explain(self) -> str:
        lines = [f"{self.code} in {self.month}: {self.item}"]
        if self.covering is not None:
            r = self.covering
            lines.append(
                f"  covering rule: prefix {r.prefix} -> {r.item} ({r.period()}, "
                f"confidence {r.confidence or 'n/a'}){': ' + r.basis if r.basis else ''}"
            )
        elif not self.finer:
            lines.append("  no rule's prefix starts this code this month: outside the ICT basket")
        else:
            lines.append("  no rule's prefix starts this code: the rules under it decide")
        if self.finer:
            items = sorted({r.item for r in self.finer})
            if self.item != NON_ICT:
                how = f"it goes to {self.item}, the deepest item they share"
            elif self.covering is not None:
                how = "it stays outside the basket, as its covering rule says"
            else:
                how = "the outermost of them exclude it"
            lines.append(
                f"  the code is coarser than {len(self.finer)} rule(s) under it "
                f"({', '.join(items)}): {how}"
            )
            lines.extend(
                f"    {r.prefix} -> {r.item} ({r.period()}){': ' + r.label if r.label else ''}"
                for r in self.finer
            )
        if self.mixed:
            by = "its covering rule says" if self.covering else "the outermost rules under it say"
            lines.append(
                "  MIXED: the rules under this code are partly ICT and partly not; it is counted "
                f"as {by}. Report finer codes (HSK10) to split it."
            )
        return "\n".join(lines)


class Scheme:
    """A named set of dated rules with a cached classifier."""

    def __init__(self, name: str, rules: list[Rule]) -> None:
        self.name = name
        self.rules = sorted(rules, key=lambda r: (r.prefix, r.valid_from))
        self._by_head: dict[str, list[Rule]] = {}
        for rule in self.rules:
            self._by_head.setdefault(rule.prefix[:2], []).append(rule)

    def classify(self, code: str, month: Month) -> Decision:
        """Classify one HS code as reported, in one month."""
        if not _CODE.match(code):
            raise UsageError(f"HS code '{code}' is not 2 to 10 digits")
        return self._decide(code, month.index)

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - schemes live as long as the process
    def _decide(self, code: str, month_index: int) -> Decision:
        month = Month.from_index(month_index)
        candidates = [r for r in self._by_head.get(code[:2], []) if r.valid_at(month_index)]
        covering = max(
            (r for r in candidates if code.startswith(r.prefix)),
            key=lambda r: len(r.prefix),
            default=None,
        )
        finer = [r for r in candidates if len(r.prefix) > len(code) and r.prefix.startswith(code)]
        base = covering.item if covering else NON_ICT
        if not finer:
            return Decision(code, month, base, covering)
        # Without a covering rule the finer rules alone say where the code goes.
        items = {r.item for r in finer} | ({base} if covering else set())
        ict = sorted(i for i in items if i != NON_ICT)
        mixed = bool(ict) and NON_ICT in items
        # Without a covering rule, the outermost finer rules cover the code's parts: if they all
        # exclude, the code is outside (its ICT lines are exceptions under an exclusion).
        outer = [
            r
            for r in finer
            if not any(r.prefix.startswith(o.prefix) and o.prefix != r.prefix for o in finer)
        ]
        excluded = covering is None and all(r.item == NON_ICT for r in outer)
        if (covering and base == NON_ICT) or not ict or excluded:
            item = NON_ICT
        else:
            item = taxonomy(self.name).common_ancestor(ict)
        return Decision(code, month, item, covering, finer, mixed)

    def segments(self, code: str) -> list[tuple[int, int, Decision]]:
        """The months a code's classification holds, as (from, to, decision) month indexes."""
        bounds = {_FIRST}
        for r in self._by_head.get(code[:2], []):
            if code.startswith(r.prefix) or r.prefix.startswith(code):
                bounds |= r.edges()
        starts = sorted(bounds)
        out: list[tuple[int, int, Decision]] = []
        for start, nxt in zip(starts, [*starts[1:], _LAST + 1], strict=True):
            decision = self._decide(code, start)
            if out and out[-1][2].item == decision.item and out[-1][2].mixed == decision.mixed:
                out[-1] = (out[-1][0], nxt - 1, out[-1][2])
            else:
                out.append((start, nxt - 1, decision))
        return out

    def codes_for(self, item: str, month: Month) -> list[str]:
        """Rule prefixes that send codes to ``item`` (exactly) in ``month``."""
        return [r.prefix for r in self.rules if r.item == item and r.valid_at(month.index)]


def _month_bound(text: str, default: int, where: str) -> int:
    if not text.strip():
        return default
    try:
        return Month.parse(text).index
    except UsageError as exc:
        raise ReferenceDataError(f"{where}: {exc}") from None


def load_rules(name: str, text: str) -> list[Rule]:
    """Parse a rules CSV (prefix,item,valid_from,valid_to,confidence,basis,label)."""
    items = set(taxonomy(name).ids) | {NON_ICT}
    rules = []
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        where = f"rules {name}.csv line {n}"
        prefix = (row.get("prefix") or "").strip()
        if not _CODE.match(prefix):
            raise ReferenceDataError(f"{where}: prefix '{prefix}' is not 2 to 10 digits")
        item = (row.get("item") or "").strip()
        if item not in items:
            raise ReferenceDataError(f"{where}: unknown item '{item}'; use an id of taxonomy.csv")
        start = _month_bound(row.get("valid_from") or "", _FIRST, where)
        end = _month_bound(row.get("valid_to") or "", _LAST, where)
        rules.append(
            Rule(
                prefix,
                item,
                valid_from=start,
                valid_to=end,
                confidence=(row.get("confidence") or "").strip(),
                basis=(row.get("basis") or "").strip(),
                label=(row.get("label") or "").strip(),
            )
        )
    _check_overlaps(name, rules)
    return rules


def _check_overlaps(name: str, rules: list[Rule]) -> None:
    seen: dict[str, list[Rule]] = {}
    for rule in rules:
        for other in seen.get(rule.prefix, []):
            if rule.overlaps(other):
                raise ReferenceDataError(
                    f"rules {name}.csv: prefix {rule.prefix} has overlapping rules "
                    f"({other.period()} -> {other.item}, {rule.period()} -> {rule.item})"
                )
        seen.setdefault(rule.prefix, []).append(rule)


@functools.cache
def available_schemes() -> tuple[str, ...]:
    """The shipped schemes (read once: the server asks on every request)."""
    folder = resources.files("ictrade").joinpath("classify", "rules")
    return tuple(sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv")))


@functools.cache
def scheme(name: str = "kr-ict") -> Scheme:
    """The shipped scheme ``name`` (``kr-ict``: the Korean release's basket; ``oecd-ict``: the
    OECD/UNCTAD ICT goods list)."""
    if name not in available_schemes():
        raise UsageError(f"unknown scheme '{name}'; schemes are: {', '.join(available_schemes())}")
    path = resources.files("ictrade").joinpath("classify", "rules", f"{name}.csv")
    return Scheme(name, load_rules(name, path.read_text(encoding="utf-8")))
