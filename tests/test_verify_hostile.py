"""verify on texts written to be hard: lines of thousands of figures are read in pieces (time
grows with the text, not its square: bench/verify_speed.py), and what a piece holds is read
as in a sentence of its own."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.months import Month
from ictrade.release.claims import extract
from ictrade.release.claims.spans import overlaps, union
from ictrade.release.claims.whole import broken_numbers
from ictrade.release.verify import verify_in_store
from ictrade.release.verify_report import STATUSES
from ictrade.store.store import Store, open_store

sentences_module = importlib.import_module("ictrade.release.claims.sentences")
LONGEST = sentences_module.LONGEST
NOV = Month(2020, 11)


def test_a_line_without_sentence_ends_is_read_in_pieces_cut_at_commas_or_spaces():
    clause = "semiconductors rose 16.1% to $8.5 billion, "
    line = clause * 2000  # 86 KB, one "sentence"
    pieces = sentences_module.sentences(line)
    assert len(pieces) > 100
    assert all(len(p.text) <= LONGEST for p in pieces)
    assert all(p.text.rstrip().endswith(",") for p in pieces[:-1])  # cut after a comma
    assert all(line[p.start : p.start + len(p.text)] == p.text for p in pieces)
    claims = extract(line, NOV)
    assert len(claims) == 4000
    assert {(c.item, c.measure) for c in claims} == {
        ("semiconductors", "yoy"),
        ("semiconductors", "value"),
    }


def test_a_run_without_spaces_stays_whole_in_its_piece():
    text = "exports rose 5% " * 40 + "7" * 5000 + " imports fell 2%."
    pieces = sentences_module.sentences(text)
    assert any("7" * 5000 in p.text for p in pieces)
    long = [c for c in extract(text, NOV) if len(c.text) == 5000]
    assert len(long) == 1 and "without a space" in long[0].why


def test_thousands_of_numbers_are_each_read_once():
    numbers = [f"{n % 999 + 1}.5" for n in range(5000)]  # 1000 and up may be years
    claims = extract(" ".join(numbers), NOV)
    assert [c.text for c in claims] == numbers


def test_numbers_broken_by_line_breaks_are_blanked_in_one_pass():
    text = "exports rose 12.\n5 percent; " * 3000
    blanked, claims = broken_numbers(text)
    assert len(claims) == 3000 and len(blanked) == len(text)
    assert "12." not in blanked


def test_spans_are_looked_up_by_bisection():
    merged = union([(10, 20), (15, 30), (40, 41), (30, 35), (50, 50)])
    assert merged == ([10, 40, 50], [35, 41, 50])
    assert overlaps(merged, 34, 35) and not overlaps(merged, 35, 40)
    assert overlaps(merged, 0, 11) and not overlaps(merged, 0, 10)
    assert not overlaps(merged, 50, 51) and not overlaps(merged, 41, 50)


@pytest.mark.parametrize(
    ("given", "status", "said"),
    [
        (b"ICT exports rose 15.8% to $16.6 billion.", 0, "2 claims"),
        ("ICT 수출은 15.8% 증가한 166억 달러".encode("cp949"), 0, "2 claims"),
        (b"", 2, "standard input: the file is empty"),
        (b"\x00\x01\x02" * 100, 2, "standard input: the file holds binary data"),
    ],
)
def test_the_text_from_standard_input(given, status, said):
    args = ["verify", "-", "--month", "2020-11", "--dataset", "default"]
    result = CliRunner().invoke(cli, args, input=given)
    assert result.exit_code == status, result.output
    assert said in result.output and "Traceback" not in result.output


def test_a_missing_file_is_named(tmp_path):
    args = ["verify", str(tmp_path / "nope.txt"), "--month", "2020-11", "--dataset", "default"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "no such file" in result.output


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text", ["ICT exports rose 15.8% to $16.6 billion.\n", "ICT 수출은 15.8% 증가한 166억 달러\n"]
)
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, codec, text):
    path = tmp_path / "news.txt"
    path.write_bytes(text.encode(codec))
    args = ["verify", str(path), "--month", "2020-11", "--dataset", "default"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and "2 claims" in result.output, result.output


def test_nul_bytes_that_are_no_utf16_are_binary(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"ICT\x00\x00\x00exports\x00rose 15.8%" * 20)  # NULs on both sides
    args = ["verify", str(path), "--month", "2020-11", "--dataset", "default"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "binary data" in result.output, result.output


def _read(text: str) -> list[tuple[str, str, float | None]]:
    return [(c.text, c.measure, c.printed if c.measure != "number" else None)
            for c in extract(text, NOV)]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Chip exports grew 15-16% in November.",
        "Chip exports grew 15–16 percent in November.",
        "반도체 수출은 15~16% 증가했다.",
        "ICT 수출은 160~170억 달러로 늘었다.",
        "ICT exports were $16.6bn-$17bn in November.",
        "Displays fell 3.1%-3.5% in November.",
    ],
)
def test_a_range_is_one_figure_verify_does_not_read(text):
    claims = extract(text, NOV)
    assert len(claims) == 1 and claims[0].measure == "number", _read(text)
    assert "range" in claims[0].why
    assert claims[0].printed == 0.0  # no end of it read as a figure ('-16%' was)


@pytest.mark.parametrize(
    "text",
    [
        "ICT exports were $16,6 billion, up 15,8%.",  # decimal commas
        "ICT exports rose ١٥٫٨% to $١٦٫٦ billion.",  # Arabic-Indic digits and separator
        "ICT exports rose 1e308% in November.",
        "ICT exports rose 1,2345% in November.",
    ],
)
def test_no_part_of_a_number_is_read_as_a_figure(text):
    claims = extract(text, NOV)
    assert all(c.measure == "number" for c in claims), _read(text)
    if "," in text or "٫" in text:
        assert all("decimal comma" in c.why or "not 0-9" in c.why for c in claims)


def test_thousands_and_decimals_still_read():
    got = _read("ICT exports were $1,234.5 million, up 15.8%, and 1,234억 달러; 3,4 and 5.")
    assert got[:3] == [("$1,234.5 million", "value", 1234.5), ("15.8%", "yoy", 15.8),
                       ("1,234억 달러", "value", 1234.0)]  # fmt: skip
    moved = extract("Its share rose from 58.1% to 60%.", NOV)  # 'to' makes no range
    assert [c.printed for c in moved] == [58.1, 60.0]


# Texts written to be awkward: figures in unusual forms, markup, scripts and controls.
AWKWARD = [
    "Korea's ICT exports reached US$16.6bn in November, up 15.8%.",
    "ICT exports were 16.6 billion dollars; semiconductors 8.5 billion dollars.",
    "ICT 수출액은 ₩19.5조, 반도체는 1조 2,345억 원, 디스플레이 16조6천억원.",
    "ICT 수출은 $16.6 billion으로 전년 대비 15.8% increase, 반도체 exports 8.5 billion 달러.",
    "Displays were down -3% and phones fell -3.2 percent; imports −4.1%; chips +16.1 %.",
    "ICT exports rose 15.8 per cent; chips 16.1pct; displays 3.2 ％; phones １５.８%.",
    "ICT exports rose 15.8%¹ to $16.6bn²; chips 16.1%[1], displays -3.2%*, phones 5%†.",
    "| item | value | yoy |\n|---|---:|---:|\n| ICT | 16.6 | 15.8% |\n",
    "<table><tr><td><b>$16.6</b> billion</td><td>15.8&#37;</td></tr></table><p>up 15.8%</p>",
    "ICT exports rose 15\u200b.8% to $16\u200b.6 billion\u200f; chips 16.1\u00a0%, 1\u2009234.",
    "\u202eICT exports rose 15.8%\u202c and \u2067$16.6 billion\u2069 📈🇰🇷, 1\u03035.8\u0301%.",
    "$.5 billion, $5. billion, 5..5%, %%%, $$$, $ billion, billion billion, $-1.2 billion.",
    "ICT exports rose 1e308% to $99999999999999999999999999 billion, or 0.0000001%.",
    "In 2020-11-31, on November 31, Nov. 2020, '20, 20년 11월 31일, 11/31/2020, Q5 2020.",
    "ICT exports rose 15.8%.\rChips rose 16.1%.\rDisplays fell 3.2%.\r",
    "ICT exports rose 15.\n8% to $16.\n6 billion; chips 16\n.1%.",
    "\ufeffICT exports rose 15.8% to $16.6 billion. " * 300,
    "ICT 수출은 15.8% 증가한 166억 달러를 기록했다. 6개월 연속 증가, 역대 최고. " * 300,
]


@pytest.fixture(scope="module")
def default_store() -> Iterator[Store]:
    with open_store(dataset="default") as store:
        yield store


@pytest.mark.parametrize("text", AWKWARD, ids=[f"text-{n}" for n in range(len(AWKWARD))])
def test_awkward_texts_are_read_and_reported(default_store, text):
    report = verify_in_store(default_store, text, NOV)
    assert all(o.status in STATUSES for o in report.outcomes)


def test_awkward_texts_exit_with_a_documented_status(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("\n\n".join(AWKWARD), encoding="utf-8")
    for extra in ([], ["--format", "json"], ["--strict", "--format", "csv"]):
        args = ["verify", str(path), "--month", "2020-11", "--dataset", "default", *extra]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, (extra, result.output[-500:])  # some figures mismatch
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
