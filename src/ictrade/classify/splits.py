"""Dated shares of coarse codes among items, kept as data (``splits/<scheme>.csv``).

A line reported at a code coarser than the rules, whose finer rules map to different items
(HS6 847330: DRAM modules and computer parts), belongs to several items. When the store holds
no finer lines to split it by, the shares of this table do: each row gives the share of the
code's value that goes to one item in the months ``valid_from``..``valid_to``. A share is a
property of the code in a period, estimated from real customs data and official figures (see
``basis`` and ``evidence``), never a factor for one month. The shares of a code in a month sum
to 1.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from ..errors import ReferenceDataError
from ..months import Month
from .rules import _FIRST, _LAST, NON_ICT, _month_bound, scheme
from .taxonomy import taxonomy
from .validity import Valid

_COLUMNS = ("code", "item", "share", "valid_from", "valid_to", "basis", "evidence")


@dataclass(frozen=True)
class Share(Valid):
    code: str
    item: str
    share: float
    basis: str
    evidence: str


class Splits:
    def __init__(self, shares: list[Share]) -> None:
        self.shares = shares
        self._by_code: dict[str, list[Share]] = {}
        for s in shares:
            self._by_code.setdefault(s.code, []).append(s)

    def codes(self) -> list[str]:
        return sorted(self._by_code)

    def at(self, code: str, month_index: int) -> dict[str, float]:
        """{item: share} of ``code`` in a month; empty when the table has no shares for it."""
        return {s.item: s.share for s in self._by_code.get(code, []) if s.valid_at(month_index)}

    def bounds(self, code: str) -> set[int]:
        """Months where the code's shares start or stop holding."""
        out = set()
        for s in self._by_code.get(code, []):
            out |= s.edges()
        return out


def load_splits(name: str, text: str) -> Splits:
    items = {*taxonomy(name).ids, NON_ICT}
    shares = []
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ReferenceDataError(f"splits {name}.csv: columns must be {','.join(_COLUMNS)}")
    for n, row in enumerate(reader, start=2):
        where = f"splits {name}.csv line {n}"
        code, item = row["code"].strip(), row["item"].strip()
        if not code.isdigit() or not 2 <= len(code) <= 10:
            raise ReferenceDataError(f"{where}: code '{code}' is not 2 to 10 digits")
        if item not in items:
            raise ReferenceDataError(f"{where}: unknown item '{item}'; use an id of taxonomy.csv")
        try:
            share = float(row["share"])
        except ValueError:
            raise ReferenceDataError(f"{where}: share '{row['share']}' is not a number") from None
        if not 0 <= share <= 1:
            raise ReferenceDataError(f"{where}: share {share} is not between 0 and 1")
        start = _month_bound(row["valid_from"], _FIRST, where)
        end = _month_bound(row["valid_to"], _LAST, where)
        shares.append(
            Share(code, item, share, row["basis"], row["evidence"], valid_from=start, valid_to=end)
        )
    splits = Splits(shares)
    for code in splits.codes():
        for month in sorted(splits.bounds(code)):
            total = sum(splits.at(code, month).values())
            if total and abs(total - 1) > 1e-6:
                raise ReferenceDataError(
                    f"splits {name}.csv: the shares of {code} in {Month.from_index(month)} sum "
                    f"to {total:g}, not 1"
                )
    return splits


@functools.cache
def splits(name: str = "kr-ict") -> Splits:
    """The shipped split table of scheme ``name`` (empty when there is none)."""
    scheme(name)  # an unknown scheme is a usage error there
    path = resources.files("ictrade").joinpath("classify", "splits", f"{name}.csv")
    if not path.is_file():
        return Splits([])
    return load_splits(name, path.read_text(encoding="utf-8"))
