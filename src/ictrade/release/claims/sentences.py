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
        pieces: list[tuple[int, str]] = []
        pos = 0
        for m in [*SENTENCE_END.finditer(stripped), None]:
            end = m.start() if m else len(stripped)
            piece = stripped[pos:end]
            if pieces and (ABBREVIATION.search(pieces[-1][1]) or piece[:1].islower()):
                first = pieces[-1][0]
                pieces[-1] = (first, stripped[first:end])
            else:
                pieces.append((pos, piece))
            pos = m.end() if m else len(stripped)
        out += [Sentence(at + p, s, number) for p, s in pieces if s.strip()]
    return out
