"""The cell grid: months x flows x leaf items x partner blocks, and aggregate masks.

A block is a group of partners that belong to the same regions in every month (GB has its own
block since it leaves the EU from 2020-02), so every region of a month is a union of blocks.
"""

from __future__ import annotations

import functools

import numpy as np

from ictrade.classify import membership, regions, taxonomy
from ictrade.months import Month

from .inputs import MONTHS

# Partners and their weights inside their block (stable trade weights; see README).
COUNTRIES: dict[str, float] = {
    "CN": 1.0, "HK": 1.0, "VN": 1.0, "US": 1.0, "JP": 1.0, "IN": 1.0, "TW": 1.0, "GB": 1.0,
    # EU27: Korea's ICT exports go mostly to the electronics assembly hubs of central Europe.
    "HU": 0.22, "DE": 0.20, "PL": 0.16, "SK": 0.12, "NL": 0.10, "CZ": 0.07, "FR": 0.04,
    "IT": 0.03, "ES": 0.02, "SE": 0.02, "AT": 0.01, "IE": 0.01,
    # ASEAN without Vietnam (weights after 2025 HS 8541/8542 exports by partner).
    "SG": 0.40, "PH": 0.22, "MY": 0.16, "TH": 0.12, "ID": 0.10,
    # Latin America, Middle East, rest of the world.
    "MX": 0.70, "BR": 0.30,
    "AE": 0.45, "IL": 0.30, "SA": 0.25,
    "AU": 0.20, "CA": 0.18, "RU": 0.15, "TR": 0.12, "CH": 0.10, "NO": 0.05, "ZA": 0.05,
    "NZ": 0.05, "BD": 0.05, "PK": 0.05,
}

LEAVES = [i for i in taxonomy().ids if not taxonomy().children[i]]
LI = {leaf: i for i, leaf in enumerate(LEAVES)}


def _signature(iso2: str) -> tuple[tuple[str, ...], ...]:
    mem = membership()
    return tuple(tuple(sorted(mem.regions_of(iso2, m))) for m in MONTHS)


@functools.cache
def blocks() -> list[tuple[str, ...]]:
    """Partner blocks (tuples of ISO2), in a fixed order."""
    groups: dict[tuple[tuple[str, ...], ...], list[str]] = {}
    for iso2 in sorted(COUNTRIES):
        groups.setdefault(_signature(iso2), []).append(iso2)
    return sorted(tuple(g) for g in groups.values())


def block_regions(b: int, m: Month) -> list[str]:
    return membership().regions_of(blocks()[b][0], m)


@functools.cache
def block_name(b: int) -> str:
    members = blocks()[b]
    more = "..." if len(members) > 3 else ""
    return members[0] if len(members) == 1 else "+".join(members[:3]) + more


@functools.cache
def region_blocks(region: str, mi: int) -> np.ndarray:
    """Indices of the blocks forming ``region`` in month index ``mi``."""
    return blocks_of(region, MONTHS[mi])


@functools.cache
def blocks_of(region: str, m: Month) -> np.ndarray:
    """Indices of the blocks forming ``region`` in month ``m`` (any month: every member of a
    block must then belong to the same regions)."""
    for members in blocks():
        if len({tuple(sorted(membership().regions_of(p, m))) for p in members}) > 1:
            raise SystemExit(f"partner block {members} splits between regions in {m}")
    return np.array([b for b in range(len(blocks())) if region in block_regions(b, m)], dtype=int)


@functools.cache
def item_leaves(item: str) -> np.ndarray:
    return np.array([LI[i] for i in taxonomy().descendants(item) if i in LI], dtype=int)


def check_regions() -> None:
    """Every region of regions.csv must have at least one block in every month."""
    for region in regions().ids:
        for mi in range(len(MONTHS)):
            if len(region_blocks(region, mi)) == 0:
                raise SystemExit(f"region {region} has no partner in {MONTHS[mi]}")
