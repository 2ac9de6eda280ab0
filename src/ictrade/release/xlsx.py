"""The release's tables as an Excel workbook (openpyxl): one sheet per table, numbers
unrounded with number formats, headers and units, and a sheet of notes on the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..stats.facts_doc import Facts
from .lang import label
from .markdown import source_note
from .tables import Table, standard_tables

NUMBER_FORMATS = {
    "usd_m": "#,##0",
    "pct": "+0.0;-0.0;0.0",
    "share": "0.0",
    "pp": "+0.0;-0.0;0.0",
}
UNITS = {
    "en": "Values in USD million (exports FOB, imports CIF); growth in percent year on year; "
    "shares in percent; contributions in percentage points. Numbers are unrounded.",
    "ko": "금액 단위: 백만 달러(수출 FOB, 수입 CIF); 증감률: 전년 동월 대비 %; 비중: %; "
    "기여도: %p. 값은 반올림하지 않았습니다.",
}
HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")
HEADER_ROW = 4
RECONSTRUCTION = (
    "The shipped 'default' dataset is a reconstruction consistent with the published monthly "
    "figures (items, sub-items and regions), not customs microdata: cells below the published "
    "detail are estimates. See the project's RECONSTRUCTION notes."
)
MICRODATA = "Built from the customs lines loaded in the store named above."


def _sheet_name(table: Table, used: set[str]) -> str:
    name = table.key.replace("_", " ")[:31]
    while name in used:
        name = name[:29] + f"{len(used):02d}"
    used.add(name)
    return name


def _write_table(ws: Any, table: Table, lang: str) -> None:
    ws["A1"] = table.title
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = UNITS[lang]
    ws["A2"].font = Font(italic=True, size=9)
    header = [
        label(lang, "item" if "region" not in table.key else "region"),
        *[c.label for c in table.columns],
    ]
    if "item_region" in table.key or table.key in ("balance", "ytd"):
        header[0] = label(lang, "item")
    for col, text in enumerate(header, start=1):
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    if table.empty:
        ws.cell(HEADER_ROW + 1, 1, label(lang, "no_data")).font = Font(italic=True)
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        name = ws.cell(r, 1, row.label)
        name.alignment = Alignment(indent=max(row.depth - 1, 0) * 2 if row.depth else 0)
        if row.depth == 0:
            name.font = Font(bold=True)
        for c, (value, column) in enumerate(zip(row.values, table.columns, strict=True), start=2):
            cell = ws.cell(r, c, value)
            cell.number_format = NUMBER_FORMATS[column.kind]
    ws.column_dimensions["A"].width = 38
    for c in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 16
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)


def _notes_rows(facts: Facts) -> list[tuple[str, str]]:
    data = facts["data"]
    reconstruction = str(data["store"]).startswith("dataset:")
    return [
        ("Month", facts["month"]),
        ("Classification scheme", facts["scheme"]),
        ("Store", str(data["store"])),
        ("Data sources", "; ".join(data.get("sources") or []) or "(none recorded)"),
        ("Vintage (as_of)", data.get("as_of") or "latest figures"),
        ("Vintage requested", data.get("as_of_requested") or "latest figures"),
        ("First month of data", data["first_month"]),
        ("Flows covered", ", ".join(data["coverage"]["flows"])),
        ("Status", RECONSTRUCTION if reconstruction else MICRODATA),
        ("About", source_note(facts)),
        (
            "Rounding",
            "Cells hold unrounded values; the text rounds half away from zero "
            "when printing ($X.X billion, whole millions, one-decimal percentages).",
        ),
    ]


def write_workbook(facts: Facts, path: Path, lang: str = "en") -> Path:
    """Write the standard tables of ``facts`` to ``path`` (.xlsx) and return it."""
    wb = Workbook()
    notes = wb.active
    notes.title = "notes"
    notes["A1"] = label(lang, "about")
    notes["A1"].font = Font(bold=True, size=12)
    for r, (key, text) in enumerate(_notes_rows(facts), start=3):
        notes.cell(r, 1, key).font = Font(bold=True)
        notes.cell(r, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    used = {"notes"}
    for table in standard_tables(facts, lang):
        _write_table(wb.create_sheet(_sheet_name(table, used)), table, lang)
    wb.move_sheet("notes", offset=len(wb.sheetnames) - 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
