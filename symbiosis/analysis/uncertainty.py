"""How robust are the gains? Re-solve with declared quantities drawn at random.

Quantities are estimates. Each run multiplies every flow's quantity by a
factor drawn uniformly in [1 - spread, 1 + spread] (seeded, so a committee
sees the same figures twice), re-matches and re-optimises; each indicator is
then reported as a median and a 10-90 % range.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from symbiosis.analysis.indicators import indicators
from symbiosis.flows import Inventory
from symbiosis.matcher import match
from symbiosis.model.options import Options
from symbiosis.optimize import optimise

REPORTED = (
    "additional_valorised_t",
    "rerouted_t",
    "valorised_t",
    "valorised_share",
    "valorised_mwh",
    "landfill_avoided_t",
    "co2e_avoided_t",
    "jobs_fte",
    "insertion_jobs",
    "net_value_eur_per_year",
    "companies_involved",
)


def perturbed(inventory: Inventory, spread: float, rng: np.random.Generator) -> Inventory:
    """The inventory with every flow's quantity scaled by a random factor."""
    factor = rng.uniform(1.0 - spread, 1.0 + spread, size=len(inventory.flows))
    flows = inventory.flows.assign(
        quantity=inventory.flows["quantity"] * factor,
        quantity_ref=inventory.flows["quantity_ref"] * factor,
    )
    return replace(inventory, flows=flows)


def draws(inventory: Inventory, options: Options, spread: float, runs: int, seed: int = 1) -> pd.DataFrame:
    """One row of indicators per run."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(runs):
        drawn = perturbed(inventory, spread, rng)
        plan = optimise(drawn, match(drawn), replace(options, min_jobs=None, min_insertion_jobs=None))
        kpis = indicators(drawn, plan)
        rows.append({key: float(kpis[key]) for key in REPORTED})
    return pd.DataFrame(rows, columns=list(REPORTED))


def summarise(samples: pd.DataFrame) -> pd.DataFrame:
    """Median and 10-90 % range of each indicator."""
    table = pd.DataFrame(
        {
            "median": samples.median(),
            "p10": samples.quantile(0.10),
            "p90": samples.quantile(0.90),
        }
    )
    table.index.name = "indicator"
    return table.round(6)
