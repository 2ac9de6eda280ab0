"""Spans of a text (start, end), merged, and looked up by bisection: a line of thousands of
figures is read in time proportional to their number, not its square."""

from __future__ import annotations

import bisect

Union = tuple[list[int], list[int]]


def union(spans: list[tuple[int, int]]) -> Union:
    """The starts and ends of the union of ``spans`` (start <= end), disjoint and in order:
    a position is looked up in it by bisection (a line of thousands of figures)."""
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(spans):
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def overlaps(union: Union, start: int, end: int) -> bool:
    """Whether [start, end) meets a span of ``union``."""
    at = bisect.bisect_left(union[0], end) - 1  # the last span starting before ``end``
    return at >= 0 and union[1][at] > start
