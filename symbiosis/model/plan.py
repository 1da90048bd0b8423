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
    """Facilities with `open` (existing ones always, candidates built) and `runs`
    (it takes at least its minimum load), and `capacity_ref`."""
    duals: dict[str, float] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    """Each score of `model.scores` for this plan (tonnes, value, co2, jobs, tkm, capex…)."""
    decisions: dict[str, float] = field(default_factory=dict)
    """Each yes-or-no decision of the model (`build:K04`, `run:K07`, `switch:F12>F40`) and its value."""
    stages: tuple[tuple[str, str], ...] = ()
    """Each lexicographic stage solved and what the solver said of it."""
    mip_gap: float | None = None
    """The relative gap of a plan stopped on the time limit (None when proven optimal)."""
    periods: pd.DataFrame | None = None
    """Links balanced by period: link, months of the period and quantity."""


def settled(layout: Layout, x: np.ndarray) -> np.ndarray:
    """The column values with each decision made plain: a link's switch is on
    exactly when it carries something (a switch on for nothing is only a
    cost; a link whose switch is off carries nothing), and a scenario's
    facility counts as built."""
    values = np.where(np.abs(x) < TOLERANCE, 0.0, x).astype(float)
    # A mixed-integer solver may leave a switch at 1e-7 and its link a hair above
    # zero (within its integrality tolerance): such a link is off and carries nothing.
    off = values[layout.switch_cols] < 0.5
    values[layout.switched[off]] = 0.0
    values[layout.switch_cols] = (values[layout.switched] > 0).astype(float)
    values[layout.build_cols[layout.forced]] = 1.0
    decided = np.concatenate([layout.build_cols, layout.run_block])
    values[decided] = np.round(values[decided])
    return values


def plan_of(
    inventory: Inventory, found: Match, layout: Layout, x: np.ndarray, status: str, objective: Objective,
    scores: Scores, duals: dict[str, float] | None = None, *, stages: tuple[tuple[str, str], ...] = (),
    mip_gap: float | None = None,
) -> Plan:
    """The column values `x` as a Plan, with every score (solved for or not)."""
    values = settled(layout, x)
    links = found.links.assign(quantity=values[: layout.n_links])
    outlets = found.outlets.assign(quantity=values[layout.outlet_cols])
    columns = ["id", "type", "status", "capacity_ref", "capex_eur", "opex_eur_per_year", "jobs", "operator"]
    facilities = inventory.facilities[columns].copy()
    ids = layout.openings["id"] if len(layout.openings) else pd.Series(dtype=object)
    built = set(ids[values[layout.build_cols] > 0.5])
    running = set(ids[values[layout.run_cols] > 0.5])
    existing = (facilities["status"] == "existing").to_numpy()
    opened = existing | facilities["id"].isin(built).to_numpy()
    runs = existing | facilities["id"].isin(running).to_numpy()
    decisions = {name: float(values[column]) for name, column in layout.decisions(found)}
    return Plan(status, objective, links, outlets, facilities.assign(open=opened, runs=runs), dict(duals or {}),
                scores.of(values), decisions, stages, mip_gap, _periods(found, layout, values))


def _periods(found: Match, layout: Layout, values: np.ndarray) -> pd.DataFrame | None:
    seasons = layout.seasons
    if not seasons.n:
        return None
    links = found.links
    months = [";".join(str(m) for m in seasons.periods[p]) for p in seasons.period]
    return pd.DataFrame({
        "from_flow": links["from_flow"].to_numpy()[seasons.links],
        "to": links["to"].to_numpy()[seasons.links],
        "months": months,
        "quantity": values[layout.period_cols],
    })
