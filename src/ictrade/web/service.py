"""What the API computes, request strings already parsed: facts, series, cube queries."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

from ..classify import regions, taxonomy
from ..months import Month
from ..release.build import release_facts
from ..release.flash import flash_month
from ..release.flash_text import SCHEMA as FLASH_SCHEMA
from ..release.page import trend_from_cube
from ..stats.facts_doc import Document
from ..stats.releasable import refused_months
from ..stats.series import MEASURES, SERIES_FLOWS, SeriesQuery, series_from_cube
from ..store.base import in_force
from ..store.coverage import incomplete_months
from ..store.query import publication_date, reporters
from ..store.store import Store, StoreChoice, available_datasets
from . import olap, params, releases
from .envelope import Serialized, dumps
from .gzipped import Part
from .handles import ReporterHandle, StoreHandle
from .lru import LRU
from .olap import check_month, cube_query, time_span


class Service:
    """The stores a server answers from (its own, and the shipped datasets on request)."""

    def __init__(self, choice: StoreChoice) -> None:
        self.default = StoreHandle(choice)
        # (dataset or None for the server's store, scheme, reporter) -> handle
        self._handles: dict[tuple[str | None, str, str], StoreHandle] = {
            (None, choice.scheme, choice.reporter): self.default
        }
        self._lock = threading.Lock()
        self.facts_cache: LRU[Document] = LRU(64)  # about 2 MB each
        self.facts_bytes: LRU[tuple[bytes, Part]] = LRU(64)  # about 1 MB each
        self._held: LRU[list[str]] = LRU(16)  # the reporters of a store, by identity and stamp

    def handle(self, query: Mapping[str, str]) -> StoreHandle:
        """The store a request reads (``dataset=``), for its reporter and scheme (``reporter=``,
        ``scheme=``; default: the server's). May take a snapshot: see ``ready_handle``."""
        base = self._base(query)
        asked = query.get("reporter")
        if asked is None or asked == "":
            return base
        reporter = params.reporter(asked, lambda: self._reporters(base))
        if reporter == base.choice.reporter:
            return base
        return self._handle((self._dataset(query), base.choice.scheme, reporter))

    def ready_handle(self, query: Mapping[str, str]) -> StoreHandle | None:
        """``handle(query)`` when it answers at once (the snapshot taken, the reporters held
        known), else None: the caller then runs ``handle`` off the event loop."""
        base = self._base(query)
        if not base.fresh():
            return None
        if query.get("reporter") and self._held.get((base.identity, base.stamp())) is None:
            return None
        return self.handle(query)

    def _dataset(self, query: Mapping[str, str]) -> str | None:
        name = params.dataset(query)
        return None if self.default.identity == f"dataset:{name}" else name

    def _base(self, query: Mapping[str, str]) -> StoreHandle:
        scheme = params.scheme(query.get("scheme"), self.default.choice.scheme)
        return self._handle((self._dataset(query), scheme, self.default.choice.reporter))

    def _handle(self, key: tuple[str | None, str, str]) -> StoreHandle:
        with self._lock:
            if key not in self._handles:
                name, scheme, reporter = key
                base = self._handles.get((name, scheme, self.default.choice.reporter))
                if base is not None:  # another reporter of a snapshot already taken
                    self._handles[key] = ReporterHandle(base, reporter)
                else:
                    server = self.default.choice
                    path, dataset = (server.path, server.dataset) if name is None else (None, name)
                    choice = StoreChoice(path, dataset, "", scheme, reporter)
                    self._handles[key] = StoreHandle(choice)
            return self._handles[key]

    def _reporters(self, handle: StoreHandle) -> list[str]:
        key = (handle.identity, handle.stamp())
        held = self._held.get(key)
        if held is None:
            held = self._held.put(key, handle.compute(reporters))
        return held

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()

    def facts(
        self, handle: StoreHandle, month: Month, as_of: dt.date | None, as_published: bool
    ) -> Document:
        """The facts document (``release_facts``: the flash facts of a month that holds only
        flash figures), from the cached cube. Documents are kept by the lines in force they
        are computed from (every date between two vintages shares one), and echo the date
        asked."""
        _, facts, date = self._facts(handle, month, as_of, as_published)
        return asked_as_of(facts, date)

    def facts_json(
        self, handle: StoreHandle, month: Month, as_of: dt.date | None, as_published: bool
    ) -> Serialized:
        """``facts(...)`` serialized: kept too, around the date asked, with the gzip stream of
        what follows the date (gzipped.py), so a document asked at another date between the
        same vintages costs a copy of its bytes and the gzip of a few."""
        key, facts, date = self._facts(handle, month, as_of, as_published)
        if facts["schema"] == FLASH_SCHEMA:
            return Serialized((dumps(facts),))
        parts = self.facts_bytes.get(key)
        if parts is None:
            head, found, tail = dumps(asked_as_of(facts, ASKED)).partition(dumps(ASKED))
            assert found, "a facts document echoes the date asked"
            parts = self.facts_bytes.put(key, (head, Part(tail)))
        return Serialized((parts[0], dumps(str(date) if date else None), parts[1]))

    def _key(
        self,
        handle: StoreHandle,
        store: Store,
        month: Month,
        as_of: dt.date | None,
        as_published: bool,
    ) -> tuple[tuple[object, ...], bool, dt.date | None]:
        """The key a document is kept under, whether it is a flash one, and its vintage date:
        flash documents by the date asked, the others by the lines in force then."""
        stamp = handle.stamp_of(store)
        if flash_month(store, month, as_of):
            return (handle.identity, stamp, month, as_of, as_published), True, as_of
        date = publication_date(store, month) if as_published else as_of
        return (handle.identity, stamp, month, in_force(store, date)), False, date

    def _facts(
        self, handle: StoreHandle, month: Month, as_of: dt.date | None, as_published: bool
    ) -> tuple[tuple[object, ...], Document, dt.date | None]:
        with handle.use() as store:
            key, flash, date = self._key(handle, store, month, as_of, as_published)
            kept = self.facts_cache.get(key)
            if kept is not None:
                return key, kept, date
            if flash:
                facts = release_facts(store, month, as_of=as_of, as_published=as_published)
                return key, self.facts_cache.put(key, facts), date
            if not as_published:  # a month outside the data: 404 naming the span
                check_month(handle.cube(as_of, store), month)
            facts = release_facts(
                store, month, as_of=date, cube_loader=lambda s, vintage: handle.cube(vintage, s)
            )
            return key, self.facts_cache.put(key, facts), date

    def release_source(
        self,
        handle: StoreHandle,
        month: Month,
        as_of: dt.date | None,
        as_published: bool,
        lang: str,
    ) -> releases.Source:
        facts = self.facts(handle, month, as_of, as_published)
        if facts["schema"] == FLASH_SCHEMA:
            return releases.Source(facts, lang)
        vintage = facts["data"]["as_of_requested"]
        cube = handle.cube(dt.date.fromisoformat(vintage) if vintage else None)
        return releases.Source(facts, lang, trend_from_cube(cube, month))

    def series(
        self, handle: StoreHandle, query: Mapping[str, str], as_of: dt.date | None
    ) -> dict[str, Any]:
        flow = params.flow(query.get("flow") or "export")
        item = params.item(query.get("item") or "total")
        region = params.region(query.get("region") or "world")
        measure = params.measure(query.get("measure") or "value")
        cube = handle.cube(as_of)
        start, end = time_span(cube, query.get("from"), query.get("to"))
        points = series_from_cube(cube, SeriesQuery(flow, item, region, measure, start, end))
        return {
            "flow": flow,
            "item": item,
            "region": region,
            "measure": measure,
            "unit": "usd" if measure == "value" else "percent",
            "from": str(start),
            "to": str(end),
            "points": [{"month": str(p.month), "value": p.value} for p in points],
        }

    def cube(
        self, handle: StoreHandle, query: Mapping[str, str], as_of: dt.date | None
    ) -> dict[str, Any]:
        cube = handle.cube(as_of)
        return olap.run(cube, cube_query(cube, query))

    def meta(self, handle: StoreHandle, as_of: dt.date | None) -> dict[str, Any]:
        """What the dashboard offers: the months held and the allowed values."""
        cube = handle.cube(as_of)
        tax, regs = taxonomy(), regions()
        # the last month with ICT exports as a whole and complete lines: what the dashboard
        # opens on (a series of some items may run on after the months the data give every
        # code of; a file cut before its last month was complete holds a fraction of it)
        total, world = cube.items.index("total"), cube.regions.index("world")
        gaps = self.incomplete(handle, as_of)
        refused = handle.compute(lambda store: refused_months(store, cube, as_of))
        whole = [
            m
            for t, m in enumerate(cube.months)
            if cube.value[0, total, world, t] > 0 and m not in refused
        ]
        return {
            "store": handle.name,
            "months": {
                "first": str(cube.months[0]),
                "last": str(cube.months[-1]),
                "last_whole": str(whole[-1]) if whole else None,
            },
            "incomplete_months": gaps,
            "not_releasable": {str(m): why for m, why in sorted(refused.items())},
            "flows": list(SERIES_FLOWS),
            "items": [
                {"id": i.id, "parent": i.parent, "major": i.major, "name": i.name_en}
                for i in tax.items
            ],
            "regions": [{"id": r.id, "major": r.major, "name": r.name_en} for r in regs.regions],
            "measures": list(MEASURES),
            "cube_measures": list(olap.CUBE_MEASURES),
            "datasets": available_datasets(),
            "release_formats": releases.available(),
        }

    def incomplete(self, handle: StoreHandle, as_of: dt.date | None) -> list[str]:
        """The months whose lines look incomplete (store/coverage.py), which a release
        refuses (kept with the snapshot, by the lines in force)."""
        found = handle.compute(lambda store: incomplete_months(store, as_of=as_of))
        return sorted({str(g.month) for g in found})


ASKED = "\x00asked\x00"  # where the date asked goes in a serialized document


def asked_as_of(facts: Document, date: dt.date | str | None) -> Document:
    """A kept document as the answer for ``date``: its figures, and the date asked."""
    if facts["schema"] == FLASH_SCHEMA:
        return facts
    asked = str(date) if date else None
    if facts["data"].get("as_of_requested") == asked:
        return facts
    data = facts["data"].copy()
    data["as_of_requested"] = asked
    answer = facts.copy()
    answer["data"] = data
    return answer
