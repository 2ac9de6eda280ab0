"""Build src/ictrade/classify/rules/kr-ict.csv, the dated HS rules of the Korean ICT release basket.

Usage:  python tools/build_rules.py          (writes the CSV and tests/data/hs6_<edition>.txt)
        python tools/build_rules.py --check  (fails if the committed files differ from a rebuild)

Inputs are the copies under data-raw/classifications/ (see its README.md). The decisions are the
table SPEC below: each row cites the evidence ids (S*) and the proposed corrections (C*) of
ict_release_crosswalk_evidence.md. The script
* expands each row over the HS editions it names into dated rules (one per contiguous period),
* checks that every HS prefix exists in the nomenclature of each edition it is valid in,
* checks that the pre-2022 homes of display modules correlate with HS2022 heading 8524,
* labels each rule from the KITA 2026 HSK-MTI table (Korean) and the UN Comtrade descriptions,
* writes the HS6 code list of each edition under tests/data/ so tests need not read data-raw.
The output is deterministic (sorted, no timestamps).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data-raw" / "classifications"
OUT = ROOT / "src" / "ictrade" / "classify" / "rules" / "kr-ict.csv"
TEST_DATA = ROOT / "tests" / "data"

# HSK editions: HSK follows the WCO HS edition in force (HSK revised each January).
EDITIONS = {"2012": ("2013-01", "2016-12"), "2017": ("2017-01", "2021-12"), "2022": ("2022-01", "")}
ALL, PRE, HS17, NEW = ("2012", "2017", "2022"), ("2012", "2017"), ("2017", "2022"), ("2022",)
CAMERA_SWITCH = ("2022-08", "2022-09")  # last month before / first month after the S1 change

# prefix, item, editions, confidence, basis
SPEC: list[tuple[str, str, tuple[str, ...], str, str]] = [
    # --- semiconductors: memory = all of 8542.32 + DRAM modules 8473.30-4060 (S2)
    ("854232", "other_memory", ALL, "medium", "S2 KOSIS; C3; S27 (memory remainder)"),
    ("8542321010", "dram", ALL, "high", "S2 KOSIS; C3; KITA MTI 831110 (S26)"),
    ("8542321030", "nand", ALL, "high", "S29; HSK 8542.32-1030 flash memory; KITA MTI 831120"),
    ("8542323000", "mcp", ALL, "medium", "S29 (memory MCP); S16 multichip line since 2007"),
    ("8542321020", "other_memory", ALL, "medium", "evidence §2 (SRAM); S2; KITA MTI 831130"),
    ("8542321090", "other_memory", ALL, "medium", "evidence §2; S2; KITA MTI 831190"),
    ("8542322000", "other_memory", ALL, "medium", "evidence §2; S2; KITA MTI 831190"),
    ("8542324000", "other_memory", HS17, "medium", "S14 S16 MCO line since HSK2017"),
    ("8473304060", "dram", ALL, "high", "S2 KOSIS (DRAM modules); C3"),
    ("854231", "system_semiconductors", ALL, "medium", "evidence §2; KITA MTI 8312 (S26)"),
    ("854233", "system_semiconductors", ALL, "medium", "evidence §2; KITA MTI 8312 (S26)"),
    ("854239", "system_semiconductors", ALL, "medium", "evidence §2; KITA MTI 8312 (S26)"),
    ("854290", "other_semiconductors", ALL, "low", "C12 (IC parts: not system semiconductors)"),
    ("854110", "other_semiconductors", ALL, "medium", "S19 S28; KITA MTI 8313"),
    ("854121", "other_semiconductors", ALL, "medium", "S19 S28; KITA MTI 8313"),
    ("854129", "other_semiconductors", ALL, "medium", "S19 S28; KITA MTI 8313"),
    ("854130", "other_semiconductors", ALL, "medium", "S19 S28; KITA MTI 8313"),
    (
        "854140",
        "other_semiconductors",
        PRE,
        "low",
        "S19 (LEDs); also holds PV cells/modules before HS2022, not separable at HS6",
    ),
    ("854141", "other_semiconductors", NEW, "medium", "S19 (LEDs); KITA MTI 8313"),
    ("854149", "other_semiconductors", NEW, "medium", "S19 S28; KITA MTI 8313"),
    # PV cells/modules and wafers: the official semiconductors of 2025-01..06 less memory and
    # system ICs leave USD 220-272 m a month, which HS6 8541 (PV included) and 3818 fill to
    # within the official rounding (README, "Checked against the official figures").
    ("854142", "other_semiconductors", NEW, "medium", "official 2025 residual; C14 reversed"),
    ("854143", "other_semiconductors", NEW, "medium", "official 2025 residual; C14 reversed"),
    ("854150", "other_semiconductors", PRE, "medium", "S19 S28; KITA MTI 8313"),
    ("854151", "other_semiconductors", NEW, "medium", "S16 (transducers new in HS2022); KITA 8313"),
    ("854159", "other_semiconductors", NEW, "medium", "S19 S28; KITA MTI 8313"),
    ("854160", "other_semiconductors", ALL, "medium", "S19 S28; KITA MTI 8313"),
    ("854190", "other_semiconductors", ALL, "medium", "S19 S28; KITA MTI 8313"),
    ("852352", "other_semiconductors", ALL, "low", "C13 included (UNCTAD ICT04; KITA 831)"),
    ("381800", "non_ict", PRE, "low", "C15 excluded: wafers, no MSIT text, not UNCTAD ICT; S19"),
    ("381800", "other_semiconductors", NEW, "medium", "official 2025 residual; C15 reversed"),
    ("854390", "non_ict", ALL, "low", "evidence §9 (electronic parts n.e.s. not in the basket)"),
    ("8543901000", "other_semiconductors", ALL, "low", "C12; KITA MTI 831240"),
    ("854800", "non_ict", NEW, "low", "evidence §3 (doubtful KITA links only)"),
    ("8548001000", "other_semiconductors", NEW, "low", "C12; KITA MTI 831240"),
    ("8548009000", "display_parts", NEW, "low", "evidence §3 doubtful KITA link (S26)"),
    # --- displays: 8524 from 2022 (S17 S18, C17); before, modules sat in 9013.80 / 8529.90 lines
    ("852411", "lcd", NEW, "high", "C17; S17 S18"),
    ("852491", "lcd", NEW, "high", "C17; S17 S18"),
    ("852412", "oled", NEW, "high", "C17; S17"),
    ("852492", "oled", NEW, "high", "C17; S17"),
    ("852419", "other_displays", NEW, "medium", "C17; S17"),
    ("852499", "other_displays", NEW, "medium", "C17; S17"),
    ("901380", "lcd", PRE, "low", "S17 (LC devices before 8524; correlation 8524 <- 901380)"),
    ("901380", "non_ict", NEW, "low", "LC devices moved to 8524 (S17); rest optical (KITA 724190)"),
    ("8529906022", "lcd", PRE, "low", "S4 S5 S17 (pre-2022 LCD module line; code as HSK2026)"),
    ("8529906022", "display_parts", NEW, "medium", "C11; S4 S5"),
    ("8529906023", "oled", ("2017",), "low", "S14 (HSK2017 OLED module lines; code as HSK2026)"),
    ("8529906023", "display_parts", NEW, "medium", "C11; S4 S5"),
    ("853120", "non_ict", ALL, "low", "signalling panels; only the LCD line counted"),
    ("8531201000", "lcd", ALL, "low", "evidence §3 doubtful KITA link (S26)"),
    ("853190", "non_ict", ALL, "low", "parts of signalling apparatus"),
    ("8531909000", "display_parts", ALL, "low", "evidence §3 doubtful KITA link (S26)"),
    ("853890", "non_ict", ALL, "low", "parts of switchgear"),
    ("8538909000", "display_parts", ALL, "low", "evidence §3 doubtful KITA link (S26)"),
    # --- mobile phones
    ("851712", "mobile_finished", PRE, "high", "evidence §4; HS2022 8517.13/14 <- 8517.12"),
    ("851713", "mobile_finished", NEW, "high", "evidence §4; KITA MTI 8121"),
    ("851714", "mobile_finished", NEW, "high", "evidence §4; KITA MTI 8121"),
    (
        "851770",
        "mobile_parts",
        PRE,
        "medium",
        "evidence §4 (also wired-equipment parts and phone display modules; not separable at HS6)",
    ),
    ("851771", "mobile_parts", NEW, "medium", "C18; evidence §4 (aerials of 8517)"),
    ("851779", "mobile_parts", NEW, "medium", "C18; evidence §4 (8517.79-1020 smartphone parts)"),
    ("8517791010", "telecom_equipment", NEW, "medium", "evidence §6 wired parts; KITA MTI 811500"),
    ("8517793000", "telecom_equipment", NEW, "medium", "evidence §6 wired parts; KITA MTI 811500"),
    # camera modules: 8529.90-4000 chosen first (S24: camera modules are parts of 8525
    # apparatus, China line 8529.90.42); KCS's own series of camera-module parts is
    # 8529.90-3020 (카메라부문품), and official mobile phones of 2025 need it: both lines are
    # counted (rows generated from CAMERA_SWITCH).
    # --- computers and peripherals
    ("847130", "computers", ALL, "high", "evidence §5; KITA MTI 8131"),
    ("847141", "computers", ALL, "high", "evidence §5; KITA MTI 8131"),
    ("847149", "computers", ALL, "high", "evidence §5; KITA MTI 8131"),
    ("847150", "computers", ALL, "high", "evidence §5; KITA MTI 8131"),
    ("847330", "computers", ALL, "medium", "C1; S3 S4 (computer parts in the computer sub-item)"),
    ("841459", "non_ict", ALL, "low", "fans; only the computer-fan line counted"),
    ("8414592000", "computers", ALL, "low", "C2"),
    ("8522903000", "computers", ALL, "low", "C2"),
    ("847160", "other_peripherals", ALL, "medium", "S3 (scanners, I/O); KITA MTI 8135"),
    ("847170", "other_peripherals", ALL, "medium", "evidence §5 (HDD/ODD); KITA MTI 8132"),
    ("847180", "other_peripherals", ALL, "medium", "KITA MTI 8135"),
    ("847190", "other_peripherals", ALL, "medium", "KITA MTI 8135"),
    ("847350", "other_peripherals", ALL, "medium", "KITA MTI 8135"),
    ("844331", "other_peripherals", ALL, "medium", "C4; S3 S4 (printers; fax lines not split)"),
    ("844332", "other_peripherals", ALL, "medium", "C4; S3 S4 (printers; fax lines not split)"),
    ("852841", "other_peripherals", ("2012",), "low", "C5 (CRT monitors for 8471; HS2012 code)"),
    ("852851", "other_peripherals", ("2012",), "medium", "C5; S3 (monitors; HS2012 code)"),
    ("852861", "other_peripherals", ("2012",), "medium", "evidence §5 (projectors; HS2012 code)"),
    ("852842", "other_peripherals", HS17, "low", "C5 (CRT monitors for 8471)"),
    ("852852", "other_peripherals", HS17, "medium", "C5; S3 (monitors)"),
    ("852862", "other_peripherals", HS17, "medium", "evidence §5 (projectors)"),
    ("852351", "ssd", ALL, "medium", "C6; S23 S22 S28 (-2xxx lines low-medium; S27)"),
    ("8523511000", "ssd", ALL, "high", "S23 S28 S3; HSK 8523.51-1000 SSD"),
    # --- telecommunications equipment
    ("851711", "telecom_equipment", ALL, "medium", "evidence §6"),
    ("851718", "telecom_equipment", ALL, "medium", "evidence §6"),
    ("851761", "telecom_equipment", ALL, "medium", "evidence §6"),
    ("851762", "telecom_equipment", ALL, "medium", "evidence §6; S20 (line -2040 not split)"),
    ("851769", "telecom_equipment", ALL, "medium", "evidence §6"),
    ("8526", "telecom_equipment", ALL, "low", "evidence §6 (radar/navigation: unknown)"),
    # --- digital TVs (incl. TV parts, S5)
    ("852872", "tv", ALL, "medium", "C10; S5"),
    ("852873", "tv", ALL, "medium", "C10; S5"),
    ("852871", "other_ict", ALL, "low", "C9 (set-top boxes, tuners: broadcasting)"),
    ("8528719000", "tv", ALL, "medium", "C10 (other TV receivers)"),
    ("852849", "other_ict", ALL, "low", "evidence §9 (video monitors not for 8471)"),
    ("852859", "other_ict", ALL, "low", "evidence §9 (video monitors not for 8471)"),
    ("852869", "other_ict", ALL, "low", "evidence §9 (video projectors not for 8471)"),
    ("8529906021", "tv", ALL, "medium", "C10; S5 (TV parts)"),
    ("8529906029", "tv", ALL, "medium", "C10; S5 (TV parts)"),
    # --- secondary batteries (C16)
    ("850760", "secondary_batteries", ALL, "medium", "C16; S6 S7 S8 S9 S10"),
    ("850710", "secondary_batteries", ALL, "low", "C16; S21 (KCS scope: all of 8507)"),
    ("850720", "secondary_batteries", ALL, "low", "C16; S21"),
    ("850730", "secondary_batteries", ALL, "low", "C16; S21"),
    ("850740", "secondary_batteries", PRE, "low", "C16; S21 (nickel-iron, deleted in HS2022)"),
    ("850750", "secondary_batteries", ALL, "low", "C16; S21"),
    ("850780", "secondary_batteries", ALL, "low", "C16; S21"),
    ("850790", "secondary_batteries", ALL, "low", "C16; S21 (parts)"),
    # --- other ICT: broadcasting, audio/video, recording media
    ("8525", "other_ict", ALL, "low", "C9 (broadcasting transmitters, TV cameras); evidence §9"),
    ("852910", "other_ict", ALL, "low", "C7 (aerials of 8525-8528: broadcasting parts)"),
    ("852990", "other_ict", ALL, "low", "C8 C9; S1 (기타 방송용장비 부분품)"),
    ("8518", "other_ict", ALL, "low", "evidence §9; S13"),
    ("8519", "other_ict", ALL, "low", "evidence §9; S13"),
    ("8521", "other_ict", ALL, "low", "evidence §9; S13"),
    ("8522", "other_ict", ALL, "low", "evidence §9; S13"),
    ("8527", "other_ict", ALL, "low", "evidence §9; S13"),
    ("8523", "other_ict", ALL, "low", "S10 (storage media with software/content)"),
    ("854370", "non_ict", ALL, "low", "electrical machines n.e.s.; only audio components counted"),
    ("8543702030", "other_ict", ALL, "low", "evidence §9; KITA MTI 822490"),
    ("8543702040", "other_ict", ALL, "low", "evidence §9; KITA MTI 822490"),
    ("8543709010", "other_ict", ALL, "low", "evidence §9; KITA MTI 822490"),
    ("901320", "other_ict", ALL, "low", "C9 (KITA MTI 812410)"),
    # --- electronic components other than semiconductors and displays (group 전자부품, S13):
    # the families evidence §9 names, at the HSK lines KITA files under MTI 83 (S26)
    ("8532", "other_ict", ALL, "low", "evidence §1 §9 S13 (capacitors); KITA MTI 8333"),
    ("8533", "other_ict", ALL, "low", "evidence §1 §9 S13 (resistors); KITA MTI 8331/8333"),
    ("8534", "other_ict", ALL, "low", "evidence §1 §9 S13 (printed circuits); KITA MTI 834300"),
    ("853661", "other_ict", ALL, "low", "evidence §9 S13 (connectors 8536.6x-.90); KITA 834200"),
    ("853669", "other_ict", ALL, "low", "evidence §9 S13 (connectors 8536.6x-.90); KITA 834200"),
    ("853670", "other_ict", ALL, "low", "evidence §9 S13 (connectors 8536.6x-.90); KITA 834200"),
    ("853690", "other_ict", ALL, "low", "evidence §9 S13 (connectors 8536.6x-.90); KITA 834200"),
    ("8540", "other_ict", ALL, "low", "evidence §9 S13 (electron tubes); KITA MTI 832"),
    # --- ICT-applied equipment (정보통신응용기반기기, S12 S13): medical devices and measuring
    # instruments (S10; evidence §1 §9). Medical devices = the medical headings of ch. 90
    # (9020 breathing appliances and gas masks left out); 9030.82 wafer testers are
    # semiconductor equipment (KITA MTI 732100), machinery like 8486, and stay out.
    ("9018", "other_ict", ALL, "low", "S10 (medical devices); evidence §1 §9"),
    ("9019", "other_ict", ALL, "low", "S10 (medical devices); evidence §1 §9"),
    ("9021", "other_ict", ALL, "low", "S10 (medical devices); evidence §1 §9"),
    ("9022", "other_ict", ALL, "low", "S10 (medical devices); evidence §1 §9"),
    ("9030", "other_ict", ALL, "low", "S10 S12; evidence §9 (measuring instruments); KITA 815"),
    ("903082", "non_ict", ALL, "low", "semiconductor test equipment (KITA MTI 732100)"),
]
CAMERA_LINE = "8529904000"
KCS_CAMERA_LINE = "8529903020"  # KCS's camera-module parts series
# Labels of HSK10 lines (else the KITA 2026 MTI6 name is used).
LABELS = {
    "8542321010": "D램 (DRAM)",
    "8542321030": "플래시 메모리 (NAND flash)",
    "8542323000": "메모리 MCP (multichip memory)",
    "8542324000": "MCO (multi-component memory IC)",
    "8473304060": "D램 모듈 (DRAM modules)",
    "8523511000": "SSD (solid-state drives)",
    "8529906022": "LCD 모듈/부분품 (LCD modules before 2022, parts after)",
    "8529906023": "OLED 모듈/부분품 (OLED modules 2017-2021, parts after)",
    "8531201000": "LCD 표시반 (indicator panels; KITA MTI: LCD)",
    "8531909000": "신호기 부분품 (signalling parts; KITA MTI: OLED)",
    "8538909000": "개폐기 등 부분품 (switchgear parts; KITA MTI: LCD)",
    "8548009000": "기타 전기 부분품 (electrical parts n.e.s.; KITA MTI: OLED)",
    CAMERA_LINE: "기타무선통신기기부품 (carries phone camera modules: chosen, undocumented)",
    KCS_CAMERA_LINE: "카메라부문품 (camera-module parts: KCS item series)",
}


def read_csv(name: str) -> list[dict[str, str]]:
    with (RAW / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def nomenclatures() -> dict[str, dict[str, str]]:
    """Edition -> code (2/4/6 digits) -> English description."""
    return {
        ed: {r["code"]: r["description"] for r in read_csv(f"hs{ed}_descriptions_uncomtrade.csv")}
        for ed in EDITIONS
    }


def check_prefix(prefix: str, editions: tuple[str, ...], noms: dict[str, dict[str, str]]) -> None:
    head = prefix[:6] if len(prefix) >= 6 else prefix
    for ed in editions:
        if head not in noms[ed]:
            sys.exit(f"{prefix}: {head} is not a code of HS{ed}")


def check_display_homes() -> None:
    """The pre-2022 display rules sit in HS2017 codes that fed HS2022 8524 (correlation table)."""
    links = read_csv("hs2022_to_hs2017_correlation.csv")
    fed = {r["hs2017"] for r in links if r["hs2022"][:4] == "8524"}
    for prefix, item, editions, *_ in SPEC:
        panel = item in {"lcd", "oled", "other_displays"}
        if panel and "2022" not in editions and prefix[:6] not in fed:
            sys.exit(f"{prefix}: {prefix[:6]} does not correlate with HS2022 8524")


def periods(editions: tuple[str, ...]) -> list[tuple[str, str]]:
    """Contiguous (from, to) periods covered by the editions."""
    order = list(EDITIONS)
    out: list[tuple[str, str]] = []
    for ed in sorted(editions, key=order.index):
        start, end = EDITIONS[ed]
        prev = order.index(ed) - 1
        if out and prev >= 0 and order[prev] in editions:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def label(
    prefix: str, editions: tuple[str, ...], noms: dict[str, dict[str, str]], korean: dict[str, str]
) -> str:
    if prefix in LABELS:
        return LABELS[prefix]
    if prefix in korean:
        return korean[prefix]
    ed = max(editions)
    head = prefix[:6] if len(prefix) >= 6 else prefix
    text = noms[ed][head]
    return text if len(text) <= 90 else text[:87].rstrip() + "..."


def build() -> tuple[str, dict[str, str]]:
    noms = nomenclatures()
    kita = read_csv("hsk10_to_mti6_2026_ict_chapters.csv")
    korean = {r["hsk10"]: r["mti6_name_ko"] for r in kita}
    check_display_homes()
    rows: list[tuple[str, str, str, str, str, str, str]] = []
    for prefix, item, editions, confidence, basis in SPEC:
        check_prefix(prefix, editions, noms)
        for start, end in periods(editions):
            rows.append(
                (prefix, item, start, end, confidence, basis, label(prefix, editions, noms, korean))
            )
    for line, confidence, cam in (
        (CAMERA_LINE, "low", "S1 S24; C8: undocumented line, 8529.90-4000 chosen"),
        (KCS_CAMERA_LINE, "medium", "S1; KCS series 카메라부문품; official mobile phones 2025"),
    ):
        check_prefix(line, ALL, noms)
        cam_label = label(line, ALL, noms, korean)
        until = cam + "; counted as broadcasting-equipment parts until 2022-08"
        rows.append((line, "other_ict", "2013-01", CAMERA_SWITCH[0], confidence, until, cam_label))
        since = cam + "; counted in phone parts from the Sept-2022 release"
        rows.append((line, "mobile_parts", CAMERA_SWITCH[1], "", confidence, since, cam_label))
    rows.sort(key=lambda r: (r[0], r[2]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["prefix", "item", "valid_from", "valid_to", "confidence", "basis", "label"])
    writer.writerows(rows)
    hs6 = {
        f"hs6_hs{ed}.txt": "\n".join(sorted(c for c in noms[ed] if len(c) == 6)) + "\n"
        for ed in EDITIONS
    }
    return out.getvalue(), hs6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if committed files differ")
    args = parser.parse_args()
    rules, hs6 = build()
    targets = {OUT: rules, **{TEST_DATA / name: text for name, text in hs6.items()}}
    if args.check:
        stale = [
            str(p)
            for p, text in targets.items()
            if not p.exists() or p.read_text(encoding="utf-8") != text
        ]
        if stale:
            sys.exit("out of date: " + ", ".join(stale))
        print("up to date")
        return
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    count = rules.count("\n") - 1
    print(f"wrote {OUT.relative_to(ROOT)} ({count} rules) and {len(hs6)} HS6 lists")


if __name__ == "__main__":
    main()
