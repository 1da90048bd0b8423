"""Running what-if scenarios: the base case and each scenario, side by side.

Each case is matched and optimised like the base; the comparison gives
every indicator and its difference to the base; for siting decisions, each
candidate is also solved alone, so the committee sees why one was chosen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.analysis.indicators import OBJECTIVE_KPI, indicators
from symbiosis.analysis.results import write_results
from symbiosis.analysis.scenario_apply import apply
from symbiosis.analysis.scenario_file import read_scenario
from symbiosis.core.files import write_csv, write_json
from symbiosis.core.words import Lang, Messages, number, say
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import match
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan
from symbiosis.optimize import optimise

INDICATORS: tuple[str, ...] = (
    "additional_valorised_t",
    "rerouted_t",
    "valorised_t",
    "valorised_share",
    "valorised_mwh",
    "landfill_avoided_t",
    "incineration_avoided_t",
    "co2e_avoided_t",
    "jobs_fte",
    "insertion_jobs",
    "adapted_jobs",
    "net_value_eur_per_year",
    "investment_eur",
    "payback_years",
    "companies_involved",
)


LABELS: Messages = {
    "additional_valorised_t": (
        "Tonnes qui trouvent un usage local (aujourd'hui enfouies, incinérées ou hors du territoire, t/an)",
        "Tonnes given a local use (today landfilled, incinerated or outside the territory, t/yr)",
    ),
    "rerouted_t": (
        "Tonnes déjà valorisées, déplacées vers un receveur local (t/an)",
        "Tonnes already recovered, moved to a local receiver (t/yr)",
    ),
    "valorised_t": ("Tonnes valorisées localement, en tout (t/an)", "Tonnes kept in local use, in all (t/yr)"),
    "valorised_share": ("Part des sorties valorisée", "Share of outputs used"),
    "valorised_mwh": ("Énergie fatale valorisée (MWh/an)", "Surplus energy used (MWh/yr)"),
    "landfill_avoided_t": ("Enfouissement évité (t/an)", "Landfill avoided (t/yr)"),
    "incineration_avoided_t": ("Incinération évitée (t/an)", "Incineration avoided (t/yr)"),
    "co2e_avoided_t": ("Émissions évitées (t CO2e/an)", "Emissions avoided (t CO2e/yr)"),
    "jobs_fte": ("Emplois créés, nets, toutes structures (ETP)", "Jobs created, net, all structures (FTE)"),
    "insertion_jobs": ("dont emplois d'insertion, SIAE (ETP)", "of which insertion jobs, SIAE (FTE)"),
    "adapted_jobs": ("dont travail protégé ou adapté, ESAT, EA (ETP)", "of which protected or adapted work, ESAT, EA (FTE)"),
    "net_value_eur_per_year": ("Gain net (€/an)", "Net value (EUR/yr)"),
    "investment_eur": ("Investissement (€)", "Investment (EUR)"),
    "payback_years": ("Retour sur investissement (ans)", "Simple payback (years)"),
    "companies_involved": ("Entreprises concernées", "Companies involved"),
}


def decimals_of(indicator: str) -> int:
    """How many decimals an indicator is shown with (counts and euros none, jobs two)."""
    if indicator in {"companies_involved", "links"} or "eur" in indicator or indicator.endswith("mwh"):
        return 0
    return 2 if indicator.endswith("_jobs") or indicator == "jobs_fte" else 1


def indicator_text(indicator: str, value: float, lang: Lang, *, signed: bool = False) -> str:
    """An indicator as a table shows it; a difference gets its sign (+, −), a share
    difference is in points, and a difference too small to show is `0`."""
    if indicator == "valorised_share":
        shown, unit = round(100 * value, 1), "\u00a0pt" if signed else "\u00a0%"
        text = number(shown, lang, 1) + unit
    else:
        shown, unit = round(value, decimals_of(indicator)), ""
        text = number(shown, lang, decimals_of(indicator))
    return ("+" + text) if signed and shown > 0 else text


def changed(indicator: str, delta: float) -> bool:
    """Whether a difference shows at the indicator's precision."""
    scale = 100.0 if indicator == "valorised_share" else 1.0
    return round(scale * delta, 1 if indicator == "valorised_share" else decimals_of(indicator)) != 0


@dataclass(frozen=True)
class Run:
    """One optimised case: the base or a scenario."""

    key: str
    name: str
    description: str
    inventory: Inventory
    options: Options
    plan: Plan
    kpis: dict[str, Any]


def slug(text: str) -> str:
    """A folder name for a scenario."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned or "scenario"


def run_case(key: str, name: str, description: str, inventory: Inventory, options: Options) -> Run:
    found = match(inventory)
    plan = optimise(inventory, found, options)
    return Run(key, name, description, inventory, options, plan, indicators(inventory, plan))


def run_scenarios(inventory: Inventory, files: list[Path], options: Options) -> list[Run]:
    """The base case and each scenario, with the same objective unless a file sets its own."""
    scenarios = [read_scenario(path) for path in files]
    applied = [apply(inventory, scenario, options, str(path)) for scenario, path in zip(scenarios, files, strict=True)]
    runs = [run_case("base", "Situation de référence", "", inventory, options)]
    used = {"base"}
    for case in applied:
        key = slug(case.scenario.name)
        while key in used:
            key += "-2"
        used.add(key)
        runs.append(run_case(key, case.scenario.name, case.scenario.description, case.inventory, case.options))
    return runs


def comparison(runs: list[Run]) -> pd.DataFrame:
    """Indicators side by side, with each scenario's difference to the base."""
    base = runs[0]
    table: dict[str, list[float | None]] = {}
    for run in runs:
        values: list[float | None] = []
        for key in INDICATORS:
            if key == "payback_years":
                values.append(_payback(base, run))
            else:
                values.append(float(run.kpis[key]))
        table[run.key] = values
    frame = pd.DataFrame(table, index=list(INDICATORS))
    for run in runs[1:]:
        frame[f"delta:{run.key}"] = [
            None if (a is None or b is None) else b - a
            for a, b in zip(frame["base"].tolist(), frame[run.key].tolist(), strict=True)
        ]
    frame.index.name = "indicator"
    return frame


def _payback(base: Run, run: Run) -> float | None:
    """Investment over the yearly gain it brings compared with the base."""
    investment = float(run.kpis["investment_eur"])
    if investment <= 0:
        return None
    capital_share = float(run.kpis["annualised_facility_cost_eur_per_year"]) - _opex_of_built(run)
    gain = float(run.kpis["net_value_eur_per_year"]) + capital_share - float(base.kpis["net_value_eur_per_year"])
    return round(investment / gain, 2) if gain > 0 else None


def _opex_of_built(run: Run) -> float:
    built = set(run.kpis["facilities_built"])
    facilities = run.inventory.facilities
    opex = facilities.loc[facilities["id"].isin(built), "opex_eur_per_year"].fillna(0.0)
    return float(opex.astype(float).sum())


def compare(folder: Path, files: list[Path], options: Options) -> pd.DataFrame:
    """Read an inventory, run the base and the scenarios, return the comparison."""
    return comparison(run_scenarios(load_inventory(folder), files, options))


def write_comparison(out: Path, runs: list[Run]) -> pd.DataFrame:
    """comparison.csv, comparison.json and each case's plan in its own folder."""
    frame = comparison(runs)
    for run in runs:
        write_results(out / run.key, run.inventory, run.plan)
    write_csv(out / "comparison.csv", frame.reset_index())
    write_json(
        out / "comparison.json",
        {
            "cases": [
                {"key": r.key, "name": r.name, "description": r.description, "kpis": r.kpis} for r in runs
            ],
            "table": {
                column: {k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v) for k, v in frame[column].items()}
                for column in frame.columns
            },
        },
    )
    return frame


SITING_MESSAGES: Messages = {
    "chosen": ("retenue : {score} avec ce site seul", "chosen: {score} with this site alone"),
    "not_chosen": ("non retenue : {score} avec ce site seul", "not chosen: {score} with this site alone"),
    "useless": ("non retenue : ce site seul n'apporte rien de plus que la situation sans lui", "not chosen: this site alone adds nothing"),
    "tonnes": ("{x} t valorisées", "{x} t valorised"),
    "value": ("{x} € de gain net par an", "EUR {x} net value a year"),
    "co2": ("{x} t CO2e évitées", "{x} t CO2e avoided"),
    "jobs": ("{x} ETP", "{x} FTE"),
}


def siting_reasons(run: Run, lang: Lang = "fr") -> pd.DataFrame:
    """For each candidate the optimiser could build: built or not, and why.

    Each candidate is also solved alone (built, the others not), so the
    committee sees what every site would have given on its own.
    """
    options = run.options
    if not options.siting or not options.candidates:
        return pd.DataFrame(columns=["facility", "type", "built", "score_alone", "reason"])
    kpi = OBJECTIVE_KPI[options.objective]
    found = match(run.inventory)
    alone_options = replace(options, siting=False, candidates=None, max_open={})
    without = float(indicators(run.inventory, optimise(run.inventory, found, alone_options))[kpi])
    built = set(run.kpis["facilities_built"])
    types = run.inventory.facilities.set_index("id")["type"]
    rows = []
    for candidate in options.candidates:
        alone = replace(alone_options, force_open=(*options.force_open, candidate))
        score = float(indicators(run.inventory, optimise(run.inventory, found, alone))[kpi])
        words = say(SITING_MESSAGES, options.objective, lang, x=number(score, lang, 1))
        if candidate in built:
            reason = say(SITING_MESSAGES, "chosen", lang, score=words)
        elif score <= without + 1e-6:
            reason = say(SITING_MESSAGES, "useless", lang)
        else:
            reason = say(SITING_MESSAGES, "not_chosen", lang, score=words)
        rows.append({"facility": candidate, "type": types.get(candidate, ""), "built": candidate in built,
                     "score_alone": round(score, 6), "reason": reason})
    return pd.DataFrame(rows)
