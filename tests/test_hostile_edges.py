"""More files and options a hostile or careless user gives the command line: each is refused
with a message naming file, line or field and the fix (exit 2), or read right; nothing is
stored when refused; no traceback."""

from __future__ import annotations

import pytest
from test_hostile_files import HEADER, ingest, line, stored_lines


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("header", [HEADER, "월,품목,금액"])
def test_utf16_csv_without_a_byte_order_mark_is_named_utf16(tmp_path, codec, header):
    result = ingest(tmp_path, f"{header}\n{line()}\n".encode(codec), name="u.csv")
    assert result.exit_code == 2 and "UTF-16" in result.output, result.output
    assert not (tmp_path / "s.duckdb").exists() or stored_lines(tmp_path) == 0


@pytest.mark.parametrize(
    ("merge", "field", "cell"), [("A2:A4", "month", "A3"), ("D3:E3", "value_usd", "E3")]
)
def test_merged_workbook_cells_are_named_with_their_fix(tmp_path, merge, field, cell):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    for value in ("1", "2", "3"):
        book.active.append(line(value=value).split(","))
    book.active.merge_cells(merge)
    book.save(tmp_path / "m.xlsx")
    result = ingest(tmp_path, (tmp_path / "m.xlsx").read_bytes(), name="m.xlsx")
    assert result.exit_code == 2 and f"line 3, field '{field}'" in result.output, result.output
    assert f"the cell {cell} is part of the merged cells {merge}" in result.output
    assert "unmerge" in result.output and not (tmp_path / "s.duckdb").exists()


def _mixed_endings(bad: bytes) -> bytes:
    """A header, lines ended by CR alone, CRLF and LF, then ``bad`` on line 6."""
    good = [line(partner=p).encode() for p in ("CN", "JP", "DE", "FR")]
    return (
        HEADER.encode()
        + b"\n"
        + good[0]
        + b"\r"
        + good[1]
        + b"\r\n"
        + good[2]
        + b"\r"
        + (good[3] + b"\n" + bad + b"\n")
    )


@pytest.mark.parametrize(
    ("bad", "args", "said"),
    [
        (line(value="-5").encode(), (), "line 6, field 'value_usd'"),
        (line().replace("kcs", "k\xff").encode("latin-1"), ("--encoding", "utf-8"), "line 6: "),
        (line().replace("kcs", "k" * 200_000).encode(), (), "line 6: "),
        (line().encode() + b",extra", (), "line 6: 9 fields"),
        (line().replace("kcs", '"k\rcs"').encode() + b"\n" + line(value="-5").encode(), (),
         "line 8, field 'value_usd'"),
    ],
)  # fmt: skip
def test_lines_are_counted_exactly_past_cr_crlf_and_lf_endings(tmp_path, bad, args, said):
    result = ingest(tmp_path, _mixed_endings(bad), *args)
    assert result.exit_code == 2 and said in result.output, result.output


def test_a_late_byte_that_is_not_utf8_is_named_on_its_line_past_cr_endings(tmp_path):
    body = HEADER.encode() + b"\n" + (line().encode() + b"\r") * 3000 + b"k\xff\n"
    result = ingest(tmp_path, body, "--encoding", "utf-8")
    assert result.exit_code == 2 and "line 3002: the file is not UTF-8" in result.output
