"""The inventory's tables as typed rows: the contract's columns, their types and bounds.

Each row model is frozen and ignores unknown columns (the contract keeps
them); the field types are reused by scenarios, which add companies, flows
and facilities of their own.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from symbiosis.catalogue.models import TodayRoute

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]


Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


Finite = Annotated[float, Field(allow_inf_nan=False)]


Unit = Literal["t", "kg", "m3", "MWh", "kWh"]


Direction = Literal["output", "input"]


Status = Literal["waste", "by_product", "end_of_waste"]


FacilityStatus = Literal["existing", "candidate"]


Structure = Literal["ei", "aci", "ai", "etti", "esat", "ea", "other"]
"""What kind of employer a company is (contract §4): the four kinds of SIAE
(insertion structures), protected or adapted work, or any other."""
INSERTION_STRUCTURES = frozenset({"ei", "aci", "ai", "etti"})
"""SIAE, code du travail art. L5132-4: entreprise d'insertion, atelier et chantier
d'insertion, association intermédiaire, entreprise de travail temporaire d'insertion."""
ADAPTED_STRUCTURES = frozenset({"esat", "ea"})
"""Protected and adapted work: ESAT (code de l'action sociale et des familles,
art. L344-2) and entreprise adaptée (code du travail, art. L5213-13)."""


Months = Annotated[str, StringConstraints(pattern=r"^\d{1,2}(-\d{1,2})?(;\d{1,2}(-\d{1,2})?)*$")]
Profile = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\s*\d+([.,]\d+)?(\s*;\s*\d+([.,]\d+)?){11}\s*$")]
"""Twelve weights, January to December, separated by `;`: how a yearly quantity spreads over the months."""

UNITS: tuple[str, ...] = Unit.__args__  # type: ignore[attr-defined]

ALL_MONTHS = 0b1111_1111_1111
NO_OUTLET = frozenset({"none", "aucun", "aucune"})
"""Words in facilities.csv `outlets` meaning: no outlet, products must reach users."""


class Row(BaseModel):
    """A CSV row: frozen, unknown columns ignored (the contract keeps them)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Company(Row):
    id: Id
    name: NonBlank
    lat: Latitude
    lon: Longitude
    zone: str | None = None
    naf: str | None = None
    employees: Annotated[int, Field(ge=0)] | None = None
    ess: bool = False
    confidential: bool = False
    structure: Structure = "other"


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
    route: TodayRoute | None = None
    """Outputs: where it goes today (contract §4); blank: the material's usual route."""
    months: Months | None = None
    monthly_profile: Profile | None = None
    link_fixed_cost_eur: NonNegative | None = None
    """Outputs: a yearly cost paid for each link that carries any of this output (contract §4)."""
    temperature_c: Annotated[float, Field(ge=-50, le=1500)] | None = None
    """Waste-heat outputs: the temperature the heat is available at (a heat pump
    lifts it when below the catalogue's threshold); blank: hot enough."""


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
    tgap_year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    """The year whose TGAP rates the run charges (a what-if: "and in 2027?");
    None: the inventory's year, whose TGAP declared costs include."""
    tgap_landfill_surcharge: bool | None = None
    """true: today's landfill receives above its regional threshold and pays the surcharge."""


class Sharing(BaseModel):
    """How the gain of an exchange is shared, and who may not lose (territory.toml `[sharing]`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seller_share: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    """Share of an exchange's gain that goes to the one who sends (the rest to the
    one who receives): the price lies between what the seller gets today and
    what the buyer pays today. 0.5 (an even split) is an assumption."""
    break_even: bool = False
    """true: a facility that no company operates must not lose money either
    (else its account is the territory's, shown apart)."""


class Territory(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: NonBlank
    year: Annotated[int, Field(ge=1900, le=2200)]
    description: str | None = None
    region: str | None = None
    collector: Id | None = None
    """The company that collects what the plan brings to local use (a company id):
    the jobs of a new collection are its own; without it, an unnamed hauler's."""
    defaults: Defaults = Defaults()
    sharing: Sharing = Sharing()


def months_available(mask: int) -> int:
    """How many months a flow is available."""
    return bin(mask & ALL_MONTHS).count("1")


def split_list(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(";") if part.strip()]
