"""The inventory: territory, companies, flows and facilities.

An inventory is a folder (see CONTRACT.md section 1). Reading it goes in
three steps, so that 100,000 flows validate in a few seconds and every
problem is reported at once with its file, line and column:

1. normalise the raw text column by column with pandas (decimal commas,
   blanks, yes/no words, EWC codes, unit spellings);
2. validate each row against its frozen pydantic model (types and bounds,
   checked in pydantic's compiled core);
3. cross-check whole columns with pandas (duplicate ids, unknown
   companies, EWC codes outside the List of Waste, unit conversions).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from symbiosis import ewc as ewc_codes
from symbiosis.catalogue import Catalogue, Route, load_catalogue
from symbiosis.i18n import Messages
from symbiosis.problems import InputError, Problem, problem, toml_error

# --- reusable field types -------------------------------------------------

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Unit = Literal["t", "kg", "m3", "MWh", "kWh"]
Direction = Literal["output", "input"]
Status = Literal["waste", "by_product", "end_of_waste"]
FacilityStatus = Literal["existing", "candidate"]
Months = Annotated[str, StringConstraints(pattern=r"^\d{1,2}(-\d{1,2})?(;\d{1,2}(-\d{1,2})?)*$")]

UNITS: tuple[str, ...] = Unit.__args__  # type: ignore[attr-defined]

_ALL_MONTHS = 0b1111_1111_1111
NO_OUTLET = frozenset({"none", "aucun", "aucune"})
"""Words in facilities.csv `outlets` meaning: no outlet, products must reach users."""


class Row(BaseModel):
    """A CSV row: frozen, unknown columns ignored (the contract keeps them)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Company(Row):
    id: Id
    name: Text
    lat: Latitude
    lon: Longitude
    zone: str | None = None
    naf: str | None = None
    employees: Annotated[int, Field(ge=0)] | None = None
    ess: bool = False
    confidential: bool = False


class Flow(Row):
    id: Id
    company: Id
    direction: Direction
    ewc: str | None = None
    hazardous: bool = False
    material: str | None = None
    quantity: Positive
    unit: Unit
    description: str | None = None
    max_distance_km: Positive | None = None
    cost_eur_per_t: Finite | None = None
    status: Status = "waste"
    authorised: bool | None = None
    route: Route | None = None
    months: Months | None = None


class Facility(Row):
    id: Id
    type: Id
    lat: Latitude
    lon: Longitude
    capacity: Positive
    unit: Unit
    status: FacilityStatus
    name: str | None = None
    capex_eur: NonNegative | None = None
    opex_eur_per_year: NonNegative | None = None
    jobs: NonNegative | None = None
    operator: str | None = None
    zone: str | None = None
    max_distance_km: Positive | None = None
    outlets: str | None = None


class Defaults(BaseModel):
    """Territory-wide parameters; each overrides the catalogue's value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_distance_km: Positive | None = None
    heat_max_distance_km: Positive | None = None
    transport_cost_eur_per_tkm: NonNegative | None = None
    transport_co2e_kg_per_tkm: NonNegative | None = None
    discount_rate: NonNegative | None = None


class Territory(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Text
    year: Annotated[int, Field(ge=1900, le=2200)]
    description: str | None = None
    region: str | None = None
    defaults: Defaults = Defaults()


# --- messages --------------------------------------------------------------

MESSAGES: Messages = {
    "missing_file": ("fichier obligatoire absent", "required file is missing"),
    "not_a_folder": ("« {path} » n'est pas un dossier d'inventaire", "'{path}' is not an inventory folder"),
    "encoding": (
        "le fichier n'est pas en UTF-8 (octet invalide à la position {pos}) : enregistrez-le en « CSV UTF-8 »",
        "the file is not UTF-8 (invalid byte at position {pos}): save it as 'CSV UTF-8'",
    ),
    "semicolon": (
        "séparateur « ; » détecté : le fichier doit être séparé par des virgules",
        "';' separator detected: the file must be comma-separated",
    ),
    "empty_file": ("fichier vide : une ligne d'en-tête est attendue", "empty file: a header row is expected"),
    "missing_column": ("colonne obligatoire absente", "required column is missing"),
    "duplicate_column": ("colonne en double dans l'en-tête", "column appears twice in the header"),
    "field_count": (
        "{found} champs au lieu de {expected} (virgule non protégée par des guillemets ?)",
        "{found} fields instead of {expected} (an unquoted comma?)",
    ),
    "toml_syntax": ("syntaxe TOML invalide : {detail}", "invalid TOML syntax: {detail}"),
    "toml_unknown_key": ("clé inconnue (clés admises : {allowed})", "unknown key (allowed keys: {allowed})"),
    "required": ("valeur obligatoire manquante", "required value is missing"),
    "not_number": ("« {value} » n'est pas un nombre", "'{value}' is not a number"),
    "not_integer": ("« {value} » n'est pas un nombre entier", "'{value}' is not a whole number"),
    "not_finite": ("« {value} » n'est pas un nombre fini", "'{value}' is not a finite number"),
    "gt": ("doit être strictement supérieur à {bound} (lu : {value})", "must be greater than {bound} (got {value})"),
    "ge": ("doit être supérieur ou égal à {bound} (lu : {value})", "must be at least {bound} (got {value})"),
    "le": ("doit être inférieur ou égal à {bound} (lu : {value})", "must be at most {bound} (got {value})"),
    "choice": ("« {value} » n'est pas admis (valeurs admises : {expected})", "'{value}' is not allowed (expected {expected})"),
    "bool": ("« {value} » n'est pas oui/non (true/false)", "'{value}' is not yes/no (true/false)"),
    "empty": ("ne doit pas être vide", "must not be empty"),
    "months": (
        "« {value} » : mois attendus comme 10-4 ou 1;2;3 (numéros de 1 à 12)",
        "'{value}': months expected as 10-4 or 1;2;3 (numbers 1 to 12)",
    ),
    "invalid": ("valeur invalide « {value} » : {detail}", "invalid value '{value}': {detail}"),
    "duplicate_id": ("identifiant « {value} » en double (déjà ligne {first})", "duplicate id '{value}' (already on line {first})"),
    "unknown_company": ("entreprise « {value} » absente de companies.csv", "company '{value}' is not in companies.csv"),
    "ewc_malformed": (
        "code déchet « {value} » invalide : 6 chiffres attendus, par exemple 15 01 03",
        "invalid waste code '{value}': 6 digits expected, e.g. 15 01 03",
    ),
    "ewc_unknown": (
        "code déchet « {value} » absent de la liste européenne des déchets",
        "waste code '{value}' is not in the European List of Waste",
    ),
    "no_ewc_no_material": (
        "ni code déchet (ewc) ni matière (material) : renseignez au moins l'un des deux",
        "neither a waste code (ewc) nor a material: give at least one",
    ),
    "unknown_material": ("matière « {value} » inconnue du catalogue{hint}", "material '{value}' is not in the catalogue{hint}"),
    "unknown_facility_type": (
        "type d'installation « {value} » inconnu du catalogue (types connus : {expected})",
        "facility type '{value}' is not in the catalogue (known types: {expected})",
    ),
    "energy_unit_for_mass": (
        "unité « {value} » impossible pour {material}, mesuré en tonnes",
        "unit '{value}' is not possible for {material}, measured in tonnes",
    ),
    "mass_unit_for_energy": (
        "unité « {value} » impossible pour {material}, mesuré en MWh",
        "unit '{value}' is not possible for {material}, measured in MWh",
    ),
    "no_density": (
        "conversion des m3 en tonnes impossible : masse volumique inconnue pour {material} ; déclarez la quantité en t",
        "cannot convert m3 to tonnes: no density known for {material}; declare the quantity in t",
    ),
    "unknown_operator": ("exploitant « {value} » absent de companies.csv", "operator '{value}' is not in companies.csv"),
    "unknown_outlet": (
        "débouché « {value} » : ce n'est pas un produit de {ftype} (produits : {expected})",
        "outlet '{value}': not a product of {ftype} (products: {expected})",
    ),
    "hint": (" (vouliez-vous dire « {guess} » ?)", " (did you mean '{guess}'?)"),
}

T = TypeVar("T", bound=BaseModel)

_TRUE = {"true", "vrai", "oui", "yes", "y", "o", "1", "x"}
_FALSE = {"false", "faux", "non", "no", "n", "0"}
_UNIT_SPELLINGS = {
    "t": "t", "tonne": "t", "tonnes": "t", "kg": "kg", "m3": "m3", "m³": "m3",
    "mwh": "MWh", "kwh": "kWh",
}


# --- the inventory ---------------------------------------------------------


@dataclass(frozen=True)
class Inventory:
    """A validated inventory: the territory and one frame per table.

    Frames carry the contract's columns plus derived ones: `line` (source
    line, for messages), and for flows `hazardous`, `family`, `ref_unit`,
    `quantity_ref` (in the material's reference unit) and `months_mask`
    (bit m-1 set when the flow is available in month m).
    """

    folder: Path
    territory: Territory
    companies: pd.DataFrame
    flows: pd.DataFrame
    facilities: pd.DataFrame
    catalogue: Catalogue = field(repr=False)

    def parameter(self, name: str) -> float:
        """A territory default, else the catalogue's value."""
        own = getattr(self.territory.defaults, name, None)
        if own is not None:
            return float(own)
        figure = getattr(self.catalogue.parameters, name)
        return float(figure.value)

    def company_models(self) -> list[Company]:
        return _models(Company, self.companies)

    def flow_models(self) -> list[Flow]:
        return _models(Flow, self.flows)

    def facility_models(self) -> list[Facility]:
        return _models(Facility, self.facilities)


def _models(model: type[T], frame: pd.DataFrame) -> list[T]:
    records = frame.replace({np.nan: None}).to_dict("records")
    return TypeAdapter(list[model]).validate_python(records)  # type: ignore[valid-type]


def load_inventory(folder: Path | str, catalogue: Catalogue | None = None) -> Inventory:
    """Read and validate an inventory folder; raise `InputError` with every problem."""
    root = Path(folder)
    catalogue = catalogue or load_catalogue()
    if not root.is_dir():
        raise InputError([problem(MESSAGES, "not_a_folder", str(root), path=root)])
    problems: list[Problem] = []
    territory = _read_territory(root / "territory.toml", problems)
    company_rows = _read_rows(root / "companies.csv", ("id", "name", "lat", "lon"), problems)
    companies = None if company_rows is None else _validated(company_rows, Company, "companies.csv", problems)
    flows = _read_table(
        root / "flows.csv", Flow, ("id", "company", "direction", "quantity", "unit"), problems
    )
    facilities_path = root / "facilities.csv"
    facilities = (
        _read_table(
            facilities_path,
            Facility,
            ("id", "type", "lat", "lon", "capacity", "unit", "status"),
            problems,
        )
        if facilities_path.exists()
        else _empty_frame(Facility)
    )
    # Ids of every company row, valid or not: a flow of a company whose latitude
    # is wrong is not also reported as pointing to an unknown company.
    company_ids = frozenset() if company_rows is None else frozenset(company_rows["id"].str.strip())
    if companies is not None:
        problems += _duplicate_ids(companies, "companies.csv")
    if flows is not None:
        problems += _duplicate_ids(flows, "flows.csv")
        if companies is not None:
            problems += _unknown_refs(flows, "company", company_ids, "flows.csv", "unknown_company")
        flows = _derive_flows(flows, catalogue, problems)
    if facilities is not None:
        problems += _duplicate_ids(facilities, "facilities.csv")
        if companies is not None:
            known = facilities[facilities["operator"].notna()]
            problems += _unknown_refs(known, "operator", company_ids, "facilities.csv", "unknown_operator")
        facilities = _derive_facilities(facilities, catalogue, problems)
    if problems or territory is None or companies is None or flows is None or facilities is None:
        raise InputError(problems)
    return Inventory(root, territory, companies, flows, facilities, catalogue)


# --- territory.toml ----------------------------------------------------------


def _read_territory(path: Path, problems: list[Problem]) -> Territory | None:
    name = path.name
    if not path.exists():
        problems.append(problem(MESSAGES, "missing_file", name))
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(problem(MESSAGES, "encoding", name, pos=exc.start))
        return None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, detail = toml_error(exc)
        problems.append(problem(MESSAGES, "toml_syntax", name, line, detail=detail))
        return None
    try:
        return Territory.model_validate(document)
    except ValidationError as exc:
        lines = text.splitlines()
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            key = loc[-1] if loc else ""
            line = _toml_line(lines, key)
            if error["type"] == "extra_forbidden":
                model = Defaults if loc[0] == "defaults" and len(loc) > 1 else Territory
                allowed = ", ".join(model.model_fields)
                problems.append(problem(MESSAGES, "toml_unknown_key", name, line, ".".join(loc), allowed=allowed))
            else:
                problems.append(_from_pydantic(error, name, line, ".".join(loc)))
        return None


def _toml_line(lines: Sequence[str], key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, text in enumerate(lines, start=1):
        if pattern.match(text):
            return number
    return None


# --- CSV tables ----------------------------------------------------------------


def _read_table(
    path: Path, model: type[Row], required: Sequence[str], problems: list[Problem]
) -> pd.DataFrame | None:
    """Read one CSV table into a validated frame, or None if it cannot be read."""
    rows = _read_rows(path, required, problems)
    return None if rows is None else _validated(rows, model, path.name, problems)


def _read_rows(path: Path, required: Sequence[str], problems: list[Problem]) -> pd.DataFrame | None:
    """The table's cells as text, indexed by line, or None if its shape is wrong."""
    name = path.name
    if not path.exists():
        problems.append(problem(MESSAGES, "missing_file", name))
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(problem(MESSAGES, "encoding", name, pos=exc.start))
        return None
    header, rows, lines, bad_rows = _split_csv(text, name)
    if header is None:
        problems.append(problem(MESSAGES, "empty_file", name, 1))
        return None
    if ";" in ",".join(header) and len(header) == 1:
        problems.append(problem(MESSAGES, "semicolon", name, 1))
        return None
    problems += bad_rows
    header = [column.strip() for column in header]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(problem(MESSAGES, "duplicate_column", name, 1, column))
        seen.add(column)
    missing = [column for column in required if column not in seen]
    problems += [problem(MESSAGES, "missing_column", name, 1, column) for column in missing]
    if missing or len(seen) != len(header):
        return None
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    raw.index = pd.Index(lines, name="line")
    return raw


def _validated(raw: pd.DataFrame, model: type[Row], name: str, problems: list[Problem]) -> pd.DataFrame:
    """Rows that pass the model, typed; each failing cell becomes a problem."""
    lines = raw.index.tolist()
    normal = _normalise(raw, model)
    # Each column against its field's type: the same checks and errors as the
    # row model (the models have no cross-field rules), without one dict per row.
    given = {
        column: normal[column] if column in normal else np.array([info.get_default()] * len(raw), dtype=object)
        for column, info in model.model_fields.items()
    }
    values: dict[str, list[Any]] = {}
    keep = np.ones(len(raw), dtype=bool)
    for column, cells in given.items():
        try:
            values[column] = _column_adapter(model, column).validate_python(cells.tolist())
        except ValidationError as exc:
            for error in exc.errors():
                row = int(error["loc"][0])
                keep[row] = False
                problems.append(_from_pydantic(error, name, lines[row], column))
    if not keep.all():  # the rows left all pass: validate them again for their typed values
        values = {column: _column_adapter(model, column).validate_python(cells[keep].tolist()) for column, cells in given.items()}
    validated = pd.DataFrame(values, columns=list(model.model_fields))
    validated.index = raw.index[keep]
    extra = [column for column in raw.columns if column not in model.model_fields]
    if extra:
        validated = pd.concat([validated, raw.loc[keep, extra].set_axis(validated.index)], axis=1)
    return validated.reset_index()


@cache
def _column_adapter(model: type[Row], column: str) -> TypeAdapter[list[Any]]:
    """A validator for one column: the field's type and constraints, over a list."""
    info = model.model_fields[column]
    kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(list[kind])


_LONE_CR = re.compile(r"\r(?!\n)")


def _split_csv(
    text: str, name: str
) -> tuple[list[str] | None, list[list[str]], list[int], list[Problem]]:
    """Rows with the line each starts on; rows of the wrong width are reported."""
    quoted = '"' in text or _LONE_CR.search(text)
    numbered = _quoted_records(text) if quoted else _plain_records(text)
    if not numbered:
        return None, [], [], []
    header = numbered[0][1]
    width = len(header)
    rows = [record for _, record in numbered[1:] if len(record) == width]
    lines = [line for line, record in numbered[1:] if len(record) == width]
    problems = [
        problem(MESSAGES, "field_count", name, line, found=len(record), expected=width)
        for line, record in numbered[1:]
        if len(record) != width
    ]
    return header, rows, lines, problems


@cache
def _spaces() -> tuple[str, ...]:
    """Every character `str.strip` removes, but the plain space and the newline."""
    return tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")


def _has_edge_space(text: str) -> bool:
    """Whether some cell may start or end with white space (a quick, safe over-estimate)."""
    if text.startswith(" ") or text.endswith(" ") or any(c in text for c in _spaces()):
        return True
    return any(pair in text for pair in (", ", " ,", "\n ", " \n"))


def _plain_records(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank records, stripped, with their line: without quotes every record
    is one line, so the csv module reads the whole text in one call, and cells
    are stripped only if some need it."""
    records = list(csv.reader(io.StringIO(text)))
    if _has_edge_space(text):
        records = [[cell.strip() for cell in record] for record in records]
    return [(line, record) for line, record in enumerate(records, start=1) if any(record)]


def _quoted_records(text: str) -> list[tuple[int, list[str]]]:
    """The same, when quoted cells may hold commas or line breaks: each record
    is numbered by the line it starts on."""
    reader = csv.reader(io.StringIO(text))
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    for record in reader:
        line, start = start, reader.line_num + 1
        cells = [cell.strip() for cell in record]
        if any(cells):
            numbered.append((line, cells))
    return numbered


def _normalise(raw: pd.DataFrame, model: type[Row]) -> dict[str, np.ndarray]:
    """Vectorised clean-up before validation: blanks, decimal commas, words.

    Word columns repeat a few values: each distinct value is cleaned once."""
    out: dict[str, np.ndarray] = {}
    for name, info in model.model_fields.items():
        if name not in raw.columns:
            continue
        column = raw[name].to_numpy(dtype=object)  # stripped when split
        blank = column == ""
        kind = repr(info.annotation)
        if "float" in kind or "int" in kind:
            column = _numeric_text(column)
        elif "bool" in kind:
            column = _on_distinct(column, lambda v: "true" if v.lower() in _TRUE else "false" if v.lower() in _FALSE else v)
        elif name == "unit":
            column = _on_distinct(column, lambda v: _UNIT_SPELLINGS.get(v.lower(), v))
        elif name in {"direction", "status", "route", "type"}:
            column = _on_distinct(column, str.lower)
        default = info.get_default() if not info.is_required() else None
        # A blank cell means "not given": the model's default, else None.
        filler = None if default is None else str(default).lower() if isinstance(default, bool) else default
        out[name] = np.asarray(np.where(blank, filler, column), dtype=object)
    return out


def _on_distinct(column: np.ndarray, function: Callable[[str], str]) -> np.ndarray:
    """`function` on each distinct cell, spread back to every row."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    cleaned = np.array([function(v) for v in distinct], dtype=object)
    result: np.ndarray = cleaned[codes]
    return result


def _numeric_text(column: np.ndarray) -> np.ndarray:
    """`"1 234,5"` -> `"1234.5"`; anything else is left for validation to reject.

    Only cells that do not already parse as numbers (in C) are rewritten."""
    odd = np.isnan(pd.to_numeric(column, errors="coerce").astype(float)) & (column != "")
    if not odd.any():
        return column
    text = pd.Series(column[odd], dtype=object)
    compact = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    comma = compact.str.fullmatch(r"[-+]?\d*,\d+").fillna(False).astype(bool)
    fixed = compact.where(~comma, compact.str.replace(",", ".", regex=False))
    result = column.copy()
    result[odd] = fixed.to_numpy(dtype=object)
    return result


def _empty_frame(model: type[Row]) -> pd.DataFrame:
    return pd.DataFrame({"line": pd.Series(dtype=int), **{c: pd.Series(dtype=object) for c in model.model_fields}})


def _from_pydantic(error: Any, file: str, line: int | None, column: str) -> Problem:
    """Translate a pydantic error into a located, bilingual problem."""
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    if kind == "missing" or (value is None and kind.endswith("_type")):
        return problem(MESSAGES, "required", file, line, column)
    if kind in {"float_parsing", "float_type"}:
        return problem(MESSAGES, "not_number", file, line, column, value=value)
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return problem(MESSAGES, "not_integer", file, line, column, value=value)
    if kind == "finite_number":
        return problem(MESSAGES, "not_finite", file, line, column, value=value)
    if kind in {"greater_than", "greater_than_equal", "less_than_equal"}:
        key = {"greater_than": "gt", "greater_than_equal": "ge", "less_than_equal": "le"}[kind]
        bound = context.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return problem(MESSAGES, key, file, line, column, bound=bound, value=value)
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return problem(MESSAGES, "choice", file, line, column, value=value, expected=expected)
    if kind in {"bool_parsing", "bool_type"}:
        return problem(MESSAGES, "bool", file, line, column, value=value)
    if kind == "string_too_short":
        return problem(MESSAGES, "empty", file, line, column)
    if kind == "string_pattern_mismatch" and column == "months":
        return problem(MESSAGES, "months", file, line, column, value=value)
    return problem(MESSAGES, "invalid", file, line, column, value=value, detail=error.get("msg", ""))


# --- cross-checks ------------------------------------------------------------


def _duplicate_ids(frame: pd.DataFrame, file: str) -> list[Problem]:
    repeated = frame["id"].duplicated(keep="first")
    first_line = frame.drop_duplicates("id").set_index("id")["line"]
    return [
        problem(MESSAGES, "duplicate_id", file, int(line), "id", value=key, first=int(first_line[key]))
        for key, line in zip(frame.loc[repeated, "id"], frame.loc[repeated, "line"], strict=True)
    ]


def _unknown_refs(
    frame: pd.DataFrame, column: str, declared: frozenset[str], file: str, key: str
) -> list[Problem]:
    unknown = ~frame[column].isin(declared)
    return [
        problem(MESSAGES, key, file, int(line), column, value=value)
        for value, line in zip(frame.loc[unknown, column], frame.loc[unknown, "line"], strict=True)
    ]


def _hint(value: str, choices: Iterable[str]) -> tuple[str, str]:
    """A 'did you mean' suffix, in French and English."""
    guesses = difflib.get_close_matches(value, list(choices), n=1)
    if not guesses:
        return "", ""
    return MESSAGES["hint"][0].format(guess=guesses[0]), MESSAGES["hint"][1].format(guess=guesses[0])


def _derive_flows(flows: pd.DataFrame, catalogue: Catalogue, problems: list[Problem]) -> pd.DataFrame:
    """EWC normalisation, material resolution and conversion to reference units."""
    file = "flows.csv"
    codes = ewc_codes.normalise(flows["ewc"])
    for key, mask in (("ewc_malformed", ~codes["well_formed"]), ("ewc_unknown", codes["well_formed"] & ~codes["known"])):
        problems += [
            problem(MESSAGES, key, file, int(line), "ewc", value=value)
            for value, line in zip(flows.loc[mask, "ewc"], flows.loc[mask, "line"], strict=True)
        ]
    flows = flows.assign(ewc=codes["ewc"].where(codes["ewc"] != "", None), hazardous=codes["hazardous"])
    neither = flows["ewc"].isna() & flows["material"].isna() & codes["well_formed"]
    problems += [problem(MESSAGES, "no_ewc_no_material", file, int(line)) for line in flows.loc[neither, "line"]]

    materials = catalogue.materials
    given = flows["material"].notna()
    unknown = given & ~flows["material"].isin(materials.keys())
    for value, line in zip(flows.loc[unknown, "material"], flows.loc[unknown, "line"], strict=True):
        hint_fr, hint_en = _hint(value, materials.keys())
        fr = MESSAGES["unknown_material"][0].format(value=value, hint=hint_fr)
        en = MESSAGES["unknown_material"][1].format(value=value, hint=hint_en)
        problems.append(Problem(file, int(line), "material", fr, en))
    by_code = pd.Series(catalogue.material_of_ewc(), dtype=object)
    material = flows["material"].where(given, flows["ewc"].map(by_code))
    material = material.where(~unknown, None)
    flows = flows.assign(material=material.astype(object).where(material.notna(), None))

    table = _material_table(catalogue)
    known = flows["material"].map(table["unit"]).notna()
    ref_unit = flows["material"].map(table["unit"]).fillna("t")
    density = flows["material"].map(table["density"]).astype(float)
    label = flows["material"].map(table["label_fr"]).fillna(flows["ewc"].fillna(""))
    unit = flows["unit"]
    factor = pd.Series(np.nan, index=flows.index)
    mass = ref_unit == "t"
    factor[mass & (unit == "t")] = 1.0
    factor[mass & (unit == "kg")] = 0.001
    factor[mass & (unit == "m3")] = density[mass & (unit == "m3")]
    factor[~mass & (unit == "MWh")] = 1.0
    factor[~mass & (unit == "kWh")] = 0.001
    checks = (
        ("energy_unit_for_mass", mass & unit.isin(["MWh", "kWh"])),
        ("mass_unit_for_energy", ~mass & unit.isin(["t", "kg", "m3"])),
        ("no_density", mass & (unit == "m3") & density.isna()),
    )
    for key, mask in checks:
        mask = mask & (known | flows["material"].isna()) & ~unknown
        problems += [
            problem(MESSAGES, key, file, int(line), "unit", value=u, material=m or "ce déchet")
            for u, m, line in zip(unit[mask], label[mask], flows.loc[mask, "line"], strict=True)
        ]
    months = flows["months"].map(_months_mask, na_action="ignore").fillna(_ALL_MONTHS)
    bad = months < 0
    problems += [
        problem(MESSAGES, "months", file, int(line), "months", value=value)
        for value, line in zip(flows.loc[bad, "months"], flows.loc[bad, "line"], strict=True)
    ]
    return flows.assign(
        family=flows["material"].map(table["family"]),
        ref_unit=ref_unit,
        quantity_ref=flows["quantity"] * factor,
        months_mask=months.astype(int),
    )


def _material_table(catalogue: Catalogue) -> pd.DataFrame:
    return pd.DataFrame(
        {
            key: {
                "unit": m.unit,
                "family": m.family,
                "label_fr": m.label_fr,
                "density": m.density_t_per_m3.value if m.density_t_per_m3 else np.nan,
            }
            for key, m in catalogue.materials.items()
        }
    ).T


def _months_mask(text: str) -> int:
    """`"10-4"` -> the bits of October to April (ranges wrap over the new year)."""
    mask = 0
    for part in text.split(";"):
        first, _, last = part.partition("-")
        start, end = int(first), int(last or first)
        if not (1 <= start <= 12 and 1 <= end <= 12):
            return -1
        month = start
        while True:
            mask |= 1 << (month - 1)
            if month == end:
                break
            month = month % 12 + 1
    return mask


def _derive_facilities(
    facilities: pd.DataFrame, catalogue: Catalogue, problems: list[Problem]
) -> pd.DataFrame:
    """Check types, capacity units and declared outlets against the catalogue."""
    file = "facilities.csv"
    types = catalogue.facility_types
    expected = ", ".join(types)
    unknown = ~facilities["type"].isin(types.keys())
    problems += [
        problem(MESSAGES, "unknown_facility_type", file, int(line), "type", value=value, expected=expected)
        for value, line in zip(facilities.loc[unknown, "type"], facilities.loc[unknown, "line"], strict=True)
    ]
    capacity_ref = []
    for row in facilities.itertuples(index=False):  # one per facility: a few dozen at most
        ftype = types.get(str(row.type))
        if ftype is None:
            capacity_ref.append(np.nan)
            continue
        factor = _facility_unit_factor(str(row.unit), ftype.intake_unit)
        if factor is None:
            key = "energy_unit_for_mass" if ftype.intake_unit == "t" else "mass_unit_for_energy"
            problems.append(problem(MESSAGES, key, file, int(row.line), "unit", value=row.unit, material=ftype.label_fr))
        capacity_ref.append(np.nan if factor is None else float(row.capacity) * factor)
        products = {p.product for p in ftype.products}
        for outlet in _split_list(row.outlets):
            if outlet not in products and outlet not in NO_OUTLET:
                problems.append(
                    problem(MESSAGES, "unknown_outlet", file, int(row.line), "outlets",
                            value=outlet, ftype=ftype.label_fr, expected=", ".join(sorted(products)))
                )
    return facilities.assign(capacity_ref=pd.Series(capacity_ref, index=facilities.index, dtype=float))


def _facility_unit_factor(unit: str, intake_unit: str) -> float | None:
    if intake_unit == "t":
        return {"t": 1.0, "kg": 0.001}.get(unit)
    return {"MWh": 1.0, "kWh": 0.001}.get(unit)


def _split_list(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


def months_available(mask: int) -> int:
    """How many months a flow is available."""
    return bin(mask & _ALL_MONTHS).count("1")


EXCLUDE_MESSAGES: Messages = {
    "unknown": ("entreprise « {value} » inconnue de l'inventaire", "company '{value}' is not in the inventory"),
}


def without_companies(inventory: Inventory, ids: Iterable[str]) -> Inventory:
    """The inventory as if these companies had left the territory."""
    leaving = set(ids)
    unknown = sorted(leaving - set(inventory.companies["id"]))
    if unknown:
        raise InputError(
            [problem(EXCLUDE_MESSAGES, "unknown", "--exclude-company", value=value) for value in unknown]
        )
    if not leaving:
        return inventory
    companies = inventory.companies[~inventory.companies["id"].isin(leaving)].reset_index(drop=True)
    flows = inventory.flows[~inventory.flows["company"].isin(leaving)].reset_index(drop=True)
    return replace(inventory, companies=companies, flows=flows)
