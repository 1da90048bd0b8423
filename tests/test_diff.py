"""Year-over-year changes between two inventories."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from symbiosis.analysis.diff import COLUMNS, diff_inventories
from symbiosis.flows import load_inventory
from tests.helpers import flat, write_inventory
from tests.helpers import run_cli as run

OLD_COMPANIES = """\
id,name,lat,lon
A,Usine A,49.32,6.10
B,Atelier B,49.33,6.11
C,Cantine C,49.30,6.12
"""

NEW_COMPANIES = """\
id,name,lat,lon
A,Usine A,49.32,6.10
B,Atelier B,49.33,6.11
D,Scierie D,49.31,6.13
"""

OLD_FLOWS = """\
id,company,direction,ewc,material,quantity,unit
F1,A,output,15 01 03,,100,t
F2,A,output,15 01 03,,100,t
F3,B,input,,wood_pallets,80,t
F4,C,output,20 01 08,,50,t
F5,A,output,,waste_heat,2000,MWh
F6,B,output,15 01 01,,10,t
F7,A,output,13 02 05,,4,t
"""

NEW_FLOWS = """\
id,company,direction,ewc,material,quantity,unit
F1,A,output,15 01 03,,110,t
F2,A,output,15 01 03,,110.5,t
F3,B,input,,wood_pallets,80000,kg
F5,B,input,,waste_heat,2000,MWh
F6,B,output,15 01 02,,10,t
F7,A,output,13 02 05*,,4,t
F8,D,output,03 01 05,,30,t
"""






@pytest.fixture
def years(tmp_path: Path) -> tuple[Path, Path]:
    old = write_inventory(tmp_path / "2025", companies=OLD_COMPANIES, flows=OLD_FLOWS)
    new = write_inventory(tmp_path / "2026", companies=NEW_COMPANIES, flows=NEW_FLOWS)
    return old, new


EXPECTED = [
    # change, id, old_name, new_name, old_company, new_company, old_direction, new_direction,
    # old_ewc, new_ewc, old_material, new_material, old_quantity, new_quantity, unit, relative_change, fields
    ("company_added", "D", None, "Scierie D", None, None, None, None,
     None, None, None, None, None, None, None, None, None),
    ("company_removed", "C", "Cantine C", None, None, None, None, None,
     None, None, None, None, None, None, None, None, None),
    ("flow_added", "F8", None, None, None, "D", None, "output",
     None, "03 01 05", None, "untreated_wood", None, 30.0, "t", None, ""),
    ("flow_removed", "F4", None, None, "C", None, "output", None,
     "20 01 08", None, "canteen_biowaste", None, 50.0, None, "t", None, ""),
    ("flow_changed", "F2", None, None, "A", "A", "output", "output",
     "15 01 03", "15 01 03", "wood_pallets", "wood_pallets", 100.0, 110.5, "t", 0.105, "quantity"),
    ("flow_changed", "F5", None, None, "A", "B", "output", "input",
     None, None, "waste_heat", "waste_heat", 2000.0, 2000.0, "MWh", 0.0, "company;direction"),
    ("flow_changed", "F6", None, None, "B", "B", "output", "output",
     "15 01 01", "15 01 02", "cardboard_paper", "plastic_film", 10.0, 10.0, "t", 0.0, "ewc;material"),
]


def rows(table: pd.DataFrame) -> list[tuple[object, ...]]:
    return [tuple(record) for record in table.itertuples(index=False, name=None)]


def test_diff_rows_exactly(years: tuple[Path, Path]) -> None:
    old, new = (load_inventory(folder) for folder in years)
    table = diff_inventories(old, new, threshold=0.1)
    assert list(table.columns) == COLUMNS
    # F1 moved by exactly 10 %: not more than the threshold. F3 went from 80 t to 80 000 kg:
    # the same quantity in the reference unit. F7 gained an asterisk on a code the List
    # already marks hazardous: the same code.
    assert rows(table) == EXPECTED


def test_threshold_decides_what_counts_as_changed(years: tuple[Path, Path]) -> None:
    old, new = (load_inventory(folder) for folder in years)
    loose = diff_inventories(old, new, threshold=0.2)
    assert list(loose.loc[loose["change"] == "flow_changed", "id"]) == ["F5", "F6"]
    strict = diff_inventories(old, new, threshold=0.0)
    changed = strict[strict["change"] == "flow_changed"].set_index("id")
    assert list(changed.index) == ["F1", "F2", "F5", "F6"]
    assert changed.loc["F1", "relative_change"] == 0.1
    assert changed.loc["F1", "fields"] == "quantity"


def test_no_change(tmp_path: Path) -> None:
    old = write_inventory(tmp_path / "a")
    new = write_inventory(tmp_path / "b")
    assert diff_inventories(load_inventory(old), load_inventory(new)).empty
    code, output = run("diff", str(old), str(new))
    assert code == 0
    assert "Aucun changement." in flat(output)


def test_cli_diff_writes_the_csv(years: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = years
    out = tmp_path / "changements.csv"
    code, output = run("diff", str(old), str(new), "--out", str(out))
    assert code == 0, output
    assert "Traceback" not in output
    assert ("Entreprises : 1 ajoutée, 1 retirée. Flux : 1 ajouté, 1 retiré, 3 modifiés "
            "(seuil : 10 % de variation de quantité).") in flat(output)
    assert f"Changements écrits dans {out}" in flat(output)
    for header in ("Changement", "Identifiant", "Entreprise", "Avant", "Après", "Variation"):
        assert header in output
    assert "flux modifié" in output and "+10 %" in output
    assert out.read_text("utf-8").splitlines() == [
        ",".join(COLUMNS),
        "company_added,D,,Scierie D,,,,,,,,,,,,,",
        "company_removed,C,Cantine C,,,,,,,,,,,,,,",
        "flow_added,F8,,,,D,,output,,03 01 05,,untreated_wood,,30.0,t,,",
        "flow_removed,F4,,,C,,output,,20 01 08,,canteen_biowaste,,50.0,,t,,",
        "flow_changed,F2,,,A,A,output,output,15 01 03,15 01 03,wood_pallets,wood_pallets,100.0,110.5,t,0.105,quantity",
        "flow_changed,F5,,,A,B,output,input,,,waste_heat,waste_heat,2000.0,2000.0,MWh,0.0,company;direction",
        "flow_changed,F6,,,B,B,output,output,15 01 01,15 01 02,cardboard_paper,plastic_film,10.0,10.0,t,0.0,ewc;material",
    ]
    code, output = run("--lang", "en", "diff", str(old), str(new), "--threshold", "0.2")
    assert code == 0
    assert "Companies: 1 added, 1 removed. Flows: 1 added, 1 removed, 2 changed (threshold: 20 %" in flat(output)
    assert "Before" in output and "flow changed" in output


def test_cli_diff_errors(years: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = years
    (new / "flows.csv").write_text(NEW_FLOWS.replace("F8,D,output,03 01 05,,30,t", "F8,D,output,03 01 05,,-30,t"),
                                   encoding="utf-8")
    code, output = run("diff", str(old), str(new))
    assert code == 1
    assert f"{new / 'flows.csv'}:8: quantity: doit être strictement supérieur à 0 (lu : -30)" in output
    assert "Traceback" not in output
    code, output = run("diff", str(old), str(tmp_path / "absent"))
    assert code == 1 and f"{tmp_path / 'absent'}: « {tmp_path / 'absent'} » n'est pas un dossier d'inventaire" in output
    code, output = run("diff", str(old), str(old), "--out", str(old / "diff.csv"))
    assert code == 1 and "refus d'écrire dans le dossier d'inventaire" in output
    assert not (old / "diff.csv").exists()
    code, output = run("diff", str(old), str(old), "--threshold", "-1")
    assert code == 2 and "Traceback" not in output
    code, output = run("diff", str(old))
    assert code == 2
