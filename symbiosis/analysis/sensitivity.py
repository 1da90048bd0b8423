"""Which limits bind, and what one more unit of each would give.

The optimiser keeps the dual values (shadow prices) of its first stage: the
gain in the objective per unit of capacity, need or supply added. A shadow
price holds only near the plan, so the most valuable limits are also
re-solved with 100 units more, and the sentence reports that real gain.

Every re-solve keeps every constraint of the run (a jobs floor, the
facilities a scenario builds, trade-off floors). A plan with yes-or-no
decisions (sites chosen, links with a fixed cost) has no shadow prices:
its decisions are then fixed as the plan took them, the prices read on
that LP, and each sentence says so.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from symbiosis.analysis.indicators import OBJECTIVE_KPI, indicators
from symbiosis.core.frames import rows
from symbiosis.core.words import Lang, Messages, number, say
from symbiosis.flows import Inventory
from symbiosis.matcher import Match, match
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan
from symbiosis.optimize import optimise

COLUMNS = ["limit", "id", "name", "unit", "gain_per_unit", "gain_for_step", "sentence", "decisions_fixed"]
STEP = 100.0
"""The 'one more unit' of a sentence: 100 t or 100 MWh a year reads better than 1."""

MESSAGES: Messages = {
    "capacity": (
        "{step} {unit}/an de capacité en plus pour {name} ({id}) apporteraient {gain} de plus",
        "{step} {unit}/yr more capacity for {name} ({id}) would bring {gain} more",
    ),
    "need": (
        "un besoin de {step} {unit}/an de plus chez {name} ({id}) apporterait {gain} de plus",
        "{step} {unit}/yr more need at {name} ({id}) would bring {gain} more",
    ),
    "supply": (
        "{step} {unit}/an de plus offerts par {name} ({id}) apporteraient {gain} de plus",
        "{step} {unit}/yr more offered by {name} ({id}) would bring {gain} more",
    ),
    "tonnes": ("{x} t valorisées", "{x} t valorised"),
    "value": ("{x} € de gain net", "EUR {x} of net value"),
    "co2": ("{x} t CO2e évitées", "{x} t CO2e avoided"),
    "jobs": ("{x} ETP", "{x} FTE"),
    "fixed": ("{sentence} (décisions du plan gardées : sites, échanges à coût fixe)",
              "{sentence} (the plan's decisions kept: sites, fixed-cost links)"),
}


def binding_limits(
    inventory: Inventory, plan: Plan, options: Options, lang: Lang = "fr", limit: int = 6, found: Match | None = None
) -> pd.DataFrame:
    """The binding capacities, needs and supplies, most valuable first, each
    with the gain that 100 more units really bring (re-solved)."""
    if limit <= 0:
        return pd.DataFrame(columns=COLUMNS)
    kpi = OBJECTIVE_KPI[plan.objective]
    base = float(indicators(inventory, plan)[kpi])
    duals = plan.duals
    if plan.decisions:  # a MILP: its shadow prices are those of the LP with its decisions fixed
        options = replace(options, decided=tuple(plan.decisions.items()))
        duals = optimise(inventory, found if found is not None else match(inventory), options).duals
    flows = inventory.flows.set_index("id")
    companies = inventory.companies.set_index("id")["name"]
    facilities = inventory.facilities.set_index("id")
    running = set(plan.opened.loc[plan.opened["open"], "id"])
    found_limits = []
    for name, dual in duals.items():
        kind, _, key = name.partition(":")
        if kind not in {"capacity", "need", "supply"}:
            continue
        gain_per_unit = abs(dual)
        if gain_per_unit < 1e-9:
            continue
        if kind == "capacity":
            if key not in running:  # an unbuilt candidate: its zero capacity is a choice, not a limit
                continue
            label = facilities.loc[key, "name"]
            label = key if not isinstance(label, str) else label
            unit: str = inventory.catalogue.facility_types[str(facilities.loc[key, "type"])].intake_unit
        else:
            if key not in flows.index:
                continue
            label = str(companies.get(flows.loc[key, "company"], flows.loc[key, "company"]))
            unit = str(flows.loc[key, "ref_unit"])
        found_limits.append(
            {
                "limit": kind,
                "id": key,
                "name": label,
                "unit": unit,
                "gain_per_unit": round(gain_per_unit, 6),
            }
        )
    table = pd.DataFrame(found_limits, columns=["limit", "id", "name", "unit", "gain_per_unit"])
    # Shared facilities and needs first: more supply always helps where a buyer has room.
    rank = table["limit"].map({"capacity": 0, "need": 1, "supply": 2})
    table = table.assign(rank=rank).sort_values(["rank", "gain_per_unit"], ascending=[True, False], ignore_index=True)
    table = table.drop(columns="rank").head(limit)
    gains, sentences = [], []
    for row in rows(table):
        relaxed = _relaxed(inventory, str(row.limit), str(row.id))
        # Links do not depend on quantities, except seasonal caps of heat links.
        links = found if found is not None and row.unit != "MWh" else match(relaxed)
        again = optimise(relaxed, links, options)
        gain = float(indicators(relaxed, again)[kpi]) - base
        gains.append(round(gain, 6))
        words = say(MESSAGES, plan.objective, lang, x=number(gain, lang, 1))
        sentence = say(MESSAGES, str(row.limit), lang, step=number(STEP, lang, 0), unit=row.unit, name=row.name,
                       id=row.id, gain=words)
        sentences.append(say(MESSAGES, "fixed", lang, sentence=sentence) if plan.decisions else sentence)
    table = table.assign(gain_for_step=gains, sentence=sentences, decisions_fixed=bool(plan.decisions))
    return table.loc[table["gain_for_step"] > 1e-6, COLUMNS].reset_index(drop=True)


def _relaxed(inventory: Inventory, kind: str, key: str) -> Inventory:
    """The inventory with STEP more units of one limit."""
    if kind == "capacity":
        facilities = inventory.facilities.copy()
        facilities.loc[facilities["id"] == key, "capacity_ref"] += STEP
        return replace(inventory, facilities=facilities)
    flows = inventory.flows.copy()
    flows.loc[flows["id"] == key, "quantity_ref"] += STEP
    return replace(inventory, flows=flows)
