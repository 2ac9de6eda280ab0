"""The packed-key uniqueness check agrees with a plain set of the rows' keys, whatever the
chunking, dictionary encoding (with repeated dictionary entries) and dates."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from ictrade.store.validate import _unique_keys

CODES = ["8542", "847130", "8542"]  # the last entry repeats the first in dictionaries
rows = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 1), st.sampled_from([-400, 0, 1, 400])), max_size=40
)


def _column(values: list[object], typ: pa.DataType, cuts: list[int]) -> pa.ChunkedArray:
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(values)), len(values)]
    return pa.chunked_array(
        [pa.array(values[a:b], typ) for a, b in zip(bounds, bounds[1:], strict=False)], typ
    )


@given(rows=rows, cuts=st.lists(st.integers(0, 40), max_size=3), encode=st.booleans())
def test_packed_keys_agree_with_a_set_of_the_keys(rows, cuts, encode):
    code_idx = [r[0] for r in rows]
    if encode:
        dictionary = pa.array(CODES)
        code = _column(code_idx, pa.int32(), cuts)
        code = pa.chunked_array(
            [pa.DictionaryArray.from_arrays(c, dictionary) for c in code.chunks],
            pa.dictionary(pa.int32(), pa.string()),
        )
    else:
        code = _column([CODES[i] for i in code_idx], pa.string(), cuts)
    flow = _column([("export", "import")[r[1]] for r in rows], pa.string(), cuts)
    day = _column([dt.date(2020, 1, 1) + dt.timedelta(r[2]) for r in rows], pa.date32(), cuts)
    table = pa.table({"code": code, "flow": flow, "day": day})
    keys = [(CODES[r[0]], r[1], r[2]) for r in rows]
    assert _unique_keys(table, ("code", "flow", "day")) == (len(set(keys)) == len(keys))
