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
from symbiosis.model.plan import Plan
from symbiosis.model.scores import link_scores, opening_scores

OBJECTIVE_KPI: dict[str, str] = {
    "tonnes": "valorised_t",
    "value": "net_value_eur_per_year",
    "co2": "co2e_avoided_t",
    "jobs": "insertion_jobs",
}
"""The indicator of kpis.json that each objective optimises."""

ALLOCATION_COLUMNS = [
    "from_flow", "to", "quantity", "unit", "distance_km", "from_company", "to_company", "material",
    "rule", "today_route", "route", "activity", "tkm", "mwh_km", "fixed_cost_eur", "value_eur", "co2e_avoided_t",
    "jobs_fte",
]


def allocation(inventory: Inventory, plan: Plan) -> pd.DataFrame:
    """One row per link carrying flow, with what it brings (its scores times its quantity).

    `value_eur` is net of the link's yearly fixed cost (`fixed_cost_eur`), paid
    because the link is used."""
    used = plan.links[plan.links["quantity"] > 0].copy()
    q = used["quantity"].to_numpy(dtype=float)
    per_unit = link_scores(inventory, used)
    fixed = used["from_flow"].map(inventory.flows.set_index("id")["link_fixed_cost_eur"])
    used["fixed_cost_eur"] = pd.to_numeric(fixed, errors="coerce").astype(float).fillna(0.0)
    used["tkm"] = per_unit["tkm"].to_numpy() * q
    used["mwh_km"] = per_unit["mwh_km"].to_numpy() * q
    used["value_eur"] = per_unit["value"].to_numpy() * q - used["fixed_cost_eur"].to_numpy(dtype=float)
    used["co2e_avoided_t"] = per_unit["co2"].to_numpy() * q
    used["jobs_fte"] = per_unit["jobs"].to_numpy() * q
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
        "insertion_jobs": round(scores["jobs"], 6),
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
        "jobs_by_activity": _jobs_by_activity(inventory, table, built),
        "jobs_by_structure": _jobs_by_structure(inventory, table, built),
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


def _jobs_by_activity(inventory: Inventory, table: pd.DataFrame, built: pd.DataFrame) -> dict[str, float]:
    jobs = table.groupby("activity")["jobs_fte"].sum()
    result = {str(k): float(v) for k, v in jobs.items() if k and abs(v) > 1e-9}
    for ftype, fixed in built.groupby("type")["jobs"].sum().items():
        key = f"{inventory.catalogue.facility_types[str(ftype)].activity}_fixed"
        result[key] = result.get(key, 0.0) + float(fixed)
    return {k: round(v, 6) for k, v in sorted(result.items())}


def _jobs_by_structure(inventory: Inventory, table: pd.DataFrame, built: pd.DataFrame) -> dict[str, float]:
    """Jobs attributed to the social-economy structure doing the work.

    The receiver of a link does the work (repair, sorting, operating a
    facility); a sender that is a social-economy structure does the
    collection. Jobs no such structure does are under `other`.
    """
    ess = set(inventory.companies.loc[inventory.companies["ess"].astype(bool), "id"])
    doer = np.where(table["to_company"].isin(ess), table["to_company"],
                    np.where(table["from_company"].isin(ess), table["from_company"], "other"))
    result = table.assign(doer=doer).groupby("doer")["jobs_fte"].sum().to_dict()
    for row in rows(built):
        key = str(row.operator) if isinstance(row.operator, str) and row.operator in ess else "other"
        result[key] = result.get(key, 0.0) + float(row.jobs)
    return {str(k): round(float(v), 6) for k, v in sorted(result.items()) if abs(v) > 1e-9}
