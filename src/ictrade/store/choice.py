"""Which store a command uses: ``--store PATH`` (or ``ICTRADE_STORE``), else ``--dataset
NAME``, else the user's store when it exists, else the shipped ``default`` dataset. The two
options exclude each other. Nothing is opened here (store.py opens)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from ..classify import scheme
from ..errors import UsageError, quoted
from .schema import DEFAULT_REPORTER


def default_store_path() -> Path:
    """The user's store: ``<user data dir>/ictrade/store.duckdb``."""
    return Path(platformdirs.user_data_dir("ictrade", appauthor=False)) / "store.duckdb"


def writer_wait() -> float:
    """Seconds a writing command waits for another program to let go of the store (env
    ICTRADE_LOCK_WAIT, default 60): concurrent ingests queue instead of failing."""
    text = os.environ.get("ICTRADE_LOCK_WAIT", "60")
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= 86_400:  # NaN, negative or over a day: a typo, not a wish
        raise UsageError(
            f"ICTRADE_LOCK_WAIT '{text}' is not a number of seconds from 0 to 86400; unset it "
            "for the default (60)"
        )
    return seconds


def _refuse_empty(store: str) -> None:
    if not store.strip():
        raise UsageError("--store is empty; give the path of a store file (or leave it out)")


def available_datasets() -> list[str]:
    folder = resources.files("ictrade").joinpath("datasets")
    return sorted(p.name for p in folder.iterdir() if p.joinpath("lines.parquet").is_file())


def dataset_path(name: str) -> Path:
    if name not in available_datasets():
        raise UsageError(
            f"unknown dataset '{name}'; datasets are: {', '.join(available_datasets())}"
        )
    return Path(str(resources.files("ictrade").joinpath("datasets", name, "lines.parquet")))


@dataclass(frozen=True)
class StoreChoice:
    """What a command will open, and the sentence that says so on standard error."""

    path: Path | None
    dataset: str | None
    reason: str
    scheme: str = "kr-ict"  # the classification statistics use
    reporter: str = DEFAULT_REPORTER  # whose lines statistics read


def _named_store(store: str | None) -> tuple[Path | None, str]:
    """The store ``--store`` (else ``ICTRADE_STORE``, read here only) names, and how to say so.
    An empty PATH is refused rather than read as 'the default'."""
    if store is not None:
        _refuse_empty(store)
        return Path(store), f"using the store {store}"
    env = os.environ.get("ICTRADE_STORE")
    if env:
        return Path(env), f"using the store {env} (from ICTRADE_STORE)"
    return None, ""


def writable_store_path(store: str | None = None) -> Path:
    """The store a writing command (ingest, fetch) loads into: ``--store``, ``ICTRADE_STORE``,
    else the user's store (created if needed)."""
    return _named_store(store)[0] or default_store_path()


def choose_store(
    store: str | None = None,
    dataset: str | None = None,
    *,
    scheme_name: str = "kr-ict",
    reporter: str = DEFAULT_REPORTER,
) -> StoreChoice:
    """Resolve ``--store``/``ICTRADE_STORE``/``--dataset`` into a store to open, read for
    ``reporter`` under ``scheme_name``."""
    if store and dataset:
        raise UsageError("--store and --dataset exclude each other; give one of them")
    reporter = check_reporter(reporter)
    scheme(scheme_name)  # an unknown scheme fails here, before anything is opened
    view = (
        ""
        if (scheme_name, reporter) == ("kr-ict", DEFAULT_REPORTER)
        else f" for reporter {reporter} under the scheme {scheme_name}"
    )
    path, reason = _named_store(store)
    if dataset:
        path, reason = None, f"using the shipped dataset '{dataset}' (read-only)"
    elif path is None and default_store_path().exists():
        path, reason = default_store_path(), f"using your store {default_store_path()}"
    elif path is None:
        dataset = "default"
        reason = "no store of yours yet: using the shipped 'default' dataset (read-only)"
    return StoreChoice(path, dataset, reason + view, scheme_name, reporter)


def check_reporter(reporter: str) -> str:
    """An ISO 3166-1 alpha-2 reporter code, upper case."""
    code = reporter.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise UsageError(
            f"reporter {quoted(reporter)} is not an ISO 3166-1 alpha-2 code; use e.g. KR, DE"
        )
    return code
