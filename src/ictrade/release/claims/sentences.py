"""A text cut into sentences, each with its place in the text and its paragraph (line)."""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATION = re.compile(
    r"(?:\bU\.S\.|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|\bNo\.|\bvs\.|\bCo\.|\bInc\.)$"
)
SENTENCE_END = re.compile(
    r"(?<=[.!?])\s+(?=[^\sa-z])|(?<=[다요]\.)(?=[^\s\d])|(?<=[a-z]{2}\.)(?=[A-Z][a-z])"
)


SPACE = re.compile(r"\s")
# Longer "sentences" (a table flattened into one line, a dump of numbers) are read in pieces of
# about this many characters: what reads a sentence compares its figures with its names, so
# one sentence of a megabyte would take hours.
LONGEST = 500


@dataclass(frozen=True)
class Sentence:
    start: int
    text: str
    paragraph: int


def sentences(text: str) -> list[Sentence]:
    """Sentences of prose with their place in the text; Markdown tables and notes are no claims."""
    out: list[Sentence] = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True)):
        line_start, offset = offset, offset + len(raw)
        body = raw.rstrip("\r\n")
        stripped = body.strip().lstrip("#").strip().removeprefix("- ").strip()
        if not stripped or stripped.startswith(("|", ">")):
            continue
        at = line_start + body.find(stripped)
        pieces: list[list[int]] = []  # [start, end] in ``stripped``
        pos = 0
        for m in [*SENTENCE_END.finditer(stripped), None]:
            end = m.start() if m else len(stripped)
            if pieces and (
                ABBREVIATION.search(stripped, max(pieces[-1][0], pieces[-1][1] - 8), pieces[-1][1])
                or stripped[pos : pos + 1].islower()
            ):
                pieces[-1][1] = end
            else:
                pieces.append([pos, end])
            pos = m.end() if m else len(stripped)
        for start, end in pieces:
            for p, e in _cut(stripped, start, end):
                if stripped[p:e].strip():
                    out.append(Sentence(at + p, stripped[p:e], number))
    return out


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of about LONGEST characters, cut after a comma or a
    semicolon, else after a space (a longer run without one stays whole: no figure)."""
    out = []
    while end - start > LONGEST:
        window = text[start : start + LONGEST]
        at = max(window.rfind(", "), window.rfind("; "))
        at = at + 2 if at > 0 else window.rfind(" ") + 1
        if at <= 0:
            space = SPACE.search(text, start + LONGEST, end)
            if space is None:
                break
            at = space.end() - start
        out.append((start, start + at))
        start += at
    out.append((start, end))
    return out
