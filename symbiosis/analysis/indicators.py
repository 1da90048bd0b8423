"""What a plan gives the territory: the committee's numbers.

Every indicator is computed from the chosen quantities whatever the
objective, so that plans optimised for tonnes, value, CO2e or jobs can be
compared line by line. The territory totals are the plan's scores
(`model/scores.py`), the very products the optimiser maximised or held
as floors; the allocation table spreads the same coefficients over the
links that carry flow. Nothing is counted twice: tonnes are counted where
they leave a declared output, never again when a facility's product moves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from symbiosis.core.frames import rows
from symbiosis.flows import Inventory
from symbiosis.matching.jobs import COLLECTION, job_parts, kind_of
from symbiosis.model.layout import link_fixed_costs
from symbiosis.model.plan import Plan
from symbiosis.model.scores import link_scores, opening_scores
from symbiosis.model.sharing import link_shares

OBJECTIVE_KPI: dict[str, str] = {
    "tonnes": "valorised_t",
    "value": "net_value_eur_per_year",
    "co2": "co2e_avoided_t",
    "jobs": "jobs_fte",
}
"""The indicator of kpis.json that each objective optimises."""

ALLOCATION_COLUMNS = [
    "from_flow", "to", "quantity", "unit", "distance_km", "from_company", "to_company", "material",
    "rule", "today_route", "route", "activity", "unchanged", "tkm", "mwh_km", "fixed_cost_eur", "value_eur", "co2e_avoided_t",
    "jobs_fte", "insertion_jobs_fte", "adapted_jobs_fte", "price_eur_per_unit",
]


def allocation(inventory: Inventory, plan: Plan) -> pd.DataFrame:
    """One row per link carrying flow, with what it brings (its scores times its quantity).

    `price_eur_per_unit` is what the receiver pays the sender (negative: a gate
    fee the sender pays), the price that shares the exchange's gain
    (model/sharing.py). `unchanged` marks a link that only names today's route (same route, an
    existing receiver): it brings nothing, not even haulage, against today.

    `value_eur` is net of the link's yearly fixed cost (`fixed_cost_eur`), paid
    because the link is used."""
    used = plan.links[plan.links["quantity"] > 0].copy()
    q = used["quantity"].to_numpy(dtype=float)
    per_unit = link_scores(inventory, used)
    used["fixed_cost_eur"] = link_fixed_costs(inventory, used)
    used["tkm"] = per_unit["tkm"].to_numpy() * q
    used["mwh_km"] = per_unit["mwh_km"].to_numpy() * q
    used["value_eur"] = per_unit["value"].to_numpy() * q - used["fixed_cost_eur"].to_numpy(dtype=float)
    used["co2e_avoided_t"] = per_unit["co2"].to_numpy() * q
    used["jobs_fte"] = per_unit["jobs"].to_numpy() * q
    used["insertion_jobs_fte"] = per_unit["insertion_jobs"].to_numpy() * q
    used["adapted_jobs_fte"] = per_unit["adapted_jobs"].to_numpy() * q
    used["price_eur_per_unit"] = link_shares(inventory, used)["price_eur_per_unit"].to_numpy()
    return used[ALLOCATION_COLUMNS].reset_index(drop=True)


def built_facilities(inventory: Inventory, plan: Plan) -> pd.DataFrame:
    """Facilities built by this plan (candidates opened), with their yearly cost and the
    fixed jobs they create (none for one that does not reach its minimum load)."""
    facilities = plan.opened
    built = facilities[(facilities["status"] == "candidate") & facilities["open"]].reset_index(drop=True)
    costs = opening_scores(inventory, built)
    jobs = np.where(built["runs"].to_numpy(dtype=bool), costs["jobs"].to_numpy(dtype=float), 0.0)
    return built.assign(capex_eur=costs["capex"], annual_cost_eur=costs["annual_cost"], jobs=jobs)


def indicators(inventory: Inventory, plan: Plan, table: pd.DataFrame | None = None) -> dict[str, Any]:
    """The contract's `kpis.json` keys, and the detail the report needs."""
    table = allocation(inventory, plan) if table is None else table
    scores = plan.scores
    flows = inventory.flows
    outputs = flows[flows["direction"] == "output"]
    declared_t = float(outputs.loc[outputs["ref_unit"] == "t", "quantity_ref"].sum())
    declared_mwh = float(outputs.loc[outputs["ref_unit"] == "MWh", "quantity_ref"].sum())
    from_output = table["from_flow"].isin(outputs["id"])
    mass = table["unit"] == "t"
    valorised_t = scores["tonnes"]
    outlets = plan.outlets[plan.outlets["quantity"] > 0]
    built = built_facilities(inventory, plan)
    companies = set(inventory.companies["id"])
    involved = (set(table["from_company"]) | set(table["to_company"])) & companies
    diverted = table[from_output & mass].groupby("today_route")["quantity"].sum()
    transport_cost = inventory.parameter("transport_cost_eur_per_tkm") * scores["tkm"]
    return {
        "status": plan.status,
        "mip_gap": plan.mip_gap,
        "stages": [{"stage": name, "status": status} for name, status in plan.stages],
        "objective": plan.objective,
        "valorised_t": round(valorised_t, 6),
        "additional_valorised_t": round(scores["tonnes_added"], 6),
        "rerouted_t": round(valorised_t - scores["tonnes_added"], 6),
        "declared_output_t": round(declared_t, 6),
        "valorised_share": round(valorised_t / declared_t, 6) if declared_t else 0.0,
        "valorised_mwh": round(scores["mwh"], 6),
        "additional_valorised_mwh": round(scores["mwh_added"], 6),
        "rerouted_mwh": round(scores["mwh"] - scores["mwh_added"], 6),
        "declared_output_mwh": round(declared_mwh, 6),
        "jobs_fte": round(scores["jobs"], 6),
        "insertion_jobs": round(scores["insertion_jobs"], 6),
        "adapted_jobs": round(scores["adapted_jobs"], 6),
        "other_jobs": round(scores["other_jobs"], 6),
        "co2e_avoided_t": round(scores["co2"], 6),
        "transport_tkm": round(scores["tkm"], 6),
        "heat_mwh_km": round(scores["mwh_km"], 6),
        "link_fixed_costs_eur_per_year": round(float(table["fixed_cost_eur"].sum()), 2),
        "links": len(table),
        "companies_involved": len(involved),
        "net_value_eur_per_year": round(scores["value"], 2),
        "transport_cost_eur_per_year": round(transport_cost, 2),
        "investment_eur": round(scores["capex"], 2),
        "annualised_facility_cost_eur_per_year": round(scores["annual_cost"], 2),
        "landfill_avoided_t": round(float(diverted.get("landfill", 0.0)), 6),
        "incineration_avoided_t": round(float(diverted.get("incineration", 0.0)), 6),
        "facilities_built": sorted(built["id"].astype(str)),
        "facilities_idle": sorted(built.loc[~built["runs"].astype(bool), "id"].astype(str)),
        **_jobs_detail(inventory, plan, built),
        "valorised_t_by_today_route": {
            str(k): round(float(v), 6) for k, v in table[from_output & mass].groupby("today_route")["quantity"].sum().items()
        },
        "valorised_t_by_material": {
            str(k): round(float(v), 6) for k, v in table[from_output & mass].groupby("material")["quantity"].sum().items()
        },
        "outlets": [
            {"facility": str(r.facility), "product": str(r.product), "route": str(r.route), "quantity": round(float(r.quantity), 6)}
            for r in rows(outlets)
        ],
    }


def _jobs_detail(inventory: Inventory, plan: Plan, built: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Where the jobs come from and who holds them, adding up to `jobs_fte`.

    `jobs_by_activity`: each activity's work, `collection` (new collections),
    `displaced:<route>` (today's work that stops, negative) and
    `<activity>_fixed` (a facility's posts). `jobs_by_structure`: each SIAE,
    ESAT or EA that holds jobs, by company id; `other` for everyone else;
    `displaced` for the work today's routes lose."""
    used = plan.links[plan.links["quantity"] > 0]
    parts = job_parts(inventory, used)
    q = used["quantity"].to_numpy(dtype=float)
    work, collection, displaced = (parts[c].to_numpy(dtype=float) * q for c in ("work", "collection", "displaced"))
    activity: dict[str, float] = {}
    holders: dict[str, float] = {}

    def add(table: dict[str, float], keys: Any, values: np.ndarray) -> None:
        for key, value in pd.Series(values).groupby(np.asarray(keys, dtype=object)).sum().items():
            table[str(key)] = table.get(str(key), 0.0) + float(value)

    add(activity, used["activity"].to_numpy(dtype=object), work)
    add(activity, np.full(len(used), COLLECTION, dtype=object), collection)
    add(activity, ("displaced:" + used["today_route"].astype(str)).to_numpy(dtype=object), -displaced)
    types = inventory.catalogue.facility_types
    posts = built["jobs"].to_numpy(dtype=float)
    add(activity, [f"{types[str(t)].activity}_fixed" for t in built["type"]], posts)
    named = set(inventory.companies.loc[kind_of(inventory, inventory.companies["id"]) != "other", "id"])

    def holder(ids: pd.Series) -> np.ndarray:
        return np.where(ids.isin(named), ids.astype(object), "other")

    add(holders, holder(parts["worker"]), work)
    add(holders, holder(parts["collector"]), collection)
    add(holders, holder(built["operator"].fillna("")), posts)
    add(holders, np.full(len(used), "displaced", dtype=object), -displaced)
    return {
        "jobs_by_activity": {k: round(v, 6) for k, v in sorted(activity.items()) if abs(v) > 1e-9},
        "jobs_by_structure": {k: round(v, 6) for k, v in sorted(holders.items()) if abs(v) > 1e-9},
    }
