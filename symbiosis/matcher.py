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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.catalogue.models import Catalogue
from symbiosis.flows import Inventory
from symbiosis.matching import economics
from symbiosis.matching.compatibility import REGULATIONS, direct_rule, distance_limits, season_share
from symbiosis.matching.facilities import facility_tables
from symbiosis.matching.geometry import (
    BandedJoin,
    Points,
    Projection,
    join_within,
    pair_distance_km,
)
from symbiosis.matching.heat import with_heat_costs
from symbiosis.matching.jobs import job_parts, jobs_by_kind

LINK_COLUMNS = [
    "from_flow", "to", "from_kind", "to_kind", "from_company", "to_company", "material", "unit",
    "rule", "today_route", "route", "activity", "regulation", "distance_km", "potential", "cap",
    "disposal_eur_per_unit", "purchase_eur_per_unit", "value_eur_per_unit", "co2e_kg_per_unit",
    "jobs_per_unit", "insertion_jobs_per_unit", "adapted_jobs_per_unit", "facility_status", "unchanged",
    "delivered_share", "heat_pump", "connection_eur_per_year",
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
    flows = inventory.flows
    if excluded:
        flows = flows[~flows["company"].isin(excluded)].reset_index(drop=True)
    flows = flows.assign(
        lat=flows["company"].map(companies["lat"]).astype(float),
        lon=flows["company"].map(companies["lon"]).astype(float),
        limit=distance_limits(flows, default_km, heat_km),
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
    is_output = (flows["direction"] == "output").to_numpy()
    outputs = flows[is_output].reset_index(drop=True)
    inputs = flows[~is_output].reset_index(drop=True)
    ends = economics.Ends.of(catalogue, outputs, inputs, tax_year(inventory))
    parts = [
        _direct_links(catalogue, projection, outputs, inputs, ends),
        _intake_links(inventory, projection, outputs, facilities, ends),
        _product_links(catalogue, projection, facilities, inputs, heat_km, ends),
    ]
    links = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=LINK_COLUMNS)], ignore_index=True)
    links = with_jobs(inventory, with_heat_costs(inventory, links))[LINK_COLUMNS]
    yields, outlets, shares = facility_tables(inventory, facilities)
    return Match(links, yields, outlets, shares)


def with_jobs(inventory: Inventory, links: pd.DataFrame) -> pd.DataFrame:
    """The links with the jobs each creates per unit, in all and in SIAE and ESAT/EA (`matching/jobs.py`)."""
    if links.empty:
        return links.assign(jobs_per_unit=0.0, insertion_jobs_per_unit=0.0, adapted_jobs_per_unit=0.0)
    kinds = jobs_by_kind(inventory, job_parts(inventory, links))
    return links.assign(
        jobs_per_unit=kinds["total"].to_numpy(), insertion_jobs_per_unit=kinds["insertion"].to_numpy(),
        adapted_jobs_per_unit=kinds["adapted"].to_numpy(),
    )


def tax_year(inventory: Inventory) -> economics.TaxYear:
    """The TGAP of this run: the territory's tgap_year (else the inventory's year)."""
    defaults = inventory.territory.defaults
    year = inventory.territory.year
    return economics.TaxYear(inventory.catalogue.parameters.tgap, int(defaults.tgap_year or year), year,
                             bool(defaults.tgap_landfill_surcharge))


def _direct_links(
    catalogue: Catalogue, projection: Projection, outputs: pd.DataFrame, inputs: pd.DataFrame, ends: economics.Ends
) -> pd.DataFrame:
    """Output-to-input links: candidate pairs per compatible class pair, then
    one vectorised pass for distances, seasons and economics.

    The regulation is applied before searching: a pair of classes with the
    same declared code is open to every output; otherwise heat and by-products
    reach any compatible input, a waste only an authorised one, and a
    hazardous waste none.
    """
    if outputs.empty or inputs.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    out_at, in_at = Points.of(projection, outputs), Points.of(projection, inputs)
    out_limit, in_limit = outputs["limit"].to_numpy(dtype=float), inputs["limit"].to_numpy(dtype=float)
    join = BandedJoin(projection, out_at, out_limit, in_at, in_limit)
    energy = outputs["ref_unit"].to_numpy(dtype=object) == "MWh"
    not_waste = outputs["status"].to_numpy(dtype=object) != "waste"
    free = energy | not_waste
    authorised = inputs["authorised"].fillna(False).to_numpy(dtype=bool)
    out_classes = _classes(outputs, ["ewc_key", "material_key", "hazardous"])
    in_classes = _classes(inputs, ["ewc_key", "material_key"])
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    rules: list[np.ndarray] = []
    declared: list[np.ndarray] = []
    rule_names: list[str] = []

    def add(pairs: tuple[np.ndarray, np.ndarray], rule: str, by_code: bool) -> None:
        if rule not in rule_names:
            rule_names.append(rule)
        lefts.append(pairs[0])
        rights.append(pairs[1])
        rules.append(np.full(len(pairs[0]), rule_names.index(rule), dtype=np.int64))
        declared.append(np.full(len(pairs[0]), by_code))

    for o_key, o_rows in out_classes.items():
        o_ewc, o_mat, hazardous = o_key
        for i_key, i_rows in in_classes.items():
            i_ewc, i_mat = i_key
            rule = direct_rule(catalogue, str(o_ewc), str(o_mat), bool(hazardous), str(i_ewc), str(i_mat))
            if rule is None:
                continue
            if o_ewc and o_ewc == i_ewc:
                add(join.pairs((o_key, "all"), o_rows, (i_key, "all"), i_rows), rule, True)
            elif not hazardous:
                add(join.pairs((o_key, "free"), o_rows[free[o_rows]], (i_key, "all"), i_rows), rule, False)
                add(join.pairs((o_key, "waste"), o_rows[~free[o_rows]], (i_key, "authorised"), i_rows[authorised[i_rows]]), rule, False)
    if not lefts:
        return pd.DataFrame(columns=LINK_COLUMNS)
    li, ri = np.concatenate(lefts), np.concatenate(rights)
    rule_code, by_code = np.concatenate(rules), np.concatenate(declared)
    company_codes = pd.factorize(np.concatenate([outputs["company"].to_numpy(dtype=object), inputs["company"].to_numpy(dtype=object)]))[0]
    out_company, in_company = company_codes[: len(outputs)], company_codes[len(outputs):]
    distance = pair_distance_km(out_at, li, in_at, ri)
    same_unit = outputs["ref_unit"].to_numpy(dtype=object)[li] == inputs["ref_unit"].to_numpy(dtype=object)[ri]
    # Within reach, between two companies, and never tonnes into a need counted in MWh.
    keep = (distance <= np.minimum(out_limit[li], in_limit[ri]) + 1e-9) & (out_company[li] != in_company[ri]) & same_unit
    li, ri, rule_code, by_code, distance = li[keep], ri[keep], rule_code[keep], by_code[keep], distance[keep]
    regulation = np.where(by_code, 0, np.where(energy[li], 1, np.where(not_waste[li], 2, 3)))
    season_out, season_in = season_share(outputs["months_mask"].to_numpy()[li], inputs["months_mask"].to_numpy()[ri])
    out_qty, in_qty = outputs["quantity_ref"].to_numpy(dtype=float)[li], inputs["quantity_ref"].to_numpy(dtype=float)[ri]
    is_energy = energy[li]
    cap = np.where(is_energy, np.minimum(out_qty * season_out, in_qty * season_in), np.inf)
    material = outputs["material_key"].to_numpy(dtype=object)
    columns: dict[str, Any] = {
        "from_flow": economics.text(outputs["id"]).take(li), "to": economics.text(inputs["id"]).take(ri),
        "from_kind": "output", "to_kind": "input",
        "from_company": economics.text(outputs["company"]).take(li), "to_company": economics.text(inputs["company"]).take(ri),
        "material": economics.text(pd.Series(material).where(material != "", None)).take(li),
        "unit": economics.text(outputs["ref_unit"]).take(li),
        "rule": economics.text(rule_names).take(rule_code),
        "regulation": economics.text(REGULATIONS).take(regulation),
        "distance_km": distance,
        "potential": np.minimum(np.minimum(out_qty, in_qty), cap), "cap": cap,
        "facility_status": "",
    }
    columns.update(economics.direct(catalogue, ends, li, ri, rule_names, rule_code))
    return pd.DataFrame(columns)


def _classes(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], np.ndarray]:
    """Row positions of each distinct combination of `keys` (a compatibility class)."""
    groups: dict[tuple[Any, ...], np.ndarray] = {
        key if isinstance(key, tuple) else (key,): np.asarray(rows)
        for key, rows in frame.groupby(keys).indices.items()
    }
    return groups


def _intake_links(
    inventory: Inventory, projection: Projection, outputs: pd.DataFrame, facilities: pd.DataFrame, ends: economics.Ends
) -> pd.DataFrame:
    """Outputs to the shared facilities that accept their material (never a hazardous waste)."""
    catalogue = inventory.catalogue
    kwh = inventory.parameter("methane_kwh_per_nm3")
    frames = []
    usable = ~outputs["hazardous"].to_numpy(dtype=bool)
    for ftype_key, sites in facilities.groupby("type"):
        ftype = catalogue.facility_types[str(ftype_key)]
        accepted = [a.material for a in ftype.accepts]
        rows = np.flatnonzero(usable & outputs["material_key"].isin(accepted).to_numpy())
        candidates = outputs.iloc[rows]
        i, j, distance = join_within(projection, candidates, sites, candidates["limit"].to_numpy(), sites["limit"].to_numpy())
        if not len(i):
            continue
        src, dst = candidates.iloc[i].reset_index(drop=True), sites.iloc[j].reset_index(drop=True)
        columns: dict[str, Any] = {
            "from_flow": src["id"], "to": dst["id"], "from_kind": "output", "to_kind": "facility",
            "from_company": src["company"], "to_company": dst["operator"].fillna(dst["id"]),
            "material": src["material_key"], "unit": src["ref_unit"],
            "rule": f"facility:{ftype_key}", "regulation": "facility",
            "distance_km": distance,
            "potential": np.minimum(src["quantity_ref"].to_numpy(), dst["capacity_ref"].to_numpy()),
            "cap": np.inf, "facility_status": dst["status"],
        }
        yearly = pd.to_numeric(dst["opex_eur_per_year"], errors="coerce").notna().to_numpy()
        columns.update(economics.intake(
            catalogue, ends, rows[i], ftype, kwh, existing=(dst["status"] == "existing").to_numpy(),
            opex_per_unit=np.where(yearly, 0.0, ftype.opex_eur_per_unit.value),
        ))
        frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LINK_COLUMNS)


def _product_links(
    catalogue: Catalogue, projection: Projection, facilities: pd.DataFrame, inputs: pd.DataFrame, heat_km: float,
    ends: economics.Ends,
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
            used = np.flatnonzero(inputs["material_key"].map(rules).notna().to_numpy())
            users = inputs.iloc[used]
            i, j, distance = join_within(projection, sites, users, site_limit, users["limit"].to_numpy())
            if len(i):
                src, dst = sites.iloc[i].reset_index(drop=True), users.iloc[j].reset_index(drop=True)
                columns: dict[str, Any] = {
                    "from_flow": src["id"], "to": dst["id"], "from_kind": "facility", "to_kind": "input",
                    "from_company": src["operator"].fillna(src["id"]), "to_company": dst["company"],
                    "material": product.product, "unit": material.unit,
                    "rule": dst["material_key"].map(rules).to_numpy(), "regulation": "product",
                    "distance_km": distance, "potential": dst["quantity_ref"].to_numpy(),
                    "cap": np.inf, "facility_status": src["status"],
                }
                columns.update(economics.product(ends, used[j], material))
                frames.append(pd.DataFrame(columns))
            # Facility to facility: a product another facility accepts (chips -> boiler).
            takers = [k for k, t in catalogue.facility_types.items() if product.product in {a.material for a in t.accepts}]
            downstream = facilities[facilities["type"].isin(takers)]
            i, j, distance = join_within(projection, sites, downstream, site_limit, downstream["limit"].to_numpy(dtype=float))
            keep = sites["id"].to_numpy()[i] != downstream["id"].to_numpy()[j] if len(i) else np.zeros(0, bool)
            if keep.any():
                src = sites.iloc[i[keep]].reset_index(drop=True)
                dst = downstream.iloc[j[keep]].reset_index(drop=True)
                columns = {
                    "from_flow": src["id"], "to": dst["id"], "from_kind": "facility", "to_kind": "facility",
                    "from_company": src["operator"].fillna(src["id"]), "to_company": dst["operator"].fillna(dst["id"]),
                    "material": product.product, "unit": material.unit,
                    "rule": "facility:" + dst["type"].astype(str), "regulation": "product",
                    "distance_km": distance[keep], "potential": dst["capacity_ref"].to_numpy(),
                    "cap": np.inf,
                    "facility_status": np.where((src["status"] == "candidate") | (dst["status"] == "candidate"), "candidate", "existing"),
                }
                columns.update(economics.product(ends, None, material))
                frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LINK_COLUMNS)
