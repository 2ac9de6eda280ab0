"""What every command's output shares: --format text|json|csv for the records it prints,
-q/-v for the messages around them, and progress bars.

Data go to standard output, messages and progress to standard error, so that
``ictrade vintages 2020-11 --format json | jq`` reads one JSON document.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar, runtime_checkable

import click

from ..months import Month

F = TypeVar("F", bound=Callable[..., Any])

VERBOSITY = "ictrade.verbosity"  # in click's context meta: -1 quiet, 0 normal, 1 verbose


def format_option(
    text_help: str,
    default: str = "text",
    *,
    json_help: str = "one JSON document",
    csv_help: str = "a header row and one row per record",
) -> Callable[[F], F]:
    """--format text|json|csv: the helps say what each format holds."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "csv"]),
        default=default,
        show_default=True,
        help=f"text: {text_help}; json: {json_help}; csv: {csv_help}.",
    )


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Record -q/-v; a command's own quiet is also on after the group's (``ictrade -q``)."""
    if value:
        ctx.meta[VERBOSITY] = -1 if param.name == "quiet" else 1
    return value or (param.name == "quiet" and ctx.meta.get(VERBOSITY, 0) < 0)


QUIET_HELP = "Print only errors, warnings and the data asked for (no notes, no progress)."
VERBOSE_HELP = "Also print details: the vintage an --as-of resolves to, timings."


def quiet_option(help_text: str = QUIET_HELP, *, expose: bool = False) -> Callable[[F], F]:
    return click.option(
        "-q", "--quiet", is_flag=True, expose_value=expose, callback=_set_verbosity,
        help=help_text,
    )  # fmt: skip


def verbose_option(func: F) -> F:
    return click.option(
        "-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbosity,
        help=VERBOSE_HELP,
    )(func)  # fmt: skip


def add_verbosity_options(command: click.Command) -> None:
    """Give a command (and a group's commands) -q and -v unless it declares its own."""
    names = {opt for p in command.params for opt in getattr(p, "opts", [])}
    if "--quiet" not in names:
        quiet_option()(command)
    if "--verbose" not in names:
        verbose_option(command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_verbosity_options(sub)


def verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(VERBOSITY, 0)) if ctx is not None else 0


def say(message: str, level: int = 0) -> None:
    """A message on standard error, shown at ``level`` (0: normally, 1: with -v) unless -q."""
    if verbosity() >= level:
        click.echo(message, err=True)


# ---- records as JSON and CSV ------------------------------------------------------------------


@runtime_checkable
class HasRecord(Protocol):
    def record(self) -> Mapping[str, Any]: ...


def record(item: object) -> dict[str, Any]:
    """A record's fields by name: its ``record()`` if it has one, else a dataclass's fields,
    a dataclass field's own fields inline (the record's own names first; a Month stays one
    value)."""
    if isinstance(item, HasRecord):
        return dict(item.record())
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(item):
            value = getattr(item, f.name)
            if dataclasses.is_dataclass(value) and not isinstance(value, type | Month):
                out.update({k: v for k, v in record(value).items() if k not in out})
            else:
                out[f.name] = value
        return out
    if isinstance(item, Mapping):
        return dict(item)
    raise TypeError(f"not a record: {type(item).__name__}")


def _plain(value: Any) -> Any:
    """JSON's kinds: dates ISO, months YYYY-MM, NaN null, tuples lists."""
    if isinstance(value, Month | dt.date):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(record(value))
    return value


def _cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def to_json(document: Any) -> str:
    return json.dumps(_plain(document), ensure_ascii=False, indent=1)


def emit(records: Iterable[object], fmt: str, document: object = None) -> None:
    """Print records as JSON (``document`` when given, else a list of the records) or CSV (a
    header of every key seen, in order of appearance, and one row per record)."""
    rows = [record(r) for r in records]
    if fmt == "json":
        click.echo(to_json(rows if document is None else document))
        return
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), restval="", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    click.echo(out.getvalue(), nl=False)


NUMERIC = re.compile(r"[-+]?(?:[\d,]+(?:\.\d*)?|inf|nan)")


def text_table(rows: Sequence[Mapping[str, str]]) -> str:
    """Rows of shown values as columns for people: the keys head them, figures are aligned
    right, wide (Hangul) characters take two columns."""
    from ..release.verify_report import text_width

    header = list(rows[0]) if rows else []
    cells = [header, *[[row[k] for k in header] for row in rows]]
    widths = [max(text_width(c[k]) for c in cells) for k in range(len(header))]
    lines = []
    for row in cells:
        padded = []
        for k, cell in enumerate(row):
            pad = " " * (widths[k] - text_width(cell))
            padded.append(pad + cell if NUMERIC.fullmatch(cell) else cell + pad)
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


# ---- progress ---------------------------------------------------------------------------------


def progress_shown() -> bool:
    """Progress bars only for a person watching: standard error a terminal, no -q
    (ICTRADE_PROGRESS=1 forces them, =0 hides them)."""
    forced = os.environ.get("ICTRADE_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    if forced and forced not in _WARNED:
        _WARNED.add(forced)
        click.echo(f"warning: ICTRADE_PROGRESS {forced!r} is neither 0 nor 1; ignored", err=True)
    return verbosity() >= 0 and sys.stderr.isatty()


_WARNED: set[str] = set()  # values of ICTRADE_PROGRESS already warned about


class Progress(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


@contextmanager
def progress_bar(label: str, *, counted: bool = True) -> Iterator[Progress]:
    """A callback ``(done, total)`` that draws a bar on standard error when shown, else does
    nothing; the bar starts at the first call, when the total is known (``counted``: show
    "done/total" beside the percentage)."""
    with _bars(lambda _: label, counted) as show:
        yield lambda done, total: show("", done, total)


@contextmanager
def phase_bars(name: str) -> Iterator[Callable[[str, int, int], None]]:
    """A callback ``(phase, done, total)`` drawing one bar per phase of work on ``name``
    ("reading lines.csv", then "checking lines.csv", "writing lines.csv"), each closed when the
    next begins."""
    with _bars(lambda phase: f"{phase} {name}", False) as show:
        yield show


@contextmanager
def _bars(label: Callable[[str], str], counted: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A bar per phase, started at the phase's first call (when its total is known); nothing
    when progress is not shown (``progress_shown``)."""
    if not progress_shown():
        yield lambda phase, done, total: None
        return
    current: list[Any] = []  # [phase, bar]

    def close() -> None:
        if current:
            current[1].__exit__(None, None, None)
            current.clear()

    def show(phase: str, done: int, total: int) -> None:
        if not current or current[0] != phase:
            close()
            bar = click.progressbar(length=max(total, 1), label=label(phase),
                                    file=sys.stderr, show_pos=counted)  # fmt: skip
            current.extend([phase, bar.__enter__()])
        bar = current[1]
        bar.length = max(total, 1)
        bar.update(min(done, bar.length) - bar.pos)

    try:
        yield show
    finally:
        close()


@contextmanager
def status_line() -> Iterator[Callable[[str], None]]:
    """Where a long run says how far it got (page 3/12 ...): on a terminal one line rewritten
    in place, else a line each; nothing with -q."""
    if verbosity() < 0:
        yield lambda message: None
        return
    if not progress_shown():
        yield lambda message: click.echo(message, err=True)
        return
    shown = []

    def show(message: str) -> None:
        click.echo(f"\r\x1b[K{message}", err=True, nl=False)
        shown.append(True)

    try:
        yield show
    finally:
        if shown:
            click.echo("", err=True)
