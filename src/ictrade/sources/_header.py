"""Which layout a file is: the first header row (of the leading rows, of the first sheet that
has one) that a layout recognises; else an error naming what the nearest layout lacks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from . import _tables as T
from .layouts import Layout, get_layout, layout_from_mapping, layouts, norm_header

EMPTY = "the {what} empty; check that it is the file you meant, or that its export finished"


def candidates(layout: str | None, mapping: dict[str, str] | None) -> list[Layout]:
    if mapping:
        return [layout_from_mapping(mapping)]
    if layout:
        return [get_layout(layout)]
    return layouts()


def find(
    candidates: list[Layout], rows: Sequence[Sequence[str | None]]
) -> tuple[Layout, dict[str, str], int, list[str]] | None:
    """The first header row (of the leading rows) some layout recognises, and that layout."""
    for at, row in enumerate(rows[:20]):
        header = [str(c) if c is not None else "" for c in row]
        for candidate in candidates:
            found = candidate.match(header)
            if found is not None:
                return candidate, found, at, header
    return None


def choose(
    candidates: list[Layout],
    rows: Sequence[Sequence[str | None]],
    path: Path,
    header_line: bool = True,
) -> tuple[Layout, dict[str, str], int]:
    """``find``'s layout, or an InputError naming what the nearest layout lacks."""
    line = 1 if header_line else None
    hit = find(candidates, rows)
    if hit is not None:
        chosen, found, at, header = hit
        _check_unique(header, found, path, at + 1 if header_line else None)
        return chosen, found, at
    header = [str(c) for c in rows[0] if c] if rows else []
    # Name what the nearest layout lacks: a file with most canonical headers wants to hear
    # which column is missing, not a list of every layout.
    nearest = min(candidates, key=lambda c: len(c.missing(header)) / c.size())
    lacking = "missing column " + ", ".join(f"'{m}'" for m in nearest.missing(header))
    if len(candidates) == 1:
        raise InputError(
            f"{lacking} (layout {nearest.name} expects {nearest.expects()})",
            file=str(path),
            line=line,
        )
    tried = "; ".join(f"{c.name} expects {c.expects()}" for c in candidates)
    raise InputError(
        f"{lacking} for the layout {nearest.name}; no layout recognises the headers "
        f"({', '.join(header) or 'none'}). Layouts tried: {tried}. "
        "Rename the columns, or pass --layout NAME or a column mapping",
        file=str(path),
        line=line,
    )


def _check_unique(header: list[str], found: dict[str, str], path: Path, line: int | None) -> None:
    """A column the layout reads must be named once, as headers compare (case and spaces
    aside): which of two 'value_usd', or of 'month' and 'Month', is meant?"""
    spelled: dict[str, list[str]] = {}
    for name in header:
        spelled.setdefault(norm_header(name), []).append(name)
    twice = sorted({norm_header(name) for name in found.values()
                    if len(spelled[norm_header(name)]) > 1})  # fmt: skip
    if twice:
        named = "; ".join(
            repr(spelled[key][0])
            + (f" (as {', '.join(map(repr, spelled[key]))})" if len(set(spelled[key])) > 1 else "")
            for key in twice
        )
        raise InputError(
            f"the column {named} appears more than once in the header; rename or remove the "
            "extra one",
            file=str(path),
            line=line,
        )


def choose_sheet(
    candidates: list[Layout], path: Path
) -> tuple[int, T.Cells, Layout, dict[str, str], int]:
    """The first sheet of a workbook whose header a layout recognises (a first sheet of notes
    or an empty one is passed over), with its index; else the first sheet's error, naming the
    sheets read."""
    sheets = T.excel_sheets(path)
    if not any(cell is not None for _, rows in sheets for row in rows for cell in row):
        raise InputError(EMPTY.format(what="workbook's sheets are"), file=str(path))
    found = [i for i, (_, rows) in enumerate(sheets) if find(candidates, T.text_rows(rows[:20]))]
    if len(found) > 1:  # reading the first alone would leave the others' lines out unsaid
        names = ", ".join(repr(sheets[i][0]) for i in found)
        raise InputError(
            f"the workbook holds lines on {len(found)} sheets ({names}); ingest reads one "
            "sheet: save each as a file of its own (.xlsx or CSV) and load them one by one",
            file=str(path),
        )
    if found:
        rows = sheets[found[0]][1]
        return (found[0], rows, *choose(candidates, T.text_rows(rows[:20]), path))
    try:
        choose(candidates, T.text_rows(sheets[0][1][:20]), path)
    except InputError as exc:
        names = ", ".join(repr(name) for name, _ in sheets)
        raise InputError(f"{exc.message} (sheets read: {names})", file=str(path)) from None
    raise AssertionError("unreachable: choose found no layout above")
