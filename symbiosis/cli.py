"""The `symbiosis` command line: inventory, matching and optimisation commands.

Each command reads, computes through the pipeline modules and prints; bad
input ends in one clear line per problem and exit code 1, never a Python
traceback (unless `--debug`).
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from symbiosis.app import (
    CompanyOption,
    DistanceOption,
    ExcludeOption,
    InventoryArg,
    MinJobsOption,
    ObjectiveChoice,
    ObjectiveOption,
    OutDir,
    OutFile,
    ScenarioOption,
    Settings,
    SitingOption,
    SolverChoice,
    SolverOption,
    TimeLimitOption,
    WorkersOption,
    app,
    console,
)
from symbiosis.i18n import Messages, say
from symbiosis.problems import InputError

LARGE_MODEL_LINKS = 200_000
"""Past this many links the model is split into independent parts (see decompose.py)."""

MESSAGES: Messages = {
    "invalid": ("{count} problème(s) dans l'inventaire :", "{count} problem(s) in the inventory:"),
    "internal": (
        "erreur interne : {error} (relancez avec --debug pour le détail)",
        "internal error: {error} (run again with --debug for details)",
    ),
}


@app.command()
def check(folder: InventoryArg) -> None:
    """Valider un inventaire et en afficher le résumé."""
    from symbiosis.flows import load_inventory
    from symbiosis.summary import print_summary

    inventory = load_inventory(folder)
    print_summary(inventory, console(), Settings.lang)


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
    scenario: ScenarioOption = None,
    workers: WorkersOption = 1,
) -> None:
    """Choisir les échanges qui valorisent le plus et écrire le plan."""
    from symbiosis.flows import load_inventory, without_companies
    from symbiosis.kpis import write_results
    from symbiosis.matcher import match as find_links
    from symbiosis.optimize import InfeasibleError, Options, optimise
    from symbiosis.output import guard, write_csv
    from symbiosis.sensitivity import binding_limits
    from symbiosis.summary import print_plan

    guard(out, [folder])
    inventory = without_companies(load_inventory(folder), exclude_company or [])
    options = Options(
        objective=objective.value,
        solver=solver.value,
        time_limit_s=time_limit,
        min_jobs=min_jobs,
        siting=siting,
    )
    if scenario is not None:
        from symbiosis.scenarios import apply, read_scenario

        applied = apply(inventory, read_scenario(scenario), options, str(scenario))
        inventory, options = applied.inventory, applied.options
    found = find_links(inventory, max_distance_km=max_distance)
    try:
        if workers > 1 or len(found.links) > LARGE_MODEL_LINKS:
            from symbiosis.decompose import optimise_scaled

            plan = optimise_scaled(inventory, found, options, workers)
        else:
            plan = optimise(inventory, found, options)
    except InfeasibleError as error:
        from symbiosis.output import write_json

        # The plan cannot be made: say so in kpis.json too, for scripts that read it.
        write_json(out / "kpis.json", {"status": "infeasible", "objective": options.objective, "message": error.render(Settings.lang)})
        Console(stderr=True, highlight=False).print(error.render(Settings.lang), style="bold red", markup=False)
        raise typer.Exit(1) from error
    kpis = write_results(out, inventory, plan)
    limits = binding_limits(inventory, plan, options, Settings.lang, found=found)
    write_csv(out / "sensitivity.csv", limits)
    print_plan(inventory, kpis, out, console(), Settings.lang, limits["sentence"].tolist())


# The other command groups register themselves on `app` when imported.
from symbiosis import cli_report, cli_scenario, cli_workbook  # noqa: E402, F401


def main() -> None:
    """Entry point: run the app, turning input errors into clear messages."""
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
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
        show, code = getattr(error, "show", None), getattr(error, "exit_code", None)
        if callable(show) and isinstance(code, int):  # a usage error, already worded by typer
            show()
            sys.exit(code)
        if Settings.debug:
            raise
        Console(stderr=True).print(say(MESSAGES, "internal", Settings.lang, error=error), markup=False)
        sys.exit(1)
