"""Trade-offs between two objectives, traced by the epsilon-constraint method.

The two extremes are lexicographic: the most of `x`, then the most of `y`
among those plans; the most of `y`, then the most of `x`. Between them,
maximise `y` while holding `x` above a series of floors, then `x` again, so
that no point gives up `x` for nothing. Only plans that no other plan beats
on both axes are kept (the Pareto front), and the knee is named on that
front: the plan farthest above the straight line between the extremes,
where giving up a little of one objective buys the most of the other.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.analysis.indicators import OBJECTIVE_KPI, indicators
from symbiosis.core.frames import rows
from symbiosis.core.problems import Infeasible
from symbiosis.core.words import Lang, Messages, say
from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.options import Objective, Options
from symbiosis.optimize import optimise

MESSAGES: Messages = {
    "tonnes": ("Tonnes valorisées (t/an)", "Tonnes valorised (t/yr)"),
    "value": ("Gain net (€/an)", "Net value (EUR/yr)"),
    "co2": ("Émissions évitées (t CO2e/an)", "Emissions avoided (t CO2e/yr)"),
    "jobs": ("Emplois créés, nets (ETP)", "Jobs created, net (FTE)"),
    "title": ("Compromis entre {x} et {y}", "Trade-off between {x} and {y}"),
    "knee": ("coude", "knee"),
    "plan": ("Plan {n}", "Plan {n}"),
}


def trace(
    inventory: Inventory, found: Match, options: Options, x: Objective, y: Objective, points: int = 9
) -> pd.DataFrame:
    """The trade-off curve: one row per distinct plan, sorted by `x`."""
    along_y = replace(options, objective=y, tie_breaks=(x,))
    best_x = optimise(inventory, found, replace(options, objective=x, tie_breaks=(y,)))
    best_y = optimise(inventory, found, along_y)
    low, high = best_y.scores[x], best_x.scores[x]
    plans = [best_x, best_y]
    for floor in np.linspace(low, high, max(points, 2))[1:-1]:
        # A hair under the floor, so that a floor at an extreme stays feasible.
        least = floor - 1e-7 * max(1.0, abs(floor))
        try:
            plans.append(optimise(inventory, found, replace(along_y, floors=((x, least),))))
        except Infeasible:
            continue
    found_points = []
    for plan in plans:
        kpis = indicators(inventory, plan)
        found_points.append({**{key: float(kpis[kpi]) for key, kpi in OBJECTIVE_KPI.items()},
                             "x_score": plan.scores[x], "y_score": plan.scores[y], "links": kpis["links"]})
    frame = pd.DataFrame(found_points).round(6).drop_duplicates(subset=["x_score", "y_score"])
    frame = frame[front(frame["x_score"].to_numpy(), frame["y_score"].to_numpy())]
    frame = frame.sort_values("x_score", ignore_index=True)
    frame.insert(0, "plan", [f"P{i + 1}" for i in range(len(frame))])
    frame["knee"] = _knee(frame["x_score"].to_numpy(), frame["y_score"].to_numpy())
    return frame


def front(xs: np.ndarray, ys: np.ndarray, tolerance: float = 1e-6) -> np.ndarray:
    """Which points no other point beats on both axes (at least as good on both, better on one)."""
    scale_x = tolerance * max(1.0, float(np.abs(xs).max(initial=0.0)))
    scale_y = tolerance * max(1.0, float(np.abs(ys).max(initial=0.0)))
    as_good = (xs[None, :] >= xs[:, None] - scale_x) & (ys[None, :] >= ys[:, None] - scale_y)
    better = (xs[None, :] > xs[:, None] + scale_x) | (ys[None, :] > ys[:, None] + scale_y)
    dominated: np.ndarray = np.asarray((as_good & better).any(axis=1))
    return ~dominated


def _knee(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """True at the point farthest above the chord between the extremes."""
    flags = np.zeros(len(xs), dtype=bool)
    if len(xs) < 3:
        return flags
    span_x, span_y = xs.max() - xs.min(), ys.max() - ys.min()
    if span_x <= 0 or span_y <= 0:
        return flags
    nx_, ny_ = (xs - xs.min()) / span_x, (ys - ys.min()) / span_y
    # The front runs from (0, 1) to (1, 0): distance above the chord x + y = 1.
    distance = (nx_ + ny_ - 1) / np.sqrt(2)
    best = int(np.argmax(distance))
    if distance[best] > 0.02:
        flags[best] = True
    return flags


def plot(frame: pd.DataFrame, x: Objective, y: Objective, path: Path, lang: Lang = "fr") -> None:
    """The curve as a PNG, knees marked and every plan named."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from symbiosis.core.files import write_bytes

    figure, axes = plt.subplots(figsize=(7, 5), dpi=120)
    axes.plot(frame[x], frame[y], "o-", color="#2c7a4b")
    for row in rows(frame):
        axes.annotate(str(row.plan), (getattr(row, x), getattr(row, y)), textcoords="offset points", xytext=(5, 5), fontsize=8)
    knees = frame[frame["knee"]]
    if len(knees):
        axes.plot(knees[x], knees[y], "s", color="#c0392b", markersize=10, label=say(MESSAGES, "knee", lang))
        axes.legend()
    axes.set_xlabel(say(MESSAGES, x, lang))
    axes.set_ylabel(say(MESSAGES, y, lang))
    axes.set_title(say(MESSAGES, "title", lang, x=say(MESSAGES, x, lang).lower(), y=say(MESSAGES, y, lang).lower()))
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": "symbiosis"})
    plt.close(figure)
    write_bytes(path, buffer.getvalue())
