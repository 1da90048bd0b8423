"""End-to-end command-line runs: exit codes, outputs, and never a traceback."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "data" / "val_de_fensch"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "symbiosis", *args], capture_output=True, text=True, check=False, timeout=300)


def test_check_valid_inventory() -> None:
    result = run("check", str(DATA))
    assert result.returncode == 0, result.stderr
    assert "Inventaire valide : Val de Fensch (2025)" in result.stdout


def test_check_reports_problems_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "territory.toml").write_text('name = "X"\nyear = 2025\n', encoding="utf-8")
    (tmp_path / "companies.csv").write_text("id,name,lat,lon\nA,Usine,49.3,6.1\n", encoding="utf-8")
    (tmp_path / "flows.csv").write_text(
        "id,company,direction,ewc,material,quantity,unit\nF1,A,output,15 01 03,,-3,t\nF2,B,input,,wood_pallets,2,t\n",
        encoding="utf-8",
    )
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines() == [
        "2 problèmes dans l'inventaire :",
        "flows.csv:2: quantity: doit être strictement supérieur à 0 (lu : -3)",
        "flows.csv:3: company: entreprise « B » absente de companies.csv",
    ]
    english = run("--lang", "en", "check", str(tmp_path))
    assert "flows.csv:2: quantity: must be greater than 0 (got -3)" in english.stderr


def test_usage_errors_exit_2() -> None:
    assert run("check").returncode == 2
    assert run("optimize", str(DATA), "--out", "/tmp/x", "--objective", "bonheur").returncode == 2


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nulle-part"))
    assert result.returncode == 1
    assert "n'est pas un dossier d'inventaire" in result.stderr


def test_match_writes_the_contract_columns(tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    result = run("match", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert {"from_flow", "to", "rule", "distance_km", "reason"} <= set(rows[0])
    assert len(rows) > 200
    materials = {row["material"] for row in rows}
    assert {"wood_pallets", "ferrous_metals", "cardboard_paper", "waste_heat"} <= materials


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    result = run("optimize", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_optimize_writes_kpis_and_allocation(plan: Path) -> None:
    kpis = json.loads((plan / "kpis.json").read_text(encoding="utf-8"))
    for key in ("valorised_t", "declared_output_t", "valorised_share", "valorised_mwh", "insertion_jobs",
                "additional_valorised_t", "rerouted_t", "jobs_fte", "adapted_jobs", "other_jobs",
                "co2e_avoided_t", "transport_tkm", "links", "companies_involved"):
        assert isinstance(kpis[key], int | float), key
    assert kpis["status"] == "optimal"
    assert kpis["objective"] == "tonnes"
    with (plan / "allocation.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == kpis["links"]
    assert {"from_flow", "to", "quantity", "unit", "distance_km"} <= set(rows[0])
    tonnes = sum(float(r["quantity"]) for r in rows if r["unit"] == "t" and r["from_flow"].startswith("F"))
    assert tonnes == pytest.approx(kpis["valorised_t"], rel=1e-6)
    tkm = sum(float(r["quantity"]) * float(r["distance_km"]) for r in rows
              if r["unit"] == "t" and r["unchanged"] == "False")
    assert tkm <= kpis["transport_tkm"] + 1e-6  # the rest is the haul to facility outlets
    assert sum(float(r["tkm"]) for r in rows) <= kpis["transport_tkm"] + 1e-6
    assert (plan / "companies.csv").exists() and (plan / "sensitivity.csv").exists()


def test_outputs_never_go_into_the_inventory(tmp_path: Path) -> None:
    before = sorted(p.name for p in DATA.iterdir())
    result = run("optimize", str(DATA), "--out", str(DATA / "resultats"))
    assert result.returncode == 1
    assert "refus d'écrire dans le dossier d'inventaire" in result.stderr
    assert sorted(p.name for p in DATA.iterdir()) == before


def test_min_jobs_infeasible_is_a_sentence(tmp_path: Path) -> None:
    result = run("optimize", str(DATA), "--out", str(tmp_path), "--min-jobs", "5000")
    assert result.returncode == 1
    assert "au moins 5\u202f000,0 emplois ont été demandés, au plus" in result.stderr
    assert json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))["status"] == "infeasible"
    assert "Traceback" not in result.stdout + result.stderr


def test_pdf_report_with_a_relative_path(tmp_path: Path) -> None:
    import shutil

    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("Chromium is not installed (scripts/system-deps.sh installs it as root)")
    result = subprocess.run(
        [sys.executable, "-m", "symbiosis", "report", str(DATA), "--out", "rapport.pdf"],
        capture_output=True, text=True, check=False, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")


def test_workers_give_the_same_optimum(plan: Path, tmp_path: Path) -> None:
    result = run("optimize", str(DATA), "--out", str(tmp_path), "--workers", "2")
    assert result.returncode == 0, result.stderr
    split = json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))
    whole = json.loads((plan / "kpis.json").read_text(encoding="utf-8"))
    assert split["valorised_t"] == pytest.approx(whole["valorised_t"], rel=1e-7)
    assert split["transport_tkm"] == pytest.approx(whole["transport_tkm"], rel=1e-6)


def test_language_anywhere_on_the_line_or_from_the_environment(tmp_path: Path) -> None:
    import os

    missing = str(tmp_path / "nulle-part")
    after = run("check", missing, "--lang", "en")
    assert after.returncode == 1 and "is not an inventory folder" in after.stderr
    env = {**os.environ, "SYMBIOSIS_LANG": "en"}
    from_env = subprocess.run([sys.executable, "-m", "symbiosis", "check", missing], capture_output=True, text=True,
                              check=False, env=env, timeout=120)
    assert "is not an inventory folder" in from_env.stderr
    assert "n'est pas un dossier d'inventaire" in run("check", missing).stderr


def test_settings_are_read_from_the_line() -> None:
    from symbiosis.cli.app import Settings, settings_from

    assert settings_from(["check", "x", "--lang", "en", "--debug"], {}) == (Settings("en", True), ["check", "x"])
    assert settings_from(["--lang=en", "check"], {}) == (Settings("en", False), ["check"])
    assert settings_from(["check", "--", "--lang", "en"], {"SYMBIOSIS_LANG": "en"}) == (
        Settings("en", False), ["check", "--", "--lang", "en"])
    assert settings_from(["check"], {}) == (Settings("fr", False), ["check"])
