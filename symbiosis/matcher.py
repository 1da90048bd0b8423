"""Matching: every plausible exchange between outputs, inputs and facilities.

A link is proposed when the material is compatible (same EWC code, same
catalogue material, or a catalogue rule), the regulation allows it (a waste
goes only to a receiver authorised for it; a hazardous waste only to an
input declaring that exact code), and the distance is within both ends'
limits. Candidates are never found by comparing every output with every
input: flows are grouped into compatibility classes, and each compatible
pair of classes is joined with a KD-tree within the distance limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from symbiosis.catalogue import Catalogue, FacilityType, Material, value_of
from symbiosis.flows import NO_OUTLET, Inventory, months_available
from symbiosis.i18n import Lang, Messages, number, say

EARTH_RADIUS_KM = 6371.0088
DISPOSAL_ROUTES = frozenset({"landfill", "incineration"})

LINK_COLUMNS = [
    "from_flow", "to", "from_kind", "to_kind", "from_company", "to_company", "material", "unit",
    "rule", "today_route", "route", "activity", "regulation", "distance_km", "potential", "cap",
    "disposal_eur_per_unit", "purchase_eur_per_unit", "value_eur_per_unit", "co2e_kg_per_unit",
    "jobs_per_unit", "facility_status",
]


@dataclass(frozen=True)
class Match:
    """The candidate links and the facility data the optimiser needs.

    `links`: one row per candidate link (LINK_COLUMNS); `potential` is what
    could travel on it alone, `cap` its own upper bound (seasonal overlap
    for heat, else infinite). `yields`: per facility and accepted material,
    the quantity of each product per unit of intake. `outlets`: products a
    facility can always dispose of (grid injection, land spreading).
    `shares`: upper bounds on a material's share of a facility's intake.
    """

    links: pd.DataFrame
    yields: pd.DataFrame
    outlets: pd.DataFrame
    shares: pd.DataFrame


# --- geometry ------------------------------------------------------------------


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km, element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    distance: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return distance


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection about the territory's mean latitude.

    Planar distances only pre-select candidates; `inflate` widens the search
    radius so that no pair within the true great-circle limit is missed.
    """

    lat0: float
    inflate: float

    @classmethod
    def around(cls, lats: np.ndarray) -> Projection:
        lat0 = float(np.mean(lats)) if len(lats) else 0.0
        cos0 = np.cos(np.radians(lat0))
        cos_extreme = np.cos(np.radians(np.clip(np.abs(lats), 0, 89.0))) if len(lats) else np.ones(1)
        inflate = float(max(1.0, cos0 / float(np.min(cos_extreme)))) * 1.01
        return cls(lat0, inflate)

    def xy(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        x = EARTH_RADIUS_KM * np.radians(lon) * np.cos(np.radians(self.lat0))
        y = EARTH_RADIUS_KM * np.radians(lat)
        return np.column_stack([x, y])


def join_within(
    projection: Projection,
    left: pd.DataFrame,
    right: pd.DataFrame,
    left_limit: np.ndarray,
    right_limit: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (i, j) and distances of left/right rows within both limits."""
    empty = np.empty(0, dtype=np.int64)
    if left.empty or right.empty:
        return empty, empty, np.empty(0)
    radius = float(min(left_limit.max(), right_limit.max()))
    tree_left = cKDTree(projection.xy(left["lat"].to_numpy(), left["lon"].to_numpy()))
    tree_right = cKDTree(projection.xy(right["lat"].to_numpy(), right["lon"].to_numpy()))
    pairs = tree_left.sparse_distance_matrix(
        tree_right, radius * projection.inflate + 0.01, output_type="ndarray"
    )
    i, j = pairs["i"], pairs["j"]
    distance = haversine_km(
        left["lat"].to_numpy()[i], left["lon"].to_numpy()[i],
        right["lat"].to_numpy()[j], right["lon"].to_numpy()[j],
    )
    keep = distance <= np.minimum(left_limit[i], right_limit[j]) + 1e-9
    return i[keep], j[keep], distance[keep]


# --- compatibility -------------------------------------------------------------


def direct_rule(
    catalogue: Catalogue, out_ewc: str, out_material: str, hazardous: bool, in_ewc: str, in_material: str
) -> str | None:
    """The rule that lets an output class reach an input class, if any."""
    if out_ewc and out_ewc == in_ewc:
        return "same_ewc"
    if hazardous:
        return None  # a hazardous waste goes only to an input declaring its exact code
    for key, rule in catalogue.rules.items():
        if out_material in rule.from_materials and in_material in rule.to_materials:
            return key  # a rule's words say more than "same material"
    if out_material and out_material == in_material:
        return "same_material"
    return None


def _limits(flows: pd.DataFrame, default_km: float, heat_km: float) -> np.ndarray:
    default = np.where(flows["ref_unit"].to_numpy() == "MWh", heat_km, default_km)
    own = pd.to_numeric(flows["max_distance_km"], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(own), default, own)


# --- the matcher -------------------------------------------------------------


def match(
    inventory: Inventory,
    *,
    max_distance_km: float | None = None,
    exclude_companies: Iterable[str] = (),
    include_candidates: bool = True,
) -> Match:
    """Every candidate link of an inventory, with its economics and reason."""
    catalogue = inventory.catalogue
    excluded = set(exclude_companies)
    default_km = max_distance_km or inventory.parameter("max_distance_km")
    heat_km = min(inventory.parameter("heat_max_distance_km"), default_km)
    companies = inventory.companies.set_index("id")
    flows = inventory.flows[~inventory.flows["company"].isin(excluded)].reset_index(drop=True)
    flows = flows.assign(
        lat=flows["company"].map(companies["lat"]).astype(float),
        lon=flows["company"].map(companies["lon"]).astype(float),
        limit=_limits(flows, default_km, heat_km),
        ewc_key=flows["ewc"].fillna(""),
        material_key=flows["material"].fillna(""),
    )
    if max_distance_km is not None:
        flows["limit"] = np.minimum(flows["limit"], max_distance_km)
    facilities = inventory.facilities
    if not include_candidates:
        facilities = facilities[facilities["status"] == "existing"]
    facilities = facilities.reset_index(drop=True).assign(
        limit=lambda f: pd.to_numeric(f["max_distance_km"], errors="coerce").fillna(default_km).clip(upper=default_km)
    )
    lats = np.concatenate([flows["lat"].to_numpy(), facilities["lat"].to_numpy(dtype=float)])
    projection = Projection.around(lats)
    outputs = flows[flows["direction"] == "output"].reset_index(drop=True)
    inputs = flows[flows["direction"] == "input"].reset_index(drop=True)

    parts = [
        _direct_links(catalogue, projection, outputs, inputs),
        _intake_links(catalogue, projection, outputs, facilities),
        _product_links(catalogue, projection, facilities, inputs, heat_km),
    ]
    links = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=LINK_COLUMNS)], ignore_index=True)
    links = _economics(inventory, links, outputs, inputs, facilities)
    links = links[LINK_COLUMNS]
    yields, outlets, shares = facility_tables(inventory, facilities)
    return Match(links, yields, outlets, shares)


def _direct_links(
    catalogue: Catalogue, projection: Projection, outputs: pd.DataFrame, inputs: pd.DataFrame
) -> pd.DataFrame:
    """Output-to-input links: candidate pairs per compatible class pair, then
    one vectorised pass for distances, regulation and quantities."""
    if outputs.empty or inputs.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    out_classes = outputs.groupby(["ewc_key", "material_key", "hazardous"]).indices
    in_classes = inputs.groupby(["ewc_key", "material_key"]).indices
    xy_out = projection.xy(outputs["lat"].to_numpy(), outputs["lon"].to_numpy())
    xy_in = projection.xy(inputs["lat"].to_numpy(), inputs["lon"].to_numpy())
    out_limit, in_limit = outputs["limit"].to_numpy(), inputs["limit"].to_numpy()
    trees_in = {key: cKDTree(xy_in[rows]) for key, rows in in_classes.items()}
    lefts, rights, rules = [], [], []
    rule_names: list[str] = []
    for (o_ewc, o_mat, hazardous), o_rows in out_classes.items():
        tree_out = None
        for (i_ewc, i_mat), i_rows in in_classes.items():
            rule = direct_rule(catalogue, o_ewc, o_mat, bool(hazardous), i_ewc, i_mat)
            if rule is None:
                continue
            if tree_out is None:
                tree_out = cKDTree(xy_out[o_rows])
            radius = float(min(out_limit[o_rows].max(), in_limit[i_rows].max())) * projection.inflate + 0.01
            pairs = tree_out.sparse_distance_matrix(trees_in[(i_ewc, i_mat)], radius, output_type="ndarray")
            lefts.append(o_rows[pairs["i"]])
            rights.append(i_rows[pairs["j"]])
            if rule not in rule_names:
                rule_names.append(rule)
            rules.append(np.full(len(pairs), rule_names.index(rule), dtype=np.int32))
    if not lefts:
        return pd.DataFrame(columns=LINK_COLUMNS)
    li, ri = np.concatenate(lefts), np.concatenate(rights)
    rule_of = np.array(rule_names, dtype=object)[np.concatenate(rules)]
    col = {name: outputs[name].to_numpy() for name in ("id", "company", "lat", "lon", "ewc_key", "material_key", "status", "hazardous", "months_mask", "ref_unit", "quantity_ref")}
    dst = {name: inputs[name].to_numpy() for name in ("id", "company", "lat", "lon", "ewc_key", "months_mask", "quantity_ref")}
    authorised_in = inputs["authorised"].fillna(False).to_numpy(dtype=bool)
    distance = haversine_km(col["lat"][li], col["lon"][li], dst["lat"][ri], dst["lon"][ri])
    # Two blank codes declare nothing: a waste without a code needs an authorised receiver.
    declared = (col["ewc_key"][li] == dst["ewc_key"][ri]) & (col["ewc_key"][li] != "")
    hazardous = col["hazardous"][li].astype(bool)
    # Surplus heat is energy, not a waste: the waste regulation does not apply.
    energy_out = col["ref_unit"][li] == "MWh"
    regulation = np.select(
        [declared, hazardous, energy_out, col["status"][li] != "waste", authorised_in[ri]],
        ["declared_code", "refused", "energy", "by_product", "authorised"],
        default="refused",
    )
    keep = (
        (distance <= np.minimum(out_limit[li], in_limit[ri]) + 1e-9)
        & (regulation != "refused")
        & (col["company"][li] != dst["company"][ri])
    )
    li, ri, rule_of, distance, regulation = li[keep], ri[keep], rule_of[keep], distance[keep], regulation[keep]
    season_out, season_in = _season_share(col["months_mask"][li], dst["months_mask"][ri])
    energy = col["ref_unit"][li] == "MWh"
    out_qty, in_qty = col["quantity_ref"][li].astype(float), dst["quantity_ref"][ri].astype(float)
    cap = np.where(energy, np.minimum(out_qty * season_out, in_qty * season_in), np.inf)
    material = col["material_key"][li]
    return pd.DataFrame(
        {
            "from_flow": col["id"][li], "to": dst["id"][ri], "from_kind": "output", "to_kind": "input",
            "from_company": col["company"][li], "to_company": dst["company"][ri],
            "material": np.where(material != "", material, None), "unit": col["ref_unit"][li],
            "rule": rule_of, "regulation": regulation, "distance_km": distance,
            "potential": np.minimum(np.minimum(out_qty, in_qty), cap), "cap": cap,
            "facility_status": "",
        }
    )


@cache
def _months_table() -> np.ndarray:
    """Number of months in each 12-bit availability mask."""
    return np.array([months_available(m) for m in range(1 << 12)])


def _season_share(out_mask: np.ndarray, in_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of each side's months that the other side also covers."""
    months = _months_table()
    out_mask, in_mask = out_mask.astype(np.int64), in_mask.astype(np.int64)
    both = months[np.bitwise_and(out_mask, in_mask)]
    return both / np.maximum(months[out_mask], 1), both / np.maximum(months[in_mask], 1)


def _intake_links(
    catalogue: Catalogue, projection: Projection, outputs: pd.DataFrame, facilities: pd.DataFrame
) -> pd.DataFrame:
    frames = []
    usable = outputs[~outputs["hazardous"].to_numpy(dtype=bool)]
    for ftype_key, sites in facilities.groupby("type"):
        ftype = catalogue.facility_types[str(ftype_key)]
        accepted = [a.material for a in ftype.accepts]
        candidates = usable[usable["material_key"].isin(accepted)]
        i, j, distance = join_within(projection, candidates, sites, candidates["limit"].to_numpy(), sites["limit"].to_numpy())
        if not len(i):
            continue
        src, dst = candidates.iloc[i].reset_index(drop=True), sites.iloc[j].reset_index(drop=True)
        frames.append(
            pd.DataFrame(
                {
                    "from_flow": src["id"], "to": dst["id"], "from_kind": "output", "to_kind": "facility",
                    "from_company": src["company"], "to_company": dst["operator"].fillna(dst["id"]),
                    "material": src["material_key"], "unit": src["ref_unit"],
                    "rule": f"facility:{ftype_key}", "regulation": "facility",
                    "distance_km": distance,
                    "potential": np.minimum(src["quantity_ref"].to_numpy(), dst["capacity_ref"].to_numpy()),
                    "cap": np.inf, "facility_status": dst["status"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LINK_COLUMNS)


def _product_links(
    catalogue: Catalogue, projection: Projection, facilities: pd.DataFrame, inputs: pd.DataFrame, heat_km: float
) -> pd.DataFrame:
    """Facility products to the inputs and facilities that can use them."""
    frames = []
    for ftype_key, sites in facilities.groupby("type"):
        ftype = catalogue.facility_types[str(ftype_key)]
        for product in ftype.products:
            material = catalogue.materials[product.product]
            site_limit = sites["limit"].to_numpy(dtype=float)
            if material.unit == "MWh":
                site_limit = np.minimum(site_limit, heat_km)
            rules = {
                in_mat: direct_rule(catalogue, "", product.product, False, "", in_mat)
                for in_mat in inputs["material_key"].unique()
            }
            users = inputs[inputs["material_key"].map(rules).notna()]
            i, j, distance = join_within(projection, sites, users, site_limit, users["limit"].to_numpy())
            if len(i):
                src, dst = sites.iloc[i].reset_index(drop=True), users.iloc[j].reset_index(drop=True)
                frames.append(
                    pd.DataFrame(
                        {
                            "from_flow": src["id"], "to": dst["id"], "from_kind": "facility", "to_kind": "input",
                            "from_company": src["operator"].fillna(src["id"]), "to_company": dst["company"],
                            "material": product.product, "unit": material.unit,
                            "rule": dst["material_key"].map(rules).to_numpy(), "regulation": "product",
                            "distance_km": distance, "potential": dst["quantity_ref"].to_numpy(),
                            "cap": np.inf, "facility_status": src["status"],
                        }
                    )
                )
            # Facility to facility: a product another facility accepts (chips -> boiler).
            takers = [k for k, t in catalogue.facility_types.items() if product.product in {a.material for a in t.accepts}]
            downstream = facilities[facilities["type"].isin(takers)]
            i, j, distance = join_within(projection, sites, downstream, site_limit, downstream["limit"].to_numpy(dtype=float))
            keep = sites["id"].to_numpy()[i] != downstream["id"].to_numpy()[j] if len(i) else np.zeros(0, bool)
            if keep.any():
                src = sites.iloc[i[keep]].reset_index(drop=True)
                dst = downstream.iloc[j[keep]].reset_index(drop=True)
                frames.append(
                    pd.DataFrame(
                        {
                            "from_flow": src["id"], "to": dst["id"], "from_kind": "facility", "to_kind": "facility",
                            "from_company": src["operator"].fillna(src["id"]), "to_company": dst["operator"].fillna(dst["id"]),
                            "material": product.product, "unit": material.unit,
                            "rule": "facility:" + dst["type"].astype(str), "regulation": "product",
                            "distance_km": distance[keep], "potential": dst["capacity_ref"].to_numpy(),
                            "cap": np.inf,
                            "facility_status": np.where((src["status"] == "candidate") | (dst["status"] == "candidate"), "candidate", "existing"),
                        }
                    )
                )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LINK_COLUMNS)


# --- facility tables -----------------------------------------------------------


def product_yield(catalogue: Catalogue, material: Material, basis: str, factor: float, kwh_per_nm3: float) -> float:
    """Units of product per unit of intake, from the catalogue's figures."""
    if basis == "mass" or basis == "energy":
        return factor
    if basis == "lhv":
        return value_of(material.lhv_mwh_per_t) * factor
    if basis == "methane":
        return value_of(material.methane_nm3_per_t) * kwh_per_nm3 / 1000 * factor
    raise ValueError(f"unknown yield basis {basis}")


def facility_tables(inventory: Inventory, facilities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Yields, outlets and share limits for each facility of the inventory."""
    catalogue = inventory.catalogue
    kwh = inventory.parameter("methane_kwh_per_nm3")
    haul_km = inventory.parameter("outlet_distance_km")
    yields, outlets, shares = [], [], []
    for row in facilities.itertuples(index=False):  # facilities are few
        ftype: FacilityType = catalogue.facility_types[str(row.type)]
        for acceptance in ftype.accepts:
            material = catalogue.materials[acceptance.material]
            for product in ftype.products:
                value = product_yield(catalogue, material, product.basis, product.factor.value, kwh)
                if value > 0:
                    yields.append((row.id, acceptance.material, product.product, value))
            if acceptance.max_share is not None:
                shares.append((row.id, acceptance.material, acceptance.max_share.value))
        declared = _declared_outlets(row.outlets)
        routes = ftype.outlets if declared is None else {p: ftype.outlets.get(p, "recycling") for p in declared}
        for product_key, route in routes.items():
            made = catalogue.materials[product_key]
            price = value_of(made.price_eur_per_unit)
            credit = value_of(made.substitution_co2e_kg_per_unit)
            distance = haul_km if made.unit == "t" else 0.0
            outlets.append((row.id, product_key, made.unit, route, distance, price, credit))
    return (
        pd.DataFrame(yields, columns=["facility", "material", "product", "per_unit"]),
        pd.DataFrame(
            outlets,
            columns=["facility", "product", "unit", "route", "distance_km", "value_eur_per_unit", "co2e_kg_per_unit"],
        ),
        pd.DataFrame(shares, columns=["facility", "material", "max_share"]),
    )


def _declared_outlets(text: object) -> list[str] | None:
    """None: the catalogue's default outlets; a list (maybe empty) otherwise."""
    if not isinstance(text, str) or not text.strip():
        return None
    parts = [p.strip() for p in text.split(";") if p.strip()]
    return [] if any(p in NO_OUTLET for p in parts) else parts


# --- economics -------------------------------------------------------------------


def _economics(
    inventory: Inventory, links: pd.DataFrame, outputs: pd.DataFrame, inputs: pd.DataFrame, facilities: pd.DataFrame
) -> pd.DataFrame:
    """Per unit on each link: value (EUR), CO2e avoided (kg), jobs created.

    Transport is not included here: the optimiser charges it per tonne-km.
    """
    catalogue = inventory.catalogue
    if links.empty:
        return links.assign(
            today_route="", route="", activity="", disposal_eur_per_unit=0.0, purchase_eur_per_unit=0.0,
            value_eur_per_unit=0.0, co2e_kg_per_unit=0.0, jobs_per_unit=0.0,
        )
    mats = catalogue.materials
    jobs = {k: a.jobs_per_kt.value / 1000 for k, a in catalogue.activities.items()}
    out = outputs.set_index("id")
    inp = inputs.set_index("id")
    # Today's route and what it costs and emits, for each output.
    default_route = {k: m.default_route for k, m in mats.items()}
    today = out["route"].fillna(out["material_key"].map(default_route)).fillna("landfill")
    disposal = out["cost_eur_per_t"].astype(float).fillna(
        pd.Series(_on_pairs(out["material_key"], today, lambda m, r: _route_figure(mats.get(m), "disposal", r)), index=out.index, dtype=float)
    )
    emitted = pd.Series(_on_pairs(out["material_key"], today, lambda m, r: _route_figure(mats.get(m), "co2e", r)), index=out.index, dtype=float)
    baseline_jobs = today.map(jobs).fillna(0.0)
    # What each input pays today for what it needs.
    price = {k: value_of(m.price_eur_per_unit) for k, m in mats.items()}
    purchase = inp["cost_eur_per_t"].astype(float).fillna(inp["material_key"].map(price).fillna(0.0))

    from_output = links["from_kind"] == "output"
    to_input = links["to_kind"] == "input"
    direct = from_output & to_input
    intake = from_output & (links["to_kind"] == "facility")
    product = links["from_kind"] == "facility"

    def material_route(material: str, rule: str) -> str:
        if rule in catalogue.rules:
            return catalogue.rules[rule].route
        return mats[material].direct_route if material in mats else "recycling"

    def material_activity(material: str, rule: str) -> str:
        if rule in catalogue.rules:
            return catalogue.rules[rule].activity
        return mats[material].direct_activity if material in mats else "collection"

    ftypes = facilities.set_index("id")["type"]
    route = pd.Series("", index=links.index, dtype=object)
    activity = pd.Series("", index=links.index, dtype=object)
    material = links["material"].fillna("")
    route[direct] = _on_pairs(material[direct], links.loc[direct, "rule"], material_route)
    activity[direct] = _on_pairs(material[direct], links.loc[direct, "rule"], material_activity)
    types = catalogue.facility_types
    intake_types = links.loc[intake, "to"].map(ftypes)
    route[intake] = intake_types.map({k: t.route for k, t in types.items()})
    activity[intake] = intake_types.map({k: t.activity for k, t in types.items()})
    route[product] = "reuse"
    activity[product] = ""
    new_emissions = pd.Series(_on_pairs(material, route, lambda m, r: _route_figure(mats.get(m), "co2e", r)), index=links.index, dtype=float)
    process = intake_types.map({k: t.process_co2e_kg_per_unit.value for k, t in types.items()})
    opex = intake_types.map({k: t.opex_eur_per_unit.value for k, t in types.items()})
    credit = material.map({k: value_of(m.substitution_co2e_kg_per_unit) for k, m in mats.items()}).fillna(0.0)
    # One lookup of each end's position, then plain array takes (ids are strings).
    src = out.index.get_indexer(links["from_flow"])
    dst = inp.index.get_indexer(links["to"])

    def at(values: pd.Series, where: np.ndarray, missing: float | str) -> pd.Series:
        array = np.append(values.to_numpy(dtype=object), missing)  # position -1 -> missing
        return pd.Series(array[where], index=links.index)

    src_disposal = at(disposal, src, np.nan).astype(float)
    src_emitted = at(emitted, src, np.nan).astype(float)
    src_jobs = at(baseline_jobs, src, np.nan).astype(float)
    src_today = at(today, src, "")
    dst_purchase = at(purchase, dst, 0.0).astype(float)
    per_t = links["unit"] == "t"
    new_jobs = activity.map(jobs).fillna(0.0)

    value = pd.Series(0.0, index=links.index)
    value[direct] = src_disposal[direct] + dst_purchase[direct]
    value[intake] = src_disposal[intake] - opex
    value[product & to_input] = dst_purchase[product & to_input]
    co2 = pd.Series(0.0, index=links.index)
    co2[direct] = src_emitted[direct] - new_emissions[direct]
    co2[intake] = src_emitted[intake] - process
    # A facility doing what today's route already does (green waste already
    # composted elsewhere) earns no new credit for its products: take back
    # what its products will be credited.
    kwh = inventory.parameter("methane_kwh_per_nm3")
    same_route = src_today[intake].to_numpy() == route[intake].to_numpy()
    already = _on_pairs(intake_types, material[intake], lambda t, m: _product_credit(catalogue, types[t], m, kwh))
    co2[intake] = co2[intake] - np.where(same_route, already.astype(float), 0.0)
    co2[product & to_input] = credit[product & to_input]
    # Jobs: the new local activity's, less those of today's route. Where today's
    # route is disposal (landfill, incineration) those jobs disappear; where the
    # material already feeds another chain, a local exchange counts only what it
    # adds beyond that chain, never a loss.
    net = new_jobs - src_jobs
    disposal_today = src_today.isin(DISPOSAL_ROUTES)
    net = net.where(disposal_today, net.clip(lower=0.0))
    job = pd.Series(0.0, index=links.index)
    job[from_output] = net[from_output].where(per_t[from_output], 0.0)
    disposal_avoided = src_disposal.where(from_output, 0.0).fillna(0.0)
    purchase_avoided = dst_purchase.where(to_input, 0.0).fillna(0.0)
    return links.assign(
        today_route=src_today.where(from_output, ""),
        route=route, activity=activity,
        disposal_eur_per_unit=disposal_avoided, purchase_eur_per_unit=purchase_avoided,
        value_eur_per_unit=value.fillna(0.0), co2e_kg_per_unit=co2.fillna(0.0), jobs_per_unit=job.fillna(0.0),
    )


def _on_pairs(first: pd.Series, second: pd.Series, function: Callable[[Any, Any], Any]) -> np.ndarray:
    """`function` on each distinct (first, second) pair, spread back to every row:
    a few dozen calls however many links there are."""
    if len(first) == 0:
        return np.empty(0, dtype=object)
    codes_a, uniques_a = pd.factorize(first.to_numpy(dtype=object), use_na_sentinel=False)
    codes_b, uniques_b = pd.factorize(second.to_numpy(dtype=object), use_na_sentinel=False)
    pair = codes_a.astype(np.int64) * len(uniques_b) + codes_b
    distinct, inverse = np.unique(pair, return_inverse=True)
    values = np.array(
        [function(uniques_a[p // len(uniques_b)], uniques_b[p % len(uniques_b)]) for p in distinct], dtype=object
    )
    result: np.ndarray = values[inverse]
    return result


def _product_credit(catalogue: Catalogue, ftype: FacilityType, material: str, kwh_per_nm3: float) -> float:
    """CO2e credited to a facility's products per unit of this intake."""
    if material not in catalogue.materials:
        return 0.0
    total = 0.0
    for product in ftype.products:
        made = product_yield(catalogue, catalogue.materials[material], product.basis, product.factor.value, kwh_per_nm3)
        total += made * value_of(catalogue.materials[product.product].substitution_co2e_kg_per_unit)
    return total


def _route_figure(material: Material | None, kind: str, route: str) -> float:
    if material is None:
        return 0.0
    table = material.disposal_cost_eur_per_unit if kind == "disposal" else material.co2e_kg_per_unit
    figure = table.get(route)  # type: ignore[call-overload]
    return float(figure.value) if figure is not None else 0.0


# --- the graph -------------------------------------------------------------------


def build_graph(inventory: Inventory, links: pd.DataFrame) -> nx.MultiDiGraph:
    """Companies, flows and facilities as nodes; declarations and links as edges."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for row in inventory.companies.itertuples(index=False):
        graph.add_node(str(row.id), kind="company", name=row.name, lat=row.lat, lon=row.lon)
    for row in inventory.facilities.itertuples(index=False):
        graph.add_node(str(row.id), kind="facility", type=row.type, status=row.status, lat=row.lat, lon=row.lon)
    flows = inventory.flows
    graph.add_nodes_from(
        (fid, {"kind": direction, "material": material, "quantity": qty, "unit": unit})
        for fid, direction, material, qty, unit in zip(
            flows["id"], flows["direction"], flows["material"], flows["quantity_ref"], flows["ref_unit"], strict=True
        )
    )
    graph.add_edges_from(
        (c, f, {"kind": "declares"}) if d == "output" else (f, c, {"kind": "declares"})
        for c, f, d in zip(flows["company"], flows["id"], flows["direction"], strict=True)
    )
    attributes = links.drop(columns=["from_flow", "to"]).to_dict("records")
    graph.add_edges_from(
        (a, b, {"kind": "link", **attrs}) for a, b, attrs in zip(links["from_flow"], links["to"], attributes, strict=True)
    )
    return graph


# --- words -------------------------------------------------------------------------

MESSAGES: Messages = {
    "same_ewc": ("même code déchet {ewc}", "same waste code {ewc}"),
    "same_material": ("même matière ({material})", "same material ({material})"),
    "facility": ("accepté par {facility} ({status})", "accepted by {facility} ({status})"),
    "product": ("{material} produit par l'installation", "{material} made by the facility"),
    "declared_code": ("le destinataire déclare ce code en entrée", "the receiver declares this code as an input"),
    "by_product": ("sous-produit ou sortie de statut de déchet : toute entrée compatible", "by-product or end-of-waste: any compatible input"),
    "authorised": ("déchet : le destinataire est autorisé à le recevoir", "waste: the receiver is authorised to take it"),
    "facility_reg": ("déchet : les installations partagées sont autorisées", "waste: shared facilities are authorised"),
    "product_reg": ("produit, hors statut de déchet", "a product, not a waste"),
    "energy": ("énergie, hors statut de déchet", "energy, not a waste"),
    "existing": ("existante", "existing"),
    "candidate": ("en projet", "candidate"),
    "km": ("{km} km", "{km} km"),
}


def reasons(inventory: Inventory, links: pd.DataFrame, lang: Lang = "fr") -> pd.Series:
    """Each link's reason in words: compatibility, regulation, distance."""
    catalogue = inventory.catalogue
    flows = inventory.flows.set_index("id")
    texts = []
    for row in links.itertuples(index=False):  # words are built only for what is shown or written
        texts.append("; ".join(_reason_parts(catalogue, flows, row, lang)))
    return pd.Series(texts, index=links.index, dtype=object)


def _reason_parts(catalogue: Catalogue, flows: pd.DataFrame, row: Any, lang: Lang) -> Sequence[str]:
    rule, regulation = str(row.rule), str(row.regulation)
    material_key = row.material
    material = catalogue.materials.get(str(material_key)) if isinstance(material_key, str) else None
    label = (material.label_fr if lang == "fr" else material.label_en) if material else "?"
    parts: list[str] = []
    if rule == "same_ewc":
        parts.append(say(MESSAGES, "same_ewc", lang, ewc=flows.loc[row.from_flow, "ewc"]))
    elif rule == "same_material":
        parts.append(say(MESSAGES, "same_material", lang, material=label))
    elif rule.startswith("facility:"):
        ftype = catalogue.facility_types[rule.split(":", 1)[1]]
        name = ftype.label_fr if lang == "fr" else ftype.label_en
        parts.append(say(MESSAGES, "facility", lang, facility=name, status=say(MESSAGES, row.facility_status or "existing", lang)))
    elif rule in catalogue.rules:
        parts.append(catalogue.rules[rule].label_fr if lang == "fr" else catalogue.rules[rule].label_en)
    if regulation == "product":
        parts.insert(0, say(MESSAGES, "product", lang, material=label))
        parts.append(say(MESSAGES, "product_reg", lang))
    elif regulation == "facility":
        parts.append(say(MESSAGES, "facility_reg", lang))
    else:
        parts.append(say(MESSAGES, regulation, lang))
    parts.append(say(MESSAGES, "km", lang, km=number(float(row.distance_km), lang, 1)))
    return parts
