"""The API's JSON writer: the bytes json.dumps writes, NaN as null, whatever the values."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ictrade.web.envelope import dumps
from ictrade.web.json_bytes import _small_floats

NUMBERS = [1e-05, -1.234e-05, 1e-06, 1e-07, 9.99e-09, 1e-10, 0.0001, 1.5e16, 1e22, -0.0, 5e-324]
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(NUMBERS)
    | st.text()
    | st.sampled_from(["0.00001", ",0.00001,", "1e-5]", "e-5}", "\x00", "\u2028", "한국"])
    | st.sampled_from(['\\', '\\"', '"\\', '\\\\"0.00001', 'a\\", 1e-05', "\n0.00001"]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


def python(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@given(values)
def test_answers_are_written_as_json_writes_them(value: Any) -> None:
    assert dumps(value) == python(value)


@given(st.lists(st.floats(), max_size=8))
def test_nan_and_infinity_are_null(numbers: list[float]) -> None:
    assert dumps(numbers) == python([x if math.isfinite(x) else None for x in numbers])


def test_keys_that_are_not_strings_are_written_as_json_writes_them() -> None:
    assert dumps({1: 2.5e-07, None: [1e-05]}) == python({1: 2.5e-07, None: [1e-05]})


@given(st.lists(st.sampled_from([b"0", b".", b"e", b"-", b"1", b'"', b"0.0000", b"e-"])))
def test_small_floats_are_found_as_bytes_search_finds_them(pieces: list[bytes]) -> None:
    raw = b"".join(pieces)
    assert (len(_small_floats(raw)) > 0) == (b"0.0000" in raw or b"e-" in raw)


def test_small_floats_are_written_again_and_strings_left_as_they_are() -> None:
    document = {
        "e-5": [1e-05, -1.2e-07, 10.00001, 0.0001, 5e-324, 1.5e16],
        "text": "time-series at 0.00001, 1e-5]",
        "nested": {"x": 9.99e-05, "y": [{"z": -0.0}, 1e-10]},
    }
    assert dumps(document) == python(document)
    assert dumps({"quoted": 'a "b" 0.00001', "x": 1e-05}) == python(
        {"quoted": 'a "b" 0.00001', "x": 1e-05}
    )


def test_text_with_backslashes_and_quotes_is_not_written_by_json(monkeypatch) -> None:
    """Strings that end in a backslash or hold escaped quotes beside small floats: the
    strings are told apart from the numbers in orjson's bytes (json took 20 to 50 ms on a
    month's facts)."""
    document = {
        "a\\": [1e-05, 'x "0.00001" y', "ends \\", 2.5e-07],
        "b": ['\\"', 1e-06, '"\\"', "\\\\", 0.00001234, "line\nbreak 1e-5"],
    }
    expected = python(document)
    monkeypatch.setattr(json, "dumps", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    assert dumps(document) == expected
