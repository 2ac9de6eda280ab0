"""Turn the columns of a recognised file into lines (LINE_SCHEMA), with vectorised checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, LineOf, also_bad, shown_value
from ..store.schema import DEFAULT_REPORTER, FLOWS, LINE_KEY, LINE_SCHEMA, STATUSES
from ..store.validate import pack_keys
from . import _columns as C
from . import _dates as D
from ._read import RawFile
from .layouts import Layout, flow_values, partner_values


@dataclass(frozen=True)
class LineDefaults:
    """Values for the fields a file does not carry."""

    source: str | None = None  # None: the layout's source (e.g. kcs), else the file's stem
    vintage: dt.date | None = None  # None: the file's modification date
    status: str = "confirmed"
    imputed: bool = False
    reporter: str = DEFAULT_REPORTER


class _Builder:
    def __init__(self, raw: RawFile, layout: Layout, found: dict[str, str], file: str) -> None:
        self.raw, self.layout, self.found, self.file = raw, layout, found, file
        self.table = raw.table
        self.rows: pa.Array | None = None  # raw row of each table row, when rows were dropped

    def line(self, index: int) -> int:
        row = index if self.rows is None else int(self.rows[index].as_py())
        return self.raw.line_of(row)

    def fail(self, bad: C.Bad, header: str) -> InputError:
        rows = [bad.index, *(index for index, _ in bad.more)]
        rows = [r if self.rows is None else int(self.rows[r].as_py()) for r in rows]
        lines = self.raw.lines_of(rows)
        others = [(line, shown_value(v)) for line, (_, v) in zip(lines[1:], bad.more, strict=True)]
        return InputError(
            bad.message() + also_bad(self.raw.unit, others, bad.total),
            file=self.file,
            line=lines[0],
            field=header,
        )

    def convert(
        self, key: str, convert: Callable[[pa.ChunkedArray], pa.ChunkedArray]
    ) -> pa.ChunkedArray:
        header = self.found[key]
        try:
            return convert(self.table[header])
        except C.Bad as bad:
            raise self.fail(bad, header) from None
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            # A Parquet column of lists, structs or true/false where values are expected.
            kind, wanted = self.table[header].type, C.KINDS.get(key.split(":")[-1], "text")
            raise InputError(
                f"the column holds values of type {kind}, which are not {wanted}; write it as "
                "text or numbers",
                file=self.file,
                field=header,
            ) from None

    def strings(self, key: str, fn: C.Converter, field: str, out: pa.DataType) -> pa.ChunkedArray:
        return self.convert(key, lambda col: C.convert_strings(col, fn, field, out))

    def number(self, key: str, field: str, *, required: bool) -> pa.ChunkedArray:
        values = self.convert(key, lambda col: C.to_float(col, field, required=required))
        bad = pc.or_(pc.less(values, 0), pc.invert(pc.is_finite(values)))
        if pc.any(bad).as_py():  # nulls (no value) are not bad here
            raise self.fail(C.Bad.where(bad, values, field), self.found[key])
        values = pc.add(values, 0.0)  # -0 is stored as 0
        marker = self.layout.thousands_marker
        if marker and marker in self.found[key]:
            values = pc.multiply(values, 1000.0)
        return values

    def month(self, key: str, strict: bool) -> pa.ChunkedArray:
        col = self.table[self.found[key]]
        if pa.types.is_date(col.type) or pa.types.is_timestamp(col.type):
            return D.first_of_month(col.cast(pa.date32()))
        return self.strings(key, D.month_strict if strict else D.month_loose, "month", pa.date32())

    def keep(self, mask: pa.ChunkedArray | pa.Array) -> None:
        positions = pc.indices_nonzero(mask)
        self.rows = positions if self.rows is None else self.rows.take(positions)
        self.table = self.table.filter(mask)


def build_lines(
    raw: RawFile,
    layout: Layout,
    found: dict[str, str],
    defaults: LineDefaults,
    file: str,
    *,
    check_keys: bool = True,
    encoded: bool = False,
) -> tuple[pa.Table, LineOf]:
    """The file's lines as LINE_SCHEMA, and where each sits in the file; ``encoded`` keeps
    text columns dictionary-encoded.

    ``check_keys=False`` leaves duplicated keys to the caller (``ingest_table`` checks them)
    when the table's rows are the file's rows one for one; otherwise they are checked here."""
    b = _Builder(raw, layout, found, file)
    if layout.skip_codes_not_hs:
        code = pc.utf8_trim_whitespace(b.table[found["hs_code"]].cast(pa.string()))
        b.keep(pc.fill_null(pc.match_substring_regex(code, r"^\d+$"), False))
    strict = layout.kind == "canonical"
    shared = {
        "month": b.month("month", strict),
        "hs_code": b.strings("hs_code", C.hs_code(loose=not strict), "hs_code", pa.string()),
        "partner": _partner(b, layout, strict),
    }
    if layout.kind == "wide":
        table, rows = _wide(b, shared)
    else:
        table, rows = _long(b, shared, strict), b.rows
    table, constant = _fill_defaults(b, table, defaults, strict)
    one_for_one = rows is None
    if check_keys or not one_for_one:
        _check_duplicates(table.select([k for k in _KEY if k not in constant]), rows, raw, file)
    table = table.select(LINE_SCHEMA.names)
    table = table.cast(_encoded_text_schema(table) if encoded else LINE_SCHEMA)
    if rows is None:
        return table, raw.line_of
    kept = rows
    return table, lambda index: raw.line_of(int(kept[index].as_py()))


def _encoded_text_schema(table: pa.Table) -> pa.Schema:
    """LINE_SCHEMA with the dictionary encoding of text columns kept (months and vintages
    decoded: they are cheap, and ingest takes them plain)."""
    fields = []
    for f in LINE_SCHEMA:
        kind = table.schema.field(f.name).type
        keep = pa.types.is_dictionary(kind) and pa.types.is_string(f.type)
        fields.append(f.with_type(pa.dictionary(pa.int32(), f.type)) if keep else f)
    return pa.schema(fields)


def _partner(b: _Builder, layout: Layout, strict: bool) -> pa.ChunkedArray:
    if "partner" in layout.constants:
        return pa.chunked_array([C.constant_strings(layout.constants["partner"], b.table.num_rows)])
    aliases = {} if strict else partner_values()
    if layout.blank_partner:
        aliases = {**aliases, "": layout.blank_partner}
        header = b.found["partner"]
        column = pc.fill_null(b.table[header].cast(pa.string()), "")
        b.table = b.table.set_column(b.table.schema.get_field_index(header), header, column)
    return b.strings("partner", C.partner(aliases), "partner", pa.string())


def _long(b: _Builder, shared: dict[str, pa.ChunkedArray], strict: bool) -> pa.Table:
    n = b.table.num_rows
    cols = dict(shared)
    if "flow" in b.layout.constants:
        cols["flow"] = pa.chunked_array([C.constant_strings(b.layout.constants["flow"], n)])
    else:
        allowed = {f: f for f in FLOWS} if strict else flow_values()
        cols["flow"] = b.strings("flow", C.one_of(allowed, fold=not strict), "flow", pa.string())
    cols["value_usd"] = b.number("value_usd", "value_usd", required=True)
    for name in ("net_kg", "quantity"):
        if name in b.found:
            cols[name] = b.number(name, name, required=False)
    return pa.table(cols)


def _wide(b: _Builder, shared: dict[str, pa.ChunkedArray]) -> tuple[pa.Table, pa.Array]:
    parts, rows = [], []
    base = b.rows if b.rows is not None else pa.array(range(b.table.num_rows), pa.int64())
    for flow in b.layout.flows:
        if f"{flow}:value_usd" not in b.found:
            continue
        value = b.number(f"{flow}:value_usd", "value_usd", required=False)
        cols = dict(
            shared,
            value_usd=value,
            flow=pa.chunked_array([C.constant_strings(flow, b.table.num_rows)]),
        )
        if f"{flow}:net_kg" in b.found:
            cols["net_kg"] = b.number(f"{flow}:net_kg", "net_kg", required=False)
        present = pc.is_valid(value)
        parts.append(pa.table(cols).filter(present))
        rows.append(base.filter(present.combine_chunks()))
    table = pa.concat_tables(parts, promote_options="default")
    return table, pa.concat_arrays(rows)


def _fill_defaults(
    b: _Builder, table: pa.Table, defaults: LineDefaults, strict: bool
) -> tuple[pa.Table, set[str]]:
    """Add the fields the file lacks; also say which columns are constant."""
    n = table.num_rows
    if defaults.status not in STATUSES:
        raise InputError(f"default status '{defaults.status}' is not one of {', '.join(STATUSES)}")
    if defaults.source is not None and not C.source_name(pa.array([defaults.source]))[1][0].as_py():
        raise InputError(f"--source {defaults.source!r} is not valid: {C.FIXES['source']}")
    path = Path(b.file)
    vintage = defaults.vintage or dt.date.fromtimestamp(path.stat().st_mtime)
    # Built only for the columns the file lacks (lazily: ten million copies cost time).
    fixed: dict[str, Callable[[], pa.Array]] = {
        "source": lambda: C.constant_strings(
            defaults.source or b.layout.source or C.name_source(path), n
        ),
        "vintage": lambda: pa.repeat(pa.scalar(vintage, pa.date32()), n),
        "status": lambda: C.constant_strings(defaults.status, n),
        "imputed": lambda: pa.repeat(defaults.imputed, n),
        "net_kg": lambda: pa.nulls(n, pa.float64()),
        "quantity": lambda: pa.nulls(n, pa.float64()),
        "reporter": lambda: C.constant_strings(defaults.reporter, n),
    }
    converters = {
        "source": lambda: b.strings("source", C.source_name, "source", pa.string()),
        "vintage": lambda: _typed_or(b, "vintage", pa.date32(), D.date_strict),
        "status": lambda: b.strings(
            "status", C.one_of({s: s for s in STATUSES}, fold=False), "status", pa.string()
        ),
        "imputed": lambda: _typed_or(b, "imputed", pa.bool_(), C.boolean),
        "reporter": lambda: b.strings("reporter", C.nonempty, "reporter", pa.string()),
    }
    constant = set()
    for name, value in fixed.items():
        if name in table.column_names:
            continue
        if strict and name in converters and name in b.found:
            table = table.append_column(name, converters[name]())
        else:
            table = table.append_column(name, pa.chunked_array([value()]))
            constant.add(name)
    return table, constant


def _typed_or(b: _Builder, key: str, typ: pa.DataType, fn: C.Converter) -> pa.ChunkedArray:
    col = b.table[b.found[key]]
    if col.type == typ or (pa.types.is_timestamp(col.type) and typ == pa.date32()):
        if col.null_count:
            raise b.fail(C.Bad.where(pc.is_null(col), col, key), b.found[key])
        return col.cast(typ)
    return b.strings(key, fn, key, typ)


_KEY = (*LINE_KEY, "vintage")


def _check_duplicates(keys: pa.Table, rows: pa.Array | None, raw: RawFile, file: str) -> None:
    pair = duplicate_pair(keys)
    if pair is None:
        return
    first, second = (raw.line_of(int(rows[i].as_py()) if rows is not None else i) for i in pair)
    unit = raw.unit
    raise InputError(
        f"duplicated line: the same source, month, flow, HS code, partner and vintage as "
        f"{unit} {first}; remove one of them, sum them, or give them different vintages",
        file=file,
        line=second,
    )


def duplicate_pair(keys: pa.Table) -> tuple[int, int] | None:
    """The first two rows sharing a key, or None.

    The columns' codes are packed into one int64 per row (``store.validate.pack_keys``) and
    the sorted keys compared with their neighbours: a sort, where a hash of ten million keys
    is slow.
    """
    if keys.num_rows < 2:
        return None
    composite = pack_keys(keys, keys.column_names)
    if composite is None:
        return _pair_by_groups(keys)
    ordered = np.sort(composite)
    same = np.flatnonzero(ordered[1:] == ordered[:-1])
    if not len(same):
        return None
    where = np.flatnonzero(composite == ordered[same[0]])
    return int(where[0]), int(where[1])


def _pair_by_groups(keys: pa.Table) -> tuple[int, int] | None:
    indexed = keys.append_column("_i", pa.array(range(keys.num_rows), pa.int64()))
    groups = indexed.group_by(keys.column_names).aggregate([("_i", "list")])
    sizes = pc.list_value_length(groups["_i_list"])
    if pc.max(sizes).as_py() in (None, 1):
        return None
    first = groups["_i_list"].filter(pc.greater(sizes, 1))[0].as_py()
    return int(first[0]), int(first[1])
