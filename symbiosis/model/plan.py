"""A plan: the chosen quantity on every link and outlet, the facilities that run, and their scores."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.layout import Layout
from symbiosis.model.options import Objective
from symbiosis.model.scores import Scores

TOLERANCE = 1e-6
"""Quantities below this (a gram, a kWh) are solver noise, shown as 0."""


@dataclass(frozen=True)
class Plan:
    """An optimised allocation and everything needed to explain it."""

    status: str
    objective: Objective
    links: pd.DataFrame
    """The matcher's links with `quantity` (the chosen flow, 0 when unused)."""
    outlets: pd.DataFrame
    """Facility outlets with `quantity` delivered to them."""
    opened: pd.DataFrame
    """Facilities with `open` (existing ones always) and `capacity_ref`."""
    duals: dict[str, float] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    """Each score of `model.scores` for this plan (tonnes, value, co2, jobs, tkm, capex…)."""


def plan_of(
    inventory: Inventory, found: Match, layout: Layout, x: np.ndarray, status: str, objective: Objective,
    scores: Scores, duals: dict[str, float] | None = None,
) -> Plan:
    """The column values `x` as a Plan, with every score (solved for or not)."""
    values = np.where(np.abs(x) < TOLERANCE, 0.0, x)
    links = found.links.assign(quantity=values[: layout.n_links])
    outlets = found.outlets.assign(quantity=values[layout.outlet_cols])
    columns = ["id", "type", "status", "capacity_ref", "capex_eur", "opex_eur_per_year", "jobs", "operator"]
    facilities = inventory.facilities[columns].copy()
    built = set(layout.openings["id"][values[layout.opening_cols] > 0.5]) if len(layout.openings) else set()
    opened = (facilities["status"] == "existing").to_numpy() | facilities["id"].isin(built).to_numpy()
    return Plan(status, objective, links, outlets, facilities.assign(open=opened), dict(duals or {}), scores.of(x))
