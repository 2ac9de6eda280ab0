"""Build src/ictrade/classify/rules/oecd-ict.csv: the OECD/UNCTAD ICT goods list as dated rules.

Usage:  python tools/build_oecd_rules.py           (writes the CSV)
        python tools/build_oecd_rules.py --check   (fails if the committed CSV differs)
        python tools/build_oecd_rules.py --inputs ../shared/data/classifications
                                                   (refreshes the copies under data-raw/)

The list (UNCTADstat "ICT goods categories and composition (HS 2022)", the successor of the
OECD 2003/2008 lists, five categories) names HS2022 subheadings. Lines of earlier months are
coded in the HS edition then in force, so each earlier edition gets its own rules, found through
the UNSD correlation tables (HS2022 -> HS2017/2012/2007, HS2007 -> HS2002). An earlier code c
goes where its later counterparts put it:
* c's own number lives on in the later edition: c follows it (confidence high when c links to
  nothing else, else medium; HS2022 8524 drew display modules from the parts of hundreds of
  headings, which stay outside the list as their own numbers do);
* c was split or merged away: its counterparts in its own heading speak for it if it has any
  (HS2017 8517.12 became 8517.13/14), else all of them; all in the list in one category give that
  category (high); more than half of them in the list give their most common category (low);
  otherwise c stays outside.
Rules of one code and category in consecutive editions are merged into one dated rule.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data-raw" / "classifications" / "oecd"
OUT = ROOT / "src" / "ictrade" / "classify" / "rules" / "oecd-ict.csv"
LIST = "oecd_ict_goods_unctad_hs2022.csv"
# edition -> (first month, last month); lines are classified by the edition of their month
EDITIONS = {
    "2002": ("2002-01", "2006-12"),
    "2007": ("2007-01", "2011-12"),
    "2012": ("2012-01", "2016-12"),
    "2017": ("2017-01", "2021-12"),
    "2022": ("2022-01", ""),
}
# edition -> (correlation table, later edition it links from)
TABLES = {
    "2017": ("hs2022_to_hs2017_correlation.csv", "2022"),
    "2012": ("hs2022_to_hs2012_correlation.csv", "2022"),
    "2007": ("hs2022_to_hs2007_correlation.csv", "2022"),
    "2002": ("hs2007_to_hs2002_correlation.csv", "2007"),
}
CATEGORIES = {
    "ICT01": "computers_peripherals",
    "ICT02": "communication_equipment",
    "ICT03": "consumer_electronics",
    "ICT04": "electronic_components",
    "ICT05": "ict_miscellaneous",
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(RAW / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def hs2022_list() -> dict[str, str]:
    return {r["hs6"]: CATEGORIES[r["category"][:5]] for r in _rows(LIST)}


def earlier(
    later: dict[str, str], table: str, later_ed: str, ed: str
) -> dict[str, tuple[str, str]]:
    """Codes of edition ``ed`` -> (category, confidence), from the categories of ``later``."""
    links: dict[str, set[str]] = defaultdict(set)
    for r in _rows(table):
        links[r[f"hs{ed}"]].add(r[f"hs{later_ed}"])
    out: dict[str, tuple[str, str]] = {}
    for code, counterparts in sorted(links.items()):
        # successors in the same heading first (8517.12 became 8517.13/14; the display
        # modules of 8524 drew parts of it too)
        same = {c for c in counterparts if c[:4] == code[:4]}
        counterparts = same or counterparts
        cats = [later[c] for c in sorted(counterparts) if c in later]
        if code in counterparts:  # the code lives on: its later self decides
            if code in later:
                out[code] = (later[code], "high" if len(counterparts) == 1 else "medium")
        elif cats and len(set(cats)) == 1 and len(cats) == len(counterparts):
            out[code] = (cats[0], "high")
        elif 2 * len(cats) > len(counterparts):
            out[code] = (Counter(cats).most_common(1)[0][0], "low")
    return out


def build() -> str:
    by_edition: dict[str, dict[str, tuple[str, str]]] = {
        "2022": {c: (k, "high") for c, k in hs2022_list().items()}
    }
    for ed in ("2017", "2012", "2007", "2002"):
        table, later_ed = TABLES[ed]
        later = {c: k for c, (k, _) in by_edition[later_ed].items()}
        by_edition[ed] = earlier(later, table, later_ed, ed)
    # (code, category, confidence) per edition, merged over consecutive editions
    spans: list[list[str]] = []
    for code in sorted({c for rules in by_edition.values() for c in rules}):
        current: list[str] | None = None
        for ed in EDITIONS:
            rule = by_edition[ed].get(code)
            start, end = EDITIONS[ed]
            if rule and current and current[1] == rule[0] and current[3] == _prev_end(start):
                current[3] = end
                current[4] = max(current[4], rule[1], key=["high", "medium", "low"].index)
                current[5] += f", HS{ed}"
                continue
            if rule:
                current = [code, rule[0], start, end, rule[1], f"HS{ed}"]
                spans.append(current)
            else:
                current = None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["prefix", "item", "valid_from", "valid_to", "confidence", "basis", "label"])
    for code, item, start, end, confidence, editions in spans:
        basis = f"UNCTAD ICT goods HS2022; UNSD correlation ({editions})"
        writer.writerow([code, item, start, end, confidence, basis, ""])
    return out.getvalue()


def _prev_end(start: str) -> str:
    year, month = int(start[:4]), int(start[5:])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def refresh_inputs(shared: Path) -> None:
    """Copy the list and the rows of the correlation tables that the rules can use."""
    (RAW / LIST).write_bytes((shared / "ict_definitions" / LIST).read_bytes())
    wanted = set(hs2022_list())
    for ed in ("2017", "2012", "2007", "2002"):
        table, later_ed = TABLES[ed]
        source = shared / "hs_concordance" / table
        with open(source, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        # every link of an earlier code that has some link into the wanted codes
        codes = {r[f"hs{ed}"] for r in rows if r[f"hs{later_ed}"] in wanted}
        kept = [r for r in rows if r[f"hs{ed}"] in codes]
        with open(RAW / table, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept)
        if ed == "2007":
            wanted = codes  # HS2002 links from the HS2007 codes kept here


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--inputs", type=Path, help="shared/data/classifications to copy from")
    args = parser.parse_args()
    if args.inputs:
        refresh_inputs(args.inputs)
    text = build()
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from a rebuild; run python tools/build_oecd_rules.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
