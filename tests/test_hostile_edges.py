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
