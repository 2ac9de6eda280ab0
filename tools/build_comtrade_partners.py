"""Build src/ictrade/data/comtrade_partners.csv: Comtrade partner code -> ISO 3166 alpha-2.

Inputs (read-only, build time only): the Comtrade reference Reporters.json (codes with ISO2) and
the legacy Comtrade partner-area list (codes and names; ISO2 by ISO numeric via pycountry).
Run: python tools/build_comtrade_partners.py /work/shared/data
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pycountry

from ictrade.classify.partners import partner_codes

# Comtrade codes that are not ISO numeric, or historical areas with customs-style codes.
SPECIAL = {
    0: ("WORLD", "World: the total over all partners"),
    490: ("TW", "'Other Asia, nes': Taiwan in Comtrade practice"),
    280: ("DE", "Former Federal Republic of Germany"),
    278: ("DD", "Former German Democratic Republic"),
    810: ("SU", "Former USSR"),
    890: ("YU", "Former Yugoslavia"),
    891: ("CS", "Serbia and Montenegro"),
    200: ("CS", "Czechoslovakia (old ISO code CS)"),
    381: ("IT", "Italy (legacy partner code)"),
}


def main(data: Path) -> None:
    out: dict[int, tuple[str, str, str]] = {}
    for code, (iso2, why) in SPECIAL.items():
        out[code] = (iso2, why, "special")
    reporters = json.loads((data / "fixtures/comtrade/reference_Reporters.json").read_text())
    for r in reporters["results"]:
        iso2 = (r.get("reporterCodeIsoAlpha2") or "").strip()
        if not r["isGroup"] and iso2 and r["reporterCode"] not in out:
            out[r["reporterCode"]] = (iso2, r["reporterDesc"], "Reporters.json")
    legacy = data / "classifications/countries/uncomtrade_partner_areas_legacy.csv"
    with legacy.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = int(row["comtrade_code"])
            country = pycountry.countries.get(numeric=f"{code:03d}")
            if code not in out and country is not None:
                out[code] = (country.alpha_2, row["name"], "legacy partner list + ISO numeric")
    known = partner_codes()
    target = Path(__file__).parents[1] / "src/ictrade/data/comtrade_partners.csv"
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["comtrade_code", "iso2", "name", "basis"])
        for code in sorted(out):
            iso2, name, basis = out[code]
            if iso2 not in known:
                print(f"skipped {code} {name}: {iso2} is not a partner code", file=sys.stderr)
                continue
            writer.writerow([code, iso2, name, basis])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
