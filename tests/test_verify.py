"""verify: figures of a release or news text, with their subjects, checked against the facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from release_data import MONTH, fill, write_store

from ictrade.cli import cli
from ictrade.months import Month
from ictrade.release.claims import extract
from ictrade.release.compose import compose_short
from ictrade.release.markdown import long_markdown, short_markdown
from ictrade.release.verify import MATCHED, MISMATCHED, verify_text
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store

REFERENCE = Path(__file__).parent / "data" / "reference-2020-11.txt"
MONTHS = [Month(2020, m) for m in (1, 4, 7, 11)]


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    with open_store(":memory:") as s:
        yield fill(s)


@pytest.fixture(scope="module")
def facts_by_month(store):  # type: ignore[no-untyped-def]
    return {m: build_facts(store, m) for m in MONTHS}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("month", MONTHS, ids=str)
def test_our_releases_verify_in_full(facts_by_month, month, lang):
    facts = facts_by_month[month]
    for text in (short_markdown(facts, lang), long_markdown(facts, lang)):
        report = verify_text(text, facts)
        assert report.ok and report.count(MATCHED) == len(report.outcomes), report.table()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_figure_of_the_text_is_a_claim(facts_by_month, lang):
    facts = facts_by_month[MONTH]
    text = short_markdown(facts, lang)
    figures = sum(len(s.figures) for p in compose_short(facts) for s in p)
    pairs = sum(
        2 * len(s.args["children"]) for p in compose_short(facts) for s in p if s.kind == "pair"
    )
    # the title repeats the lead's two figures; streaks, turns and records are claims too
    assert len(extract(text)) >= figures + pairs + 2


def _numbers(text: str) -> list[re.Match[str]]:
    return [m for m in re.finditer(r"\d[\d,]*\.\d|\d{3}(?= million)|\d+(?=백만)", text)]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_one_changed_number_is_the_one_mismatch(facts_by_month, lang):
    facts = facts_by_month[MONTH]
    text = short_markdown(facts, lang)
    numbers = _numbers(text)
    assert len(numbers) > 20
    for m in numbers:
        digits = m.group(0)
        last = "3" if digits[-1] != "3" else "7"
        changed = text[: m.end() - 1] + last + text[m.end() :]
        report = verify_text(changed, facts)
        bad = [o for o in report.outcomes if o.status == MISMATCHED]
        assert len(bad) == 1, (digits, report.table())
        assert digits[:-1] + last in bad[0].claim.text


def test_claim_subjects_and_precision_of_the_reference():
    claims = {(c.text, c.flow, c.item, c.region): c for c in extract(REFERENCE.read_text())}
    # figures as given by reference/2020-11.txt
    expected = [
        ("USD 16.6 billion", "export", "total", "world", 16.6, 0.1),
        ("15.8 percent", "export", "total", "world", 15.8, 0.1),
        ("$10.4 billion", "import", "total", "world", 10.4, 0.1),
        ("$6.2 billion", "balance", "total", "world", 6.2, 0.1),
        ("$5.2 billion", "export", "memory", "world", 5.2, 0.1),
        ("39.2 percent", "export", "system_semiconductors", "world", 39.2, 0.1),
        ("27.7 percent", "export", "displays", "world", 27.7, 0.1),
        ("$420 million", "export", "mobile_finished", "world", 420, 10),
        ("$860 million", "export", "mobile_parts", "world", 860, 10),
        ("$690 million", "export", "ssd", "world", 690, 10),
        ("$1.0 billion", "export", "computers_peripherals", "world", 1.0, 0.1),
        ("$7.7 billion", "export", "total", "china_incl_hk", 7.7, 0.1),
        ("35.2 percent", "export", "total", "vietnam", 35.2, 0.1),
        ("19.4 percent", "export", "total", "us", 19.4, 0.1),
        ("$1.1 billion", "export", "total", "eu", 1.1, 0.1),
        ("13.8 percent", "export", "total", "japan", -13.8, 0.1),
        ("$328 million", "export", "total", "japan", 328, 1),
    ]
    for text, flow, item, region, printed, step in expected:
        claim = claims[(text, flow, item, region)]
        assert (claim.printed, claim.step) == (pytest.approx(printed), pytest.approx(step))
    streak = next(c for c in claims.values() if c.measure == "streak")
    assert (streak.item, streak.args["months"], streak.args["kind"]) == ("total", 6, "yoy_growth")
    turn = next(c for c in claims.values() if c.measure == "turn")
    assert (turn.item, turn.args["months"]) == ("mobile_phones", 4)
    assert len(claims) == 36


def _reference_facts() -> dict[str, object]:
    """A facts document holding the reference's figures (values just off the printed ones)."""
    cells, streaks, turns = [], [], []
    for c in extract(REFERENCE.read_text()):
        if c.measure == "streak":
            streaks.append(
                {
                    "flow": c.flow,
                    "item": c.item,
                    "region": c.region,
                    "kind": c.args["kind"],
                    "months": c.args["months"],
                }
            )
            continue
        if c.measure == "turn":
            turns.append(
                {
                    "flow": c.flow,
                    "item": c.item,
                    "region": c.region,
                    "kind": c.args["kind"],
                    "previous_months": c.args["months"] - 1,
                }
            )
            continue
        cell = next(
            (x for x in cells if (x["flow"], x["item"], x["region"]) == (c.flow, c.item, c.region)),
            None,
        )
        if cell is None:
            cell = {
                "flow": c.flow,
                "item": c.item,
                "region": c.region,
                "value_usd": 0.0,
                "yoy_pct": None,
            }
            cells.append(cell)
        off = 0.4 * c.step  # within the printed precision
        if c.measure == "value":
            cell["value_usd"] = (c.printed + off) * c.unit
        else:
            cell["yoy_pct"] = c.printed - off
    return {
        "month": "2020-11",
        "cells": cells,
        "ytd": [],
        "streaks": streaks,
        "turns": turns,
        "records": [],
        "data": {"first_month": "2013-01"},
    }


def test_reference_matches_facts_that_hold_its_figures():
    facts = _reference_facts()
    text = REFERENCE.read_text()
    report = verify_text(text, facts)
    assert report.ok and report.count(MATCHED) == 36, report.table()
    changed = text.replace("$860 million", "$870 million")
    bad = [o for o in verify_text(changed, facts).outcomes if o.status == MISMATCHED]
    assert [(o.claim.text, o.claim.item) for o in bad] == [("$870 million", "mobile_parts")]
    assert "860" in bad[0].store


def test_reference_against_the_default_dataset(default_dataset):
    facts = build_facts(default_dataset, Month(2020, 11), as_published=True)
    report = verify_text(REFERENCE.read_text(), facts)
    assert report.ok, report.table()
    assert len([o for o in report.outcomes if o.status == MISMATCHED]) == 0
    assert len(report.outcomes) >= 30


def test_reference_with_one_number_changed_fails_on_that_claim(tmp_path):
    changed = tmp_path / "changed.txt"
    changed.write_text(REFERENCE.read_text().replace("up 7.3 percent to $5.2 billion",
                                                     "up 7.3 percent to $5.4 billion"))
    result = CliRunner().invoke(cli, ["verify", str(changed), "--month", "2020-11",
                                      "--as-published", "--dataset", "default"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("mismatched")]
    assert len(lines) == 1 and "5.4 billion" in lines[0] and "export/memory/world" in lines[0]
    assert "36 claims: 35 matched, 1 mismatched, 0 unrecognised" in result.output


def test_precision_rules():
    claims = extract(
        "Exports rose 15.8 percent to $16.6 billion. Imports fell 3 percent to "
        "$328 million. Those of displays reached $860 million. "
        "ICT 수출은 166.0억 달러, 휴대폰은 86백만 달러(-13.8%)."
    )
    steps = [(c.text, c.step, c.unit) for c in claims]
    assert steps == [
        ("15.8 percent", 0.1, 1.0),
        ("$16.6 billion", 0.1, 1e9),
        ("3 percent", 1.0, 1.0),
        ("$328 million", 1.0, 1e6),
        ("$860 million", 10.0, 1e6),
        ("166.0억 달러", 0.1, 1e8),
        ("86백만 달러", 1.0, 1e6),
        ("-13.8%", 0.1, 1.0),
    ]
    assert [c.printed for c in claims if c.measure == "yoy"] == [15.8, -3.0, -13.8]


def test_cli_verify_exit_status(tmp_path, facts_by_month):
    store_path = write_store(tmp_path / "s.duckdb")
    text = short_markdown(facts_by_month[MONTH])
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(text)
    first = _numbers(text)[0]
    bad.write_text(text[: first.start()] + "99.9" + text[first.end() :])
    runner = CliRunner()
    args = ["--month", str(MONTH), "--store", str(store_path)]
    ok = runner.invoke(cli, ["verify", str(good), *args])
    assert ok.exit_code == 0 and " 0 mismatched" in ok.output
    wrong = runner.invoke(cli, ["verify", str(bad), *args, "--quiet"])
    assert wrong.exit_code == 1
    assert wrong.output.count("mismatched  ") == 1 and "99.9" in wrong.output


def test_numbers_verify_cannot_read_are_unrecognised_and_dates_are_not_claims(facts_by_month):
    text = (
        "The ministry said on Dec. 15, 2020 that ICT exports grew for six consecutive months. "
        "Some 3 firms invested KRW 1.2 trillion in 5G lines in 2020-H1. "
        "통계가 있는 2017년 1월 이후 3개 품목이 증가했다."
    )
    claims = extract(text)
    assert [(c.measure, c.text) for c in claims] == [
        ("streak", "six consecutive months"),
        ("number", "3"),
        ("number", "1.2"),
        ("number", "3"),
    ]
    assert claims[0].args == {"months": 6, "kind": "yoy_growth"}
    report = verify_text(text, facts_by_month[MONTH])
    assert report.count("unrecognised") == 3


def _facts(cells, streaks=(), records=()):  # type: ignore[no-untyped-def]
    keys = ("flow", "item", "region", "value_usd", "yoy_pct", "share_of_world_pct")
    return {
        "month": "2020-11",
        "cells": [dict(zip(keys, c, strict=True)) for c in cells],
        "ytd": [],
        "streaks": list(streaks),
        "turns": [],
        "records": list(records),
        "data": {"first_month": "2013-01", "coverage": {"partner_share_pct": {"export": 87.34}}},
    }


def test_deficit_flat_share_threshold_and_coverage():
    facts = _facts(
        [
            ("export", "total", "world", 9.0e9, 0.04, 100.0),
            ("import", "total", "world", 10.2e9, 3.0, 100.0),
            ("balance", "total", "world", -1.2e9, None, None),
            ("export", "semiconductors", "world", 10.4e9, 12.0, 100.0),
            ("export", "total", "vietnam", 2.6e9, 5.0, 28.9),
        ],
        streaks=[
            {
                "flow": "export",
                "item": "semiconductors",
                "region": "world",
                "kind": "above_threshold",
                "threshold_usd": 1e10,
                "months": 11,
            }
        ],
        records=[
            {
                "flow": "export",
                "item": "semiconductors",
                "region": "world",
                "scope": "month",
                "kind": "all_time_high",
                "rank": 2,
            }
        ],
    )
    text = (
        "ICT exports were flat at $9.0 billion. Imports reached $10.2 billion, resulting in a "
        "trade deficit of $1.2 billion. Exports of semiconductors have stayed above $10 billion "
        "for the 11th straight month. They reached the second-highest level on record. "
        "Vietnam's share of ICT exports was 28.9 percent. Figures by region cover 87.3 percent "
        "of exports."
    )
    report = verify_text(text, facts)
    assert report.ok and report.count(MATCHED) == len(report.outcomes) == 9, report.table()
    measures = [o.claim.measure for o in report.outcomes]
    assert measures == [
        "flat",
        "value",
        "value",
        "value",
        "threshold",
        "streak",
        "record",
        "share",
        "coverage",
    ]
    wrong = verify_text(text.replace("deficit", "surplus"), facts)
    assert [o.claim.text for o in wrong.outcomes if o.status == MISMATCHED] == ["$1.2 billion"]


def test_korean_ministry_style_subjects():
    text = (
        "11월 ICT 수출은 166.0억 달러, 수입은 104.3억 달러로 무역수지는 61.7억 달러 흑자를 "
        "기록했다.\n반도체(87.0억 달러, +16.1%), 휴대폰(12.8억 달러, +24.9%) 모두 증가했다.\n"
        "지역별로는 중국(홍콩 포함, 77.0억 달러, +8.1%), 미국(19.2억 달러, +19.4%)이 증가했고, "
        "일본(3.3억 달러, -13.8%)은 감소했다."
    )
    got = [(c.measure, c.flow, c.item, c.region, c.printed) for c in extract(text)]
    assert got == [
        ("value", "export", "total", "world", 166.0),
        ("value", "import", "total", "world", 104.3),
        ("value", "balance", "total", "world", 61.7),
        ("value", "export", "semiconductors", "world", 87.0),
        ("yoy", "export", "semiconductors", "world", 16.1),
        ("value", "export", "mobile_phones", "world", 12.8),
        ("yoy", "export", "mobile_phones", "world", 24.9),
        ("value", "export", "total", "china_incl_hk", 77.0),
        ("yoy", "export", "total", "china_incl_hk", 8.1),
        ("value", "export", "total", "us", 19.2),
        ("yoy", "export", "total", "us", 19.4),
        ("value", "export", "total", "japan", 3.3),
        ("yoy", "export", "total", "japan", -13.8),
    ]
