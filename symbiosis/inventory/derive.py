"""Whole-column checks and derived columns: ids, references, EWC codes,
materials, reference units, months and facility capacities.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from symbiosis.catalogue import ewc as ewc_codes
from symbiosis.catalogue.models import ENERGY_ROUTES, Catalogue
from symbiosis.core.frames import rows
from symbiosis.core.problems import Problem, problem
from symbiosis.core.words import Text, both
from symbiosis.inventory.messages import MESSAGES
from symbiosis.inventory.schema import ALL_MONTHS, NO_OUTLET, split_list


def duplicate_ids(frame: pd.DataFrame, file: str) -> list[Problem]:
    repeated = frame["id"].duplicated(keep="first")
    first_line = frame.drop_duplicates("id").set_index("id")["line"]
    return [
        problem(MESSAGES, "duplicate_id", file, int(line), "id", value=key, first=int(first_line[key]))
        for key, line in zip(frame.loc[repeated, "id"], frame.loc[repeated, "line"], strict=True)
    ]


def unknown_refs(
    frame: pd.DataFrame, column: str, declared: frozenset[str], file: str, key: str
) -> list[Problem]:
    unknown = ~frame[column].isin(declared)
    return [
        problem(MESSAGES, key, file, int(line), column, value=value)
        for value, line in zip(frame.loc[unknown, column], frame.loc[unknown, "line"], strict=True)
    ]


def _hint(value: str, choices: Iterable[str]) -> Text | str:
    """A 'did you mean' suffix, or nothing."""
    guesses = difflib.get_close_matches(value, list(choices), n=1)
    return Text(MESSAGES, "hint", {"guess": guesses[0]}) if guesses else ""


def code_label(code: object) -> Text:
    """A waste without a catalogue material, named by its code."""
    return both(str(code), str(code)) if isinstance(code, str) and code else Text(MESSAGES, "this_waste")


def derive_flows(flows: pd.DataFrame, catalogue: Catalogue, problems: list[Problem]) -> pd.DataFrame:
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
        problems.append(
            problem(MESSAGES, "unknown_material", file, int(line), "material", value=value, hint=_hint(value, materials.keys()))
        )
    by_code = pd.Series(catalogue.material_of_ewc(), dtype=object)
    problems += _mixed_units(flows, by_code, given & ~unknown, catalogue)
    material = flows["material"].where(given, flows["ewc"].map(by_code))
    material = material.where(~unknown, None)
    flows = flows.assign(material=material.astype(object).where(material.notna(), None))

    table = _material_table(catalogue)
    known = flows["material"].map(table["unit"]).notna()
    ref_unit = flows["material"].map(table["unit"]).fillna("t")
    density = flows["material"].map(table["density"]).astype(float)
    labels = {key: both(m.label_fr, m.label_en) for key, m in materials.items()}
    label = flows["material"].map(labels)
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
            problem(MESSAGES, key, file, int(line), "unit", value=u, material=m if isinstance(m, Text) else code_label(code))
            for u, m, code, line in zip(unit[mask], label[mask], flows.loc[mask, "ewc"], flows.loc[mask, "line"], strict=True)
        ]
    problems += _route_units(flows, mass, label, known)
    months = flows["months"].map(_months_mask, na_action="ignore").fillna(ALL_MONTHS)
    bad = months < 0
    problems += [
        problem(MESSAGES, "months", file, int(line), "months", value=value)
        for value, line in zip(flows.loc[bad, "months"], flows.loc[bad, "line"], strict=True)
    ]
    months = _profile_months(flows, months, problems)
    return flows.assign(
        family=flows["material"].map(table["family"]),
        ref_unit=ref_unit,
        quantity_ref=flows["quantity"] * factor,
        months_mask=months.astype(int),
    )


def _route_units(flows: pd.DataFrame, mass: pd.Series, label: pd.Series, known: pd.Series) -> list[Problem]:
    """Today's route must suit what the output is: energy is never landfilled, and
    only energy is `none` (not used)."""
    route = flows["route"]
    output = (flows["direction"] == "output") & route.notna() & known
    checks = (
        ("energy_route", output & ~mass & ~route.isin(ENERGY_ROUTES)),
        ("mass_route_none", output & mass & (route == "none")),
    )
    return [
        problem(MESSAGES, key, "flows.csv", int(line), "route", value=value, material=material)
        for key, mask in checks
        for value, material, line in zip(route[mask], label[mask], flows.loc[mask, "line"], strict=True)
    ]


def _mixed_units(flows: pd.DataFrame, by_code: pd.Series, given: pd.Series, catalogue: Catalogue) -> list[Problem]:
    """A flow naming a material and a waste code of another unit (heat with a wood code)."""
    code_material = flows["ewc"].map(by_code)
    rows = given & code_material.notna()
    found = []
    materials = catalogue.materials
    for line, code, own, other in zip(flows.loc[rows, "line"], flows.loc[rows, "ewc"], flows.loc[rows, "material"],
                                      code_material[rows], strict=True):
        mine, theirs = materials[str(own)], materials[str(other)]
        if mine.unit != theirs.unit:
            found.append(problem(
                MESSAGES, "code_unit", "flows.csv", int(line), "material", code=code,
                code_material=both(theirs.label_fr, theirs.label_en), code_unit=theirs.unit,
                material=both(mine.label_fr, mine.label_en), unit=mine.unit,
            ))
    return found


def profile_shares(profiles: pd.Series) -> np.ndarray:
    """Each monthly profile (`1;1;0;…`, twelve weights) as the share of the year in each month."""
    if not len(profiles):
        return np.zeros((0, 12))
    text = profiles.astype(str).str.replace(",", ".", regex=False).str.split(";")
    weights = np.array([[float(part) for part in parts] for parts in text], dtype=float)
    totals = weights.sum(axis=1, keepdims=True)
    shares: np.ndarray = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    return shares


def _profile_months(flows: pd.DataFrame, months: pd.Series, problems: list[Problem]) -> pd.Series:
    """The months of a flow with a profile are those its profile covers (and must be its `months`)."""
    profiled = flows["monthly_profile"].notna()
    if not profiled.any():
        return months
    shares = profile_shares(flows.loc[profiled, "monthly_profile"])
    bits = (shares > 0).astype(np.int64) @ (1 << np.arange(12, dtype=np.int64))
    declared = flows.loc[profiled, "months"]
    for line, text, mask, days, stated in zip(flows.loc[profiled, "line"], flows.loc[profiled, "monthly_profile"],
                                               bits, months[profiled], declared, strict=True):
        if mask == 0:
            problems.append(problem(MESSAGES, "profile_empty", "flows.csv", int(line), "monthly_profile"))
        elif isinstance(stated, str) and days >= 0 and int(days) != int(mask):
            problems.append(problem(MESSAGES, "profile_months", "flows.csv", int(line), "monthly_profile",
                                    profile=text, months=stated))
    return months.where(~profiled, pd.Series(bits, index=flows.index[profiled]))


def _material_table(catalogue: Catalogue) -> pd.DataFrame:
    return pd.DataFrame(
        {
            key: {
                "unit": m.unit,
                "family": m.family,
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


def derive_facilities(
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
    for row in rows(facilities):  # one per facility: a few dozen at most
        ftype = types.get(str(row.type))
        if ftype is None:
            capacity_ref.append(np.nan)
            continue
        factor = _facility_unit_factor(str(row.unit), ftype.intake_unit)
        if factor is None:
            key = "energy_unit_for_mass" if ftype.intake_unit == "t" else "mass_unit_for_energy"
            problems.append(problem(MESSAGES, key, file, int(row.line), "unit", value=row.unit, material=both(ftype.label_fr, ftype.label_en)))
        capacity_ref.append(np.nan if factor is None else float(row.capacity) * factor)
        products = {p.product for p in ftype.products}
        for outlet in split_list(row.outlets):
            if outlet not in products and outlet not in NO_OUTLET:
                problems.append(
                    problem(MESSAGES, "unknown_outlet", file, int(row.line), "outlets",
                            value=outlet, ftype=both(ftype.label_fr, ftype.label_en), expected=", ".join(sorted(products)))
                )
    return facilities.assign(capacity_ref=pd.Series(capacity_ref, index=facilities.index, dtype=float))


def _facility_unit_factor(unit: str, intake_unit: str) -> float | None:
    if intake_unit == "t":
        return {"t": 1.0, "kg": 0.001}.get(unit)
    return {"MWh": 1.0, "kWh": 0.001}.get(unit)
