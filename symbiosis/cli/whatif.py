"""Commands for what-if questions: `scenario` and `pareto`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from symbiosis.cli.app import (
    AllowLossesOption,
    InventoryArg,
    ObjectiveChoice,
    ObjectiveOption,
    OutDir,
    SolverChoice,
    SolverOption,
    console,
    settings,
)
from symbiosis.core.frames import rows
from symbiosis.core.words import Messages, number, say

MESSAGES: Messages = {
    "written": ("Comparaison écrite dans {path}", "Comparison written to {path}"),
    "title": ("Situation de référence et scénarios", "Base case and scenarios"),
    "indicator": ("Indicateur", "Indicator"),
    "siting": ("Choix de site — {name}", "Siting — {name}"),
    "facility": ("Installation", "Facility"),
    "reason": ("Raison", "Reason"),
    "uncertainty": (
        "Robustesse ({runs} {runs:tirage|tirages} à ±{spread} %) — médiane [10 % ; 90 %]",
        "Robustness ({runs} {runs:draw|draws} at ±{spread} %) — median [10 %; 90 %]",
    ),
    "pareto_written": ("Courbe de compromis écrite dans {path}", "Trade-off curve written to {path}"),
    "knee": ("Plan au coude : {plan}", "Plan at the knee: {plan}"),
    "no_knee": ("Pas de coude marqué : le compromis est régulier", "No marked knee: the trade-off is even"),
    "base": ("Référence", "Base"),
}

ScenarioFiles = Annotated[list[Path], typer.Argument(help="Fichiers de scénario (.toml).")]
SpreadOption = Annotated[
    float | None, typer.Option("--uncertainty", min=0.0, max=0.95, help="Incertitude sur les quantités, ex. 0.3 pour ±30 %.")
]
RunsOption = Annotated[int, typer.Option("--runs", min=1, help="Nombre de tirages pour l'incertitude.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Graine des tirages (mêmes chiffres à chaque fois).")]


def register(app: typer.Typer) -> None:
    app.command()(scenario)
    app.command()(pareto)


def scenario(
    ctx: typer.Context,
    folder: InventoryArg,
    files: ScenarioFiles,
    out: OutDir,
    objective: ObjectiveOption = ObjectiveChoice.tonnes,
    solver: SolverOption = SolverChoice.auto,
    uncertainty: SpreadOption = None,
    runs: RunsOption = 200,
    seed: SeedOption = 1,
    allow_losses: AllowLossesOption = False,
) -> None:
    """Comparer la situation de référence et des scénarios « et si… ? »."""
    from symbiosis.analysis.scenarios import (
        LABELS,
        changed,
        indicator_text,
        run_scenarios,
        siting_reasons,
        write_comparison,
    )
    from symbiosis.analysis.status import status_notes
    from symbiosis.core.files import guard, write_csv
    from symbiosis.flows import load_inventory
    from symbiosis.model.options import Options

    guard(out, [folder])
    lang = settings(ctx).lang
    inventory = load_inventory(folder)
    options = Options(objective=objective.value, solver=solver.value, allow_losses=allow_losses)
    cases = run_scenarios(inventory, files, options)
    frame = write_comparison(out, cases)
    show = console()
    table = Table(title=say(MESSAGES, "title", lang), title_justify="left")
    table.add_column(say(MESSAGES, "indicator", lang))
    for case in cases:
        table.add_column(say(MESSAGES, "base", lang) if case.key == "base" else case.name, justify="right")
    for key, row in frame.iterrows():
        cells = []
        for case in cases:
            value = row[case.key]
            delta = row.get(f"delta:{case.key}")
            text = "—" if value is None or value != value else indicator_text(str(key), float(value), lang)
            if delta is not None and delta == delta and case.key != "base" and changed(str(key), float(delta)):
                text += f" ({indicator_text(str(key), float(delta), lang, signed=True)})"
            cells.append(text)
        table.add_row(say(LABELS, str(key), lang), *cells)
    show.print(table)
    for case in cases:
        for note in status_notes(case.kpis):
            show.print(f"{case.name} : {note.render(lang)}", style="yellow", markup=False)
    for case in cases[1:]:
        reasons = siting_reasons(case, lang)
        if len(reasons):
            write_csv(out / case.key / "siting.csv", reasons)
            siting = Table(title=say(MESSAGES, "siting", lang, name=case.name), title_justify="left")
            siting.add_column(say(MESSAGES, "facility", lang))
            siting.add_column(say(MESSAGES, "reason", lang))
            for row in rows(reasons):
                siting.add_row(str(row.facility), str(row.reason))
            show.print(siting)
    if uncertainty:
        from symbiosis.analysis.uncertainty import draws, summarise

        robust = Table(title=say(MESSAGES, "uncertainty", lang, runs=runs, spread=number(uncertainty * 100, lang, 0)), title_justify="left")
        robust.add_column(say(MESSAGES, "indicator", lang))
        summaries = {}
        for case in cases:
            summary = summarise(draws(case.inventory, case.options, uncertainty, runs, seed))
            summaries[case.key] = summary
            write_csv(out / case.key / "uncertainty.csv", summary.reset_index())
            robust.add_column(say(MESSAGES, "base", lang) if case.key == "base" else case.name, justify="right")
        for key in summaries["base"].index:
            robust.add_row(
                say(LABELS, str(key), lang),
                *[
                    f"{indicator_text(str(key), s.loc[key, 'median'], lang)} [{indicator_text(str(key), s.loc[key, 'p10'], lang)} ; {indicator_text(str(key), s.loc[key, 'p90'], lang)}]"
                    for s in summaries.values()
                ],
            )
        show.print(robust)
    show.print(say(MESSAGES, "written", lang, path=out), style="bold green")


AxisOption = Annotated[ObjectiveChoice, typer.Option(help="Objectif : tonnes, value, co2 ou jobs.")]
PointsOption = Annotated[int, typer.Option("--points", min=2, max=50, help="Nombre de points de la courbe.")]


def pareto(
    ctx: typer.Context,
    folder: InventoryArg,
    out: OutDir,
    x: Annotated[ObjectiveChoice, typer.Option("--x", help="Objectif en abscisse.")] = ObjectiveChoice.tonnes,
    y: Annotated[ObjectiveChoice, typer.Option("--y", help="Objectif en ordonnée.")] = ObjectiveChoice.jobs,
    points: PointsOption = 9,
    solver: SolverOption = SolverChoice.auto,
) -> None:
    """Tracer le compromis entre deux objectifs (méthode epsilon-contrainte)."""
    from symbiosis.analysis.indicators import OBJECTIVE_KPI
    from symbiosis.analysis.pareto import plot, trace
    from symbiosis.analysis.scenarios import indicator_text
    from symbiosis.core.files import guard, write_csv
    from symbiosis.flows import load_inventory
    from symbiosis.matcher import match
    from symbiosis.model.options import Options

    guard(out, [folder])
    lang = settings(ctx).lang
    inventory = load_inventory(folder)
    frame = trace(inventory, match(inventory), Options(solver=solver.value), x.value, y.value, points)
    write_csv(out / "pareto.csv", frame)
    plot(frame, x.value, y.value, out / "pareto.png", lang)
    show = console()
    table = Table(title_justify="left")
    for column in ("plan", x.value, y.value, "links", "knee"):
        table.add_column(column)
    for row in rows(frame):
        table.add_row(
            str(row.plan),
            indicator_text(OBJECTIVE_KPI[x.value], float(getattr(row, x.value)), lang),
            indicator_text(OBJECTIVE_KPI[y.value], float(getattr(row, y.value)), lang),
            str(row.links), "◆" if row.knee else "",
        )
    show.print(table)
    knees = frame.loc[frame["knee"], "plan"].tolist()
    show.print(say(MESSAGES, "knee", lang, plan=", ".join(knees)) if knees else say(MESSAGES, "no_knee", lang))
    show.print(say(MESSAGES, "pareto_written", lang, path=out), style="bold green")
