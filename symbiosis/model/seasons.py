"""Months for what cannot wait: heat (and perishable wastes) balanced period by period.

Heat cannot be stored for a season: a source of 1,200 MWh a year gives
100 MWh a month, however many users need heat in winter. So every flow of a
material that does not keep (`Material.keeps`) and that declares months or
a monthly profile is balanced month by month, and so is every flow linked
to one, directly or through others (an all-year source shared by a winter
user and a year-round user spreads its 100 MWh a month between them).
Facilities are balanced over the year: their fuel and feedstock keep.

Months in which every such flow has the same share of its year are merged
into one period (Val de Fensch: November-March, October and April, May to
September): a period's balance, spread evenly over its months, meets each
month's, so periods give the exact monthly answer with fewer columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from symbiosis.flows import Inventory
from symbiosis.inventory.derive import profile_shares
from symbiosis.inventory.schema import ALL_MONTHS
from symbiosis.matcher import Match


@dataclass(frozen=True)
class Seasons:
    """The flows balanced by period, the periods, and the link-period columns."""

    flows: pd.Index
    """Ids of the flows balanced by period."""
    quantity: np.ndarray
    """Per such flow, its yearly quantity (reference unit)."""
    shares: np.ndarray
    """Share of each flow's year in each period (flows x periods)."""
    periods: tuple[tuple[int, ...], ...]
    """Months (1-12) of each period."""
    links: np.ndarray
    """Link position of each link-period column."""
    period: np.ndarray
    """Period of each link-period column."""

    @property
    def n(self) -> int:
        return len(self.links)


NONE = Seasons(pd.Index([]), np.zeros(0), np.zeros((0, 0)), (), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def month_shares(flows: pd.DataFrame) -> np.ndarray:
    """Each flow's share of its year in each month: its profile, else even over its months."""
    bits = (flows["months_mask"].to_numpy(dtype=np.int64)[:, None] >> np.arange(12)) & 1
    counts = bits.sum(axis=1, keepdims=True)
    shares: np.ndarray = np.divide(bits, counts, out=np.zeros(bits.shape), where=counts > 0)
    profiled = flows["monthly_profile"].notna().to_numpy() if "monthly_profile" in flows else np.zeros(len(flows), bool)
    if profiled.any():
        shares[profiled] = profile_shares(flows.loc[profiled, "monthly_profile"])
    return shares


def seasons_of(inventory: Inventory, found: Match) -> Seasons:
    """Which flows need monthly balances, their periods, and the link-period columns."""
    flows, links = inventory.flows, found.links
    if links.empty:
        return NONE
    keeps = {key: material.keeps for key, material in inventory.catalogue.materials.items()}
    material_keeps = flows["material"].map(keeps)
    flow_keeps = material_keeps.where(material_keeps.notna(), flows["ref_unit"] == "t").astype(bool).to_numpy()
    profiled = flows["monthly_profile"].notna().to_numpy() if "monthly_profile" in flows else np.zeros(len(flows), bool)
    seasonal = ~flow_keeps & ((flows["months_mask"].to_numpy() != ALL_MONTHS) | profiled)
    if not seasonal.any():
        return NONE
    ids = pd.Index(flows["id"])
    tail, head = ids.get_indexer(links["from_flow"]), ids.get_indexer(links["to"])
    direct = (tail >= 0) & (head >= 0)
    # Flows joined by a link of what does not keep share their months.
    joined = direct & ~flow_keeps[np.where(tail >= 0, tail, 0)]
    graph = sparse.coo_matrix((np.ones(int(joined.sum())), (tail[joined], head[joined])), shape=(len(flows), len(flows)))
    _, part = connected_components(graph, directed=False)
    monthly = np.isin(part, np.unique(part[seasonal]))
    chosen = np.flatnonzero(monthly)
    shares = month_shares(flows.iloc[chosen])
    # Months with the same share for every flow form one period.
    _, period_of_month = np.unique(shares.T.round(12), axis=0, return_inverse=True)
    period_of_month = period_of_month.ravel()
    periods = tuple(tuple(int(m) + 1 for m in np.flatnonzero(period_of_month == p)) for p in range(period_of_month.max() + 1))
    by_period = np.stack([shares[:, period_of_month == p].sum(axis=1) for p in range(len(periods))], axis=1)
    position = np.full(len(flows), -1)
    position[chosen] = np.arange(len(chosen))
    tail_pos = np.where(tail >= 0, position[np.where(tail >= 0, tail, 0)], -1)
    head_pos = np.where(head >= 0, position[np.where(head >= 0, head, 0)], -1)
    touched = np.flatnonzero((tail_pos >= 0) | (head_pos >= 0))
    active = np.ones((len(touched), len(periods)), dtype=bool)
    for end in (tail_pos[touched], head_pos[touched]):
        flow_end = end >= 0
        active[flow_end] &= by_period[end[flow_end]] > 0
    link_rows, period = np.nonzero(active)
    return Seasons(
        flows=ids[chosen],
        quantity=flows["quantity_ref"].to_numpy(dtype=float)[chosen],
        shares=by_period,
        periods=periods,
        links=touched[link_rows].astype(np.int64),
        period=period.astype(np.int64),
    )
