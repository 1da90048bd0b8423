"""Scaling benchmark: from one zone to a whole region (`make bench`).

    python -m benchmarks.run [--sizes 1000,10000,100000] [--workers 2] [--facilities]

For each size (flows; companies = flows / 10) it generates a seeded region
(benchmarks/generate.py), then runs in separate interpreters, so that each
peak memory is its own and OR-Tools never meets highspy:

1. the engine, the steps of `symbiosis optimize --objective tonnes`: load
   and validate, match, build and solve (`decompose.optimise_scaled` with
   `--workers`), write kpis.json and allocation.csv; then the solve again
   with one worker and without decomposition, for the speed-ups;
2. the reference: one OR-Tools min-cost flow of the same link graph
   (benchmarks/reference.py), timed without its interpreter start.

It prints a table (phase times, ratio of the engine's end-to-end time to the
reference solve, peak memory), and writes benchmarks/results/scaling.csv
and scaling.png (time against flows).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
PHASES = ("load", "match", "build", "solve", "write")


def engine(folder: Path, workers: int, arrays: Path, lp_limit: int) -> dict[str, Any]:
    """The CLI's steps, each timed; runs in its own interpreter (see `main`)."""
    from symbiosis.analysis.results import write_results
    from symbiosis.flows import load_inventory
    from symbiosis.matcher import match
    from symbiosis.model.options import Options
    from symbiosis.solve import decompose, netflow

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    times: dict[str, float] = {}
    memory: dict[str, float] = {}
    started = time.perf_counter()
    inventory = load_inventory(folder)
    times["load"] = time.perf_counter() - started
    memory["load"] = peak()
    mark = time.perf_counter()
    found = match(inventory)
    times["match"] = time.perf_counter() - mark
    memory["match"] = peak()
    steps: dict[str, float] = {}
    plan = decompose.optimise_scaled(inventory, found, Options(objective="tonnes"), workers, timings=steps)
    times["build"] = steps.get("build", 0.0)
    times["solve"] = steps.get("solve", 0.0) + steps.get("merge", 0.0)
    memory["solve"] = peak()
    mark = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        kpis = write_results(Path(out), inventory, plan)
    times["write"] = time.perf_counter() - mark
    total = time.perf_counter() - started
    peak_mb = peak()
    memory["write"] = peak_mb
    parts = decompose.components(found)
    links = found.links
    result: dict[str, Any] = {
        "flows": len(inventory.flows),
        "companies": len(inventory.companies),
        "facilities": len(inventory.facilities),
        "links": len(links),
        "components": parts.count,
        "largest_component": int(parts.sizes().max()) if parts.count else 0,
        "pure": bool(parts.pure.all()),
        "times": times,
        "total": total,
        "peak_mb": peak_mb,
        "peak_mb_after": memory,
        "tonnes": float(kpis["valorised_t"]),
        "tkm": float(kpis["transport_tkm"]),
        "mwh": float(kpis["valorised_mwh"]),
        "status": plan.status,
    }
    # The same solve with one worker, and as one min-cost flow (no decomposition).
    one: dict[str, float] = {}
    decompose.optimise_scaled(inventory, found, Options(objective="tonnes"), 1, timings=one)
    result["solve_1_worker"] = one.get("build", 0.0) + one.get("solve", 0.0) + one.get("merge", 0.0)
    if result["pure"]:
        net = netflow.network_of(links, inventory.flows.set_index("id")["quantity_ref"])
        mark = time.perf_counter()
        whole = netflow.solve(net)
        result["solve_whole"] = time.perf_counter() - mark
        result["whole_status"] = whole.status
        import numpy as np

        np.savez(arrays, tail=net.tail, head=net.head, cap=net.cap, supply=net.supply, need=net.need,
                 distance=net.distance, mass=net.mass)
        if len(links) <= lp_limit:  # the LP path (HiGHS, whole model) where it ends in reasonable time
            from symbiosis.optimize import optimise

            mark = time.perf_counter()
            lp = optimise(inventory, found, Options(objective="tonnes", solver="highs"))
            result["solve_lp"] = time.perf_counter() - mark
            result["lp_tonnes"] = float(lp.links.loc[(lp.links["unit"] == "t") & (lp.links["from_kind"] == "output"), "quantity"].sum())
    return result


def run_case(flows: int, workers: int, facilities: int, seed: int, work: Path, lp_limit: int) -> dict[str, Any]:
    from benchmarks.generate import Spec, generate

    spec = Spec(companies=max(10, flows // 10), flows=flows, facilities=facilities, seed=seed)
    folder = generate(work / f"region-{flows}-{facilities}", spec)
    arrays = work / f"network-{flows}-{facilities}.npz"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--engine", str(folder), "--workers", str(workers),
         "--arrays", str(arrays), "--lp-limit", str(lp_limit)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"engine failed on {flows} flows:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["workers"] = workers
    if arrays.exists():
        ref = subprocess.run(
            [sys.executable, "-m", "benchmarks.reference", str(arrays)],
            capture_output=True, text=True, env=env, cwd=ROOT, check=False,
        )
        if ref.returncode == 0:
            result["reference"] = json.loads(ref.stdout.strip().splitlines()[-1])
        else:
            result["reference_error"] = ref.stderr[-500:]
    return result


def table(results: list[dict[str, Any]]) -> str:
    head = (f"{'flows':>7} {'links':>9} {'parts':>5} {'load':>6} {'match':>6} {'build':>6} {'solve':>6} {'write':>6} "
            f"{'total':>7} {'ref':>6} {'ratio':>6} {'solve/ref':>9} {'1 wkr':>6} {'whole':>6} {'LP':>6} {'peak MB':>8} {'tonnes ok':>9}")
    lines = [head, "-" * len(head)]
    for r in results:
        t = r["times"]
        ref = r.get("reference", {})
        ref_s = ref.get("seconds")
        ratio = f"{r['total'] / ref_s:6.1f}" if ref_s else "   n/a"
        solve_ratio = f"{(t['build'] + t['solve']) / ref_s:9.2f}" if ref_s else "      n/a"
        same = "n/a"
        if ref:
            same = "yes" if abs(ref["tonnes"] - r["tonnes"]) <= 1e-6 * max(1.0, ref["tonnes"]) + 0.01 else "NO"
        lp = f"{r['solve_lp']:6.1f}" if "solve_lp" in r else "     -"
        whole = f"{r['solve_whole']:6.1f}" if "solve_whole" in r else "     -"
        lines.append(
            f"{r['flows']:>7} {r['links']:>9} {r['components']:>5} {t['load']:6.1f} {t['match']:6.1f} {t['build']:6.1f} "
            f"{t['solve']:6.1f} {t['write']:6.1f} {r['total']:7.1f} {ref_s or 0:6.1f} {ratio} {solve_ratio} "
            f"{r['solve_1_worker']:6.1f} {whole} {lp} {r['peak_mb']:8.0f} {same:>9}"
        )
    return "\n".join(lines)


def write_outputs(results: list[dict[str, Any]], out: Path) -> None:
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for r in results:
        ref = r.get("reference", {})
        rows.append({
            "flows": r["flows"], "companies": r["companies"], "facilities": r["facilities"], "links": r["links"],
            "components": r["components"], "largest_component": r["largest_component"], "workers": r["workers"],
            **{f"{p}_s": round(r["times"][p], 3) for p in PHASES},
            "total_s": round(r["total"], 3),
            "reference_s": round(ref["seconds"], 3) if ref else None,
            "ratio_total_to_reference": round(r["total"] / ref["seconds"], 2) if ref else None,
            "solve_1_worker_s": round(r["solve_1_worker"], 3),
            "solve_whole_s": round(r["solve_whole"], 3) if "solve_whole" in r else None,
            "solve_lp_highs_s": round(r["solve_lp"], 3) if "solve_lp" in r else None,
            "peak_engine_mb": round(r["peak_mb"]),
            **{f"peak_mb_after_{k}": round(v) for k, v in r["peak_mb_after"].items()},
            "tonnes": round(r["tonnes"], 3), "reference_tonnes": round(ref["tonnes"], 3) if ref else None,
            "tkm": round(r["tkm"], 1), "reference_tkm": round(ref["tkm"], 1) if ref else None,
        })
    frame = pd.DataFrame(rows)
    frame.to_csv(out / "scaling.csv", index=False, lineterminator="\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for column, label in (("total_s", "engine end to end"), ("match_s", "matching"), ("load_s", "load + validate"),
                          ("solve_s", "solve (decomposed)"), ("reference_s", "reference min-cost flow")):
        values = frame[column].astype(float)
        if values.notna().any():
            axis.plot(frame["flows"], values, marker="o", label=label)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("flows (companies = flows / 10)")
    axis.set_ylabel("seconds")
    axis.set_title("symbiosis: time against territory size")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(out / "scaling.png", dpi=120)
    (out / "last_run.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=None, help="flows per territory, comma-separated (default 1000,10000,100000)")
    parser.add_argument("--workers", type=int, default=max(1, os.cpu_count() or 1))
    parser.add_argument("--facilities", type=int, default=0, help="shared facilities in each territory (0: a pure network)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lp-limit", type=int, default=300_000, help="also time the whole LP (HiGHS) up to this many links")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--engine", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--arrays", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine is not None:
        print(json.dumps(engine(args.engine, args.workers, args.arrays, args.lp_limit)))
        return
    import importlib.util

    sizes = args.sizes
    if importlib.util.find_spec("ortools") is None:
        print("OR-Tools is not installed (pip install ortools): no reference solve, and the network\n"
              "fast path falls back to HiGHS, far slower at 100k flows.", file=sys.stderr)
        sizes = sizes or "1000,10000"
    sizes = sizes or "1000,10000,100000"
    results = []
    with tempfile.TemporaryDirectory(prefix="symbiosis-bench-") as work:
        for size in (int(s) for s in sizes.split(",")):
            print(f"… {size} flows", file=sys.stderr, flush=True)
            results.append(run_case(size, args.workers, args.facilities, args.seed, Path(work), args.lp_limit))
    print(table(results))
    write_outputs(results, args.out)
    print(f"\n{args.out / 'scaling.csv'}, {args.out / 'scaling.png'}")


if __name__ == "__main__":
    main()
