"""Reading the HTML release back: its tables as {table: {row key: [cell texts]}}."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from ictrade.numbers import round_half_up


class TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self.table = self.row = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("data-table") or ""
            self.tables[self.table] = {}
        elif tag == "tr" and a.get("data-key"):
            self.row = a["data-key"] or ""
            self.tables[self.table][self.row] = []
        elif tag == "td" and self.row:
            self.cell = []

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.tables[self.table][self.row].append("".join(self.cell))
            self.cell = None
        elif tag == "tr":
            self.row = ""


def read_tables(html: str) -> dict[str, dict[str, list[str]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def expected_item_row(facts: dict[str, Any], item: str) -> list[str]:
    """The exports-by-item row of ``item`` as the facts say it should print."""
    cell = next(
        c
        for c in facts["cells"]
        if (c["flow"], c["item"], c["region"]) == ("export", item, "world")
    )

    def pct(v: float | None, signed: bool = True) -> str:
        if v is None:
            return ""
        r = round_half_up(v, 0.1)
        if not signed:
            return f"{r:.1f}"
        return "0.0" if r == 0 else f"{r:+.1f}"

    return [
        f"{round_half_up(cell['value_usd'] / 1e6, 1.0):,.0f}",
        pct(cell["yoy_pct"]),
        pct(cell["share_pct"], False),
        pct(cell["contribution_pp"]),
    ]
