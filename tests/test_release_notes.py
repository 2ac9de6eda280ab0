"""Notes from the user: printed as the editor's words after the paragraph on their subject."""

from __future__ import annotations

import json

import pytest
from release_data import MONTH, fill

from ictrade.errors import InputError
from ictrade.release.markdown import short_markdown
from ictrade.release.notes import load_notes
from ictrade.release.verify import verify_text
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store


@pytest.fixture(scope="module")
def facts():  # type: ignore[no-untyped-def]
    with open_store(":memory:") as s:
        yield build_facts(fill(s), MONTH)


def test_notes_follow_their_paragraph(tmp_path, facts):
    path = tmp_path / "notes.csv"
    path.write_text(
        "subject,text\n"
        "displays,LCD panel prices increased.\n"
        "japan,Demand for chips slowed.\n"
        "general,Figures are provisional.\n",
        encoding="utf-8",
    )
    notes = load_notes(path)
    paragraphs = short_markdown(facts, notes=notes).split("\n\n")
    at = paragraphs.index("> Note from the editor: LCD panel prices increased.")
    assert "displays" in paragraphs[at - 1]
    at = paragraphs.index("> Note from the editor: Demand for chips slowed.")
    assert "Japan" in paragraphs[at - 1]
    assert paragraphs[-1].strip() == "> Note from the editor: Figures are provisional."
    korean = short_markdown(facts, "ko", notes)
    assert "> 편집자 주: LCD panel prices increased." in korean


def test_notes_with_numbers_are_not_checked(tmp_path, facts):
    path = tmp_path / "notes.json"
    path.write_text(json.dumps({"semiconductors": "Prices rose 99.9 percent, says a survey."}))
    text = short_markdown(facts, notes=load_notes(path))
    assert "99.9 percent" in text and verify_text(text, facts).ok


def test_bad_subject_names_file_line_and_field(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("subject,text\ndisplays,ok\nchipz,typo\n")
    with pytest.raises(InputError) as err:
        load_notes(path)
    assert (err.value.line, err.value.field) == (3, "subject")
    assert "chipz" in str(err.value) and "semiconductors" in str(err.value)


def test_bad_header(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("item,note\ndisplays,ok\n")
    with pytest.raises(InputError, match="subject,text"):
        load_notes(path)
