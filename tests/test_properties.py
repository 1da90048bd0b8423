"""Invariants of any plan, on generated inventories (hypothesis).

No output sends more than it declares, no input receives more than it
needs, no facility takes more than its capacity, every facility delivers
exactly its intake times its yields, and the indicators add up from the
allocation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbiosis.analysis.indicators import allocation, indicators
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import match
from symbiosis.model.options import Options
from symbiosis.optimize import optimise
from tests.helpers import small_catalogue, write_inventory

KINDS = [
    ("output", "15 01 03", "", "t"),
    ("output", "20 01 08", "", "t"),
    ("output", "19 08 05", "", "t"),
    ("output", "17 04 05", "", "t"),
    ("output", "", "waste_heat", "MWh"),
    ("input", "15 01 03", "", "t"),
    ("input", "", "untreated_wood", "t"),
    ("input", "", "wood_pallets", "t"),
    ("input", "", "wood_chips", "t"),
    ("input", "17 04 05", "", "t"),
    ("input", "19 06 06", "", "t"),
    ("input", "", "heat", "MWh"),
]
FACILITY_TYPES = ["biomass_boiler", "methanisation", "pallet_repair"]

companies = st.lists(
    st.tuples(st.floats(49.0, 49.1), st.floats(6.0, 6.1)), min_size=2, max_size=6
)
flows = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(KINDS), st.integers(1, 400), st.sampled_from(["waste", "by_product"])),
    min_size=2,
    max_size=14,
)
facilities = st.lists(
    st.tuples(st.sampled_from(FACILITY_TYPES), st.floats(49.0, 49.1), st.floats(6.0, 6.1), st.integers(10, 500)),
    max_size=3,
)


def build(sites: list[tuple[float, float]], declared: list[tuple[int, tuple[str, str, str, str], int, str]],
          shared: list[tuple[str, float, float, int]], folder: Path) -> Inventory:
    company_rows = "".join(f"C{i},Site {i},{la:.6f},{lo:.6f}\n" for i, (la, lo) in enumerate(sites))
    flow_rows = "".join(
        f"F{n},C{c % len(sites)},{d},{e},{m},{q},{u},{s}\n" for n, (c, (d, e, m, u), q, s) in enumerate(declared)
    )
    facility_rows = "".join(f"K{n},{t},{la:.6f},{lo:.6f},{cap},t,existing\n" for n, (t, la, lo, cap) in enumerate(shared))
    write_inventory(
        folder,
        companies="id,name,lat,lon\n" + company_rows,
        flows="id,company,direction,ewc,material,quantity,unit,status\n" + flow_rows,
        facilities="id,type,lat,lon,capacity,unit,status\n" + facility_rows,
    )
    return load_inventory(folder, small_catalogue())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies, flows, facilities, st.sampled_from(["tonnes", "value", "co2", "jobs"]))
def test_plans_respect_every_limit_and_balance(sites, declared, shared, objective) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as temp:
        inv = build(sites, declared, shared, Path(temp))
        found = match(inv)
        plan = optimise(inv, found, Options(objective=objective, solver="highs"))
    links = plan.links
    quantity = inv.flows.set_index("id")["quantity_ref"]
    tolerance = 1e-5
    sent = links[links["from_kind"] == "output"].groupby("from_flow")["quantity"].sum()
    assert (sent <= quantity.loc[sent.index] * (1 + 1e-9) + tolerance).all()
    received = links[links["to_kind"] == "input"].groupby("to")["quantity"].sum()
    assert (received <= quantity.loc[received.index] * (1 + 1e-9) + tolerance).all()
    capacity = inv.facilities.set_index("id")["capacity_ref"]
    intake = links[links["to_kind"] == "facility"].groupby("to")["quantity"].sum()
    assert (intake <= capacity.loc[intake.index] + tolerance).all()
    assert (links["quantity"] >= 0).all()
    # Mass and energy balance through every facility: delivered = intake x yield.
    yields = found.yields
    into = links[links["to_kind"] == "facility"].merge(yields, left_on=["to", "material"], right_on=["facility", "material"])
    made = (into["quantity"] * into["per_unit"]).groupby([into["facility"], into["product"]]).sum()
    out_links = links[links["from_kind"] == "facility"].groupby(["from_flow", "material"])["quantity"].sum()
    out_links.index.names = ["facility", "product"]
    outlets = plan.outlets.groupby(["facility", "product"])["quantity"].sum()
    delivered = out_links.add(outlets, fill_value=0.0)
    keys = made.index.union(delivered.index)
    gap = made.reindex(keys, fill_value=0.0) - delivered.reindex(keys, fill_value=0.0)
    assert np.allclose(gap.to_numpy(), 0.0, atol=1e-4)
    # Indicators add up from the allocation.
    table = allocation(inv, plan)
    kpis = indicators(inv, plan, table)
    outputs = set(inv.flows.loc[inv.flows["direction"] == "output", "id"])
    from_outputs = table["from_flow"].isin(outputs)
    assert kpis["valorised_t"] == round(float(table.loc[from_outputs & (table["unit"] == "t"), "quantity"].sum()), 6)
    assert kpis["valorised_mwh"] == round(float(table.loc[from_outputs & (table["unit"] == "MWh"), "quantity"].sum()), 6)
    assert kpis["links"] == len(table)
    assert 0.0 <= kpis["valorised_share"] <= 1.0 + 1e-9
    assert kpis["valorised_t"] <= kpis["declared_output_t"] + tolerance
