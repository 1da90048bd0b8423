"""What a waste-heat link costs and delivers, hand-checked with the shipped catalogue.

parameters.toml [heat_link]: a 30,000 EUR substation and 800 EUR per metre of
pipe, over 40 years at a 4 % discount rate plus 1.5 % upkeep a year; 4 % of
the heat lost per km; below 70 °C a heat pump (COP 3.5) uses electricity at
180 EUR and 52 kg CO2e per MWh.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.core.finance import annuity
from symbiosis.flows import load_inventory
from symbiosis.matcher import match
from tests.helpers import write_inventory

KM_PER_DEG = 111.19


def heat_links(tmp_path: Path, temperature: str) -> dict[str, float]:
    companies = f"""\
        id,name,lat,lon
        A,Aciérie,49.0,6.0
        B,Piscine,{49.0 + 2 / KM_PER_DEG:.6f},6.0
        """
    flows = f"""\
        id,company,direction,ewc,material,quantity,unit,temperature_c
        O1,A,output,,waste_heat,1000,MWh,{temperature}
        I1,B,input,,heat,500,MWh,
        """
    territory = 'name = "T"\nyear = 2025\n[defaults]\nmax_distance_km = 30\nheat_max_distance_km = 3\n'
    inv = load_inventory(write_inventory(tmp_path, territory=territory, companies=companies, flows=flows))
    (link,) = match(inv).links.to_dict("records")
    return link


def test_a_two_km_pipe_loses_eight_percent_and_costs_its_annuity(tmp_path: Path) -> None:
    link = heat_links(tmp_path, "")
    km = link["distance_km"]
    assert km == pytest.approx(2.0, rel=1e-3)
    assert link["delivered_share"] == pytest.approx(1 - 0.04 * km)
    yearly = (30_000 + 800 * 1000 * km) * (annuity(0.04, 40) + 0.015)
    assert link["connection_eur_per_year"] == pytest.approx(yearly)
    assert not link["heat_pump"]
    # The pipe is sized to the link's potential (what it sends for the 500 MWh
    # the pool needs) and charged per MWh sent over it.
    price = link["purchase_eur_per_unit"] / link["delivered_share"]  # what a delivered MWh saves
    assert link["potential"] == pytest.approx(500 / link["delivered_share"])
    assert link["value_eur_per_unit"] == pytest.approx(price * link["delivered_share"] - yearly / link["potential"])


def test_cool_heat_needs_a_heat_pump_whose_electricity_is_counted(tmp_path: Path) -> None:
    hot = heat_links(tmp_path / "hot", "")
    cool = heat_links(tmp_path / "cool", "45")
    assert cool["heat_pump"]
    electricity = cool["delivered_share"] / 3.5  # MWh per MWh sent
    assert hot["value_eur_per_unit"] - cool["value_eur_per_unit"] == pytest.approx(electricity * 180.0)
    assert hot["co2e_kg_per_unit"] - cool["co2e_kg_per_unit"] == pytest.approx(electricity * 52.0)


def test_the_plan_sends_what_the_need_receives_after_losses(tmp_path: Path) -> None:
    from symbiosis.analysis.indicators import indicators
    from symbiosis.model.options import Options
    from symbiosis.optimize import optimise

    companies = f"""\
        id,name,lat,lon
        A,Aciérie,49.0,6.0
        B,Piscine,{49.0 + 2 / KM_PER_DEG:.6f},6.0
        """
    flows = """\
        id,company,direction,ewc,material,quantity,unit
        O1,A,output,,waste_heat,1000,MWh
        I1,B,input,,heat,500,MWh
        """
    territory = 'name = "T"\nyear = 2025\n[defaults]\nmax_distance_km = 30\nheat_max_distance_km = 3\n'
    inv = load_inventory(write_inventory(tmp_path, territory=territory, companies=companies, flows=flows))
    found = match(inv)
    share = float(found.links["delivered_share"].iloc[0])
    plan = optimise(inv, found, Options(allow_losses=True))
    kpis = indicators(inv, plan)
    # 500 MWh reach the pool: 500 / 0.92 are sent; valorised_mwh counts what is delivered.
    assert float(plan.links["quantity"].iloc[0]) == pytest.approx(500 / share, rel=1e-6)
    assert kpis["valorised_mwh"] == pytest.approx(500.0, rel=1e-6)
