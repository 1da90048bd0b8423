"""Who gains what on each exchange: the split that keeps every participant whole.

A link's gain to the territory (its `value` score per unit: disposal and
purchases avoided, less haulage and a facility's running cost) is shared
between its two ends, with the territory's `seller_share` α (territory.toml
`[sharing]`, 0.5 by default, an assumption):

- between two companies, the sender gets α of the gain and the receiver the
  rest: the price lies between what the seller gets today and what the buyer
  pays today, and exists only where the gain is not negative (else the
  exchange is refused, unless losses are allowed);
- between a company and a facility, the company gets its share of what it
  saves itself (α as a sender of its disposal cost less the haul, 1 − α as a
  buyer of its purchase less the haul), never less than nothing; the
  facility keeps the rest, with its running cost, and bears its investment;
- between two facilities, the sender bears the haul.

A facility's account is its operator's (facilities.csv `operator`), or else
the territory's (the pole, a local authority), shown apart. A link's yearly
fixed cost is its sender's. Every party's sum over the plan, added up, is
the plan's net value: one computation for the constraint, the company table
and the report's reconciliation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.layout import Layout
from symbiosis.model.options import Options
from symbiosis.model.scores import link_scores, opening_scores, outlet_scores

TERRITORY = "territory"
"""The holder of a facility no company operates."""


def link_shares(inventory: Inventory, links: pd.DataFrame) -> pd.DataFrame:
    """Per link, per unit: `sender` and `receiver` (holder ids), what each gains
    (`sender_eur`, `receiver_eur`, adding up to the link's value score) and the
    price between them (`price_eur_per_unit`)."""
    alpha = inventory.territory.sharing.seller_share
    scores = link_scores(inventory, links)
    value = scores["value"].to_numpy(dtype=float)
    haul = scores["tkm"].to_numpy(dtype=float) * inventory.parameter("transport_cost_eur_per_tkm")
    from_output = (links["from_kind"] == "output").to_numpy(dtype=bool)
    to_input = (links["to_kind"] == "input").to_numpy(dtype=bool)
    direct = from_output & to_input
    disposal = links["disposal_eur_per_unit"].to_numpy(dtype=float)
    purchase = links["purchase_eur_per_unit"].to_numpy(dtype=float)
    sender = np.where(direct, alpha * value, np.where(from_output, alpha * np.maximum(disposal - haul, 0.0), 0.0))
    receiver = np.where(direct, value - sender, np.where(to_input, (1 - alpha) * np.maximum(purchase - haul, 0.0), 0.0))
    # The facility end keeps the rest: an intake's receiver, a product's sender.
    rest = value - sender - receiver
    sender = np.where(~from_output, sender + rest, sender)
    receiver = np.where(from_output & ~to_input, receiver + rest, receiver)
    # The price that makes this split: what the receiver pays the sender per unit
    # (negative: the sender pays, a gate fee); the sender pays the haul.
    price = np.where(from_output, sender - disposal + haul, np.where(to_input, purchase - receiver, 0.0))
    return pd.DataFrame(
        {
            "sender": holders(inventory, links["from_company"]),
            "receiver": holders(inventory, links["to_company"]),
            "sender_eur": sender,
            "receiver_eur": receiver,
            "price_eur_per_unit": price,
        },
        index=links.index,
    )


def holders(inventory: Inventory, parties: pd.Series) -> np.ndarray:
    """Who holds each party's account: a company itself; a facility, its operator
    (the matcher names it already) or the territory."""
    companies = set(inventory.companies["id"])
    named = parties.astype(object).isin(companies).to_numpy(dtype=bool)
    return np.where(named, parties.astype(object).to_numpy(), TERRITORY + ":" + parties.astype(str).to_numpy())


def facility_holders(inventory: Inventory) -> pd.Series:
    """Who holds each facility's account, by facility id: its operator, else the territory."""
    facilities = inventory.facilities
    return pd.Series(holders(inventory, facilities["operator"].fillna(facilities["id"])),
                     index=facilities["id"].to_numpy())


@dataclass(frozen=True)
class Accounts:
    """Each holder's gain, column by column of the model: `matrix[h] @ x` is holder h's yearly effect."""

    names: pd.Index
    """Holder ids: companies, then `territory:<facility>` for facilities no company operates."""
    rows: np.ndarray
    cols: np.ndarray
    data: np.ndarray


def accounts(inventory: Inventory, links: pd.DataFrame, outlets: pd.DataFrame, openings: pd.DataFrame,
             n_links: int, outlet_cols: np.ndarray, build_cols: np.ndarray,
             switched: np.ndarray, switch_cols: np.ndarray, fixed_cost: np.ndarray) -> Accounts:
    """The coefficients of every holder's account over the model's columns."""
    shares = link_shares(inventory, links)
    facility_holder = facility_holders(inventory)
    owner = [shares["sender"].to_numpy(dtype=object), shares["receiver"].to_numpy(dtype=object)]
    columns = [np.arange(n_links), np.arange(n_links)]
    data = [shares["sender_eur"].to_numpy(dtype=float), shares["receiver_eur"].to_numpy(dtype=float)]
    if len(outlets):
        owner.append(outlets["facility"].map(facility_holder).to_numpy(dtype=object))
        columns.append(outlet_cols)
        data.append(outlet_scores(inventory, outlets)["value"].to_numpy(dtype=float))
    if len(openings):
        owner.append(openings["id"].map(facility_holder).to_numpy(dtype=object))
        columns.append(build_cols)
        data.append(opening_scores(inventory, openings)["value"].to_numpy(dtype=float))
    if len(switched):
        owner.append(shares["sender"].to_numpy(dtype=object)[switched])
        columns.append(switch_cols)
        data.append(-fixed_cost)
    who = np.concatenate(owner)
    codes, names = pd.factorize(who, sort=True)
    return Accounts(pd.Index(names), codes.astype(np.int64), np.concatenate(columns), np.concatenate(data))


def model_accounts(inventory: Inventory, found: Match, layout: Layout) -> Accounts:
    """Every holder's account over the columns of this layout."""
    return accounts(inventory, found.links, found.outlets, layout.openings, layout.n_links, layout.outlet_cols,
                    layout.build_cols, layout.switched, layout.switch_cols, layout.fixed_cost)


def guarded(inventory: Inventory, found: Match, layout: Layout, options: Options) -> Accounts | None:
    """The accounts that must not fall below today (≥ 0), unless losses are allowed:
    every company's (with the facilities it operates, and the investment of those
    the optimiser chooses to build), and with `break_even` every facility's that
    no company operates. Only accounts that can lose at all (a negative
    coefficient) are kept: the others hold whatever the plan."""
    if options.allow_losses:
        return None
    every = model_accounts(inventory, found, layout)
    # What a scenario builds whatever is its choice: the plan may not make that
    # cost worse, but it is shown, not guarded (else the scenario has no plan).
    chosen = ~np.isin(every.cols, layout.build_cols[layout.forced])
    every = Accounts(every.names, every.rows[chosen], every.cols[chosen], every.data[chosen])
    can_lose = np.zeros(len(every.names), dtype=bool)
    can_lose[every.rows[every.data < -1e-12]] = True
    territory = every.names.str.startswith(TERRITORY + ":")
    keep = can_lose & (~territory | inventory.territory.sharing.break_even)
    if not keep.any():
        return None
    new_code = np.cumsum(keep) - 1
    mask = keep[every.rows]
    return Accounts(every.names[keep], new_code[every.rows[mask]], every.cols[mask], every.data[mask])


def refused(inventory: Inventory, links: pd.DataFrame, options: Options) -> np.ndarray:
    """Direct exchanges with no price: what the buyer pays today is less than what
    the seller gets today (disposal plus purchase avoided below zero). None
    refused when losses are allowed. The haul, a cost of the exchange, is
    shared like its gain and held by each company's account."""
    if options.allow_losses or links.empty:
        return np.zeros(len(links), dtype=bool)
    direct = ((links["from_kind"] == "output") & (links["to_kind"] == "input")).to_numpy(dtype=bool)
    avoided = links["value_eur_per_unit"].to_numpy(dtype=float)
    result: np.ndarray = direct & (avoided < -1e-9)
    return result
