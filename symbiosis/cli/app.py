"""The settings every command reads and the options the commands share.

Commands live in one module per group (`inventory`, `plan`, `whatif`,
`report`, `workbook`), each importing the heavy modules inside the command
so that `symbiosis check` starts fast; `main.build_app` registers them, so
nothing is registered at import time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from symbiosis.core.words import Lang


@dataclass(frozen=True)
class Settings:
    """What every command reads from the command line: the language and whether to debug."""

    lang: Lang = "fr"
    debug: bool = False


LANG_VARIABLE = "SYMBIOSIS_LANG"


def settings_from(argv: Sequence[str], environ: Mapping[str, str]) -> tuple[Settings, list[str]]:
    """The settings given anywhere on the line (or by `SYMBIOSIS_LANG`), and the rest of the line.

    `--lang en` and `--debug` may stand before or after the command name:
    they are taken out here, so every command and every help page sees them.
    """
    lang: Lang = "en" if environ.get(LANG_VARIABLE, "").strip().lower().startswith("en") else "fr"
    debug = False
    rest: list[str] = []
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            rest += words[index:]
            break
        if word == "--debug":
            debug = True
        elif word == "--lang" and index + 1 < len(words) and words[index + 1] in ("fr", "en"):
            lang = "en" if words[index + 1] == "en" else "fr"
            index += 1
        elif word in ("--lang=fr", "--lang=en"):
            lang = "en" if word.endswith("en") else "fr"
        else:
            rest.append(word)
        index += 1
    return Settings(lang, debug), rest


def settings(ctx: typer.Context) -> Settings:
    """The settings of this run (set by `main`, or by the app callback in tests)."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings()


class Language(str, Enum):
    fr = "fr"
    en = "en"


LangOption = Annotated[Language, typer.Option("--lang", help="Langue des messages : fr ou en.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Afficher la trace Python en cas d'erreur.")]


def global_options(ctx: typer.Context, lang: LangOption = Language.fr, debug: DebugOption = False) -> None:
    """Symbiose industrielle : inventaire, mise en relation, optimisation, rapport."""
    if ctx.obj is None:  # run without `main` (typer's test runner): the options given here
        ctx.obj = Settings("en" if lang is Language.en else "fr", debug)


def console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=120 if not sys.stdout.isatty() else None)


def errors() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def environment() -> Mapping[str, str]:
    return os.environ


InventoryArg = Annotated[
    Path, typer.Argument(help="Dossier d'inventaire (territory.toml, companies.csv, flows.csv…).")
]
OutFile = Annotated[Path, typer.Option("--out", help="Fichier CSV à écrire.")]
OutDir = Annotated[Path, typer.Option("--out", help="Dossier où écrire kpis.json, allocation.csv…")]
DistanceOption = Annotated[
    float | None, typer.Option("--max-distance", min=0.001, help="Distance maximale en km (plafonne celle du territoire).")
]


class ObjectiveChoice(str, Enum):
    tonnes = "tonnes"
    value = "value"
    co2 = "co2"
    jobs = "jobs"


class SolverChoice(str, Enum):
    auto = "auto"
    highs = "highs"
    cbc = "cbc"


ObjectiveOption = Annotated[
    ObjectiveChoice, typer.Option("--objective", help="Ce que l'on maximise : tonnes, value, co2 ou jobs.")
]
AllowLossesOption = Annotated[
    bool,
    typer.Option("--allow-losses", help="Permettre qu'une entreprise perde de l'argent par rapport à aujourd'hui "
                 "(le rapport nomme alors qui perd combien)."),
]
SolverOption = Annotated[
    SolverChoice,
    typer.Option("--solver", help="Solveur : auto (HiGHS pour un programme linéaire, CBC avec des décisions oui/non), highs ou cbc."),
]
