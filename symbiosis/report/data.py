"""The committee report: what the territory could gain, on a map, in a flow
diagram, exchange by exchange and company by company.

The pole committee reads documents, not CSV files. Building one goes in
three steps so that confidentiality is applied once, on data:

1. `collect` (here) turns an inventory and its optimised plan into plain
   frames (names, figures, coordinates, catalogue sources), exact;
2. `anonymise.anonymise` hides confidential companies in those frames
   (`build.prepare` does both);
3. `view` words and formats them, `render` writes HTML, Markdown or PDF,
   and `map` and `sankey` draw; none of them sees an exact hidden figure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

import symbiosis
from symbiosis.analysis.accounts import company_table, detailed, facility_table, holder_accounts
from symbiosis.analysis.indicators import indicators
from symbiosis.catalogue.models import Catalogue
from symbiosis.core.words import Lang, say
from symbiosis.flows import Inventory
from symbiosis.model.plan import Plan
from symbiosis.model.sharing import TERRITORY
from symbiosis.report.labels import job_line_label, label, material_labels, short, target_label
from symbiosis.report.messages import MESSAGES, ROUTES
from symbiosis.report.sources import sources

TOP_MATERIALS = 12
"""Materials drawn one by one in the flow diagram; the rest are grouped."""


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as frames; masked once by `anonymise`.

    Company keys are `c:<id>`, facility keys `f:<id>`; a `masked` column
    says which figures are bands. `contributors` columns hold the company
    keys a total is made of. Territory totals (`kpis`) are exact.
    """

    lang: Lang
    territory: str
    year: int
    description: str | None
    objective: str
    generated: date
    version: str
    kpis: Mapping[str, Any]
    facts: Mapping[str, float]
    """Inventory size and distance limit, for the method section."""
    companies: pd.DataFrame
    facilities: pd.DataFrame
    exchanges: pd.DataFrame
    outputs: pd.DataFrame
    balances: pd.DataFrame
    sankey_nodes: pd.DataFrame
    sankey_edges: pd.DataFrame
    structures: pd.DataFrame
    activities: pd.DataFrame
    sources: pd.DataFrame
    reconciliation: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["part", "eur"]))
    """The net value as the sum of who holds it: companies' exchanges, facilities
    their operators hold, facilities the territory holds (`part`, `eur`)."""
    seller_share: float = 0.5
    """territory.toml [sharing] seller_share: the rule the report states."""
    collector: str | None = None
    """Key of the company the territory names as collector (None: none named);
    its name is read from `companies`, masked like any other."""
    comparison: pd.DataFrame | None = None
    scenarios: Sequence[tuple[str, str, str]] = field(default_factory=tuple)
    """(column key, name, description) of each scenario compared."""
    masked_count: int = 0


def company_key(company_id: object) -> str:
    """The report's key for a company (facilities use `f:`), so ids never collide."""
    return f"c:{company_id}"


def company_key_series(ids: pd.Series) -> pd.Series:
    return "c:" + ids.astype(str)


def today_routes(inventory: Inventory) -> pd.Series:
    """Each flow's current route: declared, else its material's usual one (as the matcher)."""
    flows = inventory.flows
    defaults = {k: m.default_route for k, m in inventory.catalogue.materials.items()}
    return flows["route"].fillna(flows["material"].map(defaults)).fillna("landfill")


def collect(
    inventory: Inventory,
    plan: Plan,
    *,
    lang: Lang = "fr",
    today: date | None = None,
    comparison: pd.DataFrame | None = None,
    scenarios: Sequence[tuple[str, str, str]] = (),
) -> ReportData:
    """The report's frames from a plan, exact (before any masking)."""
    detail = detailed(inventory, plan)
    kpis = indicators(inventory, plan, detail)
    catalogue = inventory.catalogue
    companies, flows, facilities = inventory.companies, inventory.flows, inventory.facilities
    types = catalogue.facility_types

    fac_frame = facilities.assign(
        key="f:" + facilities["id"].astype(str),
        type_label=facilities["type"].map(lambda t: short(label(types[t], lang))),
        unit=facilities["type"].map(lambda t: types[t].intake_unit),
    )
    fac_frame["name"] = fac_frame["name"].where(
        fac_frame["name"].notna(), fac_frame["type_label"] + " " + fac_frame["id"].astype(str)
    )
    names = dict(zip(company_key_series(companies["id"]), companies["name"].astype(str), strict=True))
    names.update(zip(fac_frame["key"], fac_frame["name"].astype(str), strict=True))

    fac_ids = set(facilities["id"].astype(str))
    from_fac = detail["from_flow"].astype(str).isin(fac_ids)
    to_fac = detail["to"].astype(str).isin(fac_ids)
    from_key = pd.Series(
        np.where(from_fac, "f:" + detail["from_flow"].astype(str), "c:" + detail["from_company"].astype(str)),
        index=detail.index,
    )
    to_key = pd.Series(
        np.where(to_fac, "f:" + detail["to"].astype(str), "c:" + detail["to_company"].astype(str)),
        index=detail.index,
    )
    codes = detail["from_flow"].map(flows.set_index("id")["ewc"])
    exchanges = pd.DataFrame(
        {
            "from_key": from_key,
            "from_name": from_key.map(names),
            "to_key": to_key,
            "to_name": to_key.map(names),
            "material": material_labels(catalogue, detail["material"], codes, lang).map(short),
            "quantity": detail["quantity"].astype(float),
            "unit": detail["unit"].astype(str),
            "km": detail["distance_km"].astype(float),
            "route": detail["route"].map(lambda r: say(ROUTES, r, lang) if r in ROUTES else str(r)).where(
                ~from_fac, say(MESSAGES, "product_route", lang)
            ),
            "masked": False,
        }
    )

    outputs_mask = flows["direction"] == "output"
    outputs = flows[outputs_mask]
    used = detail.groupby("from_flow")["quantity"].sum()
    output_frame = pd.DataFrame(
        {
            "key": company_key_series(outputs["company"]),
            "material": material_labels(catalogue, outputs["material"], outputs["ewc"], lang),
            "description": outputs["description"].fillna("").astype(str),
            "declared": outputs["quantity_ref"].astype(float),
            "valorised": outputs["id"].map(used).fillna(0.0).astype(float),
            "unit": outputs["ref_unit"].astype(str),
            "masked": False,
        }
    ).reset_index(drop=True)

    balance_frame = balances(inventory, plan, detail, lang)
    fac_table = facility_table(plan, detail)
    intake_from = detail[to_fac & ~from_fac]
    contributors = {
        key: tuple(sorted(company_key_series(group).unique())) for key, group in intake_from.groupby("to")["from_company"]
    }
    fac_frame = fac_frame.merge(fac_table[["id", "open", "intake"]], on="id", how="left").assign(
        capacity=lambda f: f["capacity_ref"].astype(float),
        intake=lambda f: f["intake"].fillna(0.0).astype(float),
        contributors=lambda f: f["id"].map(contributors).map(lambda v: v if isinstance(v, tuple) else ()),
        masked=False,
    )[["key", "id", "name", "type_label", "status", "open", "lat", "lon", "capacity", "intake", "unit", "contributors", "masked"]]

    company_frame = pd.DataFrame(
        {
            "key": company_key_series(companies["id"]),
            "name": companies["name"].astype(str),
            "zone": companies["zone"].fillna("").astype(str),
            "ess": companies["ess"].astype(bool),
            "lat": companies["lat"].astype(float),
            "lon": companies["lon"].astype(float),
            "involved": company_key_series(companies["id"]).isin(set(balance_frame["key"])),
            "masked": False,
        }
    )
    nodes, edges = sankey(inventory, detail, lang)
    grouped = {"other": say(MESSAGES, "other_structures", lang), "displaced": say(MESSAGES, "displaced_structures", lang)}
    structures = pd.DataFrame(
        [
            (k, grouped[k], v) if k in grouped else (company_key(k), names.get(company_key(k), str(k)), v)
            for k, v in kpis["jobs_by_structure"].items()
        ],
        columns=["key", "name", "fte"],
    ).assign(masked=False)
    territory = inventory.territory
    return ReportData(
        lang=lang,
        territory=territory.name,
        year=territory.year,
        description=territory.description,
        objective=plan.objective,
        generated=today or report_date(),
        version=symbiosis.__version__,
        kpis=kpis,
        facts={
            "companies": len(companies),
            "flows": len(flows),
            "max_distance_km": inventory.parameter("max_distance_km"),
        },
        companies=company_frame,
        facilities=fac_frame,
        exchanges=exchanges,
        outputs=output_frame,
        balances=balance_frame,
        sankey_nodes=nodes,
        sankey_edges=edges,
        structures=structures,
        activities=activities_table(catalogue, kpis, lang),
        sources=sources(inventory, detail, kpis, lang),
        reconciliation=reconciliation(inventory, plan, detail),
        seller_share=territory.sharing.seller_share,
        collector=company_key(territory.collector) if territory.collector else None,
        comparison=comparison,
        scenarios=tuple(scenarios),
    )


def reconciliation(inventory: Inventory, plan: Plan, detail: pd.DataFrame) -> pd.DataFrame:
    """Who holds the net value: companies by their exchanges, facilities by their
    operators or by the territory; the parts add up to `net_value_eur_per_year`."""
    accounts = holder_accounts(inventory, plan, detail)
    territory = accounts["holder"].astype(str).str.startswith(TERRITORY + ":")
    parts = [
        ("companies", float(accounts.loc[~territory, "exchanges_eur"].sum())),
        ("operated", float(accounts.loc[~territory, "facility_eur"].sum())),
        ("territory", float(accounts.loc[territory, "facility_eur"].sum())),
    ]
    parts.append(("total", sum(eur for _, eur in parts)))
    return pd.DataFrame(parts, columns=["part", "eur"])


def report_date() -> date:
    """Today, or SOURCE_DATE_EPOCH's day, so that a rebuilt report can be identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def balances(inventory: Inventory, plan: Plan, detail: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """kpis.company_table, with each company's partners (a total of theirs)."""
    table = company_table(inventory, plan, detail)
    ids = set(inventory.companies["id"].astype(str))
    pairs = pd.concat(
        [
            detail[["from_company", "to_company"]].set_axis(["a", "b"], axis=1),
            detail[["to_company", "from_company"]].set_axis(["a", "b"], axis=1),
        ],
        ignore_index=True,
    ).astype(str)
    pairs = pairs[pairs["a"].isin(ids) & pairs["b"].isin(ids)]
    partners = {str(key): set(group) for key, group in pairs.groupby("a")["b"]}
    keys = company_key_series(table["id"])
    contributors = [
        tuple(sorted({company_key(c) for c in partners.get(i, set())} | {key}))
        for i, key in zip(table["id"].astype(str), keys, strict=True)
    ]
    return pd.DataFrame(
        {
            "key": keys,
            "name": table["name"].astype(str),
            "ess": table["ess"].astype(bool),
            "sent_t": table["sent_t"].astype(float),
            "sent_mwh": table["sent_mwh"].astype(float),
            "received_t": table["received_t"].astype(float),
            "received_mwh": table["received_mwh"].astype(float),
            "saved_eur": table["saved_eur_per_year"].astype(float),
            "contributors": contributors,
            "masked": False,
        }
    )


def sankey(inventory: Inventory, detail: pd.DataFrame, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tonnes of declared outputs from material to what becomes of them.

    Valorised tonnes go to `local:<route>` (the link's route); what no link
    takes stays on its current route, `today:<route>`. Each node and edge
    keeps the companies it sums, for the confidentiality rule.
    """
    flows = inventory.flows
    outputs = flows[(flows["direction"] == "output") & (flows["ref_unit"] == "t")]
    material = material_labels(inventory.catalogue, outputs["material"], outputs["ewc"], lang)
    material = material.where(outputs["material"].notna(), say(MESSAGES, "uncatalogued", lang))
    totals = outputs["quantity_ref"].groupby(material).sum().sort_values(ascending=False)
    keep = set(totals.index[:TOP_MATERIALS])
    group = material.where(material.isin(keep), say(MESSAGES, "other_materials", lang))
    source = pd.Series(group.to_numpy(), index=outputs["id"].to_numpy())
    company = pd.Series(company_key_series(outputs["company"]).to_numpy(), index=outputs["id"].to_numpy())
    mass = detail[(detail["unit"] == "t") & detail["from_flow"].isin(outputs["id"])]
    local = pd.DataFrame(
        {
            "source": mass["from_flow"].map(source),
            "target": "local:" + mass["route"].astype(str),
            "key": mass["from_flow"].map(company),
            "quantity": mass["quantity"].astype(float),
        }
    )
    taken = mass.groupby("from_flow")["quantity"].sum()
    left = outputs["quantity_ref"].astype(float) - outputs["id"].map(taken).fillna(0.0).to_numpy()
    rest = pd.DataFrame(
        {
            "source": group.to_numpy(),
            "target": ("today:" + today_routes(inventory)[outputs.index]).to_numpy(),
            "key": company_key_series(outputs["company"]).to_numpy(),
            "quantity": left.to_numpy(),
        }
    )
    parts = pd.concat([local, rest[rest["quantity"] > 1e-9]], ignore_index=True)

    def summed(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        return frame.groupby(by, sort=False).agg(
            quantity=("quantity", "sum"), contributors=("key", lambda s: tuple(sorted(set(s))))
        ).reset_index()

    edges = summed(parts, ["source", "target"]).assign(masked=False)
    left_nodes = summed(parts, ["source"]).rename(columns={"source": "node"}).assign(side="left")
    right_nodes = summed(parts, ["target"]).rename(columns={"target": "node"}).assign(side="right")
    # Order is left to the drawing, after masking: sorting exact figures
    # here would tell where a masked one lies between its neighbours.
    left_nodes["group"] = (left_nodes["node"] == say(MESSAGES, "other_materials", lang)).astype(int)
    left_nodes["label"] = left_nodes["node"]
    right_nodes["group"] = right_nodes["node"].str.startswith("today:").astype(int)
    right_nodes["label"] = right_nodes["node"].map(lambda n: target_label(n, lang))
    nodes = pd.concat([left_nodes, right_nodes], ignore_index=True)
    return nodes.assign(masked=False)[["side", "node", "label", "group", "quantity", "contributors", "masked"]], edges


def activities_table(catalogue: Catalogue, kpis: Mapping[str, Any], lang: Lang) -> pd.DataFrame:
    rows = [(job_line_label(catalogue, str(key), lang), float(fte)) for key, fte in kpis["jobs_by_activity"].items()]
    return pd.DataFrame(rows, columns=["label", "fte"])
