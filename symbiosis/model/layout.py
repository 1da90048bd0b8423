"""The model's columns, block by block.

1. links: the quantity on each candidate link, in the matcher's row order;
2. outlets: what a facility sends to a sure outlet (grid injection, fields);
3. builds: one per candidate facility that may or must be built (0 or 1 when
   the optimiser chooses sites, fixed at 1 when a scenario builds it); its
   investment and yearly cost sit on this column;
4. runs: one per facility a scenario builds (0 or 1): it runs only above its
   minimum load, and its fixed jobs sit on this column. A facility the
   optimiser builds runs when built, so its build column is its run column;
5. switches: one per link from an output with a yearly fixed cost
   (`link_fixed_cost_eur`): 1 when the link is used, and the cost is paid;
6. periods: the quantity of a link in each period of the year, for links
   balanced by period (`seasons.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.options import Options
from symbiosis.model.seasons import NONE, Seasons, seasons_of


@dataclass(frozen=True)
class Layout:
    n_links: int
    n_outlets: int
    openings: pd.DataFrame
    """Candidate facilities with a build column (inventory facility columns), `forced` when built whatever."""
    switched: np.ndarray
    """Link positions with a switch column (a yearly fixed cost)."""
    fixed_cost: np.ndarray
    """Yearly fixed cost of each switched link (EUR)."""
    seasons: Seasons = NONE

    @property
    def n_openings(self) -> int:
        return len(self.openings)

    @property
    def forced(self) -> np.ndarray:
        """Per opening: built by a scenario (not a decision)."""
        if not len(self.openings):
            return np.zeros(0, dtype=bool)
        forced: np.ndarray = self.openings["forced"].to_numpy(dtype=bool)
        return forced

    @property
    def chosen(self) -> np.ndarray:
        """Per opening: a free decision (siting), not a forced one."""
        return ~self.forced

    @property
    def outlet_cols(self) -> np.ndarray:
        return self.n_links + np.arange(self.n_outlets)

    @property
    def build_cols(self) -> np.ndarray:
        return self.n_links + self.n_outlets + np.arange(self.n_openings)

    @property
    def run_block(self) -> np.ndarray:
        """The columns of the runs block (one per forced opening)."""
        start = self.n_links + self.n_outlets + self.n_openings
        return start + np.arange(int(self.forced.sum()))

    @property
    def run_cols(self) -> np.ndarray:
        """Per opening, the column saying whether it runs: its own for a forced one, its build column otherwise."""
        cols = self.build_cols.copy()
        cols[self.forced] = self.run_block
        return cols

    @property
    def switch_cols(self) -> np.ndarray:
        start = self.n_links + self.n_outlets + self.n_openings + int(self.forced.sum())
        return start + np.arange(len(self.switched))

    @property
    def period_cols(self) -> np.ndarray:
        start = self.n_links + self.n_outlets + self.n_openings + int(self.forced.sum()) + len(self.switched)
        return start + np.arange(self.seasons.n)

    @property
    def n(self) -> int:
        return self.n_links + self.n_outlets + self.n_openings + int(self.forced.sum()) + len(self.switched) + self.seasons.n

    @property
    def integer(self) -> np.ndarray:
        """Columns that are decisions (0 or 1)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.build_cols[self.chosen]] = True
        mask[self.run_block] = True
        mask[self.switch_cols] = True
        return mask

    def decisions(self, found: Match) -> list[tuple[str, int]]:
        """Each decision column's name (`build:K04`, `run:K07`, `switch:F12>F40`) and position."""
        named = [(f"build:{i}", int(c)) for i, c in zip(self.openings["id"], self.build_cols, strict=True)]
        forced_ids: list[str] = list(self.openings["id"][self.forced]) if len(self.openings) else []
        named += [(f"run:{i}", int(c)) for i, c in zip(forced_ids, self.run_block, strict=True)]
        links = found.links
        named += [
            (f"switch:{links['from_flow'].iat[int(r)]}>{links['to'].iat[int(r)]}", int(c))
            for r, c in zip(self.switched, self.switch_cols, strict=True)
        ]
        return named


def link_fixed_costs(inventory: Inventory, links: pd.DataFrame) -> np.ndarray:
    """Per link, what it costs a year to use at all: its output's declared
    `link_fixed_cost_eur` (a waste-heat link's pipe is charged per MWh, matching/heat.py)."""
    declared = pd.to_numeric(links["from_flow"].map(inventory.flows.set_index("id")["link_fixed_cost_eur"]),
                             errors="coerce").to_numpy(dtype=float)
    cost: np.ndarray = np.nan_to_num(declared)
    return cost


def layout_of(inventory: Inventory, found: Match, options: Options) -> Layout:
    """The columns of the model of this match under these options."""
    facilities = inventory.facilities
    candidate = (facilities["status"] == "candidate").to_numpy(dtype=bool)
    forced = candidate & facilities["id"].isin(options.force_open).to_numpy(dtype=bool)
    chooseable = candidate & options.siting
    if options.candidates is not None:
        chooseable &= facilities["id"].isin(options.candidates).to_numpy(dtype=bool)
    keep = forced | chooseable
    openings = facilities[keep].assign(forced=forced[keep]).reset_index(drop=True)
    links = found.links
    cost = link_fixed_costs(inventory, links)
    switched = np.flatnonzero(cost > 0)
    return Layout(len(links), len(found.outlets), openings, switched, cost[switched], seasons_of(inventory, found))
