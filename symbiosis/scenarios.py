"""What-if scenarios: files a committee can read, applied to an inventory.

A scenario is a TOML file with a name, a sentence of purpose and a list of
changes (`[[change]]` tables, each with an `action`). Applying it gives a
new inventory and optimiser options; the inventory folder is never touched.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from symbiosis.catalogue import CatalogueError, parse_catalogue
from symbiosis.flows import (
    Company,
    Defaults,
    Facility,
    Flow,
    Id,
    Inventory,
    Latitude,
    Longitude,
    Positive,
    load_inventory,
)
from symbiosis.i18n import Lang, Messages, number, say
from symbiosis.optimize import Objective, Options
from symbiosis.problems import InputError, Problem, problem, toml_error


class Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OpenFacility(Change):
    """Build a candidate facility of the inventory."""

    action: Literal["open_facility"]
    facility: Id


class ChooseFacilities(Change):
    """Let the optimiser choose which candidates to build, at most `max`."""

    action: Literal["choose_facilities"]
    type: Id
    candidates: list[Id] | None = None
    max: Annotated[int, Field(ge=0)] = 1


class AddFacility(Change):
    action: Literal["add_facility"]
    id: Id
    type: Id
    lat: Latitude
    lon: Longitude
    capacity: Positive
    unit: Literal["t", "kg", "MWh", "kWh"] = "t"
    name: str | None = None
    capex_eur: Annotated[float, Field(ge=0)] | None = None
    opex_eur_per_year: Annotated[float, Field(ge=0)] | None = None
    jobs: Annotated[float, Field(ge=0)] | None = None
    operator: str | None = None
    build: bool = True
    """True: built in this scenario; False: a candidate the optimiser may choose."""


class RemoveFacility(Change):
    action: Literal["remove_facility"]
    facility: Id


class RemoveCompany(Change):
    action: Literal["remove_company"]
    company: Id


class NewFlow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    direction: Literal["output", "input"]
    ewc: str | None = None
    material: str | None = None
    quantity: Positive
    unit: Literal["t", "kg", "m3", "MWh", "kWh"]
    description: str | None = None
    status: Literal["waste", "by_product", "end_of_waste"] = "waste"
    authorised: bool | None = None
    max_distance_km: Positive | None = None
    cost_eur_per_t: float | None = None
    route: str | None = None
    months: str | None = None


class AddCompany(Change):
    action: Literal["add_company"]
    id: Id
    name: str
    lat: Latitude
    lon: Longitude
    zone: str | None = None
    ess: bool = False
    confidential: bool = False
    flows: list[NewFlow] = Field(default_factory=list)


class ScaleFlows(Change):
    """Multiply the quantities of one company's or one material's flows."""

    action: Literal["scale_flows"]
    factor: Annotated[float, Field(ge=0)]
    company: Id | None = None
    material: Id | None = None
    direction: Literal["output", "input"] | None = None


class SetParameter(Change):
    """A territory default (`max_distance_km`…) or a catalogue figure by path
    (`materials.wood_pallets.disposal_cost_eur_per_unit.landfill`)."""

    action: Literal["set_parameter"]
    parameter: Annotated[str, Field(min_length=1)]
    value: float


AnyChange = Annotated[
    OpenFacility | ChooseFacilities | AddFacility | RemoveFacility | RemoveCompany | AddCompany | ScaleFlows | SetParameter,
    Field(discriminator="action"),
]


class Scenario(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    objective: Objective | None = None
    change: list[AnyChange] = Field(default_factory=list)


MESSAGES: Messages = {
    "missing": ("fichier de scénario introuvable", "scenario file not found"),
    "syntax": ("syntaxe TOML invalide : {detail}", "invalid TOML syntax: {detail}"),
    "field": ("{where}{field} : {detail}", "{where}{field}: {detail}"),
    "change": ("changement {n} ({action}) : ", "change {n} ({action}): "),
    "unknown_facility": ("installation « {value} » inconnue", "unknown facility '{value}'"),
    "not_candidate": ("« {value} » n'est pas une installation en projet (status = candidate)", "'{value}' is not a candidate facility"),
    "unknown_company": ("entreprise « {value} » inconnue", "unknown company '{value}'"),
    "unknown_type": ("type d'installation « {value} » inconnu du catalogue", "facility type '{value}' is not in the catalogue"),
    "unknown_material": ("matière « {value} » inconnue du catalogue", "material '{value}' is not in the catalogue"),
    "unknown_parameter": (
        "paramètre « {value} » inconnu (paramètres du territoire : {allowed}, ou un chiffre du catalogue comme materials.wood_pallets.lhv_mwh_per_t)",
        "unknown parameter '{value}' (territory parameters: {allowed}, or a catalogue figure such as materials.wood_pallets.lhv_mwh_per_t)",
    ),
    "bad_parameter": ("paramètre « {value} » : {detail}", "parameter '{value}': {detail}"),
    "duplicate": ("identifiant « {value} » déjà utilisé", "id '{value}' is already used"),
    "scale_what": ("précisez company ou material", "give company or material"),
    "invalid_inventory": ("l'inventaire modifié n'est pas valide : {detail}", "the changed inventory is not valid: {detail}"),
}

_ADAPTER = TypeAdapter(Scenario)


def read_scenario(path: Path) -> Scenario:
    """Parse and validate a scenario file; errors name the file, line and change."""
    name = str(path)
    if not path.is_file():
        raise InputError([problem(MESSAGES, "missing", name)])
    text = path.read_text("utf-8-sig")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, detail = toml_error(exc)
        raise InputError([problem(MESSAGES, "syntax", name, line, detail=detail)]) from exc
    try:
        return _ADAPTER.validate_python(document)
    except ValidationError as exc:
        raise InputError([_locate(error, document, text, name) for error in exc.errors()]) from exc


def _change_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if re.match(r"^\s*\[\[\s*change\s*\]\]", line)]


def _locate(error: Any, document: dict[str, Any], text: str, name: str) -> Problem:
    loc = list(error["loc"])
    where_fr = where_en = ""
    line: int | None = None
    if loc and loc[0] == "change" and len(loc) > 1 and isinstance(loc[1], int):
        index = loc[1]
        lines = _change_lines(text)
        line = lines[index] if index < len(lines) else None
        changes = document.get("change", [])
        action = changes[index].get("action", "?") if index < len(changes) and isinstance(changes[index], dict) else "?"
        where_fr = MESSAGES["change"][0].format(n=index + 1, action=action)
        where_en = MESSAGES["change"][1].format(n=index + 1, action=action)
        loc = [part for part in loc[2:] if part != action]
    field = ".".join(str(part) for part in loc) or "action"
    if line is not None:
        for offset, content in enumerate(text.splitlines()[line:], start=line + 1):
            if re.match(rf"^\s*{re.escape(str(loc[-1]))}\s*=", content) if loc else False:
                line = offset
                break
            if content.strip().startswith("[["):
                break
    detail = str(error.get("msg", ""))
    return Problem(name, line, None, f"{where_fr}{field} : {detail}", f"{where_en}{field}: {detail}")


@dataclass(frozen=True)
class Applied:
    """An inventory changed by a scenario, and how to optimise it."""

    scenario: Scenario
    inventory: Inventory
    options: Options


def apply(inventory: Inventory, scenario: Scenario, options: Options, source: str) -> Applied:
    """Apply every change in order; unknown references are reported together."""
    problems: list[Problem] = []
    companies, flows, facilities = inventory.companies, inventory.flows, inventory.facilities
    catalogue = inventory.catalogue
    defaults = inventory.territory.defaults
    force_open = list(options.force_open)
    max_open = dict(options.max_open)
    candidates: list[str] = []
    siting = options.siting
    edits: dict[str, float] = {}
    new_companies: list[dict[str, Any]] = []
    new_flows: list[dict[str, Any]] = []
    new_facilities: list[dict[str, Any]] = []
    for position, change in enumerate(scenario.change, start=1):
        def fail(key: str, change: Change = change, position: int = position, **params: object) -> None:
            action = getattr(change, "action", "?")
            located = problem(MESSAGES, key, source, None, None, **params)
            prefix = problem(MESSAGES, "change", source, n=position, action=action)
            problems.append(replace(located, message_fr=prefix.message_fr + located.message_fr,
                                    message_en=prefix.message_en + located.message_en))

        known_facilities = set(facilities["id"]) | {f["id"] for f in new_facilities}
        if isinstance(change, OpenFacility):
            status = dict(zip(facilities["id"], facilities["status"], strict=True))
            if change.facility not in known_facilities:
                fail("unknown_facility", value=change.facility)
            elif status.get(change.facility, "candidate") != "candidate":
                fail("not_candidate", value=change.facility)
            else:
                force_open.append(change.facility)
        elif isinstance(change, ChooseFacilities):
            if change.type not in catalogue.facility_types:
                fail("unknown_type", value=change.type)
                continue
            pool = facilities[(facilities["type"] == change.type) & (facilities["status"] == "candidate")]["id"].tolist()
            pool += [f["id"] for f in new_facilities if f["type"] == change.type and f["status"] == "candidate"]
            chosen = change.candidates if change.candidates is not None else pool
            for value in chosen:
                if value not in pool:
                    fail("not_candidate", value=value)
            siting = True
            candidates += [c for c in chosen if c in pool]
            max_open[change.type] = change.max
        elif isinstance(change, AddFacility):
            if change.type not in catalogue.facility_types:
                fail("unknown_type", value=change.type)
            elif change.id in known_facilities:
                fail("duplicate", value=change.id)
            else:
                row = change.model_dump(exclude={"action", "build"})
                row["status"] = "candidate"
                new_facilities.append(row)
                if change.build:
                    force_open.append(change.id)
        elif isinstance(change, RemoveFacility):
            if change.facility not in known_facilities:
                fail("unknown_facility", value=change.facility)
            facilities = facilities[facilities["id"] != change.facility]
            new_facilities = [f for f in new_facilities if f["id"] != change.facility]
        elif isinstance(change, RemoveCompany):
            if change.company not in set(companies["id"]):
                fail("unknown_company", value=change.company)
            companies = companies[companies["id"] != change.company]
            flows = flows[flows["company"] != change.company]
        elif isinstance(change, AddCompany):
            if change.id in set(companies["id"]):
                fail("duplicate", value=change.id)
            new_companies.append(change.model_dump(exclude={"action", "flows"}))
            new_flows += [{**f.model_dump(), "company": change.id} for f in change.flows]
        elif isinstance(change, ScaleFlows):
            if change.company is None and change.material is None:
                fail("scale_what")
                continue
            if change.company is not None and change.company not in set(companies["id"]):
                fail("unknown_company", value=change.company)
            if change.material is not None and change.material not in catalogue.materials:
                fail("unknown_material", value=change.material)
            mask = pd.Series(True, index=flows.index)
            if change.company is not None:
                mask &= flows["company"] == change.company
            if change.material is not None:
                mask &= flows["material"] == change.material
            if change.direction is not None:
                mask &= flows["direction"] == change.direction
            flows = flows.assign(
                quantity=np.where(mask, flows["quantity"] * change.factor, flows["quantity"]),
                quantity_ref=np.where(mask, flows["quantity_ref"] * change.factor, flows["quantity_ref"]),
            )
            flows = flows[flows["quantity_ref"] > 0]
        elif isinstance(change, SetParameter):
            if change.parameter in Defaults.model_fields:
                defaults = defaults.model_copy(update={change.parameter: change.value})
            elif "." in change.parameter:
                edits[change.parameter] = change.value
            else:
                fail("unknown_parameter", value=change.parameter, allowed=", ".join(Defaults.model_fields))
    if edits:
        try:
            catalogue = _edit_catalogue(inventory, edits)
        except (KeyError, CatalogueError) as error:
            problems.append(problem(MESSAGES, "bad_parameter", source, value=", ".join(edits), detail=str(error)))
    if problems:
        raise InputError(problems)
    changed = replace(
        inventory,
        territory=inventory.territory.model_copy(update={"defaults": defaults}),
        companies=companies.reset_index(drop=True),
        flows=flows.reset_index(drop=True),
        facilities=facilities.reset_index(drop=True),
        catalogue=catalogue,
    )
    if new_companies or new_flows or new_facilities or edits:
        changed = _revalidate(changed, new_companies, new_flows, new_facilities, source)
    objective = scenario.objective or options.objective
    return Applied(
        scenario,
        changed,
        replace(
            options,
            objective=objective,
            force_open=tuple(dict.fromkeys(force_open)),
            max_open=max_open,
            siting=siting,
            candidates=tuple(dict.fromkeys(candidates)) if siting and candidates else options.candidates,
        ),
    )


def _edit_catalogue(inventory: Inventory, edits: dict[str, float]) -> Any:
    """A copy of the catalogue with some figures changed (sources kept, noted)."""
    document = inventory.catalogue.model_dump()
    for path, value in edits.items():
        node: Any = document
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[part]
        leaf = node[parts[-1]]
        if isinstance(leaf, dict) and "value" in leaf:
            leaf["value"] = value
            leaf["note"] = f"changed by scenario to {value}"
        else:
            node[parts[-1]] = value
    return parse_catalogue(document)


def _revalidate(
    inventory: Inventory,
    companies: list[dict[str, Any]],
    flows: list[dict[str, Any]],
    facilities: list[dict[str, Any]],
    source: str,
) -> Inventory:
    """Write the changed inventory to a temporary folder and read it back,
    so that added companies, flows and facilities get the same checks and
    conversions as those of the inventory files."""
    import tempfile

    import tomli_w

    with tempfile.TemporaryDirectory(prefix="symbiosis-scenario-") as temp:
        folder = Path(temp)
        territory = inventory.territory.model_dump(exclude_none=True)
        (folder / "territory.toml").write_text(tomli_w.dumps(territory), "utf-8")
        for name, frame, extra, model in (
            ("companies.csv", inventory.companies, companies, Company),
            ("flows.csv", inventory.flows, flows, Flow),
            ("facilities.csv", inventory.facilities, facilities, Facility),
        ):
            columns = [c for c in model.model_fields if c != "hazardous"]
            base = frame.reindex(columns=columns)
            if name == "flows.csv":
                # Keep scaled quantities exact: write them in the reference unit.
                base = base.assign(quantity=frame["quantity_ref"], unit=frame["ref_unit"])
                base["ewc"] = [f"{code}*" if code and haz else code for code, haz in zip(frame["ewc"].fillna(""), frame["hazardous"], strict=True)]
            table = pd.concat([base, pd.DataFrame(extra).reindex(columns=columns)], ignore_index=True)
            table.to_csv(folder / name, index=False)
        try:
            return load_inventory(folder, inventory.catalogue)
        except InputError as error:
            detail = "; ".join(p.render("fr") for p in error.problems)
            raise InputError([problem(MESSAGES, "invalid_inventory", source, detail=detail)]) from error


# --- running and comparing ------------------------------------------------------

INDICATORS: tuple[str, ...] = (
    "valorised_t",
    "valorised_share",
    "valorised_mwh",
    "landfill_avoided_t",
    "incineration_avoided_t",
    "co2e_avoided_t",
    "insertion_jobs",
    "net_value_eur_per_year",
    "investment_eur",
    "payback_years",
    "companies_involved",
)

LABELS: Messages = {
    "valorised_t": ("Tonnes valorisées localement (t/an)", "Tonnes kept in local use (t/yr)"),
    "valorised_share": ("Part des sorties valorisée", "Share of outputs used"),
    "valorised_mwh": ("Énergie fatale valorisée (MWh/an)", "Surplus energy used (MWh/yr)"),
    "landfill_avoided_t": ("Enfouissement évité (t/an)", "Landfill avoided (t/yr)"),
    "incineration_avoided_t": ("Incinération évitée (t/an)", "Incineration avoided (t/yr)"),
    "co2e_avoided_t": ("Émissions évitées (t CO2e/an)", "Emissions avoided (t CO2e/yr)"),
    "insertion_jobs": ("Emplois d'insertion (ETP)", "Insertion jobs (FTE)"),
    "net_value_eur_per_year": ("Gain net (€/an)", "Net value (EUR/yr)"),
    "investment_eur": ("Investissement (€)", "Investment (EUR)"),
    "payback_years": ("Retour sur investissement (ans)", "Simple payback (years)"),
    "companies_involved": ("Entreprises concernées", "Companies involved"),
}


@dataclass(frozen=True)
class Run:
    """One optimised case: the base or a scenario."""

    key: str
    name: str
    description: str
    inventory: Inventory
    options: Options
    plan: Any
    kpis: dict[str, Any]


def slug(text: str) -> str:
    """A folder name for a scenario."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned or "scenario"


def run_case(key: str, name: str, description: str, inventory: Inventory, options: Options) -> Run:
    from symbiosis.kpis import indicators
    from symbiosis.matcher import match
    from symbiosis.optimize import optimise

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
    from symbiosis.kpis import write_results
    from symbiosis.output import write_csv, write_json

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
    from symbiosis.kpis import OBJECTIVE_KPI, indicators
    from symbiosis.matcher import match
    from symbiosis.optimize import optimise

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
