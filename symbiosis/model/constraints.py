"""The model's rows, built from the link table as one sparse matrix.

An output never sends more than it declares; an input never receives more
than it needs; a facility never takes more than its capacity (and nothing
unless it runs); what a facility delivers equals its intake times its
yields, so its intake counts only as far as its products reach a use; a
material's share of a facility's intake may be capped; at most so many
candidates of a type may be built.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import sparse

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.matching.graph import useful_links
from symbiosis.model.layout import Layout
from symbiosis.model.linear import LinearModel
from symbiosis.model.options import Options


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
    # Need: what reaches an input never exceeds what it needs.
    to_input = (links["to_kind"] == "input").to_numpy()
    codes, keys_in = pd.factorize(links.loc[to_input, "to"])
    rows.add(codes, link_cols[to_input], np.ones(len(codes)), len(keys_in),
             np.full(len(keys_in), -np.inf), quantities.loc[keys_in].to_numpy(dtype=float), lambda i: f"need:{keys_in[i]}")
    # Capacity: intake <= capacity, times the opening for a candidate (none without one).
    to_facility = (links["to_kind"] == "facility").to_numpy()
    fac_ids = pd.Index(facilities.index)
    codes = fac_ids.get_indexer(links.loc[to_facility, "to"])
    capacity = facilities["capacity_ref"].to_numpy(dtype=float)
    open_pos = fac_ids.get_indexer(layout.openings["id"]) if len(layout.openings) else np.zeros(0, int)
    cap_hi = np.where((facilities["status"] == "candidate").to_numpy(), 0.0, capacity)
    rows.add(
        np.concatenate([codes, open_pos]),
        np.concatenate([link_cols[to_facility], layout.opening_cols]),
        np.concatenate([np.ones(len(codes)), -capacity[open_pos]]),
        len(fac_ids), np.full(len(fac_ids), -np.inf), cap_hi, lambda i: f"capacity:{fac_ids[i]}",
    )
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
    # Siting choices: at most k free candidates of a type.
    chosen = layout.chosen
    for ftype, most in options.max_open.items():
        name = f"max_open:{ftype}"
        mask = chosen & (layout.openings["type"] == ftype).to_numpy() if len(layout.openings) else np.zeros(0, bool)
        if mask.any():
            rows.add(np.zeros(int(mask.sum()), int), layout.opening_cols[mask], np.ones(int(mask.sum())), 1,
                     np.array([-np.inf]), np.array([float(most)]), _constant(name))

    a = sparse.vstack(rows.blocks, format="csr") if rows.blocks else sparse.csr_matrix((0, n))
    col_lo = np.zeros(n)
    col_hi = np.full(n, np.inf)
    # A link whose chain through facilities reaches no use can carry nothing.
    col_hi[:n_links] = np.where(useful_links(links, found.yields, found.outlets), links["cap"].to_numpy(dtype=float), 0.0)
    integer = np.zeros(n, dtype=bool)
    open_cols = layout.opening_cols
    col_hi[open_cols] = 1.0
    integer[open_cols[chosen]] = True
    col_lo[open_cols[~chosen]] = 1.0  # built by a scenario: fixed, not a decision
    return LinearModel(np.zeros(n), a, np.concatenate(rows.lo), np.concatenate(rows.hi), col_lo, col_hi,
                       integer, "max", tuple(rows.names))


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
