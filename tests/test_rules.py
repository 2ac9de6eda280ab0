"""The kr-ict rules: where the evidence puts codes, dating by HS edition, classifier laws."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.classify.rules import NON_ICT, Scheme, load_rules, scheme
from ictrade.classify.taxonomy import taxonomy
from ictrade.cli import cli
from ictrade.errors import ReferenceDataError, UsageError
from ictrade.months import Month

DATA = Path(__file__).parent / "data"
# Month ranges of the HS editions HSK followed (see classify/rules/README.md).
EDITIONS: dict[str, tuple[str, str | None]] = {
    "2012": ("2013-01", "2016-12"),
    "2017": ("2017-01", "2021-12"),
    "2022": ("2022-01", None),
}


@pytest.fixture(scope="module")
def kr() -> Scheme:
    return scheme("kr-ict")


def item(kr: Scheme, code: str, month: str) -> str:
    return kr.classify(code, Month.parse(month)).item


def rule_rows() -> list[dict[str, str]]:
    path = resources.files("ictrade").joinpath("classify", "rules", "kr-ict.csv")
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.mark.parametrize("month", ["2014-03", "2020-06", "2024-01"])
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("8542321010", "dram"),  # S2: DRAM chips
        ("8473304060", "dram"),  # S2: DRAM modules
        ("8542321030", "nand"),
        ("8542323000", "mcp"),
        ("8542321020", "other_memory"),  # SRAM
        ("8523511000", "ssd"),  # S23
        ("8473301000", "computers"),  # C1: computer parts in the computer sub-item
        ("8542311000", "system_semiconductors"),
        ("854110", "other_semiconductors"),
        ("8507602000", "secondary_batteries"),  # C16
        ("852872", "tv"),
        ("8528719000", "tv"),
        ("8528711000", "other_ict"),  # set-top boxes: broadcasting (C9)
        ("851762", "telecom_equipment"),
        ("847130", "computers"),
        ("847170", "other_peripherals"),
    ],
)
def test_evidence_anchors(kr: Scheme, code: str, expected: str, month: str) -> None:
    assert item(kr, code, month) == expected


def test_hs6_memory_line_goes_to_memory(kr: Scheme) -> None:
    for month in ("2015-05", "2020-11", "2023-02"):
        decision = kr.classify("854232", Month.parse(month))
        assert decision.item == "memory"
        assert not decision.mixed
        assert {"dram", "nand", "mcp", "other_memory"} <= {r.item for r in decision.finer}


def test_phone_codes_follow_the_hs_edition(kr: Scheme) -> None:
    assert item(kr, "851712", "2020-06") == "mobile_finished"
    assert item(kr, "851713", "2022-01") == "mobile_finished"
    assert item(kr, "8517130000", "2023-05") == "mobile_finished"
    # 8517.13 does not exist before HS2022: no rule, so it is not classified as ICT in 2020 ...
    assert item(kr, "851713", "2020-06") == NON_ICT
    assert kr.classify("851713", Month.parse("2020-06")).covering is None
    # ... and 8517.12 does not exist in HS2022.
    assert item(kr, "851712", "2022-01") == NON_ICT
    assert item(kr, "851770", "2021-12") == "mobile_parts"
    assert item(kr, "851770", "2022-01") == NON_ICT
    assert item(kr, "851771", "2022-01") == "mobile_parts"


def test_display_modules_heading_8524_only_from_2022(kr: Scheme) -> None:
    for code, expected in [
        ("852411", "lcd"),
        ("852491", "lcd"),
        ("852412", "oled"),
        ("852492", "oled"),
        ("852419", "other_displays"),
        ("852499", "other_displays"),
    ]:
        assert item(kr, code, "2022-01") == expected
        assert item(kr, code, "2021-12") == NON_ICT
    assert all(r["valid_from"] >= "2022-01" for r in rule_rows() if r["prefix"].startswith("8524"))
    # before 2022, LC devices of 9013.80 were the LCD home; from 2022 the remainder is optical
    assert item(kr, "901380", "2019-04") == "lcd"
    assert item(kr, "901380", "2022-04") == NON_ICT


def test_camera_module_line_moves_in_september_2022(kr: Scheme) -> None:
    assert item(kr, "8529904000", "2022-08") == "other_ict"
    assert item(kr, "8529904000", "2022-09") == "mobile_parts"
    decision = kr.classify("8529904000", Month.parse("2022-09"))
    assert decision.covering is not None and decision.covering.confidence == "low"


def test_mixed_hs6_line_is_reported(kr: Scheme) -> None:
    decision = kr.classify("854800", Month.parse("2023-03"))  # IC parts, display parts, the rest
    assert decision.mixed
    assert decision.item == NON_ICT
    assert "MIXED" in decision.explain()
    assert not kr.classify("854232", Month.parse("2023-03")).mixed


def test_exclusions_are_explicit(kr: Scheme) -> None:
    decision = kr.classify("381800", Month.parse("2020-01"))
    assert decision.item == NON_ICT
    assert decision.covering is not None and decision.covering.item == NON_ICT


def test_wafers_and_pv_count_as_semiconductors_from_hs2022(kr: Scheme) -> None:
    # the official semiconductors of 2025 need them (README, checked against official figures)
    for code in ("381800", "854142", "854143"):
        assert kr.classify(code, Month.parse("2023-01")).item == "other_semiconductors"


def test_documented_components_and_applied_equipment_count_as_other_ict(kr: Scheme) -> None:
    # evidence §9 names them; families without a document stay out, whatever their size
    for code in ("853224", "853400", "853669", "853690", "854089", "901890", "902214", "903039"):
        assert kr.classify(code, Month.parse("2025-03")).item == "other_ict", code
    for code in ("848620", "854442", "850440", "853710", "903082", "902000", "903180"):
        assert kr.classify(code, Month.parse("2025-03")).item == NON_ICT, code
    assert kr.classify("9030", Month.parse("2025-03")).mixed  # wafer testers under it


def test_every_rule_item_is_a_taxonomy_id() -> None:
    ids = set(taxonomy().ids) | {NON_ICT}
    assert {r["item"] for r in rule_rows()} <= ids


def test_every_leaf_has_rules() -> None:
    tax = taxonomy()
    leaves = {i for i in tax.ids if not tax.children[i]}
    assert leaves <= {r["item"] for r in rule_rows()}


def _hs6_lists() -> dict[str, set[str]]:
    return {ed: set((DATA / f"hs6_hs{ed}.txt").read_text().split()) for ed in EDITIONS}


def _editions_of(valid_from: str, valid_to: str) -> list[str]:
    out = []
    for ed, (start, end) in EDITIONS.items():
        starts_before_end = end is None or not valid_from or valid_from <= end
        if (not valid_to or valid_to >= start) and starts_before_end:
            out.append(ed)
    return out


def test_every_prefix_exists_in_its_editions() -> None:
    lists = _hs6_lists()
    for row in rule_rows():
        assert row["valid_from"] >= EDITIONS["2012"][0], row  # no rule before HSK on HS2012
        head = row["prefix"][:6]
        for ed in _editions_of(row["valid_from"], row["valid_to"]):
            codes = lists[ed] if len(head) == 6 else {c[: len(head)] for c in lists[ed]}
            period = f"{row['valid_from']}..{row['valid_to']}"
            assert head in codes, f"{row['prefix']} ({period}) not in HS{ed}"


def test_no_rule_spans_an_edition_change() -> None:
    starts = {start for start, _ in EDITIONS.values()}
    for row in rule_rows():
        if len(row["prefix"]) == 6 and row["valid_to"]:
            nxt = Month.parse(row["valid_to"]) + 1
            assert str(nxt) in starts, row


def test_each_leaf_has_an_exact_code_where_the_evidence_has_one(kr: Scheme) -> None:
    tax = taxonomy()
    leaves = [i for i in tax.ids if not tax.children[i]]
    gaps = {"2014-06": {"oled", "other_displays"}, "2019-06": {"other_displays"}, "2023-06": set()}
    for month, missing in gaps.items():
        m = Month.parse(month)
        prefixes = {r.prefix for r in kr.rules if r.valid_at(m.index)}
        exact = {kr.classify(p, m).item for p in prefixes}
        assert {leaf for leaf in leaves if leaf not in exact} == missing, month


def test_overlapping_rules_are_rejected() -> None:
    text = "prefix,item,valid_from,valid_to\n851712,mobile_finished,2013-01,2021-12\n"
    text += "851712,telecom_equipment,2021-06,\n"
    with pytest.raises(ReferenceDataError, match="851712"):
        load_rules("t", text)


def test_bad_code_is_a_usage_error(kr: Scheme) -> None:
    with pytest.raises(UsageError, match="85x"):
        kr.classify("85x", Month(2020, 1))


CODES = st.text(alphabet="0123456789", min_size=2, max_size=10) | st.sampled_from(
    sorted({r["prefix"] for r in rule_rows()})
).flatmap(lambda p: st.sampled_from([p, p[:2], p[:4], p[:6], p[:8]]))
MONTHS = st.integers(Month(2010, 1).index, Month(2030, 12).index).map(Month.from_index)


@settings(max_examples=300, deadline=None)
@given(code=CODES, month=MONTHS)
def test_classification_is_an_item_and_matches_segments(code: str, month: Month) -> None:
    kr = scheme("kr-ict")
    decision = kr.classify(code, month)
    assert decision.item in set(taxonomy().ids) | {NON_ICT}
    spans = [s for s in kr.segments(code) if s[0] <= month.index <= s[1]]
    assert len(spans) == 1
    assert spans[0][2].item == decision.item
    assert spans[0][2].mixed == decision.mixed


def test_cli_classify() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["classify", "8542.32-1010", "--month", "2020-11"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("8542321010 in 2020-11: dram")
    assert "S2" in result.output
    result = runner.invoke(cli, ["classify", "8529904000", "--month", "2022-08"])
    assert "2022-09..open: mobile_parts" in result.output
    result = runner.invoke(cli, ["classify", "851713", "--month", "2020-01"])
    assert "non_ict" in result.output.splitlines()[0]
    assert "2022-01..open: mobile_finished" in result.output


def test_cli_classify_default_month_and_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["classify", "854232"])
    assert result.exit_code == 0
    assert f"in {Month.from_date(dt.date.today())}: memory" in result.output
    bad = runner.invoke(cli, ["classify", "85x"])
    assert bad.exit_code == 2 and "85x" in bad.output
    bad = runner.invoke(cli, ["classify", "854232", "--scheme", "nope"])
    assert bad.exit_code == 2 and "kr-ict" in bad.output
    bad = runner.invoke(cli, ["classify", "854232", "--month", "2020-13"])
    assert bad.exit_code == 2 and "2020-13" in bad.output


def test_committed_rules_match_the_build_script() -> None:
    import importlib.util

    path = Path(__file__).parent.parent / "tools" / "build_rules.py"
    spec = importlib.util.spec_from_file_location("build_rules", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rules, hs6 = module.build()
    assert rules == "\n".join(csv_line for csv_line in _committed().splitlines()) + "\n"
    for name, text in hs6.items():
        assert (DATA / name).read_text(encoding="utf-8") == text


def _committed() -> str:
    path = resources.files("ictrade").joinpath("classify", "rules", "kr-ict.csv")
    return path.read_text(encoding="utf-8")


def test_code_without_covering_rule_follows_the_outermost_rules_under_it() -> None:
    text = (
        "prefix,item,valid_from,valid_to\n"
        "854800,non_ict,,\n8548001000,other_semiconductors,,\n"
        "852411,lcd,,\n852412,oled,,\n8524110001,non_ict,,\n"
    )
    toy = Scheme("toy", load_rules("toy", text))
    m = Month(2023, 1)
    assert (toy.classify("8548", m).item, toy.classify("8548", m).mixed) == (NON_ICT, True)
    assert (toy.classify("8524", m).item, toy.classify("8524", m).mixed) == ("displays", True)
    assert toy.classify("852411", m).item == "lcd"
    assert toy.classify("8548001000", m).item == "other_semiconductors"


def test_every_hsk10_rule_has_a_covering_hs_rule(kr: Scheme) -> None:
    for rule in kr.rules:
        if len(rule.prefix) <= 6:
            continue
        for index in (rule.valid_from, rule.valid_to):
            month = Month.from_index(min(index, Month(2030, 12).index))
            covering = kr.classify(rule.prefix[:6], month).covering
            assert covering is not None, f"{rule.prefix} has no covering rule in {month}"
