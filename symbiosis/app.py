"""The typer application and the options its commands share.

Commands live in `cli.py` and the `cli_*.py` modules, each importing heavy
modules inside the command so that `symbiosis check` starts fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from symbiosis.i18n import Lang

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


LangOption = Annotated[Language, typer.Option("--lang", help="Langue des messages : fr ou en.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Afficher la trace Python en cas d'erreur.")]
InventoryArg = Annotated[
    Path, typer.Argument(help="Dossier d'inventaire (territory.toml, companies.csv, flows.csv…).")
]


@app.callback()
def _options(lang: LangOption = Language.fr, debug: DebugOption = False) -> None:
    """Symbiose industrielle : inventaire, mise en relation, optimisation, rapport."""
    Settings.lang = "en" if lang is Language.en else "fr"
    Settings.debug = debug


def console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=120 if not sys.stdout.isatty() else None)


OutFile = Annotated[Path, typer.Option("--out", help="Fichier CSV à écrire.")]
CompanyOption = Annotated[
    str | None, typer.Option("--company", help="N'afficher que les opportunités de cette entreprise (id).")
]
DistanceOption = Annotated[
    float | None, typer.Option("--max-distance", min=0.001, help="Distance maximale en km (plafonne celle du territoire).")
]


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
ScenarioOption = Annotated[
    Path | None, typer.Option("--scenario", help="Appliquer ce scénario (.toml) avant d'optimiser.")
]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, max=64, help="Processus de calcul en parallèle (parties indépendantes du territoire).")
]
