"""The spreadsheet workflow: template, import, export, and the CLI around them."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from symbiosis.catalogue.ewc import list_of_waste
from symbiosis.cli.main import build_app
from symbiosis.core.problems import InputError
from symbiosis.flows import Inventory, load_inventory
from symbiosis.workbook.layout import COMPANIES, FACILITIES, FLOWS
from symbiosis.workbook.read import import_workbook
from symbiosis.workbook.write import build_workbook, export_inventory, write_template
from tests.helpers import flat, write_inventory
from tests.helpers import run_cli as run

DATA = Path(__file__).resolve().parent.parent / "data" / "val_de_fensch"


# --- helpers -------------------------------------------------------------------------






def template_book(lang: str = "fr") -> Any:
    return load_workbook(io.BytesIO(build_workbook(lang)))  # type: ignore[arg-type]


def save(book: Any, path: Path) -> Path:
    book.save(path)
    return path


def problems_of(workbook: Path, target: Path, lang: str = "fr") -> list[str]:
    with pytest.raises(InputError) as caught:
        import_workbook(workbook, target)
    return caught.value.render(lang)  # type: ignore[arg-type]


def assert_same_inventory(before: Inventory, after: Inventory) -> None:
    assert after.territory == before.territory
    for name in ("companies", "flows", "facilities"):
        pd.testing.assert_frame_equal(getattr(after, name), getattr(before, name))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def valid_book(tmp_path: Path) -> Path:
    """A small valid workbook filled in the French template."""
    book = template_book()
    territory = book["Territoire"]
    territory["B2"], territory["B3"], territory["B6"] = "Nouveau", 2026, 25
    book["Entreprises"].append(["N1", "Nouvelle usine", 49.31, 6.09])
    book["Flux"].append(["G1", "N1", "output", "15 01 03", None, 42, "t"])
    return save(book, tmp_path / "nouveau.xlsx")


# --- template ----------------------------------------------------------------------------


def test_template_sheets_headers_and_lists(tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    write_template(path, "fr")
    book = load_workbook(path)
    assert book.sheetnames == [
        "Territoire", "Entreprises", "Flux", "Installations", "Aide", "Listes", "Codes déchets",
    ]
    flows = book["Flux"]
    headers = [cell.value for cell in flows[1]]
    assert headers[:7] == [
        "Identifiant (id)", "Entreprise (company)", "Sens (direction)", "Code déchet (ewc)",
        "Matière (material)", "Quantité par an (quantity)", "Unité (unit)",
    ]
    assert {"Statut (status)", "Autorisé à recevoir (authorised)", "Filière actuelle (route)",
            "Mois de disponibilité (months)"} <= set(headers)
    assert [c.value for c in book["Entreprises"][1]][:2] == ["Identifiant (id)", "Nom (name)"]
    facilities = [c.value for c in book["Installations"][1]]
    assert {"Nom (name)", "Exploitant (operator)", "Zone d'activité (zone)", "Débouchés (outlets)"} <= set(facilities)
    assert flows.freeze_panes == "B2"
    assert book["Territoire"].freeze_panes == "A2"
    assert flows.column_dimensions["H"].width == 40
    assert flows["F1"].comment is not None and "positive" in flows["F1"].comment.text

    rules = {str(dv.sqref).split(":")[0]: dv for dv in flows.data_validations.dataValidation}
    assert rules["C2"].type == "list" and rules["C2"].formula1 == "'Listes'!$A$2:$A$3"
    assert rules["F2"].type == "decimal" and rules["F2"].operator == "greaterThan"
    assert rules["F2"].formula1 == "0" and rules["F2"].errorStyle == "stop"
    assert rules["D2"].formula1 == "'Codes déchets'!$A$2:$A$843"
    lists = book["Listes"]
    column = {cell.value: cell.column_letter for cell in lists[1]}
    values = [c.value for c in lists[column["Matière (material)"]][1:] if c.value]
    assert "wood_pallets" in values and "waste_heat" in values
    assert [c.value for c in lists[column["Oui / non"]][1:] if c.value] == ["oui", "non"]
    assert rules["E2"].formula1 == f"'Listes'!${column['Matière (material)']}$2:${column['Matière (material)']}${len(values) + 1}"
    companies = {str(dv.sqref).split(":")[0]: dv for dv in book["Entreprises"].data_validations.dataValidation}
    assert (companies["C2"].operator, companies["C2"].formula1, companies["C2"].formula2) == ("between", "-90", "90")
    assert (companies["D2"].formula1, companies["D2"].formula2) == ("-180", "180")
    facility_rules = {str(dv.sqref).split(":")[0]: dv for dv in book["Installations"].data_validations.dataValidation}
    letter = column["Type d'installation (type)"]
    assert facility_rules["C2"].formula1 == f"'Listes'!${letter}$2:${letter}$6"

    codes = book["Codes déchets"]
    assert codes.max_row == len(list_of_waste()) + 1
    labels = {row[0]: row[1] for row in codes.iter_rows(min_row=2, values_only=True)}
    assert labels["15 01 03"] == "emballages en bois"
    assert "13 02 05*" in labels

    help_rows = list(book["Aide"].iter_rows(values_only=True))
    quantity = next(row for row in help_rows if row[1] == "Quantité par an (quantity)")
    assert quantity[0] == "Flux" and quantity[2] == "oui" and quantity[4] == "120"


def test_template_in_english(tmp_path: Path) -> None:
    code, output = run("--lang", "en", "template", str(tmp_path / "template.xlsx"))
    assert code == 0, output
    book = load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames == ["Territory", "Companies", "Flows", "Facilities", "Help", "Lists", "Waste codes"]
    assert [c.value for c in book["Flows"][1]][:3] == ["Identifier (id)", "Company (company)", "Direction (direction)"]
    assert book["Territory"]["A2"].value == "Territory name (name)"


def test_template_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    path.write_bytes(b"filled in by hand")
    code, output = run("template", str(path))
    assert code == 1
    assert f"{path}: le fichier existe déjà : ajoutez --force pour le remplacer" in output
    assert path.read_bytes() == b"filled in by hand"
    assert run("template", str(path), "--force")[0] == 0
    assert zipfile.is_zipfile(path)


def _soffice(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_template_opens_in_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    write_template(path, "fr")
    out = tmp_path / "out"
    done = _soffice(["--convert-to", "pdf", "--outdir", str(out), str(path)], tmp_path / "profile")
    pdf = out / "modele.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    done = _soffice(["--convert-to", "csv", "--outdir", str(out), str(path)], tmp_path / "profile")
    first_sheet = (out / "modele.csv").read_text("utf-8", errors="replace")
    assert "Nom du territoire (name)" in first_sheet, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_workbook_saved_by_libreoffice_imports_back(tmp_path: Path) -> None:
    exported = tmp_path / "export.xlsx"
    export_inventory(DATA, exported, "fr")
    out = tmp_path / "saved"
    done = _soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(exported)],
                    tmp_path / "profile")
    assert (out / "export.xlsx").exists(), done.stdout + done.stderr
    inventory, _ = import_workbook(out / "export.xlsx", tmp_path / "inventaire")
    assert_same_inventory(load_inventory(DATA), load_inventory(inventory.folder))


# --- export then import -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_round_trip_on_val_de_fensch(tmp_path: Path, lang: str) -> None:
    workbook = tmp_path / "val_de_fensch.xlsx"
    export_inventory(DATA, workbook, lang)  # type: ignore[arg-type]
    imported, kept = import_workbook(workbook, tmp_path / "inventaire")
    assert kept == []
    assert imported.folder == tmp_path / "inventaire"
    assert sorted(p.name for p in imported.folder.iterdir()) == [
        "companies.csv", "facilities.csv", "flows.csv", "territory.toml",
    ]
    assert_same_inventory(load_inventory(DATA), load_inventory(tmp_path / "inventaire"))


def test_export_keeps_declared_values_and_layout(tmp_path: Path) -> None:
    workbook = tmp_path / "val.xlsx"
    export_inventory(DATA, workbook, "fr")
    book = load_workbook(workbook)
    flows = book["Flux"]
    headers = [c.value for c in flows[1]]
    assert headers == [c.header("fr") for c in FLOWS.columns]
    assert [c.value for c in book["Entreprises"][1]] == [c.header("fr") for c in COMPANIES.columns]
    assert [c.value for c in book["Installations"][1]] == [c.header("fr") for c in FACILITIES.columns]
    rows = {row[0]: row for row in flows.iter_rows(min_row=2, values_only=True)}
    # F002 declares only a hazardous code: the star is kept, no material is invented.
    assert rows["F002"][3:7] == ("10 02 11*", None, 2400, "t")
    assert rows["F001"][9] == -15
    months = headers.index("Mois de disponibilité (months)")
    assert sum(1 for row in rows.values() if row[months]) > 0
    assert all(isinstance(row[months], str) for row in rows.values() if row[months])
    assert book["Entreprises"]["H2"].value == "non"
    assert book["Territoire"]["B2"].value == "Val de Fensch"
    assert book["Territoire"]["B6"].value == 30


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path / "inv",
        companies="""\
        id,name,lat,lon,zone
        A,=HYPERLINK("http://evil.example";"clic"),49.32,6.10,+33 3 87
        B,@SUM(1;2),49.33,6.11,-Z1
        """,
        flows="""\
        id,company,direction,ewc,material,quantity,unit,description
        F1,A,output,15 01 03,,120,t,"=HYPERLINK(""http://evil.example"";""clic"")"
        F2,B,input,,wood_pallets,80,t,-10 % d'ici 2027
        """,
    )
    workbook = tmp_path / "inv.xlsx"
    export_inventory(folder, workbook, "fr")
    book = load_workbook(workbook)  # formulas are read as formulas when there are any
    cell = book["Flux"]["H2"]
    assert cell.value == '=HYPERLINK("http://evil.example";"clic")'
    assert cell.data_type == "s"
    assert cell.quotePrefix
    for ref in ("B2", "E2", "B3", "E3"):
        assert book["Entreprises"][ref].data_type == "s"
    with zipfile.ZipFile(workbook) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    import_workbook(workbook, tmp_path / "back")
    assert_same_inventory(load_inventory(folder), load_inventory(tmp_path / "back"))
    back = load_inventory(tmp_path / "back").flows.set_index("id")
    assert back.loc["F1", "description"] == '=HYPERLINK("http://evil.example";"clic")'


def test_export_refuses_to_write_into_the_inventory(tmp_path: Path) -> None:
    folder = write_inventory(tmp_path / "inv")
    code, output = run("export", str(folder), str(folder / "inv.xlsx"))
    assert code == 1
    assert "refus d'écrire dans le dossier d'inventaire" in output
    assert not (folder / "inv.xlsx").exists()


# --- import: what is accepted -------------------------------------------------------------


def test_import_accepts_english_and_raw_headers_and_french_numbers(tmp_path: Path) -> None:
    book = Workbook()
    territory = book.active
    territory.title = "Territory"
    territory.append(["Parameter", "Value"])
    territory.append(["Territory name (name)", "Mixed"])
    territory.append(["year", "2026"])
    territory.append(["defaults.max_distance_km", "12,5"])
    companies = book.create_sheet("Companies")
    companies.append(["Identifier (id)", "Nom (name)", "lat", "Longitude (lon)", "ESS / insertion (ess)", "Remarque"])
    companies.append(["A", "Usine A", "49,32", 6.1, "oui", "visite du 3 mars"])
    companies.append(["B", "Atelier B", 49.33, "6,11", "Non", None])
    flows = book.create_sheet("flux")  # sheet names are matched without regard to case
    flows.append(["id", "company", "direction", "ewc", "Material (material)", "Quantité par an (quantity)", "unit",
                  "Seasonality", "Mois de disponibilité (months)", "route", "Autorisé à recevoir (authorised)"])
    flows.append(["F1", "A", "output", 20104, None, "1 234,5", "kg", None, "10-4", "landfill", None])
    flows.append(["F2", "B", "input", None, "waste_heat", "12,5", "MWh", "hiver", "11-3", None, "yes"])
    save(book, tmp_path / "mixed.xlsx")
    inventory, _ = import_workbook(tmp_path / "mixed.xlsx", tmp_path / "inv")
    target = tmp_path / "inv"
    assert not (target / "facilities.csv").exists()  # no Facilities sheet: no facilities
    assert (target / "companies.csv").read_text("utf-8") == (
        "id,name,lat,lon,ess,Remarque\n"
        "A,Usine A,49.32,6.1,true,visite du 3 mars\n"
        "B,Atelier B,49.33,6.11,false,\n"
    )
    assert (target / "flows.csv").read_text("utf-8") == (
        "id,company,direction,ewc,material,quantity,unit,Seasonality,months,route,authorised\n"
        "F1,A,output,020104,,1234.5,kg,,10-4,landfill,\n"
        "F2,B,input,,waste_heat,12.5,MWh,hiver,11-3,,true\n"
    )
    assert (target / "territory.toml").read_text("utf-8") == (
        'name = "Mixed"\nyear = 2026\n[defaults]\nmax_distance_km = 12.5\n'
    )
    flows_frame = inventory.flows.set_index("id")
    assert flows_frame.loc["F1", "ewc"] == "02 01 04"
    assert flows_frame.loc["F1", "quantity_ref"] == pytest.approx(1.2345)
    assert flows_frame.loc["F2", "months_mask"] == 0b1100_0000_0111
    assert inventory.territory.defaults.max_distance_km == 12.5


# --- import: what is refused ----------------------------------------------------------------


def mistakes_book(path: Path) -> Path:
    """A workbook full of mistakes, as a hurried chargé de mission would fill it."""
    book = template_book()
    territory = book["Territoire"]
    territory["B2"], territory["B3"], territory["B6"] = "Test", "deux mille", "-3"
    companies = book["Entreprises"]
    companies.append(["A", "Usine A", 49.3, 6.1])
    companies.append(["B", "Atelier B", 95, 6.1, None, None, None, "peut-être"])
    companies.append([])  # blank rows are skipped, rows keep their numbers
    companies.append(["A", "Encore A", "49,2", "6,1"])
    flows = book["Flux"]
    flows.append(["F1", "A", "output", "15 01 03", None, -5, "t"])
    flows.append(["F2", "Z", "output", "99 99 99", None, "12,5", "t"])
    flows.append(["F3", "A", "sortie", "15 01 03", None, 3, "t"])
    flows.append([])
    flows.append(["F4", "A", "input", None, None, 3, "t"])
    flows.append(["F5", "B", "output", None, "wood_palets", 3, "tonnes"])
    flows.append(["F6", "A", "output", None, "waste_heat", 300, "t", None, None, None, None, None, None,
                  datetime(2025, 4, 10)])
    flows.append(["F7", "A", "output", "15 01 03", None, "douze", "t", None, None, None, "dechet"])
    flows.append(["F7", "A", "output", "15 01 03", None, 0.5, "t"])
    book["Installations"].append(
        ["K1", "Chaufferie", "chaudiere", 49.3, 6.1, 100, "t", "existing", None, None, None, "Q"]
    )
    return save(book, path)


MISTAKES_FR = [
    "Entreprises!C3: doit être inférieur ou égal à 90 (lu : 95)",
    "Entreprises!H3: « peut-être » n'est pas oui/non (true/false)",
    "Entreprises!A5: identifiant « A » en double (déjà ligne 2)",
    "Flux!F2: doit être strictement supérieur à 0 (lu : -5)",
    "Flux!B3: entreprise « Z » absente de la feuille « Entreprises »",
    "Flux!D3: code déchet « 99 99 99 » absent de la liste européenne des déchets",
    "Flux!C4: « sortie » n'est pas admis (valeurs admises : output, input)",
    "Flux!D6: ni code déchet (ewc) ni matière (material) : renseignez au moins l'un des deux",
    "Flux!E7: matière « wood_palets » inconnue du catalogue (vouliez-vous dire « wood_pallets » ?)",
    "Flux!G8: unité « t » impossible pour Chaleur fatale (vapeur, eau chaude, fumées), mesuré en MWh",
    "Flux!N8: une date a été lue au lieu des mois : saisissez par exemple 10-4 dans une cellule au format Texte",
    "Flux!F9: « douze » n'est pas un nombre",
    "Flux!K9: « dechet » n'est pas admis (valeurs admises : waste, by_product, end_of_waste)",
    "Installations!C2: type d'installation « chaudiere » inconnu du catalogue (types connus : biomass_boiler, "
    "methanisation, composting, pallet_repair, wood_shredding)",
    "Installations!L2: exploitant « Q » absent de la feuille « Entreprises »",
    "Territoire!B3: « deux mille » n'est pas un nombre entier",
    "Territoire!B6: doit être strictement supérieur à 0 (lu : -3)",
]


def test_import_reports_every_mistake_with_its_cell(tmp_path: Path) -> None:
    workbook = mistakes_book(tmp_path / "erreurs.xlsx")
    assert problems_of(workbook, tmp_path / "inv") == MISTAKES_FR
    assert not (tmp_path / "inv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["erreurs.xlsx"]  # no temporary folder left


def test_import_mistakes_in_english(tmp_path: Path) -> None:
    workbook = mistakes_book(tmp_path / "erreurs.xlsx")
    english = problems_of(workbook, tmp_path / "inv", "en")
    assert english[:5] == [
        "Entreprises!C3: must be at most 90 (got 95)",
        "Entreprises!H3: 'peut-être' is not yes/no (true/false)",
        "Entreprises!A5: duplicate id 'A' (already on row 2)",
        "Flux!F2: must be greater than 0 (got -5)",
        "Flux!B3: company 'Z' is not in sheet 'Entreprises'",
    ]
    assert "Flux!N8: a date was read instead of months: type e.g. 10-4 in a cell formatted as Text" in english


def test_import_reports_sheet_and_header_problems(tmp_path: Path) -> None:
    book = template_book()
    del book["Flux"]
    companies = book["Entreprises"]
    companies["B1"] = "Latitude (lat)"  # the name column is gone, latitude appears twice
    companies.append(["A", 49.3, 49.3, 6.1])
    book["Territoire"]["B2"], book["Territoire"]["B3"] = None, 2026
    save(book, tmp_path / "abime.xlsx")
    assert problems_of(tmp_path / "abime.xlsx", tmp_path / "inv") == [
        "Entreprises: colonne obligatoire absente : Nom (name)",
        "Entreprises!C1: colonne « Latitude (lat) » en double (déjà en B1)",
        "Territoire!B2: valeur obligatoire manquante",
        "abime.xlsx: feuille « Flux » absente du classeur (feuilles présentes : Territoire, Entreprises, "
        "Installations, Aide, Listes, Codes déchets)",
    ]


def test_import_of_something_that_is_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "inventaire.xlsx"
    fake.write_text("id,name\n", encoding="utf-8")
    assert problems_of(fake, tmp_path / "inv")[0].startswith("inventaire.xlsx: classeur illisible (")
    ods = tmp_path / "inventaire.ods"
    ods.write_bytes(b"PK")
    assert problems_of(ods, tmp_path / "inv") == [
        f"{ods}: format non pris en charge : enregistrez le classeur au format Excel (.xlsx)"
    ]
    assert problems_of(tmp_path / "absent.xlsx", tmp_path / "inv") == [f"{tmp_path / 'absent.xlsx'}: fichier introuvable"]


# --- import: the target folder ---------------------------------------------------------------


@pytest.fixture
def existing(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "val_de_fensch"
    shutil.copytree(DATA, folder)
    (folder / "notes.txt").write_text("à garder\n", encoding="utf-8")
    yield folder


def test_import_refuses_an_existing_folder_without_force(tmp_path: Path, existing: Path, valid_book: Path) -> None:
    before = snapshot(existing)
    code, output = run("import", str(valid_book), "--to", str(existing))
    assert code == 1
    assert f"{existing}: le dossier existe déjà : ajoutez --force pour le remplacer" in output
    assert "Traceback" not in output
    assert snapshot(existing) == before


def test_failed_import_leaves_the_target_untouched(tmp_path: Path, existing: Path) -> None:
    before = snapshot(existing)
    workbook = mistakes_book(tmp_path / "erreurs.xlsx")
    code, output = run("import", str(workbook), "--to", str(existing), "--force")
    assert code == 1
    assert "17 problèmes" in output and "Flux!F2: doit être strictement supérieur à 0 (lu : -5)" in output
    assert snapshot(existing) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["erreurs.xlsx", "val_de_fensch"]


def test_force_replaces_the_inventory_and_keeps_other_files(
    tmp_path: Path, existing: Path, valid_book: Path
) -> None:
    scenario = (existing / "scenarios" / "methanisation.toml").read_bytes()
    code, output = run("import", str(valid_book), "--to", str(existing), "--force")
    assert code == 0, output
    assert f"Inventaire Nouveau (2026) importé dans {existing}" in flat(output)
    assert "Conservés de l'ancien dossier : README.md, notes.txt, scenarios" in flat(output)
    inventory = load_inventory(existing)
    assert list(inventory.companies["id"]) == ["N1"]
    assert list(inventory.flows["id"]) == ["G1"]
    assert inventory.facilities.empty
    assert not (existing / "facilities.csv").exists()  # an empty Installations sheet: no facilities
    assert (existing / "scenarios" / "methanisation.toml").read_bytes() == scenario
    assert (existing / "notes.txt").read_text("utf-8") == "à garder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nouveau.xlsx", "val_de_fensch"]


# --- the command line ------------------------------------------------------------------------------


def test_cli_template_import_export(tmp_path: Path) -> None:
    code, output = run("template", str(tmp_path / "modele.xlsx"))
    assert code == 0 and f"Modèle de classeur écrit dans {tmp_path / 'modele.xlsx'}" in flat(output)
    code, output = run("export", str(DATA), str(tmp_path / "val.xlsx"))
    assert code == 0, output
    assert f"Inventaire Val de Fensch (2025) exporté dans {tmp_path / 'val.xlsx'}" in flat(output)
    assert "86 établissements, 457 flux, 8 installations partagées" in flat(output)
    code, output = run("import", str(tmp_path / "val.xlsx"), "--to", str(tmp_path / "inv"))
    assert code == 0, output
    assert "86 établissements, 457 flux, 8 installations partagées" in flat(output)
    code, output = run("export", str(DATA), str(tmp_path / "val.xlsx"))
    assert code == 1 and "le fichier existe déjà" in output


def test_cli_import_errors_exit_1_without_traceback(tmp_path: Path) -> None:
    workbook = mistakes_book(tmp_path / "erreurs.xlsx")
    code, output = run("import", str(workbook), "--to", str(tmp_path / "inv"))
    assert code == 1
    assert output.splitlines() == ["17 problèmes dans l'inventaire :", *MISTAKES_FR]
    code, output = run("--lang", "en", "import", str(workbook), "--to", str(tmp_path / "inv"))
    assert code == 1 and "Flux!F2: must be greater than 0 (got -5)" in output
    code, output = run("export", str(tmp_path / "nowhere"), str(tmp_path / "x.xlsx"))
    assert code == 1 and "n'est pas un dossier d'inventaire" in output
    assert "Traceback" not in output


def test_cli_usage_errors_exit_2(tmp_path: Path, valid_book: Path) -> None:
    code, output = run("import", str(valid_book))  # --to is required
    assert code == 2 and "--to" in output and "Traceback" not in output
    code, output = run("export", str(DATA))
    assert code == 2 and "Traceback" not in output


def test_commands_are_registered_on_the_app() -> None:
    result = CliRunner().invoke(build_app(), ["--help"])
    assert result.exit_code == 0
    for name in ("template", "import", "export", "diff"):
        assert name in result.output
