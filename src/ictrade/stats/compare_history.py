"""Facts of a month over the months that compare with it (``stats.comparable``): records,
streaks and year-to-date sums leave out months made of other goods (blank here), and say where
their comparable history begins (``gaps=True`` in facts_entries.py and facts_records.py): a
streak that starts right after a month left out runs "as far back as the data go"; a record
compares from its series' first comparable month (``compared_from``)."""

from __future__ import annotations

import numpy as np

from .comparable import Comparability
from .cube import FLOWS, SERIES_FLOWS


def mask_history(
    value: np.ndarray, shape: tuple[int, int, int], regions: list[str], comp: Comparability, t: int
) -> None:
    """Blank in ``value`` [series, t'] (series: ``shape`` [flow, item, region]) the months that
    do not compare with month ``t``: one test for the world's series of a flow and one for its
    regions' (a balance: both flows)."""
    grid = value.reshape(*shape, value.shape[1])
    w = regions.index("world")
    others = np.arange(len(regions)) != w
    for f, flow in enumerate(SERIES_FLOWS):
        flows = [0, 1] if flow == "balance" else [FLOWS.index(flow)]
        for region, where in (("world", w), ("regions", others)):
            left_out = ~comp.with_month(flows, region, t)
            left_out[t] = False
            grid[f, :, where, :] = np.where(left_out, np.nan, grid[f, :, where, :])
