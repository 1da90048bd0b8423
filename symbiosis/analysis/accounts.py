"""Who gains what: each company's exchanges and yearly effect, each facility's use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.analysis.indicators import allocation
from symbiosis.flows import Inventory
from symbiosis.model.plan import Plan


def detailed(inventory: Inventory, plan: Plan) -> pd.DataFrame:
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
