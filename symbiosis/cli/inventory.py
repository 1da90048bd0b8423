"""Commands on the inventory: `check` (is it valid, what does it declare) and
`match` (every possible exchange, each explained).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from symbiosis.cli.app import DistanceOption, InventoryArg, OutFile, console, settings
from symbiosis.core.frames import rows
from symbiosis.core.words import Lang, Messages, number, say

if TYPE_CHECKING:
    import pandas as pd

    from symbiosis.flows import Inventory

GraphOption = Annotated[
    Path | None,
    typer.Option("--graph", help="Écrire aussi le graphe des compatibilités en GraphML (Gephi, yEd)."),
]
CompanyOption = Annotated[
    str | None, typer.Option("--company", help="N'afficher que les opportunités de cette entreprise (id).")
]


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(match)


def check(ctx: typer.Context, folder: InventoryArg) -> None:
    """Valider un inventaire et en afficher le résumé."""
    from symbiosis.flows import load_inventory

    inventory = load_inventory(folder)
    print_summary(inventory, console(), settings(ctx).lang)


def match(
    ctx: typer.Context,
    folder: InventoryArg,
    out: OutFile,
    company: CompanyOption = None,
    max_distance: DistanceOption = None,
    graph: GraphOption = None,
) -> None:
    """Proposer toutes les mises en relation possibles et les écrire en CSV."""
    from symbiosis.core.files import guard, write_csv
    from symbiosis.flows import load_inventory
    from symbiosis.matcher import match as find_links
    from symbiosis.matching.graph import compatibility_graph, graph_summary, write_graphml
    from symbiosis.matching.reasons import reasons

    lang = settings(ctx).lang
    guard(out, [folder])
    if graph is not None:
        guard(graph, [folder])
    inventory = load_inventory(folder)
    links = find_links(inventory, max_distance_km=max_distance).links
    if company is not None:
        links = links[(links["from_company"] == company) | (links["to_company"] == company)]
    table = links_table(links, reasons(inventory, links, lang))
    write_csv(out, table)
    print_links(inventory, table, console(), lang, out)
    if graph is not None:
        network = compatibility_graph(inventory, links)
        write_graphml(network, graph)
        summary = graph_summary(network)
        console().print(
            say(LINK_MESSAGES, "graph", lang, path=graph, nodes=sum(summary["nodes"].values()), links=summary["links"]),
            style="bold green", markup=False,
        )


MESSAGES: Messages = {
    "valid": ("Inventaire valide : {name} ({year:d})", "Valid inventory: {name} ({year:d})"),
    "companies": (
        "{count} {count:établissement|établissements}, dont {ess} de l'économie sociale et solidaire",
        "{count} {count:establishment|establishments}, {ess} of them social-economy structures",
    ),
    "flows": (
        "{count} flux : {outputs} {outputs:sortie|sorties} (déchets, coproduits, énergie fatale) et {inputs} {inputs:besoin|besoins}",
        "{count} {count:flow|flows}: {outputs} {outputs:output|outputs} (waste, by-products, surplus energy) and {inputs} {inputs:input|inputs}",
    ),
    "declared": (
        "Déclaré : {out_t} t/an en sortie, {in_t} t/an de besoins ; {out_mwh} MWh/an d'énergie offerte, {in_mwh} MWh/an demandés",
        "Declared: {out_t} t/yr of outputs, {in_t} t/yr of inputs; {out_mwh} MWh/yr of energy offered, {in_mwh} MWh/yr needed",
    ),
    "facilities": (
        "{count} {count:installation partagée|installations partagées} : {existing} {existing:existante|existantes}, {candidate} en projet",
        "{count} shared {count:facility|facilities}: {existing} existing, {candidate} candidate",
    ),
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
    pairs: list[Any] = list(table.columns)
    table.columns = [f"{direction}_{stat}" for stat, direction in pairs]
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
    for row in rows(by_material(inventory)):
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
        for row in rows(facilities):
            ftype = types[str(row.type)]
            fac.add_row(
                str(row.id),
                ftype.label_fr if lang == "fr" else ftype.label_en,
                say(MESSAGES, str(row.status), lang),
                f"{number(float(row.capacity_ref), lang, 0)} {ftype.intake_unit}",
            )
        console.print(fac)


LINK_MESSAGES: Messages = {
    "links": (
        "{count} {count:mise en relation possible, écrite|mises en relation possibles, écrites} dans {path}",
        "{count} {count:possible link|possible links}, written to {path}",
    ),
    "graph": (
        "Graphe des compatibilités écrit dans {path} ({nodes} nœuds, {links} {links:lien|liens})",
        "Compatibility graph written to {path} ({nodes} nodes, {links} {links:link|links})",
    ),
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
    for row in rows(table.sort_values("potential", ascending=False).head(15)):
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
    for row in rows(grouped):
        per.add_row(label(row.material), str(row.outputs))
    console.print(per)
