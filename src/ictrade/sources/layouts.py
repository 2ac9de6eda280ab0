"""File layouts as data (``layouts.json``): which headers mean which line field.

A layout matches a file when each of its required fields has one of its header aliases among
the file's headers. ``long`` layouts have one value per row (with a flow column or a constant
flow); ``wide`` layouts carry both flows in one row and give two lines; ``canonical`` is the
lines layout itself (LINE_SCHEMA column names).
"""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..errors import InputError, UsageError
from ..store.schema import LINE_SCHEMA

Aliases = dict[str, list[str]]


def norm_header(text: str) -> str:
    """Headers compare trimmed, case-insensitive, without spaces or a BOM."""
    return "".join(str(text).replace("\ufeff", "").split()).lower()


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    kind: str  # canonical | long | wide
    columns: Aliases
    optional: Aliases = field(default_factory=dict)
    flows: dict[str, Aliases] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    require_also: list[str] = field(default_factory=list)
    source: str | None = None
    skip_codes_not_hs: bool = False
    thousands_marker: str | None = None
    blank_partner: str | None = None  # the partner a blank partner cell stands for

    def expects(self) -> str:
        """What the layout needs, for the 'no layout recognised' message."""
        parts = [f"{f} ({' | '.join(a)})" for f, a in self.columns.items()]
        parts += [f"'{c}'" for c in self.require_also]
        for flow, fields in self.flows.items():
            parts.append(f"{flow} value ({' | '.join(fields['value_usd'])})")
        return ", ".join(parts)

    def missing(self, headers: list[str]) -> list[str]:
        """The required columns ``headers`` lack (as 'field' or 'field (alias | ...)')."""
        index = {norm_header(h): h for h in headers}
        out = [
            f if a == [f] else f"{f} ({' | '.join(a)})"
            for f, a in self.columns.items()
            if _first(a, index) is None
        ]
        out += [extra for extra in self.require_also if norm_header(extra) not in index]
        values = [
            a for fields in self.flows.values() for n, a in fields.items() if n == "value_usd"
        ]
        if values and all(_first(a, index) is None for a in values):
            out.append("a value column (" + " | ".join(x for a in values for x in a) + ")")
        return out

    def size(self) -> int:
        return len(self.columns) + len(self.require_also) + (1 if self.flows else 0)

    def match(self, headers: list[str]) -> dict[str, str] | None:
        """Map 'field' (or 'flow:field' for wide layouts) to the file header, or None."""
        index = {norm_header(h): h for h in headers}
        found: dict[str, str] = {}
        for extra in self.require_also:
            if norm_header(extra) not in index:
                return None
        for name, aliases in self.columns.items():
            hit = _first(aliases, index)
            if hit is None:
                return None
            found[name] = hit
        for name, aliases in self.optional.items():
            hit = _first(aliases, index)
            if hit is not None:
                found[name] = hit
        for flow, fields in self.flows.items():
            for name, aliases in fields.items():
                hit = _first(aliases, index)
                if hit is not None:
                    found[f"{flow}:{name}"] = hit
        if self.flows and not any(k.endswith(":value_usd") for k in found):
            return None
        return found


def _first(aliases: list[str], index: dict[str, str]) -> str | None:
    for alias in aliases:
        hit = index.get(norm_header(alias))
        if hit is not None:
            return hit
    return None


def _layout(raw: dict[str, Any]) -> Layout:
    return Layout(
        name=raw["name"],
        description=raw["description"],
        kind=raw["kind"],
        columns=raw.get("columns", {}),
        optional=raw.get("optional", {}),
        flows=raw.get("flows", {}),
        constants=raw.get("constants", {}),
        require_also=raw.get("require_also", []),
        source=raw.get("source"),
        skip_codes_not_hs=raw.get("skip_codes_not_hs", False),
        thousands_marker=raw.get("thousands_if_header_has"),
        blank_partner=raw.get("blank_partner"),
    )


@functools.cache
def _config() -> dict[str, Any]:
    text = resources.files("ictrade").joinpath("data", "layouts.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def layouts() -> list[Layout]:
    return [_layout(raw) for raw in _config()["layouts"]]


def flow_values() -> dict[str, str]:
    return dict(_config()["flow_values"])


def partner_values() -> dict[str, str]:
    """Partner names a non-canonical file may use instead of codes (lower-cased keys)."""
    text = resources.files("ictrade").joinpath("data", "partner_names_ko.csv").read_text("utf-8")
    names = {r["name_ko"].lower(): r["iso2"] for r in csv.DictReader(text.splitlines())}
    return {**names, **_config()["partner_values"]}


def get_layout(name: str) -> Layout:
    for layout in layouts():
        if layout.name == name:
            return layout
    names = ", ".join(layout.name for layout in layouts())
    raise UsageError(f"unknown layout '{name}'; layouts are: {names}")


_WIDE_FIELDS = {
    "export_value_usd": ("export", "value_usd"),
    "import_value_usd": ("import", "value_usd"),
    "export_net_kg": ("export", "net_kg"),
    "import_net_kg": ("import", "net_kg"),
}
_LINE_FIELDS = tuple(LINE_SCHEMA.names)


def parse_mapping(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """'COLUMN=FIELD' options (``--map``) into {column: field}."""
    mapping = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or name.strip() not in (*_LINE_FIELDS, *_WIDE_FIELDS):
            fields = ", ".join([*_LINE_FIELDS, *_WIDE_FIELDS])
            raise InputError(f"--map '{pair}' is not COLUMN=FIELD with FIELD one of: {fields}")
        mapping[column.strip()] = name.strip()
    return mapping


def layout_from_mapping(mapping: dict[str, str]) -> Layout:
    """A layout from an explicit {file column: line field} mapping (``--map COLUMN=FIELD``).

    Fields are LINE_SCHEMA names, or export_value_usd/import_value_usd/export_net_kg/
    import_net_kg for a file with both flows in one row.
    """
    by_field: dict[str, str] = {}
    for column, name in mapping.items():
        if name not in _LINE_FIELDS and name not in _WIDE_FIELDS:
            allowed = ", ".join([*_LINE_FIELDS, *_WIDE_FIELDS])
            raise UsageError(
                f"unknown field '{name}' in the mapping of column '{column}'; fields are: {allowed}"
            )
        by_field[name] = column
    flows: dict[str, Aliases] = {}
    for key, (flow, name) in _WIDE_FIELDS.items():
        if key in by_field:
            flows.setdefault(flow, {})[name] = [by_field[key]]
    required = ["month", "hs_code", "partner"] + ([] if flows else ["flow", "value_usd"])
    missing = [f for f in required if f not in by_field]
    if missing:
        raise UsageError(
            f"the mapping lacks {', '.join(missing)}; map a file column to each (COLUMN=FIELD)"
        )
    columns = {f: [by_field[f]] for f in required}
    optional = {f: [h] for f, h in by_field.items() if f not in columns and f in _LINE_FIELDS}
    return Layout(
        "mapping", "the mapping given", "wide" if flows else "long", columns, optional, flows
    )
