"""A user's notes on items or regions, printed in the release as the user's words.

A notes file is CSV with the columns ``subject,text`` or JSON (``{"subject": "text"}`` or a
list of ``{"subject": ..., "text": ...}``). A subject is an item id (taxonomy.csv), a region id
(regions.csv), or ``general`` for a note at the end of the release.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..classify import regions, taxonomy
from ..errors import InputError
from ..sources._read import csv_error

Notes = dict[str, list[str]]
GENERAL = "general"


def _subjects() -> list[str]:
    return [*taxonomy().ids, *regions().ids, GENERAL]


def _rows(path: Path) -> list[tuple[int | None, str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "the notes file is not UTF-8 text; save it as UTF-8", file=str(path)
        ) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file=str(path), line=exc.lineno) from exc
        except RecursionError:  # nested beyond any notes file
            raise InputError("not a notes file: JSON nested too deep", file=str(path)) from None
        if isinstance(data, dict):
            return [(None, str(k), str(v)) for k, v in data.items()]
        if isinstance(data, list) and all(isinstance(r, dict) for r in data):
            return [(None, str(r.get("subject", "")), str(r.get("text", ""))) for r in data]
        raise InputError(
            'give an object {"subject": "text"} or a list of {"subject", "text"} objects',
            file=str(path),
        )
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or {"subject", "text"} - set(reader.fieldnames):
        raise InputError(
            f"the header is {reader.fieldnames}; a notes CSV needs the columns subject,text",
            file=str(path),
            line=1,
        )
    try:
        return [(reader.line_num, r["subject"] or "", r["text"] or "") for r in reader]
    except csv.Error as exc:  # e.g. a field over the csv module's limit
        raise csv_error(exc, path, reader.line_num) from None


def load_notes(path: str | Path) -> Notes:
    """The notes of a file, by subject, in file order."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            "no such notes file; give a CSV (subject,text) or JSON file", file=str(path)
        )
    known = _subjects()
    notes: Notes = {}
    for line, subject, text in _rows(path):
        subject, text = subject.strip(), " ".join(text.split())
        if subject not in known:
            raise InputError(
                f"unknown subject '{subject}'; use an item or region id or '{GENERAL}' "
                f"({', '.join(known)})",
                file=str(path),
                line=line,
                field="subject",
            )
        if not text:
            raise InputError("the note is empty", file=str(path), line=line, field="text")
        notes.setdefault(subject, []).append(text)
    return notes
