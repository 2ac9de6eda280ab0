"""The OpenAPI 3.1 document of the API, written by hand from the allowed values."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..classify import regions, taxonomy
from ..classify.rules import available_schemes
from ..stats.series import MEASURES, SERIES_FLOWS
from ..store.store import available_datasets
from . import olap, releases

Doc = dict[str, Any]


def _param(name: str, where: str, description: str, schema: Doc, required: bool = False) -> Doc:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
    }


def _enum(values: list[str] | tuple[str, ...], default: str | None = None) -> Doc:
    schema: Doc = {"type": "string", "enum": list(values)}
    if default is not None:
        schema["default"] = default
    return schema


STRING: Doc = {"type": "string"}
MONTH: Doc = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "examples": ["2020-11"]}
CSV_LIST = "comma-separated list of "


def _common(published: bool) -> list[Doc]:
    out = [
        _param(
            "as_of",
            "query",
            "vintage date YYYY-MM-DD (YYYY-MM: its last day): the figures published on or "
            "before it (default: the latest)",
            {"type": "string", "format": "date"},
        ),
        _param(
            "dataset",
            "query",
            "a shipped dataset instead of the server's store",
            _enum(available_datasets()),
        ),
        _param(
            "reporter",
            "query",
            "whose lines (ISO 3166-1 alpha-2, one the store holds; default: the server's)",
            {"type": "string", "pattern": "^[A-Za-z]{2}$", "examples": ["KR", "DE"]},
        ),
        _param(
            "scheme",
            "query",
            "the classification whose items the answer uses (default: the server's)",
            _enum(available_schemes()),
        ),
        _param(
            "api_key",
            "query",
            "the API key, when the server requires one (or header X-API-Key)",
            STRING,
        ),
    ]
    if published:
        out.append(
            _param(
                "as_published",
                "query",
                "each month as of its first publication; excludes as_of",
                {"type": "boolean", "default": False},
            )
        )
    return out


def _op(summary: str, parameters: list[Doc], media: str = "application/json") -> Doc:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "the envelope with the answer",
                    "content": {media: {"schema": {"$ref": "#/components/schemas/Ok"}}},
                },
                "4XX": {
                    "description": "bad parameter, unknown month, missing API key",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
    }


def _paths() -> Doc:
    items, regs = taxonomy().ids, regions().ids
    month_path = _param("month", "path", "the month, YYYY-MM", MONTH)
    span = [
        _param("from", "query", "first month", MONTH),
        _param("to", "query", "last month", MONTH),
    ]
    return {
        "/api/ping": _op("a constant answer (health check, load baseline)", []),
        "/api/meta": _op("months held and the allowed values", _common(False)),
        "/api/facts/{month}": _op(
            "the facts document (ictrade.facts/1) of a month", [month_path, *_common(True)]
        ),
        "/api/series": _op(
            "a monthly series of one flow, item and region",
            [
                _param("flow", "query", "flow", _enum(SERIES_FLOWS, "export")),
                _param("item", "query", "item of the taxonomy", _enum(items, "total")),
                _param("region", "query", "region", _enum(regs, "world")),
                _param(
                    "measure",
                    "query",
                    "value (USD), yoy (%) or share of the ICT total (%)",
                    _enum(MEASURES, "value"),
                ),
                *span,
                *_common(False),
            ],
        ),
        "/api/cube": _op(
            "OLAP query: drilldowns, cuts, time and measures",
            [
                _param("drilldowns", "query", CSV_LIST + ", ".join(olap.DIMENSIONS), STRING),
                _param(
                    "measures",
                    "query",
                    CSV_LIST + ", ".join(olap.CUBE_MEASURES) + " (default value)",
                    STRING,
                ),
                _param(
                    "flow",
                    "query",
                    "cut: "
                    + CSV_LIST
                    + ", ".join(SERIES_FLOWS)
                    + " (default export when not drilled)",
                    STRING,
                ),
                _param("item", "query", "cut: " + CSV_LIST + "item ids (default total)", STRING),
                _param(
                    "region", "query", "cut: " + CSV_LIST + "region ids (default world)", STRING
                ),
                _param(
                    "month",
                    "query",
                    "cut: " + CSV_LIST + "months; excludes from/to "
                    "(default: the latest month, or all months when drilled)",
                    STRING,
                ),
                *span,
                _param(
                    "format",
                    "query",
                    "json (the envelope) or csv (a file)",
                    _enum(["json", "csv"], "json"),
                ),
                *_common(False),
            ],
        ),
        "/api/release/{month}": _op(
            "the release files of a month",
            [
                month_path,
                _param(
                    "format",
                    "query",
                    "file format; available now: " + ", ".join(releases.available()),
                    _enum(releases.FORMATS, "md"),
                ),
                _param("lang", "query", "language", _enum(releases.LANGS, "en")),
                _param(
                    "download",
                    "query",
                    "answer the file itself instead of the envelope",
                    {"type": "boolean", "default": False},
                ),
                _param(
                    "variant",
                    "query",
                    "with download: short or long (md), page (html), workbook (xlsx), flash "
                    "(a month of flash figures only); default the long text or the only file",
                    _enum([v for fmt in releases.FORMATS for v in releases.variants(fmt)]),
                ),
                *_common(True),
            ],
        ),
    }


def openapi_document() -> Doc:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ictrade API",
            "version": __version__,
            "description": "Korea's monthly ICT goods trade: facts, series, cube queries "
            "and release files. Read-only.",
        },
        "paths": _paths(),
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {
                "Ok": {
                    "type": "object",
                    "required": ["ok", "data", "meta"],
                    "properties": {"ok": {"const": True}, "data": {}, "meta": {"type": "object"}},
                },
                "Error": {
                    "type": "object",
                    "required": ["ok", "error"],
                    "properties": {
                        "ok": {"const": False},
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "integer"},
                                "message": {"type": "string"},
                                "allowed": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
        "security": [{}, {"apiKey": []}],
    }
