"""Every score a plan is judged on, as one coefficient per column.

A plan's score is `coefficient @ x`: the objective of a stage, a floor
(`--min-jobs`, a trade-off curve's epsilon constraint) and the figure in
`kpis.json` are all that one product, so they can never disagree.

Scores (per year): `tonnes` of declared material outputs brought to a use,
`mwh` of surplus energy used (delivered, after the pipe's losses), and of each the part that is an addition
(`tonnes_added`, `mwh_added`: today's route is landfill, incineration,
outside the territory, or none) rather than a re-routing, `tkm` tonne-kilometres hauled, `mwh_km`
(MWh carried times the length of the pipe), `value` (EUR: disposal and
purchases avoided, less transport, the annualised cost of facilities built
and the fixed cost of the links used), `co2` (t CO2e avoided, transport
deducted), `jobs` (FTE: net jobs of each exchange, `matching/jobs.py`, plus the
fixed posts of the facilities built that run), and of them `insertion_jobs`
(held in an SIAE), `adapted_jobs` (ESAT, EA) and `other_jobs` (the rest,
less the work today's routes lose), `capex` (EUR invested) and `annual_cost` (EUR:
annuity of capex plus opex).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.catalogue.models import ADDITIONAL_ROUTES
from symbiosis.core.finance import annuity
from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.matching.jobs import KINDS, kind_of
from symbiosis.model.layout import Layout

SCORES: tuple[str, ...] = (
    "tonnes", "mwh", "tonnes_added", "mwh_added", "tkm", "mwh_km", "value", "co2", "jobs",
    "insertion_jobs", "adapted_jobs", "other_jobs", "capex", "annual_cost",
)


@dataclass(frozen=True)
class Scores:
    """Per-column coefficients of each score."""

    columns: Mapping[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def of(self, x: np.ndarray) -> dict[str, float]:
        """Every score of the column values `x`."""
        return {name: float(coefficients @ x) for name, coefficients in self.columns.items()}


def link_scores(inventory: Inventory, links: pd.DataFrame) -> pd.DataFrame:
    """Per link, each score per unit that travels on it."""
    per_t = (links["unit"] == "t").to_numpy()
    from_output = (links["from_kind"] == "output").to_numpy()
    added = from_output & links["today_route"].isin(ADDITIONAL_ROUTES).to_numpy()
    # An intake that goes where it goes today hauls nothing new.
    tkm = np.where(per_t & ~links["unchanged"].to_numpy(dtype=bool), links["distance_km"].to_numpy(dtype=float), 0.0)
    cost_tkm = inventory.parameter("transport_cost_eur_per_tkm")
    co2_tkm = inventory.parameter("transport_co2e_kg_per_tkm")
    # Heat counts as delivered: what reaches the user after the pipe's losses.
    delivered = links["delivered_share"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "tonnes": np.where(from_output & per_t, 1.0, 0.0),
            "mwh": np.where(from_output & ~per_t, delivered, 0.0),
            "tonnes_added": np.where(added & per_t, 1.0, 0.0),
            "mwh_added": np.where(added & ~per_t, delivered, 0.0),
            "tkm": tkm,
            "mwh_km": np.where(per_t, 0.0, links["distance_km"].to_numpy(dtype=float)),
            "value": links["value_eur_per_unit"].to_numpy(dtype=float) - cost_tkm * tkm,
            "co2": (links["co2e_kg_per_unit"].to_numpy(dtype=float) - co2_tkm * tkm) / 1000,
            "jobs": links["jobs_per_unit"].to_numpy(dtype=float),
            "insertion_jobs": links["insertion_jobs_per_unit"].to_numpy(dtype=float),
            "adapted_jobs": links["adapted_jobs_per_unit"].to_numpy(dtype=float),
            "other_jobs": (links["jobs_per_unit"] - links["insertion_jobs_per_unit"] - links["adapted_jobs_per_unit"]).to_numpy(dtype=float),
        },
        index=links.index,
    )


def outlet_scores(inventory: Inventory, outlets: pd.DataFrame) -> pd.DataFrame:
    """Per facility outlet, each score per unit delivered to it (hauled `distance_km`)."""
    tkm = outlets["distance_km"].to_numpy(dtype=float) if len(outlets) else np.zeros(0)
    cost_tkm = inventory.parameter("transport_cost_eur_per_tkm")
    co2_tkm = inventory.parameter("transport_co2e_kg_per_tkm")
    value = outlets["value_eur_per_unit"].to_numpy(dtype=float) if len(outlets) else np.zeros(0)
    co2 = outlets["co2e_kg_per_unit"].to_numpy(dtype=float) if len(outlets) else np.zeros(0)
    return pd.DataFrame({"tkm": tkm, "value": value - cost_tkm * tkm, "co2": (co2 - co2_tkm * tkm) / 1000})


def opening_scores(inventory: Inventory, openings: pd.DataFrame) -> pd.DataFrame:
    """Per candidate facility built: investment, yearly cost and fixed posts (counted
    when it runs), of the kind its operator holds."""
    names = ("capex", "annual_cost", "value", "jobs", *(f"{kind}_jobs" for kind in KINDS))
    if not len(openings):
        return pd.DataFrame({name: np.zeros(0) for name in names})
    types = inventory.catalogue.facility_types
    discount = inventory.parameter("discount_rate")
    factor = np.array([annuity(discount, types[str(t)].lifetime_years.value) for t in openings["type"]], dtype=float)
    capex = openings["capex_eur"].fillna(0.0).to_numpy(dtype=float)
    annual = capex * factor + openings["opex_eur_per_year"].fillna(0.0).to_numpy(dtype=float)
    posts = pd.to_numeric(openings["jobs"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    kind = kind_of(inventory, openings["operator"].fillna(""))
    return pd.DataFrame(
        {"capex": capex, "annual_cost": annual, "value": -annual, "jobs": posts,
         **{f"{k}_jobs": np.where(kind == k, posts, 0.0) for k in KINDS}}
    )


def scores_of(inventory: Inventory, found: Match, layout: Layout) -> Scores:
    """Each score's coefficients over the layout's columns, block by block (`layout.py`)."""
    columns = {name: np.zeros(layout.n) for name in SCORES}
    links = link_scores(inventory, found.links)
    outlets = outlet_scores(inventory, found.outlets)
    openings = opening_scores(inventory, layout.openings)
    for name in SCORES:
        if name in links:
            columns[name][: layout.n_links] = links[name].to_numpy(dtype=float)
        if name in outlets:
            columns[name][layout.outlet_cols] = outlets[name].to_numpy(dtype=float)
    for name in ("capex", "annual_cost", "value"):
        columns[name][layout.build_cols] = openings[name].to_numpy(dtype=float)
    for name in ("jobs", *(f"{kind}_jobs" for kind in KINDS)):
        columns[name][layout.run_cols] = openings[name].to_numpy(dtype=float)
    columns["value"][layout.switch_cols] = -layout.fixed_cost
    return Scores(columns)
