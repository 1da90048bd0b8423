"""What each candidate link is worth per unit: money, CO2e avoided, jobs.

Everything that depends on one end only (an output's route today, what it
costs and emits, the jobs it keeps; what an input pays for what it needs) is
computed once per flow in `Ends`; everything that depends on the kind of
exchange (material and rule, facility type) once per distinct key in a small
table. A link then only takes from arrays by position: no string lookups
over a million links. Transport is not included: the optimiser charges it
per tonne-km.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.catalogue.models import (
    Catalogue,
    FacilityType,
    Material,
    Tgap,
    product_yield,
    value_of,
)

Columns = dict[str, Any]
"""Economic columns of a batch of links, ready for a DataFrame."""


def text(values: Any) -> Any:
    """A pandas string array, so that links take from it without re-checking each string."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        return values.array  # already one
    return pd.array(np.asarray(values, dtype=object), dtype="str")


@dataclass(frozen=True)
class Ends:
    """Each output's and each input's side of a link's economics, in the row
    order of the matcher's `outputs` and `inputs` frames."""

    today: Any
    """Output: today's route (string array)."""
    disposal: np.ndarray
    """Output: what today's route costs the sender, EUR per unit."""
    emitted: np.ndarray
    """Output: kg CO2e per unit emitted by today's route."""
    material_code: np.ndarray
    """Output: position of its material key in `materials`."""
    materials: np.ndarray
    """Distinct material keys of the outputs ('' for none)."""
    purchase: np.ndarray
    """Input: what the receiver pays today, EUR per unit."""

    @classmethod
    def of(cls, catalogue: Catalogue, outputs: pd.DataFrame, inputs: pd.DataFrame, tax: TaxYear | None = None) -> Ends:
        mats = catalogue.materials
        material = outputs["material_key"]
        default_route = {k: m.default_route for k, m in mats.items()}
        today = outputs["route"].fillna(material.map(default_route)).fillna("landfill").astype(object)
        # The catalogue's costs exclude the TGAP: the tax year's rate is added. A
        # declared cost includes the inventory year's: it moves by the difference.
        tax = tax or TaxYear(None, 0, 0)
        rate = on_pairs(material, today, lambda m, r: tax.on(mats.get(m), r, tax.year)).astype(float)
        rate_declared = on_pairs(material, today, lambda m, r: tax.on(mats.get(m), r, tax.declared_year)).astype(float)
        gate = on_pairs(material, today, lambda m, r: route_figure(mats.get(m), "disposal", r)).astype(float)
        declared = pd.to_numeric(outputs["cost_eur_per_t"], errors="coerce").astype(float).to_numpy()
        in_tonnes = (outputs["ref_unit"] == "t").to_numpy(dtype=bool)
        disposal = pd.Series(
            np.where(np.isnan(declared), gate + np.where(in_tonnes, rate, 0.0),
                     declared + np.where(in_tonnes, rate - rate_declared, 0.0)),
            index=outputs.index,
        )
        emitted = on_pairs(material, today, lambda m, r: route_figure(mats.get(m), "co2e", r)).astype(float)
        price = {k: value_of(m.price_eur_per_unit) for k, m in mats.items()}
        purchase = pd.to_numeric(inputs["cost_eur_per_t"], errors="coerce").astype(float).fillna(
            inputs["material_key"].map(price).astype(float).fillna(0.0)
        )
        codes, uniques = pd.factorize(material.to_numpy(dtype=object), use_na_sentinel=False)
        return cls(
            today=text(today),
            disposal=disposal.to_numpy(dtype=float),
            emitted=emitted,
            material_code=codes.astype(np.int64),
            materials=np.asarray(uniques, dtype=object),
            purchase=purchase.to_numpy(dtype=float),
        )


@dataclass(frozen=True)
class TaxYear:
    """The TGAP a run charges: the catalogue's table, the year of its rates, the
    year declared costs were paid in (the inventory's), and the landfill surcharge."""

    table: Tgap | None
    year: int
    declared_year: int
    surcharge: bool = False

    def on(self, material: Material | None, route: str, year: int) -> float:
        """EUR per tonne of `material` sent to `route` in `year` (0 where it pays none)."""
        if self.table is None or material is None:
            return 0.0
        if route == "outside":
            return 0.0  # taxed, if at all, where it goes: its declared cost says so
        if route not in material.tgap_routes:
            return 0.0
        return self.table.rate(route, year, self.surcharge)


def direct(
    catalogue: Catalogue, ends: Ends, src: np.ndarray, dst: np.ndarray, rule_names: list[str], rule_code: np.ndarray,
) -> Columns:
    """Output to input: the sender stops paying for disposal, the receiver for
    its purchase; the route and activity follow the rule or the material."""
    mats = catalogue.materials
    keys = [(m, r) for m in ends.materials for r in rule_names]
    route = [_direct_route(catalogue, m, r) for m, r in keys]
    activity = [_direct_activity(catalogue, m, r) for m, r in keys]
    new_emissions = np.array([route_figure(mats.get(m), "co2e", rt) for (m, _), rt in zip(keys, route, strict=True)])
    pair = ends.material_code[src] * len(rule_names) + rule_code
    return {
        "today_route": ends.today.take(src),
        "route": text(route).take(pair),
        "activity": text(activity).take(pair),
        "disposal_eur_per_unit": ends.disposal[src],
        "purchase_eur_per_unit": ends.purchase[dst],
        "value_eur_per_unit": ends.disposal[src] + ends.purchase[dst],
        "co2e_kg_per_unit": ends.emitted[src] - new_emissions[pair],
        "unchanged": False,
    }


def intake(
    catalogue: Catalogue, ends: Ends, src: np.ndarray, ftype: FacilityType, kwh_per_nm3: float, *,
    existing: np.ndarray, opex_per_unit: np.ndarray,
) -> Columns:
    """Output to a shared facility: the sender stops paying for disposal, the
    facility's running cost per tonne (`opex_per_unit`: none for a facility
    that declares a yearly one) and process emissions are charged to its intake.

    An existing facility is taken to receive today what it can reach of its
    own route (the valley's green waste is composted at its platform; what is
    treated outside the territory today is declared `outside`): such an
    intake is `unchanged`. It changes no money, CO2e or job, and what it makes
    is what it makes today, used today: its products' credit and worth are
    taken back here, where they are counted again downstream."""
    # A facility doing what today's route already does (green waste already
    # composted elsewhere) earns no new credit for its products: take back
    # what its products will be credited.
    code = ends.material_code[src]
    credit = np.array([product_credit(catalogue, ftype, m, kwh_per_nm3) for m in ends.materials], dtype=float)[code]
    slip = np.array([methane_slip(catalogue, ftype, m) for m in ends.materials], dtype=float)[code]
    worth = np.array([product_worth(catalogue, ftype, m, kwh_per_nm3) for m in ends.materials], dtype=float)[code]
    today = ends.today.take(src)
    same_route = np.asarray(today == ftype.route, dtype=bool)
    credit_back = np.where(same_route, credit, 0.0)
    unchanged = same_route & existing
    process = ftype.process_co2e_kg_per_unit.value + slip
    co2 = np.where(unchanged, -credit_back, ends.emitted[src] - process - credit_back)
    return {
        "today_route": today,
        "route": ftype.route,
        "activity": ftype.activity,
        "disposal_eur_per_unit": np.where(unchanged, 0.0, ends.disposal[src]),
        "purchase_eur_per_unit": 0.0,
        "value_eur_per_unit": np.where(unchanged, -worth, ends.disposal[src] - opex_per_unit),
        "co2e_kg_per_unit": co2,
        "unchanged": unchanged,
    }


def product(ends: Ends, dst: np.ndarray | None, made: Material) -> Columns:
    """A facility's product: to an input it replaces a purchase and earns the
    product's substitution credit; to another facility it is an intermediate."""
    to_input = dst is not None
    purchase = ends.purchase[dst] if dst is not None else 0.0
    return {
        "today_route": "",
        "route": "reuse",
        "activity": "",
        "disposal_eur_per_unit": 0.0,
        "purchase_eur_per_unit": purchase,
        "value_eur_per_unit": purchase,
        "co2e_kg_per_unit": value_of(made.substitution_co2e_kg_per_unit) if to_input else 0.0,
        "unchanged": False,
    }


def _direct_route(catalogue: Catalogue, material: str, rule: str) -> str:
    if rule in catalogue.rules:
        return catalogue.rules[rule].route
    return catalogue.materials[material].direct_route if material in catalogue.materials else "recycling"


def _direct_activity(catalogue: Catalogue, material: str, rule: str) -> str:
    if rule in catalogue.rules:
        return catalogue.rules[rule].activity
    return catalogue.materials[material].direct_activity if material in catalogue.materials else "recycling"


def on_pairs(first: pd.Series, second: pd.Series, function: Callable[[Any, Any], Any]) -> np.ndarray:
    """`function` on each distinct (first, second) pair, spread back to every row:
    a few dozen calls however many rows there are."""
    if len(first) == 0:
        return np.empty(0, dtype=object)
    codes_a, uniques_a = pd.factorize(first.to_numpy(dtype=object), use_na_sentinel=False)
    codes_b, uniques_b = pd.factorize(second.to_numpy(dtype=object), use_na_sentinel=False)
    pair = codes_a.astype(np.int64) * len(uniques_b) + codes_b
    distinct, inverse = np.unique(pair, return_inverse=True)
    values = np.array(
        [function(uniques_a[p // len(uniques_b)], uniques_b[p % len(uniques_b)]) for p in distinct], dtype=object
    )
    result: np.ndarray = values[inverse]
    return result


def product_credit(catalogue: Catalogue, ftype: FacilityType, material: str, kwh_per_nm3: float) -> float:
    """CO2e credited to a facility's products per unit of this intake."""
    if material not in catalogue.materials:
        return 0.0
    total = 0.0
    for made in ftype.products:
        per_unit = product_yield(catalogue.materials[material], made.basis, made.factor.value, kwh_per_nm3)
        total += per_unit * value_of(catalogue.materials[made.product].substitution_co2e_kg_per_unit)
    return total


def methane_slip(catalogue: Catalogue, ftype: FacilityType, material: str) -> float:
    """kg CO2e of methane a digester lets escape per unit of this intake."""
    made = catalogue.materials.get(material)
    if ftype.methane_slip_co2e_kg_per_nm3 is None or made is None or made.methane_nm3_per_t is None:
        return 0.0
    return ftype.methane_slip_co2e_kg_per_nm3.value * made.methane_nm3_per_t.value


def product_worth(catalogue: Catalogue, ftype: FacilityType, material: str, kwh_per_nm3: float) -> float:
    """What a facility's products of one unit of this intake are worth at the catalogue's prices."""
    if material not in catalogue.materials:
        return 0.0
    return sum(
        product_yield(catalogue.materials[material], made.basis, made.factor.value, kwh_per_nm3)
        * value_of(catalogue.materials[made.product].price_eur_per_unit)
        for made in ftype.products
    )


def route_figure(material: Material | None, kind: str, route: str) -> float:
    """A material's disposal cost or CO2e per unit on a route (0 where the catalogue is silent).

    `outside` (the territory does not know where it goes) takes the figures of
    the material's usual route."""
    if material is None:
        return 0.0
    if route == "outside":
        route = material.default_route
    table = material.disposal_cost_eur_per_unit if kind == "disposal" else material.co2e_kg_per_unit
    figure = table.get(route)  # type: ignore[call-overload]
    return float(figure.value) if figure is not None else 0.0
