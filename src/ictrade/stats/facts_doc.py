"""The shape of the facts document ``ictrade.facts/1`` (docs/facts.md), for mypy.

Every reader of a facts document (renderers, the verifier, the API) takes ``Facts``, so a key
read that the document does not have, or a value used as what it is not, is a type error.
``tests/test_facts_doc.py`` checks that real documents hold exactly these keys and that
docs/facts.md describes every one of them.
"""

# No "from __future__ import annotations": NotRequired must be seen at run time
# (tests/test_facts_doc.py reads the required keys).
from typing import Any, Literal, NotRequired, TypedDict


class Coverage(TypedDict):
    flows: list[str]
    partial: bool
    major_items: list[str]
    partner_share_pct: dict[str, float]
    complete_spans: NotRequired[list[dict[str, Any]]]  # a partial dataset's complete spans
    compared_from: NotRequired[str]  # the first month whose exports hold the same goods
    partial_flows: NotRequired[list[str]]  # flows left out: their lines hold only some goods


class Data(TypedDict):
    store: str
    sources: list[str]
    as_of: str | None
    first_month: str
    coverage: Coverage
    as_of_requested: NotRequired[str | None]
    description: NotRequired[str]


class Cell(TypedDict):
    flow: str
    item: str
    region: str
    value_usd: float
    prev_year_value_usd: float | None
    yoy_pct: float | None
    share_pct: float | None
    share_of_world_pct: float | None
    contribution_pp: float | None
    estimated_pct: float | None  # the part of the value resting on estimated splits


Percent = Literal["yoy_pct", "share_pct", "share_of_world_pct", "contribution_pp"]


class Streak(TypedDict):
    flow: str
    item: str
    region: str
    kind: str
    months: int
    since: str
    from_data_start: bool
    threshold_usd: NotRequired[float]


class Turn(TypedDict):
    flow: str
    item: str
    region: str
    kind: str
    previous_months: int


class Record(TypedDict):
    flow: str
    item: str
    region: str
    scope: str
    kind: str
    periods_compared: int
    rank: int
    previous_record_period: NotRequired[str]
    previous_record_usd: NotRequired[float]
    previous_record_month: NotRequired[str]
    compared_from: NotRequired[str]  # the first month compared, where not the data's first


# 'from' is a Python keyword: the functional form.
Ytd = TypedDict(
    "Ytd",
    {
        "flow": str,
        "item": str,
        "region": str,
        "from": str,
        "to": str,
        "value_usd": float,
        "prev_year_value_usd": float | None,
        "yoy_pct": float | None,
    },
)


class Facts(TypedDict):
    schema: Literal["ictrade.facts/1"]
    scheme: str
    reporter: str
    month: str
    data: Data
    cells: list[Cell]
    streaks: list[Streak]
    turns: list[Turn]
    records: list[Record]
    ytd: list[Ytd]


class Band(TypedDict):
    nowcast: float | None
    lo80: float | None
    hi80: float | None  # None: the band has no upper end


class FlashSeries(Band):
    item_key: str
    partner_ko: str
    hs_code: str
    flow: str
    unit: str
    cut_day: int
    cum_value: float
    baselines: dict[str, Band]
    source: str
    vintage: str


class FlashData(TypedDict):
    store: str
    sources: list[str]
    vintage: str
    as_of: str | None


class LearnedFrom(TypedDict):
    first_month: str | None
    last_month: str | None
    sources: list[str]


class FlashModel(TypedDict):
    method: str
    baselines: list[str]
    learned_from: LearnedFrom
    doc: str


class FlashFacts(TypedDict):
    """The flash facts document ``ictrade.flash/1`` (docs/nowcast.md, section 5)."""

    schema: Literal["ictrade.flash/1"]
    month: str
    estimate: bool
    cut_day: int
    interval: float
    data: FlashData
    model: FlashModel
    series: list[FlashSeries]


Document = Facts | FlashFacts  # what 'ictrade release' builds for a month
