"""Which requests of a long fetch are done, kept in a small JSON file so a run stopped by a
quota or a bad key resumes where it stopped.

A job is one fetch command (its arguments hash to the job id). Each request of the job
records the pages done and the row total the API announced; a finished job is removed, so the
same command run later fetches afresh (a new vintage).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def job_id(*parts: object) -> str:
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:16]


class Checkpoint:
    def __init__(self, path: str | Path, job: str) -> None:
        self.path = Path(path)
        self.job = job
        self._data = self._load()
        self._requests: dict[str, Any] = self._data.setdefault("jobs", {}).setdefault(job, {})

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            data: dict[str, Any] = json.loads(self.path.read_text("utf-8"))
            return data
        except (OSError, ValueError):
            return {}  # an unreadable checkpoint costs a refetch, not a failure

    @property
    def resuming(self) -> bool:
        return bool(self._requests)

    def pages_done(self, request: str) -> set[int]:
        return set(self._requests.get(request, {}).get("pages", []))

    def total(self, request: str) -> int | None:
        value = self._requests.get(request, {}).get("total")
        return int(value) if value is not None else None

    def page_done(self, request: str, page: int, total: int) -> None:
        entry = self._requests.setdefault(request, {"pages": [], "total": total})
        entry["total"] = total
        if page not in entry["pages"]:
            entry["pages"].append(page)
        self._save()

    def restart(self, request: str) -> None:
        """Forget a request's pages: the API's count changed since they were fetched, so its
        pages no longer hold the same rows."""
        self._requests.pop(request, None)
        self._save()

    def finish(self) -> None:
        """The job is complete: forget it."""
        self._data["jobs"].pop(self.job, None)
        self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(self._data, indent=1), "utf-8")
        os.replace(tmp, self.path)
