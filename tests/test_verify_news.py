"""verify on news texts: each failure kind seen in real articles, in texts written for the tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.months import Month
from ictrade.release.claims import Claim, extract
from ictrade.release.claims.numbers import amounts, korean_money
from ictrade.release.verify import CANNOT, MATCHED, MISMATCHED, UNRECOGNISED, verify_text

NOV = Month(2020, 11)


def read(text: str, figure: str, month: Month = NOV, nth: int = 0) -> Claim:
    found = [c for c in extract(text, month) if c.text.strip() == figure]
    assert len(found) > nth, [c.text for c in extract(text, month)]
    return found[nth]


def reading(claim: Claim) -> tuple[object, ...]:
    number = (
        round(claim.printed * claim.unit / 1e6, 3) if claim.measure == "value" else claim.printed
    )
    return (claim.period, claim.flow, claim.item, claim.region, claim.measure, number)


# --- Korean amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "value", "unit", "step"),
    [
        ("136억4000만", 136.4, 1e8, 0.1),
        ("151억 2천만", 151.2, 1e8, 0.1),
        ("158.6억", 158.6, 1e8, 0.1),
        ("82억", 82.0, 1e8, 1.0),
        ("33억 4500만", 33.45, 1e8, 0.01),
        ("1조", 1.0, 1e12, 1.0),
    ],
)
def test_korean_amounts(parts, value, unit, step):
    got = korean_money(parts)
    assert got == (pytest.approx(value), unit, pytest.approx(step))


def test_korean_amounts_in_text_are_whole_figures():
    text = (
        "지난달 ICT 수출은 136억4000만달러, 수입은 72억 3천만 달러였다. 반도체는 약 80억 달러였다."
    )
    got = [(a.value, a.unit, a.step) for a in amounts(text)]
    assert got == [(pytest.approx(136.4), 1e8, pytest.approx(0.1)),
                   (pytest.approx(72.3), 1e8, pytest.approx(0.1)), (80.0, 1e8, 1.0)]  # fmt: skip
    assert read(text, "80억 달러").hedge == "around"
    assert reading(read(text, "136억4000만달러")) == (
        "month",
        "export",
        "total",
        "world",
        "value",
        13640.0,
    )


def test_english_units_and_spelled_numbers():
    text = (
        "Exports of ICT goods stood at 12-point-seven billion dollars, a 19 percent decrease. "
        "Chip exports fell six-point-two percent to 6.87 billion U.S. dollars."
    )
    assert reading(read(text, "12-point-seven billion dollars"))[-1] == 12700.0
    chips = read(text, "6.87 billion U.S. dollars")
    assert (chips.item, chips.region, chips.step) == (
        "semiconductors",
        "world",
        pytest.approx(0.01),
    )
    assert read(text, "six-point-two percent").printed == pytest.approx(-6.2)


# --- signs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "sign"),
    [
        ("Exports slid 4.2 percent to $9.1 billion.", "4.2 percent", -1),
        ("Exports posted a 4.2-percent drop.", "4.2-percent", -1),
        ("반도체(30.1억불, 4.2%↑)가 늘었다.", "4.2%↑", 1),
        ("일본(3.1억불, △4.2%)은 줄었다.", "△4.2%", -1),
        ("수출은 전년 동월 대비 4.2% 감소했다.", "4.2%", -1),
        ("Displays and phones fell 3.5 percent and 4.2 percent, respectively.", "4.2 percent", -1),
    ],
)
def test_signs_from_verbs_and_marks(text, figure, sign):
    claim = read(text, figure)
    assert claim.printed == pytest.approx(sign * abs(claim.printed))


# --- periods ---------------------------------------------------------------------------------


def test_periods_other_months_halves_and_a_year_earlier():
    text = (
        "ICT exports rose 9.4 percent in November from 16.2 percent in October. "
        "Exports came to $17.1 billion, down from $18.0 billion a year earlier.\n"
        "In the first half of 2020, exports grew 3.1 percent to $90.2 billion. "
        "Imports advanced 2.0 percent to $50.1 billion.\n"
        "From January to November, exports totaled $170.3 billion."
    )
    assert read(text, "9.4 percent").period == "month"
    assert read(text, "16.2 percent").period == "2020-10"
    assert read(text, "$17.1 billion").period == "month"
    assert read(text, "$18.0 billion").period == "prev_year_same_month"
    assert read(text, "$90.2 billion").period == "2020H1"
    assert read(text, "2.0 percent").period == "2020H1"  # the half-year paragraph goes on
    assert read(text, "$170.3 billion").period == "ytd"


def test_korean_periods():
    text = (
        "11월 수출은 전년 동월(160억 달러) 대비 5.0% 증가한 168억 달러였다.\n"
        "상반기 수출은 900억 달러였다.\n1~11월 누계 수출은 1,700억 달러였다."
    )
    assert read(text, "160억 달러").period == "prev_year_same_month"
    assert read(text, "168억 달러").period == "month"
    assert read(text, "900억 달러").period == "2020H1"
    assert read(text, "1,700억 달러").period == "ytd"


def test_another_period_is_never_checked_as_the_month():
    facts = _facts([("export", "total", "world", 17.1e9, 9.4)])
    text = "ICT exports rose 9.4 percent in November after 16.2 percent in October."
    report = verify_text(text, facts)
    assert [o.status for o in report.outcomes] == [MATCHED, CANNOT]
    assert "2020-10" in report.outcomes[1].store


# --- subjects --------------------------------------------------------------------------------


def test_a_cause_is_not_the_subject():
    ko = "반도체는 서버, 컴퓨터 등 수요 증가로 91억3000만달러(12.5%↑)를 기록했다."
    assert read(ko, "91억3000만달러").item == "semiconductors"
    en = "ICT exports, on the back of semiconductors and phones, rose 5.5 percent to $16.0 billion."
    assert reading(read(en, "$16.0 billion"))[2] == "total"
    example = "Peripheral devices such as SSDs fell 8.1 percent to $910 million."
    assert read(example, "$910 million").item == "peripherals"


def test_respectively_and_korean_lists():
    en = (
        "Mobile phones and displays rose 3.4 percent and 7.5 percent to $1.3 billion and "
        "$2.1 billion, respectively."
    )
    got = [(c.text, c.item) for c in extract(en, NOV)]
    assert got == [("3.4 percent", "mobile_phones"), ("7.5 percent", "displays"),
                   ("$1.3 billion", "mobile_phones"), ("$2.1 billion", "displays")]  # fmt: skip
    ko = "미국과 EU는 각각 6.2%, 14.8% 증가했다."
    assert [(c.region, c.printed) for c in extract(ko, NOV)] == [("us", 6.2), ("eu", 14.8)]
    flows = "ICT exports and imports came to $16.1 billion and $10.2 billion, respectively."
    assert [c.flow for c in extract(flows, NOV)] == ["export", "import"]


def test_bracketed_figures_belong_to_the_name_before_them():
    ko = (
        "ICT 수입은 75.1억불이었다. "
        "품목별로는 반도체(31.2억불, 2.1%↑), 휴대폰(5.3억불, 8.8%↑) 등이 늘었다."
    )
    assert [(c.flow, c.item) for c in extract(ko, NOV)][1:] == [
        ("import", "semiconductors"), ("import", "semiconductors"),
        ("import", "mobile_phones"), ("import", "mobile_phones"),
    ]  # fmt: skip


# --- regions and flows -----------------------------------------------------------------------


def test_regions():
    text = (
        "Exports to China, including Hong Kong, rose 4.4 percent to US$15.1 billion. "
        "Shipments to China and Hong Kong fell 2.2 percent. Exports totaled US$16.2 billion. "
        "중국 수출은 77억 달러였다."
    )
    assert read(text, "US$15.1 billion").region == "china_incl_hk"
    assert read(text, "2.2 percent").region == "china_incl_hk"
    assert read(text, "US$16.2 billion").region == "world"  # US$ is no region
    assert read(text, "77억 달러").region == "china_incl_hk"


def test_flows_partner_imports_balance_and_not_ict_figures():
    text = (
        "Vietnam imported Korean ICT goods worth $2.3 billion. "
        "Korea shipped ICT goods worth $7.1 billion to China.\n"
        "ICT 무역수지는 68억달러 흑자를 기록했다. 일본과의 무역에서는 적자(3.7억불)였다.\n"
        "Overall exports from Korea fell 8.3 percent. Gartner expects the global ICT market to "
        "shrink 4.9 percent. 일평균 수출은 7억 달러였다. 중소·중견기업의 ICT 수출은 33억 달러였다."
    )
    assert reading(read(text, "$2.3 billion"))[1:4] == ("export", "total", "vietnam")
    assert read(text, "$7.1 billion").region == "china_incl_hk"
    assert read(text, "68억달러").flow == "balance"
    assert read(text, "3.7억불").printed == pytest.approx(-3.7)
    for figure in ("8.3 percent", "4.9 percent", "7억 달러", "33억 달러"):
        assert read(text, figure).flow == "other", figure


# --- kinds -----------------------------------------------------------------------------------


def test_ranges_hedges_streaks_turns_and_records():
    text = (
        "반도체 수출은 3개월 연속 90억달러대를 기록했다. 수출 증가율은 10%대였다.\n"
        "Imports came to around $9.4 billion, and phones to a little over $1.0 billion.\n"
        "ICT 수출은 15개월 연속 역성장했다.\n"
        "Exports fell for the fourth straight month of reduction.\n"
        "ICT 수출은 3개월 만에 증가로 전환했다. Exports set a record for November.\n"
        "Exports were the highest since January 2018."
    )
    assert (read(text, "90억달러").measure, read(text, "90억달러").step) == ("range", 10.0)
    assert read(text, "10%").measure == "range"
    assert read(text, "$9.4 billion").hedge == "around"
    assert read(text, "$1.0 billion").hedge == "above"
    assert read(text, "15개월 연속").args["kind"] == "yoy_decline"
    assert read(text, "fourth straight month").args == {"months": 4, "kind": "yoy_decline"}
    assert read(text, "3개월 만에").args == {"months": 3, "kind": "growth_after_decline"}
    assert read(text, "a record").args["kind"] == "calendar_month_high"
    assert read(text, "highest").args.get("since") is True


# --- statuses, exit codes and JSON -------------------------------------------------------------


def _facts(cells):  # type: ignore[no-untyped-def]
    keys = ("flow", "item", "region", "value_usd", "yoy_pct")
    return {
        "month": "2020-11",
        "cells": [dict(zip(keys, c, strict=True)) for c in cells],
        "ytd": [], "streaks": [], "turns": [], "records": [],
        "data": {"first_month": "2017-01"},
    }  # fmt: skip


def test_statuses_and_why():
    facts = _facts(
        [("export", "total", "world", 16.55e9, 15.75), ("import", "total", "world", 10.4e9, 1.0)]
    )
    text = (
        "ICT exports rose 15.8 percent to $16.7 billion. Imports rose 1.0 percent. "
        "Some 12 firms took part. Exports to Vietnam rose 3.0 percent."
    )
    report = verify_text(text, facts, {"2019-11": {"import"}})
    got = {o.claim.text: o.status for o in report.outcomes}
    assert got == {"15.8 percent": MATCHED, "$16.7 billion": MISMATCHED, "1.0 percent": CANNOT,
                   "12": UNRECOGNISED, "3.0 percent": CANNOT}  # fmt: skip
    wrong = next(o for o in report.outcomes if o.status == MISMATCHED)
    assert wrong.store == "16.6 (unrounded 16.5500)"
    assert "imputed" in next(o.store for o in report.outcomes if o.claim.text == "1.0 percent")


def test_json_has_spans_readings_and_facts():
    facts = _facts([("export", "total", "world", 16.55e9, 15.75)])
    text = "ICT 수출은 165억5000만달러로 15.8% 증가했다."
    out = verify_text(text, facts).as_json()
    first = out[0]
    assert text[first["span"][0] : first["span"][1]] == first["text"] == "165억5000만달러"
    assert first["status"] == MATCHED
    assert first["reading"] == {
        "period": "month", "flow": "export", "item": "total", "region": "world",
        "measure": "value", "number": pytest.approx(16.55e9), "precision": pytest.approx(1e7),
    }  # fmt: skip
    assert first["fact"] == {"path": "cells[export/total/world].value_usd", "value": 16.55e9}
    json.dumps(out)


def test_cli_json_strict_and_nothing_checked(tmp_path):
    runner = CliRunner()
    base = ["--month", "2020-11", "--as-published", "--dataset", "default"]
    unread = tmp_path / "unread.txt"
    unread.write_text("The ministry counted 3 firms and 12 plants, 7 lines and 40 desks.\n")
    quiet = runner.invoke(cli, ["verify", str(unread), *base])
    assert quiet.exit_code == 0 and "Nothing was checked" in quiet.output
    strict = runner.invoke(cli, ["verify", str(unread), *base, "--strict"])
    assert strict.exit_code == 1
    example = Path(__file__).parent.parent / "examples" / "news-2020-11.en.txt"
    result = runner.invoke(cli, ["verify", str(example), *base, "--format", "json"])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output[result.output.index("[") :])
    assert {c["status"] for c in claims} <= {MATCHED, CANNOT} and len(claims) > 10


def test_readings_do_not_depend_on_hash_order():
    text = (Path(__file__).parent.parent / "examples" / "news-2020-11.en.txt").read_text()
    text += "중국 수출은 77억 달러, China took $7.7 billion."
    code = (
        "import sys, json; from ictrade.release.claims import extract; "
        "from ictrade.months import Month; "
        "print(json.dumps([c.reading() for c in extract(sys.stdin.read(), Month(2020, 11))]))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        ).stdout
        for seed in ("0", "1", "4242")
    }  # fmt: skip
    assert len(outputs) == 1


def test_quarters_month_on_month_and_korean_events():
    text = (
        "1분기 ICT 수출은 510억 달러였다. 전월 대비로는 4.5% 증가했다.\n"
        "반도체는 두 달 연속 100억달러를 넘었다. 이는 역대 11월 중 최대 실적이다.\n"
        "디스플레이는 LCD 가격 하락으로 21억4000만달러에 그쳤다.\n"
        "Exports rose 3.2 percent from the previous month. In the third quarter, exports "
        "reached $52.1 billion."
    )
    assert read(text, "510억 달러").period == "2020Q1"
    assert read(text, "4.5%").args["base"] == "previous month"
    assert read(text, "3.2 percent").args["base"] == "previous month"
    assert read(text, "$52.1 billion").period == "2020Q3"
    streak = read(text, "두 달 연속")
    assert (streak.args["months"], streak.args["kind"]) == (2, "above_threshold")
    assert read(text, "역대 11월 중 최대").args["kind"] == "calendar_month_high"
    assert read(text, "21억4000만달러").item == "displays"
    facts = _facts([("export", "total", "world", 16.55e9, 15.75)])
    statuses = {o.claim.text: o.status for o in verify_text(text, facts).outcomes}
    assert statuses["510억 달러"] == statuses["4.5%"] == CANNOT


def test_figures_on_imputed_lines_cannot_be_checked():
    from ictrade.release.verify import verify_in_store
    from ictrade.store.store import open_store

    text = "ICT exports rose 5.0 percent to $15.0 billion. Imports fell 2.0 percent."
    with open_store(dataset="default") as store:  # 2014-10: no release published its figures
        report = verify_in_store(store, text, Month(2014, 10), as_published=True)
    assert [o.status for o in report.outcomes] == [CANNOT] * 3
    assert all("imputed" in o.store for o in report.outcomes)
    assert "Nothing was checked" in report.summary()


def test_a_run_the_facts_disagree_with_over_imputed_months_cannot_be_checked():
    facts = _facts([("export", "total", "world", 16.55e9, 15.75)])
    facts["streaks"] = [
        {"flow": "export", "item": "total", "region": "world", "kind": "yoy_growth", "months": 5}
    ]
    text = "ICT exports rose for the sixth straight month."
    assert verify_text(text, facts).outcomes[0].status == MISMATCHED
    outcome = verify_text(text, facts, {"2020-06": {"export"}}).outcomes[0]
    assert outcome.status == CANNOT and "imputed" in outcome.store


def test_korean_ministry_bullets():
    text = (
        " ○ (지역) 중국(홍콩 포함, 77.0억 달러, +8.1%), 베트남(27.6억 달러, +35.2%)으로의 수출이 "
        "늘었다.\n * 반도체 수출은 7개월 연속 80억 달러 이상, 휴대폰은 2개월 연속 증가"
    )
    assert [c.flow for c in extract(text, NOV)][:4] == ["export"] * 4
    semis, phones = [c for c in extract(text, NOV) if c.measure == "streak"]
    assert (semis.args["kind"], semis.args["threshold_usd"]) == ("above_threshold", 8e9)
    assert (phones.item, phones.args["kind"]) == ("mobile_phones", "yoy_growth")


def test_hostile_runs_are_read_in_linear_time_and_reported():
    # Each pattern once tried every position inside a run: 40,000 digits took minutes.
    run = "7" * 40_000
    text = f"ICT exports rose {run} percent. 수출은 {run}원이다. {'x' * 40_000} in 5 months."
    claims = extract(text, Month(2020, 11))
    long = [c for c in claims if c.measure == "number" and len(c.text) >= 40_000]
    assert len(long) == 2
    assert all("without a space" in c.why for c in long)
    assert text[long[0].start : long[0].end] == run


def test_long_runs_do_not_hide_the_figures_beside_them():
    text = f"ICT exports rose 15.8 percent to $16.6 billion. {'1' * 500}"
    claims = extract(text, Month(2020, 11))
    assert {c.text for c in claims if c.measure != "number"} >= {"15.8 percent", "$16.6 billion"}


def test_a_number_broken_by_a_paragraph_break_is_set_aside():
    text = "Mobile phone exports jumped 31.\n\n4 percent to 2.05 billion dollars on new models."
    claims = extract(text, NOV)
    broken = next(c for c in claims if c.measure == "number")
    assert text[broken.start : broken.end] == "31.\n\n4 percent"
    assert "line break" in broken.why
    assert [c.text for c in claims if c.measure != "number"] == ["2.05 billion dollars"]
    assert read(text, "2.05 billion dollars").item == "mobile_phones"  # the subject goes on
    ko = "휴대폰 수출은 31.\n\n4% 늘어난 20억5000만달러였다."
    assert [c.measure for c in extract(ko, NOV)] == ["number", "value"]
    assert read(ko, "20억5000만달러").item == "mobile_phones"


def test_a_loosely_named_item_is_the_ministry_category():
    loose = (
        "Exports of computers and telecom equipment fell 12.5 percent and 8.1 percent, "
        "respectively."
    )
    assert read(loose, "12.5 percent").item == "computers_peripherals"
    assert read("컴퓨터 수출은 8억2000만달러로 12.5% 줄었다.", "12.5%").item == (
        "computers_peripherals"
    )
    named = (
        "Computers and peripheral devices fell 2.0 percent. Computers rose 12.5 percent, "
        "peripheral devices fell 4.1 percent."
    )
    assert read(named, "12.5 percent").item == "computers"
    sibling = "컴퓨터(2.1억불), 주변기기(3.4억불)가 늘었다."
    assert read(sibling, "2.1억불").item == "computers"


def test_a_share_in_the_present_tense_is_a_general_statement():
    text = "Chips, which account for nearly 40 percent of ICT exports, rose 5.0 percent."
    share = read(text, "40 percent")
    assert (share.measure, share.args.get("general")) == ("share", True)
    past = read("Chips accounted for 46.2 percent of ICT exports.", "46.2 percent")
    assert past.measure == "share" and "general" not in past.args
    ko = "전체 ICT 수출의 40%를 차지하는 반도체는 5.1% 늘었다."
    assert read(ko, "40%").args.get("general") is True
    assert read(ko, "40%").item == "semiconductors"  # the name the clause describes
    assert read(ko, "5.1%").measure == "yoy"  # the verb belongs to the figure before it
    facts = _facts([("export", "total", "world", 16.55e9, 15.75)])
    outcome = verify_text(text, facts).outcomes[0]
    assert outcome.status == CANNOT and "general statement" in outcome.store


# --- against the default dataset: the published figures of each cell ---------------------------


def _default(month: Month, text: str) -> dict[str, tuple[str, str]]:
    from ictrade.release.verify import verify_in_store
    from ictrade.store.store import open_store

    with open_store(dataset="default") as store:
        report = verify_in_store(store, text, month, as_published=True)
    return {o.claim.text: (o.status, o.store) for o in report.outcomes}


def test_a_cell_no_published_figure_states_cannot_be_checked():
    # 2020-03: the release gave no figure for mobile phones; the data's are reconstructed
    got = _default(Month(2020, 3), "Mobile phone exports rose 11.3 percent to $1.02 billion. "
                   "휴대폰 수출은 10억2000만 달러로 11.3% 늘었다.")  # fmt: skip
    assert {status for status, _ in got.values()} == {CANNOT}
    assert all("no published figure for this cell" in why for _, why in got.values())


def test_a_figure_finer_than_the_published_one_cannot_be_checked():
    # 2020-06 exports: published as $15.0 billion (primary) and by other reports
    got = _default(Month(2020, 6), "ICT exports rose 1.0 percent to $14.97 billion. "
                   "ICT exports were $15.3 billion. ICT 수출은 149억7000만 달러였다.")  # fmt: skip
    assert got["1.0 percent"][0] == MATCHED
    assert got["$14.97 billion"][0] == got["149억7000만 달러"][0] == CANNOT
    assert "published only as 15,000 million USD (primary" in got["$14.97 billion"][1]
    status, why = got["$15.3 billion"]
    assert status == MISMATCHED and "published: 15,000 million USD (primary" in why


def test_sources_that_disagree_and_documented_conflicts_cannot_be_checked():
    # 2017-11 exports to China: +28.2 % in the primary report, +30.8 % in others
    got = _default(Month(2017, 11), "ICT exports to China rose 30.8 percent. "
                   "중국 수출은 28.2% 늘었다. Exports to China rose 35.0 percent.")  # fmt: skip
    assert got["30.8 percent"][0] == CANNOT and "sources disagree" in got["30.8 percent"][1]
    assert got["28.2%"][0] == MATCHED and got["35.0 percent"][0] == MISMATCHED
    # 2022-08 exports to China printed as the world total: conflicts.csv records it
    status, why = _default(Month(2022, 8), "중국 수출은 193억 달러였다.")["193억 달러"]
    assert status == CANNOT and "documented conflict" in why and "line 1467" in why


def test_published_figures_of_a_synthetic_cell():
    import datetime as dt

    from ictrade.release.verify_published import Figure, Published

    on = dt.date(2020, 12, 15)
    cells = {
        ("2020-11", "export", "total", "world", "value"): (
            Figure("f.csv line 2", "value", 16600, 100, on, True),
        ),
        ("2020-11", "export", "semiconductors", "world", "value"): (
            Figure("f.csv line 3", "value", 8600, 100, on, True),
        ),
    }
    facts = _facts([("export", "total", "world", 16.55e9, 15.75),
                    ("export", "semiconductors", "world", 8.64e9, 16.1)])  # fmt: skip
    facts["cells"][1]["share_pct"] = 52.2
    text = ("ICT exports rose 15.8 percent to $16.58 billion; chips took up 51.6 percent of them. "
            "반도체 수출은 16.1% 늘었다.")  # fmt: skip
    got = {o.claim.text: o for o in verify_text(text, facts, None, Published(cells, on)).outcomes}
    assert got["15.8 percent"].status == CANNOT  # no growth rate published
    assert got["$16.58 billion"].status == CANNOT  # within $16.6 billion, not the data's
    assert got["51.6 percent"].status == CANNOT  # two levels at $100 million allow 51.2..52.3
    assert "derives" in got["51.6 percent"].store
    assert got["16.1%"].status == CANNOT
    # imports no release states, but exports and the balance are published: 10.0 .. 10.2 bn
    balance = {**cells, ("2020-11", "export", "total", "world", "value"): (
        Figure("f.csv line 2", "value", 16600, 100, on, True),),
        ("2020-11", "balance", "total", "world", "value"): (
        Figure("f.csv line 4", "value", 6500, 100, on, True),)}  # fmt: skip
    in_data = _facts([("import", "total", "world", 10.02e9, 1.0)])
    imports = "Imports came to $10.1 billion. Imports came to $10.4 billion."
    got = verify_text(imports, in_data, None, Published(balance, on)).outcomes
    assert [o.status for o in got] == [CANNOT, MISMATCHED]
    later = Published(cells, dt.date(2020, 12, 1))  # before the release: nothing published
    assert all(
        "no published figure" in o.store for o in verify_text(text, facts, None, later).outcomes
    )


def test_for_the_second_time_counts_times_and_first_months_are_a_period():
    text = (
        "Chip exports rose 12.0 percent to $10.2 billion, topping $10 billion for the second time."
    )
    times = read(text, "for the second time")
    assert (times.measure, times.args["times"], times.item) == ("times", 2, "semiconductors")
    ko = read("반도체 수출은 두 번째로 100억 달러를 넘었다.", "두 번째로")
    assert (ko.measure, ko.args["times"]) == ("times", 2)
    assert read("역대 두 번째 실적이다.", "역대 두 번째").measure == "record"  # a rank, not a count
    since = "Exports grew at a double-digit rate for the first time since the first half of 2013."
    assert all(c.measure != "times" for c in extract(since, NOV))
    turn = read("Exports to Japan rose for the first time in four months.", "four months")
    assert (turn.measure, turn.args["kind"]) == ("turn", "growth_after_decline")
    facts = _facts([("export", "semiconductors", "world", 10.2e9, 12.0)])
    outcome = next(o for o in verify_text(text, facts).outcomes if o.claim.measure == "times")
    assert outcome.status == CANNOT
    # 'the first eight months' is the year so far, never a streak of the month
    ytd = (
        "TV exports kept falling during the first eight months, then rose 9.3 percent in September."
    )
    assert all(c.measure != "streak" for c in extract(ytd, Month(2020, 9)))


def test_the_year_so_far_is_the_sum_of_published_months():
    # matched when the data's sum is the figure; never refuted: the months' published figures
    # are first prints, while a release's year so far sums revised months
    # 2020: every month's exports are published (to $100 million or finer); 2014 has gaps
    text = (
        "In the first 11 months, ICT exports came to $165.5 billion. "
        "1~11월 누적 ICT 수출은 1656억 달러였다. In the first 11 months, ICT exports came to "
        "$168.5 billion."
    )
    got = _default(Month(2020, 11), text)
    assert got["$165.5 billion"][0] == MATCHED
    assert got["1656억 달러"][0] == CANNOT and "first published sum" in got["1656억 달러"][1]
    status, why = got["$168.5 billion"]  # a release sums revised months: not refuted
    assert status == CANNOT and "revised months" in why
    early = _default(Month(2014, 9), "1~9월 누적 ICT 수출은 1290억 달러였다.")
    assert early["1290억 달러"][0] == CANNOT


def test_pct_in_headlines():
    claim = read(
        "S. Korea's ICT exports jump 30.2 pct in July on chip sales", "30.2 pct", Month(2021, 7)
    )
    assert (claim.measure, claim.printed) == ("yoy", 30.2)


def test_a_calendar_month_record_with_words_between():
    july = read("It marked the highest July figure on record.", "highest", Month(2021, 7))
    assert (july.measure, july.args["kind"]) == ("record", "calendar_month_high")
    ko = read("7월 기준 역대 최대 실적이다.", "역대 최대", Month(2021, 7))
    assert (ko.measure, ko.args["kind"]) == ("record", "calendar_month_high")


def test_time_phrases_and_links_are_no_figures():
    text = (
        "메모리반도체(68억8000만달러)는 1년사이 97.7% 늘었다. 수출액은 1년 전과 비슷했다.\n"
        "![](https://img.example.com/2017/12/14/20171214155610597470.jpg)\n"
        "See https://example.com/news/2017/1214 for 3 charts."
    )
    assert [c.text for c in extract(text, NOV) if c.measure == "number"] == ["3"]
