"""What-if scenarios: files a committee can read, and how they are read.

A scenario is a TOML file with a name, a sentence of purpose and a list of
changes (`[[change]]` tables, each with an `action`). Applying it gives a
new inventory and optimiser options; the inventory folder is never touched.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from symbiosis.core.problems import InputError, Problem, problem, toml_error
from symbiosis.core.words import Messages, Text
from symbiosis.inventory.schema import Id, Latitude, Longitude, Positive
from symbiosis.model.options import Objective


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
    "in_change": ("{change}{message}", "{change}{message}"),
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
    where: Text | str = ""
    line: int | None = None
    if loc and loc[0] == "change" and len(loc) > 1 and isinstance(loc[1], int):
        index = loc[1]
        lines = _change_lines(text)
        line = lines[index] if index < len(lines) else None
        changes = document.get("change", [])
        action = changes[index].get("action", "?") if index < len(changes) and isinstance(changes[index], dict) else "?"
        where = Text(MESSAGES, "change", {"n": index + 1, "action": action})
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
    return problem(MESSAGES, "field", name, line, where=where, field=field, detail=detail)
