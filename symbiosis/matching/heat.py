"""What a waste-heat link costs and delivers: pipe, substation, losses, heat pump.

A link from a waste-heat output to a heat need (parameters.toml
[heat_link]) delivers what it sends less the pipe's losses (a share per km)
and needs, where the heat is cooler than the threshold (flows.csv
`temperature_c`), a heat pump's electricity (1 / COP per MWh delivered). Its
substation and pipe are an investment, annualised with their upkeep
(`connection_eur_per_year`), for a pipe sized to the link's potential (the
most it can carry in a year) and charged per MWh sent over that potential:
the plan stays a linear program; a link used below its potential pays its
share only (an assumption, which understates the cost of a pipe used below
its size). A facility's own heat network is in its capex; a heat user keeps
its boiler as backup, at no cost counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from symbiosis.core.finance import annuity

if TYPE_CHECKING:
    from symbiosis.flows import Inventory


def with_heat_costs(inventory: Inventory, links: pd.DataFrame) -> pd.DataFrame:
    """The links with `delivered_share`, `heat_pump` and `connection_eur_per_year`,
    and the money and CO2e of waste-heat links counted on what is delivered."""
    n = len(links)
    plain = links.assign(delivered_share=np.ones(n), heat_pump=np.zeros(n, dtype=bool),
                         connection_eur_per_year=np.zeros(n))
    terms = inventory.catalogue.parameters.heat_link
    waste_heat = ((links["from_kind"] == "output") & (links["to_kind"] == "input") & (links["unit"] == "MWh")).to_numpy()
    if terms is None or not waste_heat.any():
        return plain
    km = links["distance_km"].to_numpy(dtype=float)
    share = np.where(waste_heat, np.clip(1.0 - terms.loss_share_per_km.value * km, 0.0, 1.0), 1.0)
    temperature = pd.to_numeric(links["from_flow"].map(inventory.flows.set_index("id")["temperature_c"]), errors="coerce")
    pump = waste_heat & (temperature < terms.heat_pump_below_c.value).to_numpy(dtype=bool)
    electricity = np.where(pump, share / terms.heat_pump_cop.value, 0.0)  # MWh per MWh sent
    capex = terms.substation_eur.value + terms.pipe_eur_per_m.value * 1000.0 * km
    yearly = annuity(inventory.parameter("discount_rate"), terms.lifetime_years.value) + terms.upkeep_share_per_year.value
    connection = np.where(waste_heat, capex * yearly, 0.0)
    # The cap and potential are sent MWh: a need of N takes N / share sent (the
    # output's supply and period rows still hold what it can give).
    cap = links["cap"].to_numpy(dtype=float)
    cap = np.where(waste_heat, cap / np.maximum(share, 1e-9), cap)
    potential = links["potential"].to_numpy(dtype=float)
    potential = np.where(waste_heat, potential / np.maximum(share, 1e-9), potential)
    per_mwh = np.where(waste_heat & (potential > 0), connection / np.maximum(potential, 1e-9), 0.0)
    value = links["value_eur_per_unit"].to_numpy(dtype=float)
    co2 = links["co2e_kg_per_unit"].to_numpy(dtype=float)
    purchase = links["purchase_eur_per_unit"].to_numpy(dtype=float)
    return plain.assign(
        delivered_share=share,
        heat_pump=pump,
        cap=cap,
        potential=potential,
        connection_eur_per_year=connection,
        purchase_eur_per_unit=np.where(waste_heat, purchase * share, purchase),
        value_eur_per_unit=np.where(
            waste_heat,
            value - purchase * (1 - share) - electricity * terms.electricity_eur_per_mwh.value - per_mwh, value),
        co2e_kg_per_unit=np.where(
            waste_heat, co2 * share - electricity * terms.electricity_co2e_kg_per_mwh.value, co2),
    )
