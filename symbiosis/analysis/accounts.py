"""Who gains what: each company's exchanges and yearly effect, each facility's use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.analysis.indicators import allocation, built_facilities
from symbiosis.flows import Inventory
from symbiosis.model.plan import Plan
from symbiosis.model.scores import outlet_scores
from symbiosis.model.sharing import facility_holders, link_shares


def detailed(inventory: Inventory, plan: Plan) -> pd.DataFrame:
    """The allocation with the money split between sender and receiver (`model/sharing.py`)."""
    table = allocation(inventory, plan)
    used = plan.links[plan.links["quantity"] > 0].reset_index(drop=True)
    q = used["quantity"].to_numpy(dtype=float)
    cost_tkm = inventory.parameter("transport_cost_eur_per_tkm")
    shares = link_shares(inventory, used)
    return table.assign(
        disposal_eur=used["disposal_eur_per_unit"].to_numpy(dtype=float) * q,
        purchase_eur=used["purchase_eur_per_unit"].to_numpy(dtype=float) * q,
        transport_eur=table["tkm"].to_numpy(dtype=float) * cost_tkm,
        sender=shares["sender"].to_numpy(dtype=object),
        receiver=shares["receiver"].to_numpy(dtype=object),
        sender_eur=shares["sender_eur"].to_numpy(dtype=float) * q - table["fixed_cost_eur"].to_numpy(dtype=float),
        receiver_eur=shares["receiver_eur"].to_numpy(dtype=float) * q,
    )


def holder_accounts(inventory: Inventory, plan: Plan, detail: pd.DataFrame) -> pd.DataFrame:
    """Each account's yearly effect against today: a company's exchanges (its share of
    each, less the fixed costs of its links) and, per facility, what the facility
    keeps of its exchanges, its outlets and the yearly cost of building it, held
    by its operator or by the territory: one row per holder and facility ('' for
    a company's own exchanges). The totals add up to the plan's net value."""
    parts = [
        pd.DataFrame({"holder": detail["sender"], "key": detail["from_flow"], "eur": detail["sender_eur"]}),
        pd.DataFrame({"holder": detail["receiver"], "key": detail["to"], "eur": detail["receiver_eur"]}),
    ]
    holder_of = facility_holders(inventory)
    outlets = plan.outlets[plan.outlets["quantity"] > 0]
    if len(outlets):
        value = outlet_scores(inventory, outlets)["value"].to_numpy(dtype=float) * outlets["quantity"].to_numpy(dtype=float)
        parts.append(pd.DataFrame({"holder": outlets["facility"].map(holder_of).to_numpy(dtype=object),
                                   "key": outlets["facility"].to_numpy(), "eur": value}))
    built = built_facilities(inventory, plan)
    if len(built):
        parts.append(pd.DataFrame({"holder": built["id"].map(holder_of).to_numpy(dtype=object),
                                   "key": built["id"].to_numpy(), "eur": -built["annual_cost_eur"].to_numpy(dtype=float)}))
    every = pd.concat(parts, ignore_index=True)
    # A row is a facility's when its key is a facility id: the facility's end of an exchange.
    every["facility"] = every["key"].where(every["key"].isin(holder_of.index), "")
    grouped = every.groupby(["holder", "facility"], as_index=False)["eur"].sum()
    own = (grouped["facility"] == "").to_numpy()
    eur = grouped["eur"].to_numpy(dtype=float)
    table: pd.DataFrame = grouped[["holder", "facility"]].assign(
        exchanges_eur=np.where(own, eur, 0.0), facility_eur=np.where(own, 0.0, eur), total_eur=eur,
    )
    return table


def company_table(inventory: Inventory, plan: Plan, table: pd.DataFrame) -> pd.DataFrame:
    """Per company: what it sends, what it receives, and its yearly effect against
    today (`saved_eur_per_year`): its share of each exchange (model/sharing.py),
    less the fixed costs of its links, plus the accounts of the facilities it
    operates (`facilities_eur_per_year`)."""
    mass = table["unit"] == "t"
    moves = table.assign(t=np.where(mass, table["quantity"], 0.0), mwh=np.where(mass, 0.0, table["quantity"]))
    sent = moves.groupby("from_company")[["t", "mwh"]].sum()
    received = moves.groupby("to_company")[["t", "mwh"]].sum()
    accounts = holder_accounts(inventory, plan, table).groupby("holder")[["exchanges_eur", "facility_eur"]].sum()
    result = inventory.companies[["id", "name", "ess", "structure"]].set_index("id")
    result["sent_t"] = sent["t"]
    result["sent_mwh"] = sent["mwh"]
    result["received_t"] = received["t"]
    result["received_mwh"] = received["mwh"]
    result["facilities_eur_per_year"] = accounts["facility_eur"]
    result["saved_eur_per_year"] = accounts["exchanges_eur"] + accounts["facility_eur"].reindex(result.index).fillna(0.0)
    result = result.fillna({c: 0.0 for c in result.columns if c not in {"name", "ess", "structure"}}).round(3)
    involved = (result[["sent_t", "sent_mwh", "received_t", "received_mwh"]] > 0).any(axis=1)
    return result[involved].reset_index()


def facility_table(plan: Plan, table: pd.DataFrame) -> pd.DataFrame:
    """Per facility: opened or not, intake against capacity, where products go."""
    facilities = plan.opened.set_index("id")
    intake = table[table["to"].isin(facilities.index)].groupby("to")["quantity"].sum()
    delivered = table[table["from_flow"].isin(facilities.index)].groupby("from_flow")["quantity"].sum()
    outlets = plan.outlets[plan.outlets["quantity"] > 0].groupby("facility")["quantity"].sum()
    result = facilities[["type", "status", "open", "runs", "capacity_ref"]].copy()
    result["intake"] = intake.reindex(result.index).fillna(0.0)
    result["utilisation"] = (result["intake"] / result["capacity_ref"]).round(4)
    result["delivered_to_users"] = delivered.reindex(result.index).fillna(0.0)
    result["delivered_to_outlets"] = outlets.reindex(result.index).fillna(0.0)
    return result.round(3).reset_index()
