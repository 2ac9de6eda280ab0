"""published.csv of the default dataset: which cells a published figure states.

One row per figure part (level or growth rate) the reconstruction was built to hold: every
primary figure, and the other reports it used as soft targets (those not noted as doubtful;
see ``inputs.load_figures``); a part that another row already states (same cell, number,
precision and vintage) is listed once, at its first primary row. ``ictrade verify`` reads it
to tell a figure the data hold from a cell the reconstruction filled. Run alone with
``python -m tools.reconstruct.published``
(``python -m tools.reconstruct`` writes it too).
"""

from __future__ import annotations

import csv
import io

from .inputs import EXT_LAST, EXTENSION, FIRST, OUT, load_figures

COLUMNS = ("figures_file", "figures_line", "month", "flow", "item", "region", "measure",
           "stated", "precision", "vintage", "primary")  # fmt: skip


def published_csv() -> str:
    """The file's text, rows in a fixed order (file, line, measure)."""
    rows = []
    for file in ("published_figures.csv", EXTENSION):
        for context in (False, True):
            for f in load_figures(context, file, FIRST, EXT_LAST):
                parts = (("value", f.value, f.prec, 1.0), ("yoy", f.yoy, f.yprec, 0.1))
                for measure, stated, precision, default in parts:
                    if stated is None:
                        continue
                    rows.append((f.file, f.row, str(f.month), f.flow, f.series, f.region,
                                 measure, f"{stated:g}", f"{precision or default:g}",
                                 str(f.vintage), int(not context)))  # fmt: skip
    rows.sort(key=lambda r: (-r[10], r[0] != "published_figures.csv", r[1], r[6]))
    seen, kept = set(), []
    for row in rows:
        if row[2:10] not in seen:
            seen.add(row[2:10])
            kept.append(row)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(sorted(kept, key=lambda r: (r[0] != "published_figures.csv", r[1], r[6])))
    return out.getvalue()


def write_published() -> None:
    (OUT / "published.csv").write_text(published_csv(), encoding="utf-8")


if __name__ == "__main__":
    write_published()
