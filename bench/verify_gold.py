"""Precision and recall of verify's readings against a hand-made annotation (gold.csv).

Run by hand: ``python bench/verify_gold.py [-v] [NEWS_DIR]`` (default ../shared/data/news, the
development set; see its README for the columns). A gold figure is found when a claim's span
overlaps the figure's quote; it is read right when the claim's period, flow, item, region,
measure and number all agree. Recall counts figures about the data month read right; precision
counts readings (claims other than unread numbers) that are right; 'other period checked'
counts figures of another period read as the data month.

Then each article is verified against the default dataset with ``--as-published`` (as
``ictrade verify FILE --month M --as-published --dataset default``): its exit status, its
claims by status, and every mismatch, marked 'misprint' where the annotation says the article
misprinted that figure (article_error = 1). Without a gold.csv only this part runs, so the
acceptance can be measured on new articles (index.csv with file, data_month, lang).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

from ictrade.months import Month
from ictrade.release.claims import Claim, extract
from ictrade.release.verify import MISMATCHED, verify_in_store
from ictrade.release.verify_report import STATUSES
from ictrade.store.store import open_store

ROOT = Path(__file__).resolve().parent.parent
MEASURE = {"value": "value", "yoy": "yoy_pct", "share": "share_pct", "streak": "streak_months",
           "turn": "streak_months", "threshold": "other", "range": "other", "rank": "rank",
           "contribution": "other", "flat": "yoy_pct", "times": "other"}  # fmt: skip
FIELDS = ("period", "flow", "series", "region", "measure", "number")
OTHER_ITEMS = {"nand", "dram", "mcp"}  # the annotation calls these 'other'


def _gold_row(claim: Claim, data_month: str) -> dict[str, str]:
    """The claim in the annotation's terms."""
    measure = MEASURE.get(claim.measure, claim.measure)
    number = (
        claim.printed * claim.unit / 1e6
        if claim.measure in ("value", "threshold", "range")
        else claim.printed
    )
    if claim.measure == "record":
        rank = claim.args.get("rank", 1)
        measure = "rank" if rank > 1 else "record"
        number = claim.args.get("span_months", rank)
    if claim.measure == "rank":
        number = 1
    if claim.args.get("currency") == "KRW":  # an amount in won: the annotation's 'other'
        measure, number = "other", claim.printed * claim.unit
    period = data_month if claim.period == "month" else claim.period
    item = "other" if claim.item in OTHER_ITEMS or claim.flow == "other" else claim.item
    return {"period": period, "flow": claim.flow, "series": item, "region": claim.region,
            "measure": measure, "number": f"{number:g}"}  # fmt: skip


def _locate(text: str, rows: list[dict[str, str]]) -> list[tuple[int, int] | None]:
    """Where each row's quote is: identical quotes in text order, at number boundaries, never
    inside a longer quote's place (longer quotes placed first)."""
    taken: list[tuple[int, int]] = []
    spans: list[tuple[int, int] | None] = [None] * len(rows)
    for n in sorted(range(len(rows)), key=lambda n: (-len(rows[n]["quote"]), n)):
        quote = rows[n]["quote"]
        for m in re.finditer(re.escape(quote), text):
            a, b = m.start(), m.end()
            if a and quote[0].isdigit() and (text[a - 1].isdigit() or text[a - 1] == "."):
                continue
            if not any(x < b and a < y for x, y in taken):
                spans[n] = (a, b)
                taken.append((a, b))
                break
    return spans


def _agrees(got: dict[str, str], want: dict[str, str]) -> list[str]:
    wrong = []
    if want["series"] == "other" and got["flow"] == "other":  # read as not ICT trade: right
        got = {**got, "flow": want["flow"], "series": "other"}
    for key in ("period", "flow", "series", "region", "measure"):
        if got[key] != want[key] and not (key == "region" and want["flow"] == "other"):
            wrong.append(key)
    if abs(float(got["number"]) - float(want["number"])) > 1e-6 * max(
        1.0, abs(float(want["number"]))
    ):
        wrong.append("number")
    return wrong


def against_dataset(
    news: Path, index: dict[str, dict[str, str]], gold: dict[str, list[dict[str, str]]]
) -> None:
    """Each article against the default dataset, as published: exit status, counts, mismatches."""
    names = ("matched", "mismatched", "cannot", "unrecognised")  # the four STATUSES
    print(f"{'file':<9} {'month':<8} lang exit " + " ".join(f"{s:>12}" for s in names))
    exits = 0
    with open_store(dataset="default") as store:
        for name, meta in sorted(index.items()):
            text = (news / "texts" / name).read_text(encoding="utf-8")
            report = verify_in_store(
                store, text, Month.parse(meta["data_month"]), as_published=True
            )
            code = 0 if report.ok else 1
            exits += code == 0
            counts = " ".join(f"{report.count(s):>12}" for s in STATUSES)
            print(f"{name:<9} {meta['data_month']:<8} {meta['lang']:<4} {code:>4} {counts}")
            spans = _locate(text, gold.get(name, []))
            for o in (o for o in report.outcomes if o.status == MISMATCHED):
                misprint = any(
                    span and span[0] < o.claim.end and o.claim.start < span[1]
                    and row["article_error"] == "1"
                    for row, span in zip(gold.get(name, []), spans, strict=True)
                )  # fmt: skip
                kind = "misprint (article_error = 1)" if misprint else "MISMATCH"
                print(f"    {kind}: {o.claim.text!r} {o.claim.subject}: {o.store}")
    print(f"{exits} of {len(index)} articles exit 0")


def main(news: Path, verbose: bool) -> None:
    index = {r["file"]: r for r in csv.DictReader((news / "index.csv").open(encoding="utf-8"))}
    gold: dict[str, list[dict[str, str]]] = defaultdict(list)
    if not (news / "gold.csv").is_file():
        against_dataset(news, index, gold)
        return
    for row in csv.DictReader((news / "gold.csv").open(encoding="utf-8")):
        gold[row["file"]].append(row)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, meta in sorted(index.items()):
        text = (news / "texts" / name).read_text(encoding="utf-8")
        month = meta["data_month"]
        claims = extract(text, Month.parse(month))
        used: set[int] = set()
        st = stats[meta["lang"]]
        for row, span in zip(gold[name], _locate(text, gold[name]), strict=True):
            about_month = row["period"] == month
            st["gold_month" if about_month else "gold_other"] += 1
            hit = None if span is None else next(
                (n for n, c in enumerate(claims) if c.start < span[1] and span[0] < c.end
                 and n not in used), None)  # fmt: skip
            if hit is None:
                if verbose:
                    print(f"MISS {name} {row['quote']!r} {[row[k] for k in FIELDS]}")
                continue
            used.add(hit)
            claim = claims[hit]
            if claim.measure == "number":
                if verbose:
                    print(f"UNREAD {name} {row['quote']!r} ({claim.text})")
                continue
            got = _gold_row(claim, month)
            wrong = _agrees(got, row)
            st["read"] += 1
            if not about_month and claim.period == "month" and claim.flow != "other":
                st["other_checked"] += 1
            if wrong:
                st["wrong"] += 1
                if verbose:
                    print(
                        f"WRONG {name} {row['quote']!r} {','.join(wrong)}: got "
                        f"{[got[k] for k in FIELDS]} want {[row[k] for k in FIELDS]}"
                    )
            elif about_month:
                st["right_month"] += 1
        for n, claim in enumerate(claims):
            if n not in used and claim.measure != "number":
                st["read"] += 1
                st["wrong"] += 1
                if verbose:
                    where = f"{claim.subject} {claim.period}"
                    print(f"EXTRA {name} {claim.text!r} {claim.measure} {where}")
    for lang, st in sorted(stats.items()):
        recall = st["right_month"] / max(1, st["gold_month"])
        precision = 1 - st["wrong"] / max(1, st["read"])
        print(
            f"{lang}: recall (data month, all fields) {recall:.1%} "
            f"({st['right_month']}/{st['gold_month']}); precision of readings {precision:.1%} "
            f"({st['read'] - st['wrong']}/{st['read']}); other-period figures read as the "
            f"month: {st['other_checked']} of {st['gold_other']}"
        )
    against_dataset(news, index, gold)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    default = next(
        (
            p / "shared" / "data" / "news"
            for p in ROOT.parents
            if (p / "shared" / "data" / "news").is_dir()
        ),
        Path("../shared/data/news"),
    )
    main(Path(args[0]) if args else default, "-v" in sys.argv)
