"""The shape of the material catalogue: materials, facility types, exchange
rules, job ratios and economic parameters, each figure with its source.

The catalogue is data (the TOML files beside this module), so that a chargé
de mission or a reviewer can read and challenge every figure without reading
code. This module only declares its shape; `load.py` reads it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from symbiosis.catalogue.ewc import list_of_waste, split_code

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RefUnit = Literal["t", "MWh"]
TodayRoute = Literal[
    "landfill",
    "incineration",
    "energy_recovery",
    "recycling",
    "reuse",
    "composting",
    "methanisation",
    "spreading",
    "outside",
    "none",
]
"""Where an output goes today (contract §4): `incineration` has no energy
recovery, `outside` leaves the territory for any route, `none` is energy
not used today."""
Route = Literal[TodayRoute, "grid_injection"]
"""A treatment route: today's, or one a facility's outlet takes."""
TODAY_ROUTES: tuple[TodayRoute, ...] = TodayRoute.__args__  # type: ignore[attr-defined]
ROUTES: tuple[Route, ...] = (*TODAY_ROUTES, "grid_injection")
ADDITIONAL_ROUTES = frozenset({"landfill", "incineration", "outside", "none"})
"""Today's routes from which a local use is an addition (contract §4
`additional_valorised_t`); from the others it only re-routes."""
DISPOSAL_ROUTES = frozenset({"landfill", "incineration"})
"""Routes that destroy the material: what goes there today is not collected apart."""
ENERGY_ROUTES = frozenset({"none", "energy_recovery", "outside", "grid_injection"})
"""The routes energy can take (heat is never landfilled)."""
YieldBasis = Literal["mass", "lhv", "methane", "energy"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Figure(Frozen):
    """A number and where it comes from; no figure without a source."""

    value: float
    source: NonEmpty
    note: str | None = None


def value_of(figure: Figure | None, default: float = 0.0) -> float:
    """A figure's value, or `default` where the catalogue has none."""
    return default if figure is None else figure.value


TaxedRoute = Literal["landfill", "incineration", "energy_recovery"]
"""Routes the TGAP may fall on: storage (ISDND) and thermal treatment."""
USUALLY_TAXED: tuple[TaxedRoute, ...] = ("landfill", "incineration")
"""Where a material pays the TGAP unless the catalogue says otherwise."""


class Material(Frozen):
    label_fr: NonEmpty
    label_en: NonEmpty
    unit: RefUnit
    family: Key
    ewc: list[str] = Field(default_factory=list)
    product: bool = False
    default_route: Route
    """Where this stream usually goes today when a flow does not say (absent:
    `landfill` for tonnes, `none` for energy)."""
    direct_route: Route = "recycling"
    direct_activity: Key = "collection"
    density_t_per_m3: Figure | None = None
    lhv_mwh_per_t: Figure | None = None
    methane_nm3_per_t: Figure | None = None
    co2e_kg_per_unit: dict[Route, Figure] = Field(default_factory=dict)
    substitution_co2e_kg_per_unit: Figure | None = None
    disposal_cost_eur_per_unit: dict[Route, Figure] = Field(default_factory=dict)
    price_eur_per_unit: Figure | None = None
    jobs_per_kt: dict[Key, Figure] = Field(default_factory=dict)
    """Activity or route -> FTE per 1 000 units of this material, where its work
    differs from the activity's usual figure (mechanised handling of minerals)."""
    tgap_routes: list[TaxedRoute] = Field(default_factory=lambda: list(USUALLY_TAXED))
    """Routes on which this material pays the TGAP today (none for inert waste,
    received by an ISDI; energy_recovery where it burns in a waste-to-energy plant)."""
    collected_apart: bool = False
    """It travels in its own skip or tank even to disposal (rubble to an inert
    landfill): a local use of it creates no new collection."""
    storable: bool | None = None
    """Whether it keeps for months, so that when it is produced or needed does
    not limit an exchange (None: mass keeps, energy does not)."""

    @model_validator(mode="before")
    @classmethod
    def _usual_route(cls, data: Any) -> Any:
        if isinstance(data, dict) and "default_route" not in data:
            return {**data, "default_route": "none" if data.get("unit") == "MWh" else "landfill"}
        return data

    @property
    def keeps(self) -> bool:
        """Whether the months it is declared for leave it free to move in other months."""
        return self.storable if self.storable is not None else self.unit == "t"

    @model_validator(mode="after")
    def _codes_are_canonical(self) -> Material:
        for code in self.ewc:
            parsed = split_code(code)
            if parsed is None or parsed[0] != code:
                raise ValueError(f"EWC code {code!r} is not written as 'NN NN NN'")
            if code not in list_of_waste():
                raise ValueError(f"EWC code {code!r} is not in the List of Waste")
        return self


def product_yield(material: Material, basis: str, factor: float, kwh_per_nm3: float) -> float:
    """Units of product per unit of intake, from the catalogue's figures."""
    if basis == "mass" or basis == "energy":
        return factor
    if basis == "lhv":
        return value_of(material.lhv_mwh_per_t) * factor
    if basis == "methane":
        return value_of(material.methane_nm3_per_t) * kwh_per_nm3 / 1000 * factor
    raise ValueError(f"unknown yield basis {basis}")


class Acceptance(Frozen):
    material: Key
    max_share: Figure | None = None


class Product(Frozen):
    """What a facility delivers per unit of intake.

    `basis` says how: `mass` (t per t), `lhv` (MWh per t = intake lower
    heating value x factor), `methane` (MWh per t = methane potential x
    energy per Nm3 x factor), `energy` (MWh per MWh).
    """

    product: Key
    basis: YieldBasis
    factor: Figure


class FacilityType(Frozen):
    label_fr: NonEmpty
    label_en: NonEmpty
    intake_unit: RefUnit
    route: Route
    activity: Key
    accepts: list[Acceptance]
    products: list[Product]
    outlets: dict[Key, Route] = Field(default_factory=dict)
    process_co2e_kg_per_unit: Figure
    methane_slip_co2e_kg_per_nm3: Figure | None = None
    """Methane that escapes a digester, in kg CO2e per Nm3 of methane its intake
    yields (materials.toml methane_nm3_per_t): charged on top of the process."""
    opex_eur_per_unit: Figure
    lifetime_years: Figure
    min_load_share: Figure
    """Least share of its yearly capacity a facility takes when it runs: below it,
    it does not run (and creates none of its fixed jobs)."""
    loops: str | None = None
    """Why this type may take back products of a facility it supplies (none: it may not)."""


class ExchangeRule(Frozen):
    label_fr: NonEmpty
    label_en: NonEmpty
    from_materials: list[Key]
    to_materials: list[Key]
    route: Route
    activity: Key
    source: NonEmpty


class Activity(Frozen):
    label_fr: NonEmpty
    label_en: NonEmpty
    jobs_per_kt: Figure



class Tgap(Frozen):
    """The waste TGAP (taxe générale sur les activités polluantes), EUR per tonne
    received, by route and year: art. 266 nonies of the Code des douanes, then
    the CIBS from 2026. Catalogue disposal costs exclude it; the engine adds
    the year's rate (territory.toml [defaults] tgap_year, else the inventory's
    year) on the routes each material pays it on (materials.toml tgap_routes)."""

    rates: dict[TaxedRoute, dict[str, Figure]]
    """Route -> year ("2025") -> EUR/t. energy_recovery is the reduced rate of a
    plant with an energy efficiency of at least 0.65 (R1)."""
    landfill_surcharge: dict[str, Figure] = Field(default_factory=dict)
    """Year -> EUR/t added on the tonnage a landfill receives above the regional
    threshold (territory.toml [defaults] tgap_landfill_surcharge = true)."""

    def rate(self, route: str, year: int, surcharge: bool = False) -> float:
        """EUR/t on `route` in `year`: the year's rate, else the nearest year's of the table."""
        table = self.rates.get(route)  # type: ignore[call-overload]
        if not table:
            return 0.0
        value = _nearest(table, year)
        if surcharge and route == "landfill" and self.landfill_surcharge:
            value += _nearest(self.landfill_surcharge, year)
        return value


def _nearest(table: dict[str, Figure], year: int) -> float:
    years = sorted(int(y) for y in table)
    chosen = min(years, key=lambda y: (abs(y - year), -y))
    return float(table[str(chosen)].value)


class HeatLink(Frozen):
    """What it takes to carry waste heat from one site to another: a substation
    and exchanger at the user, a twin pipe per metre, their upkeep, the heat
    lost on the way, and a heat pump where the heat is too cool to use as is."""

    substation_eur: Figure
    pipe_eur_per_m: Figure
    lifetime_years: Figure
    upkeep_share_per_year: Figure
    """Operation and maintenance, a share of the investment each year."""
    loss_share_per_km: Figure
    """Heat lost per km of pipe, a share of what is sent."""
    heat_pump_below_c: Figure
    """Waste heat cooler than this (flows.csv temperature_c) is lifted by a heat pump."""
    heat_pump_cop: Figure
    electricity_eur_per_mwh: Figure
    electricity_co2e_kg_per_mwh: Figure


class Parameters(Frozen):
    """Territory-wide defaults; `territory.toml` [defaults] may override each."""

    max_distance_km: Figure
    heat_max_distance_km: Figure
    transport_cost_eur_per_tkm: Figure
    transport_co2e_kg_per_tkm: Figure
    methane_kwh_per_nm3: Figure
    outlet_distance_km: Figure
    """Haul assumed for a facility's mass products to its outlets (land spreading)."""
    discount_rate: Figure
    fte_per_insertion_job: Figure
    tgap: Tgap | None = None
    heat_link: HeatLink | None = None
    """The costs of a waste-heat link (none: a heat link costs nothing to build, as in small tests)."""
    """The waste tax by route and year (none: disposal costs are taken as they are)."""


class Catalogue(Frozen):
    materials: dict[Key, Material]
    facility_types: dict[Key, FacilityType]
    rules: dict[Key, ExchangeRule]
    activities: dict[Key, Activity]
    parameters: Parameters

    @model_validator(mode="after")
    def _references_resolve(self) -> Catalogue:
        materials, activities = self.materials.keys(), self.activities.keys()
        errors: list[str] = []
        for key, ftype in self.facility_types.items():
            names = [a.material for a in ftype.accepts] + [p.product for p in ftype.products]
            errors += [f"facility type {key}: unknown material {m}" for m in names if m not in materials]
            errors += [f"facility type {key}: outlet for {p}, not a product" for p in ftype.outlets
                       if p not in {q.product for q in ftype.products}]
            if ftype.activity not in activities:
                errors.append(f"facility type {key}: unknown activity {ftype.activity}")
        for key, rule in self.rules.items():
            names = rule.from_materials + rule.to_materials
            errors += [f"rule {key}: unknown material {m}" for m in names if m not in materials]
            if rule.activity not in activities:
                errors.append(f"rule {key}: unknown activity {rule.activity}")
        for key, material in self.materials.items():
            if material.direct_activity not in activities:
                errors.append(f"material {key}: unknown activity {material.direct_activity}")
            errors += [f"material {key}: jobs for unknown activity {a}" for a in material.jobs_per_kt if a not in activities]
            if material.default_route not in activities:
                errors.append(f"material {key}: no activity for route {material.default_route}")
            if material.unit == "t" and material.default_route == "none":
                errors.append(f"material {key}: route none is for energy not used today")
            if material.unit == "MWh" and material.default_route not in ENERGY_ROUTES:
                errors.append(f"material {key}: energy cannot go to {material.default_route}")
        owner: dict[str, str] = {}
        for key, material in self.materials.items():
            for code in material.ewc:
                if code in owner:
                    errors.append(f"EWC {code} belongs to both {owner[code]} and {key}")
                owner[code] = key
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def material_of_ewc(self) -> dict[str, str]:
        """Canonical EWC code -> material key."""
        return {code: key for key, m in self.materials.items() for code in m.ewc}
