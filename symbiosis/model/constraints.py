"""The model's rows, built from the link table as one sparse matrix.

An output never sends more than it declares; an input never receives more
than it needs; a facility never takes more than its capacity (and nothing
unless it runs), and a candidate that runs takes at least its minimum load;
what a facility delivers equals its intake times its yields, so its intake
counts only as far as its products reach a use; a material's share of a
facility's intake may be capped; at most so many candidates of a type may
be built; a link with a fixed cost carries nothing unless it is switched
on; heat is balanced period by period (`seasons.py`); no company ends worse
off than today, and a direct exchange with no price is refused
(`sharing.py`, unless losses are allowed). A link whose chain
through facilities returns to its own chain, or reaches no use, carries
nothing (`matching/graph.py`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import sparse

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.matching.graph import CARRIES, blocked_links
from symbiosis.model.layout import Layout
from symbiosis.model.linear import LinearModel
from symbiosis.model.options import Options
from symbiosis.model.sharing import guarded, refused


class _Rows:
    """Blocks of rows gathered before one `vstack`."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.blocks: list[sparse.coo_matrix] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.names: list[str] = []

    def add(self, row_ids: np.ndarray, cols: np.ndarray, data: np.ndarray, n_rows: int,
            row_lo: np.ndarray, row_hi: np.ndarray, label: Callable[[int], str]) -> None:
        self.blocks.append(sparse.coo_matrix((data, (row_ids, cols)), shape=(n_rows, self.n)))
        self.lo.append(row_lo)
        self.hi.append(row_hi)
        self.names.extend(label(i) for i in range(n_rows))


def constraints(inventory: Inventory, found: Match, options: Options, layout: Layout) -> LinearModel:
    """The constraint matrix and column bounds (the objective is set by each stage)."""
    links = found.links
    facilities = inventory.facilities.set_index("id")
    n_links, n = layout.n_links, layout.n
    rows = _Rows(n)
    link_cols = np.arange(n_links)

    quantities = inventory.flows.set_index("id")["quantity_ref"]
    # Supply: what leaves an output never exceeds what it declares.
    from_output = (links["from_kind"] == "output").to_numpy()
    codes, keys = pd.factorize(links.loc[from_output, "from_flow"])
    rows.add(codes, link_cols[from_output], np.ones(len(codes)), len(keys),
             np.full(len(keys), -np.inf), quantities.loc[keys].to_numpy(dtype=float), lambda i: f"supply:{keys[i]}")
    # Need: what reaches an input (after a heat pipe's losses) never exceeds what it needs.
    to_input = (links["to_kind"] == "input").to_numpy()
    delivered = links["delivered_share"].to_numpy(dtype=float)
    codes, keys_in = pd.factorize(links.loc[to_input, "to"])
    rows.add(codes, link_cols[to_input], delivered[to_input], len(keys_in),
             np.full(len(keys_in), -np.inf), quantities.loc[keys_in].to_numpy(dtype=float), lambda i: f"need:{keys_in[i]}")
    # Capacity: intake <= capacity, times the run column for a candidate (none without one).
    to_facility = (links["to_kind"] == "facility").to_numpy()
    fac_ids = pd.Index(facilities.index)
    codes = fac_ids.get_indexer(links.loc[to_facility, "to"])
    capacity = facilities["capacity_ref"].to_numpy(dtype=float)
    open_pos = fac_ids.get_indexer(layout.openings["id"]) if len(layout.openings) else np.zeros(0, int)
    cap_hi = np.where((facilities["status"] == "candidate").to_numpy(), 0.0, capacity)
    rows.add(
        np.concatenate([codes, open_pos]),
        np.concatenate([link_cols[to_facility], layout.run_cols]),
        np.concatenate([np.ones(len(codes)), -capacity[open_pos]]),
        len(fac_ids), np.full(len(fac_ids), -np.inf), cap_hi, lambda i: f"capacity:{fac_ids[i]}",
    )
    # Minimum load: a candidate that runs takes at least its type's share of its capacity.
    if len(open_pos):
        least = capacity[open_pos] * _min_load(inventory, layout)
        opening_of = pd.Index(layout.openings["id"]).get_indexer(links.loc[to_facility, "to"])
        takes = opening_of >= 0
        rows.add(
            np.concatenate([opening_of[takes], np.arange(len(open_pos))]),
            np.concatenate([link_cols[to_facility][takes], layout.run_cols]),
            np.concatenate([np.ones(int(takes.sum())), -least]),
            len(open_pos), np.zeros(len(open_pos)), np.full(len(open_pos), np.inf),
            lambda i: f"min_load:{layout.openings['id'].iat[i]}",
        )
    # Fixed costs: a link carries nothing unless switched on (x <= M z).
    if len(layout.switched):
        carry = _link_bound(inventory, found, layout.switched)
        k = len(layout.switched)
        rows.add(np.concatenate([np.arange(k), np.arange(k)]), np.concatenate([layout.switched, layout.switch_cols]),
                 np.concatenate([np.ones(k), -carry]), k, np.full(k, -np.inf), np.zeros(k),
                 lambda i: f"switch:{links['from_flow'].iat[int(layout.switched[i])]}>{links['to'].iat[int(layout.switched[i])]}")
    # Periods: a link's yearly quantity is the sum of its periods'; each flow
    # balanced by period sends or receives at most its share in each period.
    seasons = layout.seasons
    if seasons.n:
        _period_rows(rows, found, layout)
    # Product balance: delivered + outlet - intake x yield = 0, per facility and product.
    balance = _balance_rows(links, found)
    if balance is not None:
        b_rows, b_cols, b_data, b_keys = balance
        rows.add(b_rows, b_cols, b_data, len(b_keys), np.zeros(len(b_keys)), np.zeros(len(b_keys)),
                 lambda i: f"balance:{b_keys[i][0]}:{b_keys[i][1]}")
    # Share limits: intake of a material <= share x total intake.
    if len(found.shares):
        intake = links[to_facility].assign(col=link_cols[to_facility])
        merged = intake.merge(found.shares, left_on="to", right_on="facility")
        if len(merged):
            share_keys = pd.MultiIndex.from_frame(found.shares[["facility", "material"]])
            r = share_keys.get_indexer(pd.MultiIndex.from_frame(merged[["facility", "material_y"]]))
            coef = (merged["material_x"] == merged["material_y"]).astype(float) - merged["max_share"]
            rows.add(r, merged["col"].to_numpy(), coef.to_numpy(), len(share_keys),
                     np.full(len(share_keys), -np.inf), np.zeros(len(share_keys)),
                     lambda i: f"share:{share_keys[i][0]}:{share_keys[i][1]}")
    # No participant worse off: every guarded account >= 0 (model/sharing.py).
    guard = guarded(inventory, found, layout, options)
    if guard is not None:
        k = len(guard.names)
        rows.add(guard.rows, guard.cols, guard.data, k, np.zeros(k), np.full(k, np.inf),
                 lambda i: f"no_loss:{guard.names[i]}")
    # Siting choices: at most k free candidates of a type.
    chosen = layout.chosen
    for ftype, most in options.max_open.items():
        name = f"max_open:{ftype}"
        mask = chosen & (layout.openings["type"] == ftype).to_numpy() if len(layout.openings) else np.zeros(0, bool)
        if mask.any():
            count = int(mask.sum())
            rows.add(np.zeros(count, int), layout.build_cols[mask], np.ones(count), 1,
                     np.array([-np.inf]), np.array([float(most)]), _constant(name))

    a = sparse.vstack(rows.blocks, format="csr") if rows.blocks else sparse.csr_matrix((0, n))
    col_lo = np.zeros(n)
    col_hi = np.full(n, np.inf)
    # A link whose chain through facilities returns to itself or reaches no use carries nothing.
    carries = blocked_links(links, found.yields, found.outlets, loops_allowed(inventory)) == CARRIES
    # A direct exchange with no price between today's two is refused (losses not allowed).
    carries &= ~refused(inventory, links, options)
    col_hi[:n_links] = np.where(carries, links["cap"].to_numpy(dtype=float), 0.0)
    integer = layout.integer
    col_hi[integer] = 1.0
    col_lo[layout.build_cols[~chosen]] = 1.0  # built by a scenario: fixed, not a decision
    col_hi[layout.build_cols[~chosen]] = 1.0
    for name, column in layout.decisions(found):
        if name in dict(options.decided):  # a decision taken already (sensitivity of a MILP)
            col_lo[column] = col_hi[column] = float(dict(options.decided)[name])
            integer[column] = False
    return LinearModel(np.zeros(n), a, np.concatenate(rows.lo), np.concatenate(rows.hi), col_lo, col_hi,
                       integer, "max", tuple(rows.names))


def loops_allowed(inventory: Inventory) -> list[str]:
    """Facilities whose type says why they may take back products of a facility they supply."""
    types = inventory.catalogue.facility_types
    facilities = inventory.facilities
    return [str(i) for i, t in zip(facilities["id"], facilities["type"], strict=True) if types[str(t)].loops]


def _min_load(inventory: Inventory, layout: Layout) -> np.ndarray:
    types = inventory.catalogue.facility_types
    return np.array([types[str(t)].min_load_share.value for t in layout.openings["type"]], dtype=float)


def _link_bound(inventory: Inventory, found: Match, positions: np.ndarray) -> np.ndarray:
    """The most each link can carry: its own cap, what its output declares, what its receiver can take."""
    links = found.links.iloc[positions]
    quantity = inventory.flows.set_index("id")["quantity_ref"]
    capacity = inventory.facilities.set_index("id")["capacity_ref"]
    ends = pd.concat([quantity, capacity])
    most = np.minimum(links["cap"].to_numpy(dtype=float), links["from_flow"].map(ends).to_numpy(dtype=float))
    # A heat need of N MWh takes N / delivered_share sent.
    receives = links["to"].map(ends).to_numpy(dtype=float) / np.maximum(links["delivered_share"].to_numpy(dtype=float), 1e-9)
    bound: np.ndarray = np.minimum(most, receives)
    return bound


def _period_rows(rows: _Rows, found: Match, layout: Layout) -> None:
    seasons = layout.seasons
    links = found.links
    k = seasons.n
    # Sum: x_link - sum of its periods = 0.
    monthly, first = np.unique(seasons.links, return_inverse=True)
    rows.add(np.concatenate([np.arange(len(monthly)), first]), np.concatenate([monthly, layout.period_cols]),
             np.concatenate([np.ones(len(monthly)), -np.ones(k)]), len(monthly),
             np.zeros(len(monthly)), np.zeros(len(monthly)), lambda i: f"periods:{monthly[i]}")
    # Each flow's share per period.
    n_periods = len(seasons.periods)
    for end in ("from_flow", "to"):
        flow_of = seasons.flows.get_indexer(links[end].to_numpy()[seasons.links])
        held = flow_of >= 0
        key = flow_of[held] * n_periods + seasons.period[held]
        present, row = np.unique(key, return_inverse=True)
        if not len(present):
            continue
        f, p = present // n_periods, present % n_periods
        limit = seasons.quantity[f] * seasons.shares[f, p]
        labels = [f"period:{seasons.flows[a]}:{b + 1}" for a, b in zip(f, p, strict=True)]
        # A need receives what the pipe delivers; an output sends the whole.
        share = links["delivered_share"].to_numpy(dtype=float)[seasons.links][held] if end == "to" else np.ones(int(held.sum()))
        rows.add(row, layout.period_cols[held], share, len(present), np.full(len(present), -np.inf),
                 limit, labels.__getitem__)


def _constant(text: str) -> Callable[[int], str]:
    return lambda _: text


def _balance_rows(
    links: pd.DataFrame, found: Match
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[str, str]]] | None:
    yields = found.yields
    if yields.empty:
        return None
    keys = sorted(set(zip(yields["facility"], yields["product"], strict=True)))
    index = pd.MultiIndex.from_tuples(keys)
    cols = np.arange(len(links))
    parts_r, parts_c, parts_d = [], [], []
    # Deliveries of product p from facility f: +1.
    out = links["from_kind"].to_numpy() == "facility"
    r = index.get_indexer(pd.MultiIndex.from_arrays([links.loc[out, "from_flow"], links.loc[out, "material"]]))
    parts_r.append(r)
    parts_c.append(cols[out])
    parts_d.append(np.ones(len(r)))
    # Outlets: +1.
    if len(found.outlets):
        r = index.get_indexer(pd.MultiIndex.from_frame(found.outlets[["facility", "product"]]))
        parts_r.append(r)
        parts_c.append(len(links) + np.arange(len(found.outlets)))
        parts_d.append(np.ones(len(r)))
    # Intakes: - yield.
    intake = links[links["to_kind"] == "facility"].assign(col=cols[links["to_kind"].to_numpy() == "facility"])
    merged = intake.merge(yields, left_on=["to", "material"], right_on=["facility", "material"])
    r = index.get_indexer(pd.MultiIndex.from_frame(merged[["facility", "product"]]))
    parts_r.append(r)
    parts_c.append(merged["col"].to_numpy())
    parts_d.append(-merged["per_unit"].to_numpy(dtype=float))
    rows, columns, data = np.concatenate(parts_r), np.concatenate(parts_c), np.concatenate(parts_d)
    if (rows < 0).any():
        raise ValueError("a facility delivers a product it does not make")
    return rows, columns, data, keys
