"""The shipped material catalogue: it loads, every figure is sourced, and the
data respects the conventions the engine relies on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from symbiosis.catalogue.ewc import list_of_waste, split_code
from symbiosis.catalogue.load import load_catalogue
from symbiosis.catalogue.models import Catalogue, Figure

REQUIRED_MATERIALS = {
    "wood_pallets", "untreated_wood", "treated_wood", "cardboard_paper", "plastic_film",
    "rigid_plastics", "ferrous_metals", "non_ferrous_metals", "mill_scale", "steel_slag",
    "food_industry_waste", "canteen_biowaste", "edible_oil", "green_waste", "sludge", "waste_oil",
    "textiles", "glass", "absorbents", "machining_emulsions", "tyres", "weee", "inert_rubble",
    "foundry_sand", "mixed_waste", "waste_heat", "heat", "biogas", "digestate", "compost",
    "wood_chips",
}
REQUIRED_FACILITIES = {"biomass_boiler", "methanisation", "composting", "pallet_repair", "wood_shredding"}
REQUIRED_RULES = {
    "wood_to_wood_users", "cardboard_to_paper_mill", "ferrous_scrap_to_melting",
    "mill_scale_to_sinter_or_cement", "slag_to_road_aggregates", "waste_heat_to_heat_users",
    "edible_oil_to_biodiesel", "glass_cullet",
}
REQUIRED_ACTIVITIES = {
    "collection", "sorting", "recycling", "reuse", "pallet_repair", "dismantling",
    "boiler_operation", "methanisation_operation", "composting_operation", "shredding",
    "landfill", "incineration", "energy_recovery", "composting", "methanisation",
    "spreading", "grid_injection",
}
PRODUCTS = {"heat", "biogas", "digestate", "compost", "wood_chips"}
ASSUMPTION = "Assumption (symbiosis project)"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def figures(catalogue: Catalogue) -> Iterator[tuple[str, Figure]]:
    """Every Figure of the catalogue, with a readable path."""

    def walk(path: str, value: object) -> Iterator[tuple[str, Figure]]:
        if isinstance(value, Figure):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(f"{path}.{key}", item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(f"{path}[{i}]", item)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(f"{path}.{name}", getattr(value, name))

    for name in ("materials", "facility_types", "rules", "activities", "parameters"):
        yield from walk(name, getattr(catalogue, name))


def is_hazardous_only(catalogue: Catalogue, material: str) -> bool:
    codes = catalogue.materials[material].ewc
    return bool(codes) and all(list_of_waste()[code].hazardous for code in codes)


# --- loading and required keys ---------------------------------------------------------


def test_catalogue_loads_with_the_required_keys(catalogue: Catalogue) -> None:
    assert not REQUIRED_MATERIALS - catalogue.materials.keys()
    assert not REQUIRED_FACILITIES - catalogue.facility_types.keys()
    assert not REQUIRED_RULES - catalogue.rules.keys()
    assert not REQUIRED_ACTIVITIES - catalogue.activities.keys()


def test_products_are_flagged(catalogue: Catalogue) -> None:
    flagged = {key for key, m in catalogue.materials.items() if m.product}
    assert flagged == PRODUCTS


def test_reference_units(catalogue: Catalogue) -> None:
    energy = {key for key, m in catalogue.materials.items() if m.unit == "MWh"}
    assert energy == {"waste_heat", "heat", "biogas"}
    for key in energy:
        material = catalogue.materials[key]
        assert not material.ewc, key
        assert material.density_t_per_m3 is None, key


# --- sources ---------------------------------------------------------------------------


def test_every_figure_has_a_source(catalogue: Catalogue) -> None:
    found = list(figures(catalogue))
    assert len(found) > 200  # the walk really reaches the nested figures
    for path, figure in found:
        assert figure.source.strip(), path


def test_sources_are_citations_or_labelled_assumptions(catalogue: Catalogue) -> None:
    """A source either points somewhere (URL, repository file, the contract) or
    says plainly that it is the project's assumption."""
    for path, figure in figures(catalogue):
        source = figure.source
        assert (
            "http" in source or ASSUMPTION in source or "GitHub " in source or "symbiosis contract" in source
        ), f"{path}: {source!r}"


def test_assumptions_and_derivations_are_explained(catalogue: Catalogue) -> None:
    """An assumption states what is assumed (after the marker) and a note on why
    or how; a derived figure shows its calculation."""
    for path, figure in figures(catalogue):
        if ASSUMPTION in figure.source:
            reason = figure.source.split(ASSUMPTION, 1)[1].lstrip(": ")
            assert figure.note and len(reason) + len(figure.note) > 40, f"{path}: an assumption needs its reasoning"
        if "DERIVED" in (figure.note or ""):
            assert any(ch.isdigit() for ch in figure.note or ""), f"{path}: show the calculation"


def test_rules_cite_a_source(catalogue: Catalogue) -> None:
    for key, rule in catalogue.rules.items():
        assert "http" in rule.source or ASSUMPTION in rule.source or "etalab" in rule.source, key


# --- materials --------------------------------------------------------------------------


def test_every_tonne_material_has_a_density(catalogue: Catalogue) -> None:
    for key, material in catalogue.materials.items():
        if material.unit == "t":
            assert material.density_t_per_m3 is not None, key
            assert 0.02 <= material.density_t_per_m3.value <= 3.5, key


def test_ewc_codes_are_canonical_known_and_unique(catalogue: Catalogue) -> None:
    entries = list_of_waste()
    owner: dict[str, str] = {}
    for key, material in catalogue.materials.items():
        for code in material.ewc:
            assert split_code(code) == (code, False), f"{key}: {code!r} must be 'NN NN NN' without '*'"
            assert code in entries, f"{key}: {code} is not in the List of Waste"
            assert code not in owner, f"{code} belongs to both {owner.get(code)} and {key}"
            owner[code] = key
    assert catalogue.material_of_ewc() == owner


def test_key_codes_are_where_the_engine_expects_them(catalogue: Catalogue) -> None:
    of = catalogue.material_of_ewc()
    assert of["15 01 03"] == "wood_pallets"
    assert of["20 01 08"] == "canteen_biowaste"
    assert of["10 02 10"] == "mill_scale"
    assert of["12 01 01"] == "ferrous_metals"
    assert of["20 03 01"] == "mixed_waste"
    assert of["19 06 06"] == "digestate"
    for code in ("03 01 04", "17 02 04", "20 01 37", "19 12 06"):
        assert of[code] == "treated_wood"


def test_treated_wood_codes_are_all_hazardous(catalogue: Catalogue) -> None:
    assert is_hazardous_only(catalogue, "treated_wood")


def test_energy_and_methane_content(catalogue: Catalogue) -> None:
    m = catalogue.materials
    assert m["wood_pallets"].lhv_mwh_per_t is not None
    assert m["wood_pallets"].lhv_mwh_per_t.value == pytest.approx(4.0)
    for key, material in m.items():
        if material.lhv_mwh_per_t is not None:
            assert 1.0 <= material.lhv_mwh_per_t.value <= 6.0, key
        if material.methane_nm3_per_t is not None:
            assert 5.0 <= material.methane_nm3_per_t.value <= 1000.0, key
    assert m["canteen_biowaste"].methane_nm3_per_t is not None
    assert m["canteen_biowaste"].methane_nm3_per_t.value == pytest.approx(100.0)


def test_routes_each_material_uses_have_figures(catalogue: Catalogue) -> None:
    """Today's route and the direct route must carry CO2e (else the engine reads
    0), and today's route its cost for every declared (non-product) stream."""
    for key, material in catalogue.materials.items():
        assert material.default_route in material.co2e_kg_per_unit, f"{key}: co2e for {material.default_route}"
        assert material.direct_route in material.co2e_kg_per_unit, f"{key}: co2e for {material.direct_route}"
        assert material.direct_activity in catalogue.activities, key
        assert material.direct_route in catalogue.activities, key
        if not material.product:
            assert material.default_route in material.disposal_cost_eur_per_unit, f"{key}: cost of {material.default_route}"
    for key, rule in catalogue.rules.items():
        for source in rule.from_materials:
            assert rule.route in catalogue.materials[source].co2e_kg_per_unit, f"{key}: {source} on {rule.route}"


def test_sign_conventions(catalogue: Catalogue) -> None:
    m = catalogue.materials

    def co2(material: str, route: str) -> float:
        return m[material].co2e_kg_per_unit[route].value  # type: ignore[index]

    def cost(material: str, route: str) -> float:
        return m[material].disposal_cost_eur_per_unit[route].value  # type: ignore[index]

    # Negative CO2e = net saving from replacing virgin material.
    assert -1600 <= co2("ferrous_metals", "recycling") <= -1200
    assert co2("non_ferrous_metals", "recycling") < co2("ferrous_metals", "recycling")
    assert co2("cardboard_paper", "recycling") < 0 < co2("cardboard_paper", "landfill")
    assert co2("wood_pallets", "landfill") == pytest.approx(692.0)
    assert co2("mixed_waste", "landfill") > 0
    # Facility routes of wood and biowaste carry no energy credit: that is on the products.
    for material in ("wood_pallets", "untreated_wood", "wood_chips"):
        assert co2(material, "energy_recovery") >= 0, material
    for material in ("canteen_biowaste", "food_industry_waste", "green_waste", "sludge", "edible_oil"):
        assert co2(material, "methanisation") >= 0, material
    # Negative cost = the producer is paid.
    assert cost("ferrous_metals", "recycling") < 0
    assert cost("cardboard_paper", "recycling") < 0
    # Gate fees exclude the TGAP: with 2025's (65 EUR/t landfill, 25 incineration),
    # mixed DIB costs 150-200 EUR/t all-in in landfill.
    tgap = catalogue.parameters.tgap
    assert tgap is not None
    assert 150 <= cost("mixed_waste", "landfill") + tgap.rate("landfill", 2025) <= 200
    # All-in, landfill costs more than incineration (the gate fees alone need not).
    assert cost("mixed_waste", "landfill") + 65 > cost("mixed_waste", "incineration") + 25
    # Art. 266 nonies: one ISDND rate from 2025, the R1 rate below the other.
    assert (tgap.rate("landfill", 2025), tgap.rate("incineration", 2025), tgap.rate("energy_recovery", 2025)) == (65, 25, 15)
    assert tgap.rate("landfill", 2025, surcharge=True) == 70
    assert m["inert_rubble"].tgap_routes == []


def test_products_carry_their_substitution_credit(catalogue: Catalogue) -> None:
    m = catalogue.materials
    for key in PRODUCTS:
        credit = m[key].substitution_co2e_kg_per_unit
        assert credit is not None, key
        assert credit.value >= 0, key
    assert m["heat"].substitution_co2e_kg_per_unit.value == pytest.approx(270.0, abs=15)  # type: ignore[union-attr]
    assert m["biogas"].substitution_co2e_kg_per_unit.value == pytest.approx(244 - 16, abs=5)  # type: ignore[union-attr]
    assert m["wood_chips"].substitution_co2e_kg_per_unit.value == 0.0  # type: ignore[union-attr]
    # Waste heat used directly replaces gas heat: its direct route is the saving.
    saving = m["waste_heat"].co2e_kg_per_unit["energy_recovery"]
    assert saving.value == pytest.approx(-270.0, abs=15)


def test_residual_waste_has_no_exchange_value(catalogue: Catalogue) -> None:
    mixed = catalogue.materials["mixed_waste"]
    assert mixed.default_route == "landfill"
    assert mixed.price_eur_per_unit is None


# --- facility types -------------------------------------------------------------------


def test_boiler_never_accepts_treated_or_hazardous_wood(catalogue: Catalogue) -> None:
    accepted = {a.material for a in catalogue.facility_types["biomass_boiler"].accepts}
    assert accepted == {"wood_pallets", "untreated_wood", "wood_chips"}
    for key, ftype in catalogue.facility_types.items():
        for acceptance in ftype.accepts:
            assert acceptance.material != "treated_wood", key
            assert not is_hazardous_only(catalogue, acceptance.material), (key, acceptance.material)


def test_yields_are_positive_and_mass_is_conserved(catalogue: Catalogue) -> None:
    for key, ftype in catalogue.facility_types.items():
        assert ftype.products, key
        mass_total = 0.0
        for product in ftype.products:
            assert product.factor.value > 0, (key, product.product)
            if product.basis == "mass":
                assert product.factor.value <= 1.0, (key, product.product)
                mass_total += product.factor.value
            if product.basis == "lhv":
                assert product.factor.value <= 1.0, (key, "an efficiency")
        assert mass_total <= 1.0 + 1e-9, key


def test_yield_bases_have_the_intake_figures_they_need(catalogue: Catalogue) -> None:
    for key, ftype in catalogue.facility_types.items():
        for product in ftype.products:
            for acceptance in ftype.accepts:
                material = catalogue.materials[acceptance.material]
                if product.basis == "lhv":
                    assert material.lhv_mwh_per_t is not None, (key, acceptance.material)
                if product.basis == "methane":
                    assert material.methane_nm3_per_t is not None, (key, acceptance.material)


def test_facility_figures_are_plausible(catalogue: Catalogue) -> None:
    for key, ftype in catalogue.facility_types.items():
        assert ftype.intake_unit == "t", key
        assert 5 <= ftype.lifetime_years.value <= 40, key
        assert ftype.opex_eur_per_unit.value >= 0, key
        assert ftype.process_co2e_kg_per_unit.value >= 0, key
        for acceptance in ftype.accepts:
            if acceptance.max_share is not None:
                assert 0 < acceptance.max_share.value <= 1, (key, acceptance.material)
        for product, route in ftype.outlets.items():
            assert route in catalogue.activities, (key, product, route)


def test_methanisation_and_composting_outlets(catalogue: Catalogue) -> None:
    meth = catalogue.facility_types["methanisation"]
    assert meth.outlets == {"biogas": "grid_injection", "digestate": "spreading"}
    assert {p.product: p.basis for p in meth.products} == {"biogas": "methane", "digestate": "mass"}
    assert catalogue.facility_types["composting"].outlets == {"compost": "spreading"}
    repair = {p.product: p.factor.value for p in catalogue.facility_types["pallet_repair"].products}
    assert repair == {"wood_pallets": pytest.approx(0.8), "wood_chips": pytest.approx(0.2)}


# --- activities and parameters ----------------------------------------------------------


def test_jobs_are_fte_and_ordered(catalogue: Catalogue) -> None:
    jobs = {key: a.jobs_per_kt.value for key, a in catalogue.activities.items()}
    assert all(v >= 0 for v in jobs.values())
    assert jobs["landfill"] == pytest.approx(0.1)
    assert jobs["landfill"] <= jobs["incineration"] < jobs["recycling"] < jobs["sorting"] < jobs["pallet_repair"]
    assert jobs["pallet_repair"] > jobs["shredding"]
    # A company reusing a by-product as is does no extra work; collection is apart.
    assert jobs["reuse"] == 0.0 and jobs["outside"] == 0.0 and jobs["none"] == 0.0
    # FTE, not headcount: the GAIA repair figure (40 per 1 000 t) is converted.
    assert jobs["pallet_repair"] < 40
    for activity in catalogue.activities.values():
        assert activity.jobs_per_kt.source.strip()


def test_parameters(catalogue: Catalogue) -> None:
    p = catalogue.parameters
    assert p.max_distance_km.value == 30
    assert 1 <= p.heat_max_distance_km.value <= 5
    assert p.transport_cost_eur_per_tkm.value == pytest.approx(0.25)
    assert p.transport_co2e_kg_per_tkm.value == pytest.approx(0.105)
    assert p.methane_kwh_per_nm3.value == pytest.approx(9.97)
    assert 0 < p.discount_rate.value < 0.1
    assert p.fte_per_insertion_job.value == pytest.approx(0.65)


def test_co2e_boundaries_one_per_route(catalogue: Catalogue) -> None:
    """Incineration is without energy recovery (fossil carbon only), a digester
    leaks some methane, and compost is credited only with the fertiliser it
    replaces."""
    from symbiosis.matching.economics import methane_slip

    m = catalogue.materials
    assert m["plastic_film"].co2e_kg_per_unit["incineration"].value == pytest.approx(0.75 * 44 / 12 * 1000, rel=0.02)
    assert m["mixed_waste"].co2e_kg_per_unit["incineration"].value > 0.10 * 44 / 12 * 1000  # more plastics than OMR
    digester = catalogue.facility_types["methanisation"]
    nm3 = m["canteen_biowaste"].methane_nm3_per_t
    assert nm3 is not None
    # 2 % of the methane, 0.717 kg/Nm3, GWP100 27 (AR6).
    assert methane_slip(catalogue, digester, "canteen_biowaste") == pytest.approx(0.02 * 0.717 * 27 * nm3.value, rel=0.01)
    assert methane_slip(catalogue, catalogue.facility_types["composting"], "green_waste") == 0.0
    compost = m["compost"].substitution_co2e_kg_per_unit
    assert compost is not None and compost.value <= 50  # fertiliser only, not the 500 of a case study
