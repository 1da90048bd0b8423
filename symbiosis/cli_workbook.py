"""Commands for the spreadsheet workflow: template, import, export and diff.

The chargé de mission keeps the inventory in a workbook; these commands turn
it into an inventory folder and back, and say what changed from one year to
the next. Registered on the shared `app` when this module is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from symbiosis.app import InventoryArg, Settings, app, console
from symbiosis.i18n import Messages, say

if TYPE_CHECKING:
    from symbiosis.flows import Inventory

MESSAGES: Messages = {
    "template": (
        "Modèle de classeur écrit dans {path} : remplissez-le, puis « symbiosis import {path} --to DOSSIER ».",
        "Workbook template written to {path}: fill it in, then 'symbiosis --lang en import {path} --to FOLDER'.",
    ),
    "exported": ("Inventaire {name} ({year}) exporté dans {path}", "Inventory {name} ({year}) exported to {path}"),
    "imported": ("Inventaire {name} ({year}) importé dans {path}", "Inventory {name} ({year}) imported into {path}"),
    "counts": (
        "{companies} établissements, {flows} flux, {facilities} installations partagées",
        "{companies} establishments, {flows} flows, {facilities} shared facilities",
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


def _counts(inventory: Inventory) -> str:
    return say(
        MESSAGES, "counts", Settings.lang, companies=len(inventory.companies),
        flows=len(inventory.flows), facilities=len(inventory.facilities),
    )


@app.command()
def template(file: WorkbookArg, force: ForceOption = False) -> None:
    """Écrire un classeur vierge à remplir (Territoire, Entreprises, Flux, Installations, Aide)."""
    from symbiosis.workbook import write_template

    write_template(file, Settings.lang, force=force)
    console().print(say(MESSAGES, "template", Settings.lang, path=file), style="bold green", markup=False)


@app.command("import")
def import_(file: WorkbookArg, to: TargetOption, force: ForceOption = False) -> None:
    """Valider un classeur et l'écrire comme dossier d'inventaire."""
    from symbiosis.workbook import import_workbook

    inventory, kept = import_workbook(file, to, force=force)
    out = console()
    territory = inventory.territory
    out.print(
        say(MESSAGES, "imported", Settings.lang, name=territory.name, year=territory.year, path=to),
        style="bold green", markup=False,
    )
    out.print(_counts(inventory), markup=False)
    if kept:
        out.print(say(MESSAGES, "kept", Settings.lang, names=", ".join(kept)), markup=False)


@app.command()
def export(folder: InventoryArg, file: WorkbookArg, force: ForceOption = False) -> None:
    """Écrire un inventaire sous forme de classeur, au format du modèle."""
    from symbiosis.workbook import export_inventory

    inventory = export_inventory(folder, file, Settings.lang, force=force)
    out = console()
    territory = inventory.territory
    out.print(
        say(MESSAGES, "exported", Settings.lang, name=territory.name, year=territory.year, path=file),
        style="bold green", markup=False,
    )
    out.print(_counts(inventory), markup=False)


def _load_both(old: Path, new: Path) -> tuple[Inventory, Inventory]:
    """Both inventories, or every problem of both, each named with its folder."""
    from dataclasses import replace

    from symbiosis.flows import load_inventory
    from symbiosis.problems import InputError, Problem

    loaded: list[Inventory] = []
    problems: list[Problem] = []
    for folder in (old, new):
        try:
            loaded.append(load_inventory(folder))
        except InputError as error:
            problems += [
                p if p.file == str(folder) else replace(p, file=str(folder / p.file)) for p in error.problems
            ]
    if problems:
        raise InputError(problems)
    return loaded[0], loaded[1]


@app.command()
def diff(
    old: OldArg, new: NewArg, threshold: ThresholdOption = 0.1, out: DiffOutOption = None
) -> None:
    """Ce qui a changé d'un inventaire à l'autre : entreprises et flux ajoutés, retirés, modifiés."""
    from symbiosis.diff import diff_inventories, print_diff
    from symbiosis.output import guard, write_csv

    if out is not None:
        guard(out, [old, new])
    before, after = _load_both(old, new)
    table = diff_inventories(before, after, threshold)
    if out is not None:
        write_csv(out, table)
    print_diff(table, before, after, threshold, console(), Settings.lang, out)
