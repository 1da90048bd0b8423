"""The inventory reader: normalisation, conversion and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from symbiosis.catalogue import ewc
from symbiosis.core.problems import InputError
from symbiosis.flows import load_inventory
from tests.helpers import COMPANIES, write_inventory


def problems_of(folder: Path, lang: str = "fr") -> list[str]:
    with pytest.raises(InputError) as caught:
        load_inventory(folder)
    return caught.value.render(lang)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "code", "hazardous"),
    [
        ("15 01 03", "15 01 03", False),
        ("150103", "15 01 03", False),
        ("15 01 03*", "15 01 03", True),
        (" 13 02 05* ", "13 02 05", True),
        ("130205", "13 02 05", True),  # hazardous in the List even without the asterisk
        ("15.01.03", "15 01 03", False),
    ],
)
def test_ewc_codes_normalise_to_one_form(raw: str, code: str, hazardous: bool) -> None:
    frame = ewc.normalise(pd.Series([raw]))
    assert frame.loc[0, "ewc"] == code
    assert bool(frame.loc[0, "hazardous"]) is hazardous
    assert bool(frame.loc[0, "known"])


def test_list_of_waste_is_complete() -> None:
    entries = ewc.list_of_waste()
    assert len(entries) == 842
    assert entries["15 01 03"].label_fr == "emballages en bois"
    assert entries["13 02 05"].hazardous


def test_units_convert_to_reference_units(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path,
        flows="""\
        id,company,direction,ewc,material,quantity,unit
        F1,A,output,15 01 03,,2500,kg
        F2,A,output,,waste_heat,1500,kWh
        F3,B,input,,heat,"12,5",MWh
        F4,C,output,,cardboard_paper,10,m3
        F5,C,output,15 01 03*,,3,t
        """,
    )
    inventory = load_inventory(folder)
    flows = inventory.flows.set_index("id")
    assert flows.loc["F1", "quantity_ref"] == pytest.approx(2.5)
    assert flows.loc["F1", "material"] == "wood_pallets"
    assert flows.loc["F1", "ref_unit"] == "t"
    assert flows.loc["F2", "quantity_ref"] == pytest.approx(1.5)
    assert flows.loc["F2", "ref_unit"] == "MWh"
    assert flows.loc["F3", "quantity"] == pytest.approx(12.5)
    density = inventory.catalogue.materials["cardboard_paper"].density_t_per_m3
    assert density is not None
    assert flows.loc["F4", "quantity_ref"] == pytest.approx(10 * density.value)
    assert flows.loc["F5", "ewc"] == "15 01 03"
    assert bool(flows.loc["F5", "hazardous"]) is True
    assert bool(flows.loc["F1", "hazardous"]) is False


def test_bom_unknown_columns_and_months(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path,
        flows="""\
        id,company,direction,ewc,material,quantity,unit,remarque,months
        F1,A,output,15 01 03,,120,t,visite du 3 mars,10-4
        """,
    )
    text = (folder / "flows.csv").read_text(encoding="utf-8")
    (folder / "flows.csv").write_text("\ufeff" + text, encoding="utf-8")
    flows = load_inventory(folder).flows
    assert flows.loc[0, "remarque"] == "visite du 3 mars"
    # October to April: months 10, 11, 12, 1, 2, 3, 4.
    assert flows.loc[0, "months_mask"] == 0b1110_0000_1111


def test_every_problem_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path,
        companies=COMPANIES + "D,Dépôt D,95.0,6.1,Z3,false\nA,Doublon,49.3,6.1,Z1,false\n",
        flows="""\
        id,company,direction,ewc,material,quantity,unit
        F1,A,output,15 01 03,,-5,t
        F2,X,input,,wood_pallets,80,t
        F3,A,output,15 01 03,,beaucoup,t
        F4,A,output,15 01 03,,12,tonneaux
        F5,A,output,99 99 99,,12,t
        F6,A,output,,wood_palets,12,t
        F6,B,input,,wood_pallets,3,t
        F8,A,output,,,3,t
        F9,A,sortie,15 01 03,,3,t
        F10,A,output,1501,,3,t
        F11,A,output,,waste_heat,3,t
        F12,D,output,,wood_pallets,3,kWh
        """,
        facilities="""\
        id,type,lat,lon,capacity,unit,status,operator
        K1,chaudiere,49.31,6.11,250,t,candidate,
        K2,biomass_boiler,49.31,6.11,250,t,peut-être,
        K3,biomass_boiler,49.31,6.11,250,MWh,candidate,Z
        """,
    )
    assert problems_of(folder) == [
        "companies.csv:5: lat: doit être inférieur ou égal à 90 (lu : 95.0)",
        "companies.csv:6: id: identifiant « A » en double (déjà ligne 2)",
        "facilities.csv:2: type: type d'installation « chaudiere » inconnu du catalogue "
        "(types connus : biomass_boiler, methanisation, composting, pallet_repair, wood_shredding)",
        "facilities.csv:3: status: « peut-être » n'est pas admis (valeurs admises : existing, candidate)",
        "facilities.csv:4: operator: exploitant « Z » absent de companies.csv",
        "facilities.csv:4: unit: unité « MWh » impossible pour Chaufferie biomasse (bois d'emballage et bois non traité), mesuré en tonnes",
        "flows.csv:2: quantity: doit être strictement supérieur à 0 (lu : -5)",
        "flows.csv:3: company: entreprise « X » absente de companies.csv",
        "flows.csv:4: quantity: « beaucoup » n'est pas un nombre",
        "flows.csv:5: unit: « tonneaux » n'est pas admis (valeurs admises : t, kg, m3, MWh, kWh)",
        "flows.csv:6: ewc: code déchet « 99 99 99 » absent de la liste européenne des déchets",
        "flows.csv:7: material: matière « wood_palets » inconnue du catalogue (vouliez-vous dire « wood_pallets » ?)",
        "flows.csv:8: id: identifiant « F6 » en double (déjà ligne 7)",
        "flows.csv:9: ni code déchet (ewc) ni matière (material) : renseignez au moins l'un des deux",
        "flows.csv:10: direction: « sortie » n'est pas admis (valeurs admises : output, input)",
        "flows.csv:11: ewc: code déchet « 1501 » invalide : 6 chiffres attendus, par exemple 15 01 03",
        "flows.csv:12: unit: unité « t » impossible pour Chaleur fatale (vapeur, eau chaude, fumées), mesuré en MWh",
        "flows.csv:13: unit: unité « kWh » impossible pour Palettes et emballages en bois, mesuré en tonnes",
    ]


def test_messages_in_english(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path,
        flows="""\
        id,company,direction,ewc,material,quantity,unit
        F1,A,output,15 01 03,,-5,t
        """,
    )
    assert problems_of(folder, "en") == ["flows.csv:2: quantity: must be greater than 0 (got -5)"]


def test_missing_columns_and_files(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path,
        flows="""\
        id,company,ewc,quantity
        F1,A,15 01 03,5
        """,
    )
    (folder / "companies.csv").unlink()
    assert problems_of(folder) == [
        "companies.csv: fichier obligatoire absent",
        "flows.csv:1: direction: colonne obligatoire absente",
        "flows.csv:1: unit: colonne obligatoire absente",
    ]


def test_bad_territory_and_ragged_rows(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path,
        territory="""\
        name = "Test"
        year = 2025
        [defaults]
        max_distance = 30
        """,
        flows="""\
        id,company,direction,ewc,material,quantity,unit
        F1,A,output,15 01 03,,12,5,t
        """,
    )
    found = problems_of(folder)
    assert found[0] == "flows.csv:2: 8 champs au lieu de 7 (virgule non protégée par des guillemets ?)"
    assert found[1].startswith("territory.toml:4: defaults.max_distance: clé inconnue")


def test_semicolon_and_encoding_are_explained(tmp_path: Path) -> None:
    folder = write_inventory(tmp_path)
    (folder / "companies.csv").write_text("id;name;lat;lon\nA;Usine;49,3;6,1\n", encoding="utf-8")
    (folder / "flows.csv").write_bytes("id,company,direction,ewc,material,quantity,unit\nF1,A,output,,,3,t\n# é".encode("latin-1"))
    assert problems_of(folder) == [
        "companies.csv:1: séparateur « ; » détecté : le fichier doit être séparé par des virgules",
        "flows.csv: le fichier n'est pas en UTF-8 (octet invalide à la position 68) : enregistrez-le en « CSV UTF-8 »",
    ]
