"""What an inventory declares, in the words of `symbiosis check`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from symbiosis.flows import Inventory
from symbiosis.i18n import Lang, Messages, number, say

MESSAGES: Messages = {
    "valid": ("Inventaire valide : {name} ({year})", "Valid inventory: {name} ({year})"),
    "companies": (
        "{count} établissements, dont {ess} de l'économie sociale et solidaire",
        "{count} establishments, {ess} of them social-economy structures",
    ),
    "flows": (
        "{count} flux : {outputs} sorties (déchets, coproduits, énergie fatale) et {inputs} besoins",
        "{count} flows: {outputs} outputs (waste, by-products, surplus energy) and {inputs} inputs",
    ),
    "declared": (
        "Déclaré : {out_t} t/an en sortie, {in_t} t/an de besoins ; {out_mwh} MWh/an d'énergie offerte, {in_mwh} MWh/an demandés",
        "Declared: {out_t} t/yr of outputs, {in_t} t/yr of inputs; {out_mwh} MWh/yr of energy offered, {in_mwh} MWh/yr needed",
    ),
    "facilities": ("{count} installations partagées : {existing} existantes, {candidate} en projet", "{count} shared facilities: {existing} existing, {candidate} candidate"),
    "table_title": ("Flux par matière", "Flows by material"),
    "material": ("Matière", "Material"),
    "unit": ("Unité", "Unit"),
    "outputs": ("Sorties", "Outputs"),
    "out_qty": ("Quantité sortie /an", "Output quantity /yr"),
    "inputs": ("Besoins", "Inputs"),
    "in_qty": ("Quantité besoin /an", "Input quantity /yr"),
    "other": ("(code déchet hors catalogue)", "(waste code outside the catalogue)"),
    "fac_title": ("Installations partagées", "Shared facilities"),
    "id": ("Id", "Id"),
    "type": ("Type", "Type"),
    "status": ("Statut", "Status"),
    "capacity": ("Capacité /an", "Capacity /yr"),
    "existing": ("existante", "existing"),
    "candidate": ("en projet", "candidate"),
}


def by_material(inventory: Inventory) -> pd.DataFrame:
    """Count and quantity (reference unit) per material and direction."""
    flows = inventory.flows.assign(material=inventory.flows["material"].fillna(""))
    table = flows.pivot_table(
        index=["material", "ref_unit"],
        columns="direction",
        values="quantity_ref",
        aggfunc=["count", "sum"],
        fill_value=0,
    )
    table.columns = [f"{direction}_{stat}" for stat, direction in table.columns]
    for column in ("output_count", "input_count", "output_sum", "input_sum"):
        if column not in table.columns:
            table[column] = 0
    return table.reset_index().sort_values("output_sum", ascending=False, ignore_index=True)


def print_summary(inventory: Inventory, console: Console, lang: Lang) -> None:
    territory, flows, facilities = inventory.territory, inventory.flows, inventory.facilities
    console.print(say(MESSAGES, "valid", lang, name=territory.name, year=territory.year), style="bold green")
    console.print(
        say(MESSAGES, "companies", lang, count=len(inventory.companies), ess=int(inventory.companies["ess"].sum()))
    )
    outputs = flows["direction"] == "output"
    console.print(
        say(MESSAGES, "flows", lang, count=len(flows), outputs=int(outputs.sum()), inputs=int((~outputs).sum()))
    )
    mass = flows["ref_unit"] == "t"
    console.print(
        say(
            MESSAGES,
            "declared",
            lang,
            out_t=number(flows.loc[outputs & mass, "quantity_ref"].sum(), lang, 0),
            in_t=number(flows.loc[~outputs & mass, "quantity_ref"].sum(), lang, 0),
            out_mwh=number(flows.loc[outputs & ~mass, "quantity_ref"].sum(), lang, 0),
            in_mwh=number(flows.loc[~outputs & ~mass, "quantity_ref"].sum(), lang, 0),
        )
    )
    materials = inventory.catalogue.materials
    table = Table(title=say(MESSAGES, "table_title", lang), title_justify="left")
    for key in ("material", "unit", "outputs", "out_qty", "inputs", "in_qty"):
        table.add_column(say(MESSAGES, key, lang), justify="left" if key in {"material", "unit"} else "right")
    for row in by_material(inventory).itertuples(index=False):
        material = materials.get(str(row.material))
        label = say(MESSAGES, "other", lang) if material is None else (
            material.label_fr if lang == "fr" else material.label_en
        )
        table.add_row(
            label,
            str(row.ref_unit),
            str(int(row.output_count)),
            number(float(row.output_sum), lang, 1),
            str(int(row.input_count)),
            number(float(row.input_sum), lang, 1),
        )
    console.print(table)
    existing = int((facilities["status"] == "existing").sum())
    console.print(
        say(MESSAGES, "facilities", lang, count=len(facilities), existing=existing, candidate=len(facilities) - existing)
    )
    if len(facilities):
        fac = Table(title=say(MESSAGES, "fac_title", lang), title_justify="left")
        for key in ("id", "type", "status", "capacity"):
            fac.add_column(say(MESSAGES, key, lang))
        types = inventory.catalogue.facility_types
        for row in facilities.itertuples(index=False):
            ftype = types[str(row.type)]
            fac.add_row(
                str(row.id),
                ftype.label_fr if lang == "fr" else ftype.label_en,
                say(MESSAGES, str(row.status), lang),
                f"{number(float(row.capacity_ref), lang, 0)} {ftype.intake_unit}",
            )
        console.print(fac)


LINK_MESSAGES: Messages = {
    "links": ("{count} mises en relation possibles, écrites dans {path}", "{count} possible links, written to {path}"),
    "top": ("Meilleures opportunités (quantité potentielle)", "Top opportunities (potential quantity)"),
    "per_material": ("Potentiel par matière", "Potential by material"),
    "from": ("De", "From"),
    "to": ("Vers", "To"),
    "material": ("Matière", "Material"),
    "potential": ("Potentiel /an", "Potential /yr"),
    "km": ("km", "km"),
    "reason": ("Raison", "Reason"),
    "outputs_linked": ("Sorties concernées", "Outputs linked"),
    "none": ("Aucune mise en relation possible.", "No possible link."),
}

LINK_CSV_COLUMNS = [
    "from_flow", "from_company", "to", "to_company", "material", "rule", "distance_km",
    "potential", "unit", "route", "regulation", "value_eur_per_unit", "co2e_kg_per_unit",
    "jobs_per_unit", "reason",
]


def links_table(links: pd.DataFrame, reason: pd.Series) -> pd.DataFrame:
    """The links as written by `symbiosis match`, rounded for reading."""
    table = links.assign(reason=reason).sort_values(["from_flow", "distance_km", "to"], kind="stable")
    table["distance_km"] = table["distance_km"].astype(float).round(3)
    table["potential"] = table["potential"].astype(float).round(3)
    return table[LINK_CSV_COLUMNS]


def print_links(inventory: Inventory, table: pd.DataFrame, console: Console, lang: Lang, path: Path) -> None:
    console.print(say(LINK_MESSAGES, "links", lang, count=len(table), path=path), style="bold green")
    if table.empty:
        console.print(say(LINK_MESSAGES, "none", lang))
        return
    materials = inventory.catalogue.materials

    def label(key: object) -> str:
        material = materials.get(str(key))
        return str(key) if material is None else material.label_fr if lang == "fr" else material.label_en

    names = dict(zip(inventory.companies["id"], inventory.companies["name"], strict=True))
    names.update(zip(inventory.facilities["id"], inventory.facilities["name"].fillna(inventory.facilities["id"]), strict=True))
    top = Table(title=say(LINK_MESSAGES, "top", lang), title_justify="left")
    for key in ("from", "to", "material", "potential", "km", "reason"):
        top.add_column(say(LINK_MESSAGES, key, lang), justify="right" if key in {"potential", "km"} else "left")
    for row in table.sort_values("potential", ascending=False).head(15).itertuples(index=False):
        top.add_row(
            names.get(str(row.from_company), str(row.from_company)),
            names.get(str(row.to_company), str(row.to_company)),
            label(row.material),
            f"{number(float(row.potential), lang, 1)} {row.unit}",
            number(float(row.distance_km), lang, 1),
            str(row.reason),
        )
    console.print(top)
    grouped = table.groupby(["material", "unit"], dropna=False).agg(
        outputs=("from_flow", "nunique"), potential=("potential", "sum")
    ).reset_index().sort_values("potential", ascending=False)
    per = Table(title=say(LINK_MESSAGES, "per_material", lang), title_justify="left")
    for key in ("material", "outputs_linked"):
        per.add_column(say(LINK_MESSAGES, key, lang))
    for row in grouped.itertuples(index=False):
        per.add_row(label(row.material), str(row.outputs))
    console.print(per)


PLAN_MESSAGES: Messages = {
    "written": ("Plan optimisé ({objective}) écrit dans {path}", "Optimised plan ({objective}) written to {path}"),
    "title": ("Ce que le territoire gagne chaque année", "What the territory gains each year"),
    "indicator": ("Indicateur", "Indicator"),
    "value": ("Valeur", "Value"),
    "valorised_t": ("Matières valorisées localement", "Materials kept in local use"),
    "valorised_share": ("Part des sorties déclarées valorisée", "Share of declared outputs used"),
    "valorised_mwh": ("Énergie fatale valorisée", "Surplus energy used"),
    "insertion_jobs": ("Emplois créés (ETP)", "Jobs created (FTE)"),
    "co2e_avoided_t": ("Émissions évitées", "Emissions avoided"),
    "net_value_eur_per_year": ("Gain net (coûts évités − transport − installations)", "Net gain (costs avoided − transport − facilities)"),
    "transport_tkm": ("Transport", "Transport"),
    "links": ("Échanges retenus", "Exchanges chosen"),
    "companies_involved": ("Entreprises concernées", "Companies involved"),
    "landfill_avoided_t": ("Enfouissement évité", "Landfill avoided"),
    "investment_eur": ("Investissement", "Investment"),
    "jobs_title": ("Emplois par activité (ETP)", "Jobs by activity (FTE)"),
    "activity": ("Activité", "Activity"),
    "limits": ("Ce qui limite le plan :", "What limits the plan:"),
}


def print_plan(
    inventory: Inventory, kpis: dict[str, object], path: Path, console: Console, lang: Lang, limits: list[str] | None = None
) -> None:
    """The console summary of an optimised plan."""
    console.print(say(PLAN_MESSAGES, "written", lang, objective=kpis["objective"], path=path), style="bold green")
    table = Table(title=say(PLAN_MESSAGES, "title", lang), title_justify="left")
    table.add_column(say(PLAN_MESSAGES, "indicator", lang))
    table.add_column(say(PLAN_MESSAGES, "value", lang), justify="right")

    def value(key: str) -> float:
        raw = kpis[key]
        return float(raw) if isinstance(raw, int | float) else 0.0

    rows = [
        ("valorised_t", f"{number(value('valorised_t'), lang, 1)} t"),
        ("valorised_share", f"{number(100 * value('valorised_share'), lang, 1)} %"),
        ("valorised_mwh", f"{number(value('valorised_mwh'), lang, 0)} MWh"),
        ("landfill_avoided_t", f"{number(value('landfill_avoided_t'), lang, 1)} t"),
        ("co2e_avoided_t", f"{number(value('co2e_avoided_t'), lang, 1)} t CO2e"),
        ("insertion_jobs", number(value("insertion_jobs"), lang, 2)),
        ("net_value_eur_per_year", f"{number(value('net_value_eur_per_year'), lang, 0)} €"),
        ("investment_eur", f"{number(value('investment_eur'), lang, 0)} €"),
        ("transport_tkm", f"{number(value('transport_tkm'), lang, 0)} t·km"),
        ("links", str(kpis["links"])),
        ("companies_involved", str(kpis["companies_involved"])),
    ]
    for key, text in rows:
        table.add_row(say(PLAN_MESSAGES, key, lang), text)
    console.print(table)
    jobs = kpis.get("jobs_by_activity")
    if isinstance(jobs, dict) and jobs:
        activities = inventory.catalogue.activities
        detail = Table(title=say(PLAN_MESSAGES, "jobs_title", lang), title_justify="left")
        detail.add_column(say(PLAN_MESSAGES, "activity", lang))
        detail.add_column(say(PLAN_MESSAGES, "value", lang), justify="right")
        for key, fte in jobs.items():
            base = key.removesuffix("_fixed")
            activity = activities.get(base)
            label = key if activity is None else activity.label_fr if lang == "fr" else activity.label_en
            detail.add_row(label + (" (fixes)" if key.endswith("_fixed") else ""), number(float(fte), lang, 2))
        console.print(detail)
    if limits:
        console.print(say(PLAN_MESSAGES, "limits", lang), style="bold")
        for sentence in limits:
            console.print(f"  • {sentence}", markup=False)
