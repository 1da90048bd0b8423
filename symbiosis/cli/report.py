"""`symbiosis report`: the committee report, as HTML, PDF or Markdown.

The heavy modules (jinja2, the charts) load only when a report is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from symbiosis.cli.app import (
    AllowLossesOption,
    InventoryArg,
    ObjectiveChoice,
    ObjectiveOption,
    console,
    settings,
)
from symbiosis.core.words import Messages, say

if TYPE_CHECKING:
    import pandas as pd

    from symbiosis.flows import Inventory
    from symbiosis.model.options import Options
    from symbiosis.model.plan import Plan

MESSAGES: Messages = {
    "suffix": ("« {suffix} » : extension .html, .pdf ou .md attendue", "'{suffix}': a .html, .pdf or .md suffix is expected"),
    "written": ("Rapport écrit dans {paths}", "Report written to {paths}"),
}

ReportOut = Annotated[
    Path, typer.Option("--out", help="Fichier du rapport : .html (autonome, hors ligne), .pdf ou .md.")
]
ScenarioOption = Annotated[
    list[Path] | None,
    typer.Option("--scenario", help="Fichier de scénario à comparer à la situation de référence (répétable)."),
]
AnonymiseOption = Annotated[
    bool,
    typer.Option("--anonymise", help="Masquer toutes les entreprises (pseudonymes, quantités en tranches)."),
]


def register(app: typer.Typer) -> None:
    app.command()(report)


def report(
    ctx: typer.Context,
    folder: InventoryArg,
    out: ReportOut,
    objective: ObjectiveOption = ObjectiveChoice.tonnes,
    scenario: ScenarioOption = None,
    anonymise: AnonymiseOption = False,
    allow_losses: AllowLossesOption = False,
) -> None:
    """Écrire le rapport du comité : synthèse, carte, flux, échanges, fiches entreprises, sources."""
    from symbiosis.core.files import guard
    from symbiosis.flows import load_inventory
    from symbiosis.matcher import match
    from symbiosis.model.options import Options
    from symbiosis.optimize import optimise
    from symbiosis.report.build import prepare
    from symbiosis.report.render import FORMATS, sidecar, write_report

    lang = settings(ctx).lang
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise typer.BadParameter(say(MESSAGES, "suffix", lang, suffix=out.suffix or out.name), param_hint="--out")
    targets = [out]
    if suffix == ".md":
        targets += [sidecar(out, "map", lang), sidecar(out, "sankey", lang)]
    for target in targets:
        guard(target, [folder])
    inventory = load_inventory(folder)
    options = Options(objective=objective.value, allow_losses=allow_losses)
    files = list(scenario or [])
    if files:  # the base case is solved once, for the report and for the comparison
        plan, comparison, scenarios = _scenarios(inventory, files, options)
    else:
        plan, comparison, scenarios = optimise(inventory, match(inventory), options), None, []
    data = prepare(inventory, plan, lang=lang, anonymise_all=anonymise, comparison=comparison, scenarios=scenarios)
    written = write_report(out, data)
    paths = ", ".join(str(p) for p in written)
    console().print(say(MESSAGES, "written", lang, paths=paths), style="bold green", markup=False)


def _scenarios(
    inventory: Inventory, files: list[Path], options: Options
) -> tuple[Plan, pd.DataFrame, list[tuple[str, str, str]]]:
    """The base plan, the comparison table and each scenario's column key, name and purpose."""
    from symbiosis.analysis.scenarios import comparison, run_scenarios

    runs = run_scenarios(inventory, files, options)
    named = [(run.key, run.name, run.description) for run in runs[1:]]
    return runs[0].plan, comparison(runs), named
