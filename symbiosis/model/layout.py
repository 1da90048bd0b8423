"""The model's columns: one per candidate link, one per facility outlet, one
per candidate facility that may or must be built.

Links come first (in the matcher's row order), then outlets (grid injection,
land spreading), then openings. An opening is a decision to build a
candidate: free (0 or 1) when the optimiser chooses sites, fixed at 1 when a
scenario builds it. Either way its investment, running cost and fixed jobs
sit on that one column, so every score counts them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.options import Options


@dataclass(frozen=True)
class Layout:
    n_links: int
    n_outlets: int
    openings: pd.DataFrame
    """Candidate facilities with a column (inventory facility columns), `forced` when built whatever."""

    @property
    def n(self) -> int:
        return self.n_links + self.n_outlets + len(self.openings)

    @property
    def opening_cols(self) -> np.ndarray:
        return self.n_links + self.n_outlets + np.arange(len(self.openings))

    @property
    def outlet_cols(self) -> np.ndarray:
        return self.n_links + np.arange(self.n_outlets)

    @property
    def chosen(self) -> np.ndarray:
        """Per opening: a free decision (siting), not a forced one."""
        if not len(self.openings):
            return np.zeros(0, dtype=bool)
        free: np.ndarray = ~self.openings["forced"].to_numpy(dtype=bool)
        return free


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
    return Layout(len(found.links), len(found.outlets), openings)
