"""Commands for the spreadsheet workflow: template, import, export and diff.

The chargé de mission keeps the inventory in a workbook; these commands turn
it into an inventory folder and back, and say what changed from one year to
the next.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from symbiosis.cli.app import InventoryArg, console, settings
from symbiosis.core.words import Lang, Messages, number, say

if TYPE_CHECKING:
    import pandas as pd

    from symbiosis.flows import Inventory

MESSAGES: Messages = {
    "template": (
        "Modèle de classeur écrit dans {path} : remplissez-le, puis « symbiosis import {path} --to DOSSIER ».",
        "Workbook template written to {path}: fill it in, then 'symbiosis --lang en import {path} --to FOLDER'.",
    ),
    "exported": ("Inventaire {name} ({year:d}) exporté dans {path}", "Inventory {name} ({year:d}) exported to {path}"),
    "imported": ("Inventaire {name} ({year:d}) importé dans {path}", "Inventory {name} ({year:d}) imported into {path}"),
    "counts": (
        "{companies} {companies:établissement|établissements}, {flows} flux, {facilities} {facilities:installation partagée|installations partagées}",
        "{companies} {companies:establishment|establishments}, {flows} {flows:flow|flows}, {facilities} shared {facilities:facility|facilities}",
    ),
    "kept": ("Conservés de l'ancien dossier : {names}", "Kept from the previous folder: {names}"),
}

WorkbookArg = Annotated[Path, typer.Argument(help="Classeur Excel (.xlsx).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Remplacer ce qui existe déjà à cet emplacement.")]
TargetOption = Annotated[Path, typer.Option("--to", help="Dossier d'inventaire à écrire.")]
OldArg = Annotated[Path, typer.Argument(help="Inventaire de l'an passé (dossier).")]
NewArg = Annotated[Path, typer.Argument(help="Inventaire de cette année (dossier).")]
ThresholdOption = Annotated[
    float,
    typer.Option("--threshold", min=0.0, help="Variation relative de quantité à partir de laquelle un flux est modifié."),
]
DiffOutOption = Annotated[Path | None, typer.Option("--out", help="Fichier CSV des changements à écrire.")]


def register(app: typer.Typer) -> None:
    app.command()(template)
    app.command("import")(import_)
    app.command()(export)
    app.command()(diff)


def _done(key: str, inventory: Inventory, path: Path, lang: Lang) -> None:
    """What was imported or exported, and how much of it."""
    out = console()
    territory = inventory.territory
    out.print(say(MESSAGES, key, lang, name=territory.name, year=territory.year, path=path),
              style="bold green", markup=False)
    out.print(say(MESSAGES, "counts", lang, companies=len(inventory.companies), flows=len(inventory.flows),
                  facilities=len(inventory.facilities)), markup=False)


def template(ctx: typer.Context, file: WorkbookArg, force: ForceOption = False) -> None:
    """Écrire un classeur vierge à remplir (Territoire, Entreprises, Flux, Installations, Aide)."""
    from symbiosis.workbook.write import write_template

    lang = settings(ctx).lang
    write_template(file, lang, force=force)
    console().print(say(MESSAGES, "template", lang, path=file), style="bold green", markup=False)


def import_(ctx: typer.Context, file: WorkbookArg, to: TargetOption, force: ForceOption = False) -> None:
    """Valider un classeur et l'écrire comme dossier d'inventaire."""
    from symbiosis.workbook.read import import_workbook

    lang = settings(ctx).lang
    inventory, kept = import_workbook(file, to, force=force)
    _done("imported", inventory, to, lang)
    if kept:
        console().print(say(MESSAGES, "kept", lang, names=", ".join(kept)), markup=False)


def export(ctx: typer.Context, folder: InventoryArg, file: WorkbookArg, force: ForceOption = False) -> None:
    """Écrire un inventaire sous forme de classeur, au format du modèle."""
    from symbiosis.workbook.write import export_inventory

    lang = settings(ctx).lang
    inventory = export_inventory(folder, file, lang, force=force)
    _done("exported", inventory, file, lang)


def _load_both(old: Path, new: Path) -> tuple[Inventory, Inventory]:
    """Both inventories, or every problem of both, each named with its folder."""
    from dataclasses import replace

    from symbiosis.core.problems import InputError, Problem
    from symbiosis.flows import load_inventory

    loaded: list[Inventory] = []
    problems: list[Problem] = []
    for folder in (old, new):
        try:
            loaded.append(load_inventory(folder))
        except InputError as error:
            problems += [
                p if p.file is None or p.file == str(folder) else replace(p, file=str(folder / p.file))
                for p in error.problems
            ]
    if problems:
        raise InputError(problems)
    return loaded[0], loaded[1]


def diff(
    ctx: typer.Context,
    old: OldArg, new: NewArg, threshold: ThresholdOption = 0.1, out: DiffOutOption = None
) -> None:
    """Ce qui a changé d'un inventaire à l'autre : entreprises et flux ajoutés, retirés, modifiés."""
    from symbiosis.analysis.diff import diff_inventories
    from symbiosis.core.files import guard, write_csv

    lang = settings(ctx).lang
    if out is not None:
        guard(out, [old, new])
    before, after = _load_both(old, new)
    table = diff_inventories(before, after, threshold)
    if out is not None:
        write_csv(out, table)
    print_diff(table, before, after, threshold, console(), lang, out)


DIFF_MESSAGES: Messages = {
    "title": ("Changements entre {old} et {new}", "Changes between {old} and {new}"),
    "counts": (
        "Entreprises : {company_added} {company_added:ajoutée|ajoutées}, {company_removed} {company_removed:retirée|retirées}. "
        "Flux : {flow_added} {flow_added:ajouté|ajoutés}, {flow_removed} {flow_removed:retiré|retirés}, "
        "{flow_changed} {flow_changed:modifié|modifiés} (seuil : {threshold} de variation de quantité).",
        "Companies: {company_added} added, {company_removed} removed. Flows: {flow_added} added, "
        "{flow_removed} removed, {flow_changed} changed (threshold: {threshold} change in quantity).",
    ),
    "none": ("Aucun changement.", "No change."),
    "written": ("Changements écrits dans {path}", "Changes written to {path}"),
    "change": ("Changement", "Change"),
    "id": ("Identifiant", "Id"),
    "company": ("Entreprise", "Company"),
    "before": ("Avant", "Before"),
    "after": ("Après", "After"),
    "variation": ("Variation", "Change"),
    "company_added": ("entreprise ajoutée", "company added"),
    "company_removed": ("entreprise retirée", "company removed"),
    "flow_added": ("flux ajouté", "flow added"),
    "flow_removed": ("flux retiré", "flow removed"),
    "flow_changed": ("flux modifié", "flow changed"),
}


def _describe(row: pd.Series, side: str, lang: Lang) -> str:
    if row[f"{side}_quantity"] is None:
        return ""
    parts = [str(row[f"{side}_direction"])]
    parts += [str(row[f"{side}_{name}"]) for name in ("ewc", "material") if row[f"{side}_{name}"]]
    parts.append(f"{number(float(row[f'{side}_quantity']), lang, 1)} {row['unit']}")
    return " · ".join(parts)


def print_diff(
    table: pd.DataFrame, old: Inventory, new: Inventory, threshold: float,
    console: Console, lang: Lang, out: Path | None = None,
) -> None:
    """The changes as a table, with counts first."""
    from symbiosis.analysis.diff import CHANGES

    names = {**dict(zip(old.companies["id"], old.companies["name"], strict=True)),
             **dict(zip(new.companies["id"], new.companies["name"], strict=True))}
    label_old = f"{old.territory.name} {old.territory.year}"
    label_new = f"{new.territory.name} {new.territory.year}"
    counts = table["change"].value_counts()
    console.print(say(DIFF_MESSAGES, "title", lang, old=label_old, new=label_new), style="bold", markup=False)
    console.print(
        say(DIFF_MESSAGES, "counts", lang, threshold=f"{number(threshold * 100, lang, 0)} %",
            **{change: int(counts.get(change, 0)) for change in CHANGES}),
        markup=False,
    )
    if out is not None:
        console.print(say(DIFF_MESSAGES, "written", lang, path=out), style="green", markup=False)
    if table.empty:
        console.print(say(DIFF_MESSAGES, "none", lang))
        return
    view = Table(title_justify="left")
    for key in ("change", "id", "company", "before", "after", "variation"):
        view.add_column(say(DIFF_MESSAGES, key, lang), justify="right" if key == "variation" else "left")
    for _, row in table.iterrows():
        change = str(row["change"])
        if change.startswith("company"):
            company = str(row["new_name"] or row["old_name"])
            before = after = variation = ""
        else:
            owner = str(row["new_company"] or row["old_company"])
            company = f"{owner} – {names.get(owner, '')}".rstrip(" –")
            before, after = _describe(row, "old", lang), _describe(row, "new", lang)
            rel = row["relative_change"]
            variation = "" if rel is None else f"{'+' if rel > 0 else ''}{number(float(rel) * 100, lang, 0)} %"
        view.add_row(say(DIFF_MESSAGES, change, lang), str(row["id"]), company, before, after, variation)
    console.print(view)
