"""`symbiosis optimize`: the plan, its files, and what limits it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from symbiosis.cli.app import (
    AllowLossesOption,
    DistanceOption,
    InventoryArg,
    ObjectiveChoice,
    ObjectiveOption,
    OutDir,
    SolverChoice,
    SolverOption,
    console,
    errors,
    settings,
)
from symbiosis.core.words import Lang, Messages, number, say

if TYPE_CHECKING:
    from symbiosis.flows import Inventory

MinJobsOption = Annotated[
    float | None, typer.Option("--min-jobs", min=0, help="Emplois créés minimum, nets, toutes structures (ETP).")
]
MinInsertionJobsOption = Annotated[
    float | None,
    typer.Option("--min-insertion-jobs", min=0, help="Emplois d'insertion minimum, dans les SIAE : EI, ACI, AI, ETTI (ETP)."),
]
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


def register(app: typer.Typer) -> None:
    app.command()(optimize)


def optimize(
    ctx: typer.Context,
    folder: InventoryArg,
    out: OutDir,
    objective: ObjectiveOption = ObjectiveChoice.tonnes,
    min_jobs: MinJobsOption = None,
    min_insertion_jobs: MinInsertionJobsOption = None,
    max_distance: DistanceOption = None,
    exclude_company: ExcludeOption = None,
    solver: SolverOption = SolverChoice.auto,
    time_limit: TimeLimitOption = None,
    siting: SitingOption = False,
    scenario: ScenarioOption = None,
    workers: WorkersOption = 1,
    allow_losses: AllowLossesOption = False,
) -> None:
    """Choisir les échanges qui valorisent le plus et écrire le plan."""
    from symbiosis.analysis.results import write_results
    from symbiosis.analysis.sensitivity import binding_limits
    from symbiosis.core.files import guard, write_csv, write_json
    from symbiosis.core.problems import Infeasible
    from symbiosis.flows import load_inventory, without_companies
    from symbiosis.matcher import match as find_links
    from symbiosis.model.options import Options
    from symbiosis.optimize import optimise
    from symbiosis.solve.stages import Deadline

    lang = settings(ctx).lang
    deadline = Deadline(time_limit)  # the whole command's: reading, matching, solving, limits
    guard(out, [folder])
    inventory = without_companies(load_inventory(folder), exclude_company or [])
    options = Options(
        objective=objective.value,
        solver=solver.value,
        time_limit_s=time_limit,
        min_jobs=min_jobs,
        min_insertion_jobs=min_insertion_jobs,
        siting=siting,
        allow_losses=allow_losses,
    )
    if scenario is not None:
        from symbiosis.analysis.scenario_apply import apply
        from symbiosis.analysis.scenario_file import read_scenario

        applied = apply(inventory, read_scenario(scenario), options, str(scenario))
        inventory, options = applied.inventory, applied.options
    found = find_links(inventory, max_distance_km=max_distance)
    try:
        plan = optimise(inventory, found, replace(options, time_limit_s=deadline.left()), workers)
    except Infeasible as error:
        # The plan cannot be made: say so in kpis.json too, for scripts that read it.
        message = " ".join(error.render(lang))
        write_json(out / "kpis.json", {"status": "infeasible", "objective": options.objective, "message": message})
        errors().print(message, style="bold red", markup=False)
        raise typer.Exit(1) from error
    kpis = write_results(out, inventory, plan)
    show = console()
    if deadline.passed():  # no time left to look for what limits the plan: say so, write an empty table
        limits = binding_limits(inventory, plan, options, lang, found=found, limit=0)
        show.print(say(PLAN_MESSAGES, "no_time_for_limits", lang), style="yellow", markup=False)
    else:
        limits = binding_limits(inventory, plan, replace(options, time_limit_s=deadline.left()), lang, found=found)
    write_csv(out / "sensitivity.csv", limits)
    print_plan(inventory, kpis, out, show, lang, limits["sentence"].tolist())


PLAN_MESSAGES: Messages = {
    "written": ("Plan optimisé ({objective}) écrit dans {path}", "Optimised plan ({objective}) written to {path}"),
    "title": ("Ce que le territoire gagne chaque année", "What the territory gains each year"),
    "indicator": ("Indicateur", "Indicator"),
    "value": ("Valeur", "Value"),
    "additional_valorised_t": (
        "Matières qui trouvent un usage local (aujourd'hui enfouies, incinérées, hors du territoire)",
        "Materials given a local use (today landfilled, incinerated, outside)",
    ),
    "rerouted_t": ("Matières déjà valorisées, déplacées", "Materials already recovered, re-routed"),
    "valorised_t": ("Matières valorisées localement, en tout", "Materials kept in local use, in all"),
    "valorised_share": ("Part des sorties déclarées valorisée", "Share of declared outputs used"),
    "valorised_mwh": ("Énergie fatale valorisée", "Surplus energy used"),
    "jobs_fte": ("Emplois créés, nets (ETP)", "Jobs created, net (FTE)"),
    "insertion_jobs": ("dont emplois d'insertion, SIAE (ETP)", "of which insertion jobs, SIAE (FTE)"),
    "adapted_jobs": ("dont travail protégé ou adapté, ESAT, EA (ETP)", "of which protected or adapted work, ESAT, EA (FTE)"),
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
    "no_time_for_limits": (
        "La limite de temps est atteinte : ce qui limite le plan n'a pas été recherché (sensitivity.csv est vide).",
        "The time limit is reached: what limits the plan was not looked for (sensitivity.csv is empty).",
    ),
}


def print_plan(
    inventory: Inventory, kpis: dict[str, object], path: Path, console: Console, lang: Lang, limits: list[str] | None = None
) -> None:
    """The console summary of an optimised plan."""
    from symbiosis.analysis.status import status_notes

    console.print(say(PLAN_MESSAGES, "written", lang, objective=kpis["objective"], path=path), style="bold green")
    for note in status_notes(kpis):
        console.print(note.render(lang), style="bold yellow", markup=False)
    table = Table(title=say(PLAN_MESSAGES, "title", lang), title_justify="left")
    table.add_column(say(PLAN_MESSAGES, "indicator", lang))
    table.add_column(say(PLAN_MESSAGES, "value", lang), justify="right")

    def value(key: str) -> float:
        raw = kpis[key]
        return float(raw) if isinstance(raw, int | float) else 0.0

    rows = [
        ("additional_valorised_t", f"{number(value('additional_valorised_t'), lang, 1)} t"),
        ("rerouted_t", f"{number(value('rerouted_t'), lang, 1)} t"),
        ("valorised_t", f"{number(value('valorised_t'), lang, 1)} t"),
        ("valorised_share", f"{number(100 * value('valorised_share'), lang, 1)} %"),
        ("valorised_mwh", f"{number(value('valorised_mwh'), lang, 0)} MWh"),
        ("landfill_avoided_t", f"{number(value('landfill_avoided_t'), lang, 1)} t"),
        ("co2e_avoided_t", f"{number(value('co2e_avoided_t'), lang, 1)} t CO2e"),
        ("jobs_fte", number(value("jobs_fte"), lang, 2)),
        ("insertion_jobs", number(value("insertion_jobs"), lang, 2)),
        ("adapted_jobs", number(value("adapted_jobs"), lang, 2)),
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
        from symbiosis.report.labels import job_line_label

        detail = Table(title=say(PLAN_MESSAGES, "jobs_title", lang), title_justify="left")
        detail.add_column(say(PLAN_MESSAGES, "activity", lang))
        detail.add_column(say(PLAN_MESSAGES, "value", lang), justify="right")
        for key, fte in jobs.items():
            detail.add_row(job_line_label(inventory.catalogue, key, lang), number(float(fte), lang, 2))
        console.print(detail)
    if limits:
        console.print(say(PLAN_MESSAGES, "limits", lang), style="bold")
        for sentence in limits:
            console.print(f"  • {sentence}", markup=False)
