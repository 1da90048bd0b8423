"""The `symbiosis` command line.

Each command reads, computes through the pipeline modules and prints; bad
input ends in one clear line per problem and exit code 1, never a Python
traceback (unless `--debug`). Heavy modules are imported inside commands so
that `symbiosis check` starts fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from symbiosis.i18n import Lang, Messages, say
from symbiosis.problems import InputError

app = typer.Typer(
    name="symbiosis",
    help="Symbiose industrielle : inventaire, mise en relation, optimisation, rapport.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Language(str, Enum):
    fr = "fr"
    en = "en"


class Settings:
    """Options shared by every command (set by the app callback)."""

    lang: Lang = "fr"
    debug: bool = False


MESSAGES: Messages = {
    "invalid": ("{count} problème(s) dans l'inventaire :", "{count} problem(s) in the inventory:"),
    "internal": (
        "erreur interne : {error} (relancez avec --debug pour le détail)",
        "internal error: {error} (run again with --debug for details)",
    ),
}

LangOption = Annotated[Language, typer.Option("--lang", help="Langue des messages : fr ou en.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Afficher la trace Python en cas d'erreur.")]
InventoryArg = Annotated[
    Path, typer.Argument(help="Dossier d'inventaire (territory.toml, companies.csv, flows.csv…).")
]


@app.callback()
def _options(lang: LangOption = Language.fr, debug: DebugOption = False) -> None:
    """Symbiose industrielle : inventaire, mise en relation, optimisation, rapport."""
    Settings.lang = lang.value  # type: ignore[assignment]
    Settings.debug = debug


def console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=120 if not sys.stdout.isatty() else None)


@app.command()
def check(folder: InventoryArg) -> None:
    """Valider un inventaire et en afficher le résumé."""
    from symbiosis.flows import load_inventory
    from symbiosis.summary import print_summary

    inventory = load_inventory(folder)
    print_summary(inventory, console(), Settings.lang)


OutFile = Annotated[Path, typer.Option("--out", help="Fichier CSV à écrire.")]
CompanyOption = Annotated[
    str | None, typer.Option("--company", help="N'afficher que les opportunités de cette entreprise (id).")
]
DistanceOption = Annotated[
    float | None, typer.Option("--max-distance", min=0.001, help="Distance maximale en km (plafonne celle du territoire).")
]


@app.command()
def match(
    folder: InventoryArg,
    out: OutFile,
    company: CompanyOption = None,
    max_distance: DistanceOption = None,
) -> None:
    """Proposer toutes les mises en relation possibles et les écrire en CSV."""
    from symbiosis.flows import load_inventory
    from symbiosis.matcher import match as find_links
    from symbiosis.matcher import reasons
    from symbiosis.output import guard, write_csv
    from symbiosis.summary import links_table, print_links

    guard(out, [folder])
    inventory = load_inventory(folder)
    links = find_links(inventory, max_distance_km=max_distance).links
    if company is not None:
        links = links[(links["from_company"] == company) | (links["to_company"] == company)]
    table = links_table(links, reasons(inventory, links, Settings.lang))
    write_csv(out, table)
    print_links(inventory, table, console(), Settings.lang, out)


class ObjectiveChoice(str, Enum):
    tonnes = "tonnes"
    value = "value"
    co2 = "co2"
    jobs = "jobs"


class SolverChoice(str, Enum):
    cbc = "cbc"
    highs = "highs"


OutDir = Annotated[Path, typer.Option("--out", help="Dossier où écrire kpis.json, allocation.csv…")]
ObjectiveOption = Annotated[
    ObjectiveChoice, typer.Option("--objective", help="Ce que l'on maximise : tonnes, value, co2 ou jobs.")
]
SolverOption = Annotated[SolverChoice, typer.Option("--solver", help="Solveur : cbc (par défaut) ou highs.")]
MinJobsOption = Annotated[float | None, typer.Option("--min-jobs", min=0, help="Emplois d'insertion minimum (ETP).")]
ExcludeOption = Annotated[
    list[str] | None, typer.Option("--exclude-company", help="Retirer cette entreprise (répétable).")
]
TimeLimitOption = Annotated[float | None, typer.Option("--time-limit", min=0.1, help="Temps de calcul maximum (s).")]
SitingOption = Annotated[
    bool, typer.Option("--siting", help="Laisser l'optimisation choisir quelles installations en projet construire.")
]


@app.command()
def optimize(
    folder: InventoryArg,
    out: OutDir,
    objective: ObjectiveOption = ObjectiveChoice.tonnes,
    min_jobs: MinJobsOption = None,
    max_distance: DistanceOption = None,
    exclude_company: ExcludeOption = None,
    solver: SolverOption = SolverChoice.cbc,
    time_limit: TimeLimitOption = None,
    siting: SitingOption = False,
) -> None:
    """Choisir les échanges qui valorisent le plus et écrire le plan."""
    from symbiosis.flows import load_inventory, without_companies
    from symbiosis.kpis import write_results
    from symbiosis.matcher import match as find_links
    from symbiosis.optimize import InfeasibleError, Options, optimise
    from symbiosis.output import guard
    from symbiosis.summary import print_plan

    guard(out, [folder])
    inventory = without_companies(load_inventory(folder), exclude_company or [])
    found = find_links(inventory, max_distance_km=max_distance)
    options = Options(
        objective=objective.value,  # type: ignore[arg-type]
        solver=solver.value,  # type: ignore[arg-type]
        time_limit_s=time_limit,
        min_jobs=min_jobs,
        siting=siting,
    )
    try:
        plan = optimise(inventory, found, options)
    except InfeasibleError as error:
        console().print(error.render(Settings.lang), style="bold red", markup=False)
        raise typer.Exit(1) from error
    kpis = write_results(out, inventory, plan)
    print_plan(inventory, kpis, out, console(), Settings.lang)


def main() -> None:
    """Entry point: run the app, turning input errors into clear messages."""
    try:
        app(standalone_mode=False)
    except InputError as error:
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        err.print(say(MESSAGES, "invalid", Settings.lang, count=len(error.problems)), markup=False)
        for line in error.render(Settings.lang):
            err.print(line, markup=False)
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as error:  # the last line of defence: one sentence, no traceback
        import click

        if isinstance(error, click.exceptions.ClickException):
            error.show()
            sys.exit(error.exit_code)
        if Settings.debug:
            raise
        Console(stderr=True).print(say(MESSAGES, "internal", Settings.lang, error=error), markup=False)
        sys.exit(1)
