"""What a plan gives the territory: the committee's numbers.

Every indicator is computed from the chosen quantities whatever the
objective, so that plans optimised for tonnes, value, CO2e or jobs can be
compared line by line. Nothing is counted twice: tonnes are counted where
they leave a declared output, never again when a facility's product moves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.flows import Inventory
from symbiosis.optimize import Plan, _annuity
from symbiosis.output import write_csv, write_json

OBJECTIVE_KPI: dict[str, str] = {
    "tonnes": "valorised_t",
    "value": "net_value_eur_per_year",
    "co2": "co2e_avoided_t",
    "jobs": "insertion_jobs",
}
"""The indicator of kpis.json that each objective optimises."""

ALLOCATION_COLUMNS = [
    "from_flow", "to", "quantity", "unit", "distance_km", "from_company", "to_company", "material",
    "rule", "today_route", "route", "activity", "tkm", "value_eur", "co2e_avoided_t", "jobs_fte",
]


def allocation(inventory: Inventory, plan: Plan) -> pd.DataFrame:
    """One row per link carrying flow, with what it brings."""
    cost_tkm = inventory.parameter("transport_cost_eur_per_tkm")
    co2_tkm = inventory.parameter("transport_co2e_kg_per_tkm")
    used = plan.links[plan.links["quantity"] > 0].copy()
    q = used["quantity"].to_numpy(dtype=float)
    tkm = np.where(used["unit"] == "t", used["distance_km"].to_numpy(dtype=float) * q, 0.0)
    used["tkm"] = tkm
    used["value_eur"] = used["value_eur_per_unit"].to_numpy(dtype=float) * q - cost_tkm * tkm
    used["co2e_avoided_t"] = (used["co2e_kg_per_unit"].to_numpy(dtype=float) * q - co2_tkm * tkm) / 1000
    used["jobs_fte"] = used["jobs_per_unit"].to_numpy(dtype=float) * q
    return used[ALLOCATION_COLUMNS].reset_index(drop=True)


def _built(inventory: Inventory, plan: Plan) -> pd.DataFrame:
    """Facilities built by this plan (candidates opened), with annual cost."""
    facilities = plan.opened
    built = facilities[(facilities["status"] == "candidate") & facilities["open"]].copy()
    discount = inventory.parameter("discount_rate")
    types = inventory.catalogue.facility_types
    annuity = [_annuity(discount, types[t].lifetime_years.value) for t in built["type"]]
    built["capex_eur"] = built["capex_eur"].fillna(0.0).astype(float)
    built["annual_cost_eur"] = built["capex_eur"] * np.array(annuity, dtype=float) + built["opex_eur_per_year"].fillna(0.0).astype(float)
    built["jobs"] = built["jobs"].fillna(0.0).astype(float)
    return built


def indicators(inventory: Inventory, plan: Plan, table: pd.DataFrame | None = None) -> dict[str, Any]:
    """The contract's `kpis.json` keys, and the detail the report needs."""
    table = allocation(inventory, plan) if table is None else table
    flows = inventory.flows
    outputs = flows[flows["direction"] == "output"]
    declared_t = float(outputs.loc[outputs["ref_unit"] == "t", "quantity_ref"].sum())
    declared_mwh = float(outputs.loc[outputs["ref_unit"] == "MWh", "quantity_ref"].sum())
    from_output = table["from_flow"].isin(outputs["id"])
    mass = table["unit"] == "t"
    valorised_t = float(table.loc[from_output & mass, "quantity"].sum())
    valorised_mwh = float(table.loc[from_output & ~mass, "quantity"].sum())
    outlets = plan.outlets[plan.outlets["quantity"] > 0]
    built = _built(inventory, plan)
    cost_tkm = inventory.parameter("transport_cost_eur_per_tkm")
    co2_tkm = inventory.parameter("transport_co2e_kg_per_tkm")
    outlet_tkm = float((outlets["quantity"] * outlets["distance_km"]).sum())
    outlet_value = float((outlets["quantity"] * outlets["value_eur_per_unit"]).sum()) - cost_tkm * outlet_tkm
    outlet_co2 = (float((outlets["quantity"] * outlets["co2e_kg_per_unit"]).sum()) - co2_tkm * outlet_tkm) / 1000
    jobs_links = float(table["jobs_fte"].sum())
    jobs_fixed = float(built["jobs"].sum())
    companies = set(inventory.companies["id"])
    involved = (set(table["from_company"]) | set(table["to_company"])) & companies
    diverted = table[from_output & mass].groupby("today_route")["quantity"].sum()
    transport_tkm = float(table["tkm"].sum()) + outlet_tkm
    transport_cost = cost_tkm * transport_tkm
    net_value = float(table["value_eur"].sum()) + outlet_value - float(built["annual_cost_eur"].sum())
    return {
        "status": plan.status,
        "objective": plan.objective,
        "valorised_t": round(valorised_t, 6),
        "declared_output_t": round(declared_t, 6),
        "valorised_share": round(valorised_t / declared_t, 6) if declared_t else 0.0,
        "valorised_mwh": round(valorised_mwh, 6),
        "declared_output_mwh": round(declared_mwh, 6),
        "insertion_jobs": round(jobs_links + jobs_fixed, 6),
        "co2e_avoided_t": round(float(table["co2e_avoided_t"].sum()) + outlet_co2, 6),
        "transport_tkm": round(transport_tkm, 6),
        "links": len(table),
        "companies_involved": len(involved),
        "net_value_eur_per_year": round(net_value, 2),
        "transport_cost_eur_per_year": round(transport_cost, 2),
        "investment_eur": round(float(built["capex_eur"].sum()), 2),
        "annualised_facility_cost_eur_per_year": round(float(built["annual_cost_eur"].sum()), 2),
        "landfill_avoided_t": round(float(diverted.get("landfill", 0.0)), 6),
        "incineration_avoided_t": round(float(diverted.get("incineration", 0.0)), 6),
        "facilities_built": sorted(built["id"].astype(str)),
        "jobs_by_activity": _jobs_by_activity(inventory, table, built),
        "jobs_by_structure": _jobs_by_structure(inventory, table, built),
        "valorised_t_by_material": {
            str(k): round(float(v), 6) for k, v in table[from_output & mass].groupby("material")["quantity"].sum().items()
        },
        "outlets": [
            {"facility": str(r.facility), "product": str(r.product), "route": str(r.route), "quantity": round(float(r.quantity), 6)}
            for r in outlets.itertuples(index=False)
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
    for row in built.itertuples(index=False):
        key = str(row.operator) if isinstance(row.operator, str) and row.operator in ess else "other"
        result[key] = result.get(key, 0.0) + float(row.jobs)
    return {str(k): round(float(v), 6) for k, v in sorted(result.items()) if abs(v) > 1e-9}


def company_table(inventory: Inventory, table: pd.DataFrame) -> pd.DataFrame:
    """Per company: what it sends, what it receives, what it saves a year.

    Savings: disposal it no longer pays as a sender, less the transport it
    now pays (the sender pays, as for today's collection), plus purchases
    it avoids as a receiver. A material sold today is assumed sold locally at
    the lower of its current price and what the buyer paid until now.
    """
    mass = table["unit"] == "t"
    # What was sold today (negative disposal cost) is sold locally at that
    # price, or at what the buyer paid until now if that is lower.
    transfer = np.minimum((-table["disposal_eur"]).clip(lower=0.0), table["purchase_eur"].clip(lower=0.0))
    moves = table.assign(
        t=np.where(mass, table["quantity"], 0.0),
        mwh=np.where(mass, 0.0, table["quantity"]),
        as_sender=table["disposal_eur"] - table["transport_eur"] + transfer,
        as_receiver=table["purchase_eur"] - transfer,
    )
    sent = moves.groupby("from_company")[["t", "mwh", "as_sender"]].sum()
    received = moves.groupby("to_company")[["t", "mwh", "as_receiver"]].sum()
    result = inventory.companies[["id", "name", "ess"]].set_index("id")
    result["sent_t"] = sent["t"]
    result["sent_mwh"] = sent["mwh"]
    result["received_t"] = received["t"]
    result["received_mwh"] = received["mwh"]
    result["saved_eur_per_year"] = sent["as_sender"].reindex(result.index).fillna(0.0) + received[
        "as_receiver"
    ].reindex(result.index).fillna(0.0)
    result = result.fillna(0.0).round(3)
    involved = (result[["sent_t", "sent_mwh", "received_t", "received_mwh"]] > 0).any(axis=1)
    return result[involved].reset_index()


def facility_table(inventory: Inventory, plan: Plan, table: pd.DataFrame) -> pd.DataFrame:
    """Per facility: opened or not, intake against capacity, where products go."""
    facilities = plan.opened.set_index("id")
    intake = table[table["to"].isin(facilities.index)].groupby("to")["quantity"].sum()
    delivered = table[table["from_flow"].isin(facilities.index)].groupby("from_flow")["quantity"].sum()
    outlets = plan.outlets[plan.outlets["quantity"] > 0].groupby("facility")["quantity"].sum()
    result = facilities[["type", "status", "open", "capacity_ref"]].copy()
    result["intake"] = intake.reindex(result.index).fillna(0.0)
    result["utilisation"] = (result["intake"] / result["capacity_ref"]).round(4)
    result["delivered_to_users"] = delivered.reindex(result.index).fillna(0.0)
    result["delivered_to_outlets"] = outlets.reindex(result.index).fillna(0.0)
    return result.round(3).reset_index()


def write_results(folder: Path, inventory: Inventory, plan: Plan) -> dict[str, Any]:
    """kpis.json, allocation.csv, companies.csv, facilities.csv; returns the KPIs."""
    detail = _detailed(inventory, plan)
    kpis = indicators(inventory, plan, detail)
    write_json(folder / "kpis.json", kpis)
    write_csv(folder / "allocation.csv", detail[ALLOCATION_COLUMNS])
    write_csv(folder / "companies.csv", company_table(inventory, detail))
    write_csv(folder / "facilities.csv", facility_table(inventory, plan, detail))
    return kpis


def _detailed(inventory: Inventory, plan: Plan) -> pd.DataFrame:
    """The allocation with the money split between sender and receiver."""
    table = allocation(inventory, plan)
    used = plan.links[plan.links["quantity"] > 0].reset_index(drop=True)
    q = used["quantity"].to_numpy(dtype=float)
    cost_tkm = inventory.parameter("transport_cost_eur_per_tkm")
    return table.assign(
        disposal_eur=used["disposal_eur_per_unit"].to_numpy(dtype=float) * q,
        purchase_eur=used["purchase_eur_per_unit"].to_numpy(dtype=float) * q,
        transport_eur=table["tkm"].to_numpy(dtype=float) * cost_tkm,
    )
