"""The committee report: content, offline, confidentiality, French numbers, and
what a person sees once a browser has drawn it.

The pipeline runs once on data/val_de_fensch (a module fixture); the command
line, the PDF and the "anonymise everything" cases run on a small inventory.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import symbiosis
from symbiosis.analysis.indicators import indicators
from symbiosis.core.words import number
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import match
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan
from symbiosis.optimize import optimise
from symbiosis.report.anonymise import band_label, band_limits, letters, representative
from symbiosis.report.build import prepare
from symbiosis.report.data import ReportData, collect
from symbiosis.report.render import render_html, write_report
from tests.helpers import TERRITORY, run_cli, write_inventory

DATA = Path(__file__).parent.parent / "data" / "val_de_fensch"
TODAY = date(2026, 3, 9)
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
PDFTOPPM = shutil.which("pdftoppm")
NO_CHROMIUM = "headless Chromium is not installed (scripts/system-deps.sh installs the `chromium` package)"
NO_POPPLER = "pdftoppm is not installed (Debian package poppler-utils)"

SMALL_COMPANIES = """\
id,name,lat,lon,zone,ess,confidential
A,Fonderie Discrète SA,49.3200,6.1000,Zone Nord,false,true
B,Atelier Palettes Solidaires,49.3300,6.1100,Zone Nord,true,false
C,Cantine Municipale,49.3000,6.1200,Zone Sud,false,false
D,Scierie du Plateau,49.3100,6.0900,Zone Sud,false,false
"""
SMALL_FLOWS = """\
id,company,direction,ewc,material,quantity,unit,description
F1,A,output,15 01 03,,120,t,Palettes cassées de Fonderie Discrète SA (atelier moulage)
F2,B,input,15 01 03,,80,t,
F3,D,output,15 01 03,,1234.5,t,Palettes de la scierie
F4,B,input,15 01 03,,2000,t,Palettes à réparer
F5,C,output,20 01 08,,45,t,Biodéchets de la cantine
"""
SCENARIO = """\
name = "Doubler les palettes de la scierie"
description = "Et si la scierie doublait son activité ?"

[[change]]
action = "scale_flows"
company = "D"
factor = 2
"""


@dataclass(frozen=True)
class Built:
    """One pipeline run and the report written from it."""

    inventory: Inventory
    plan: Plan
    kpis: dict[str, Any]
    data: ReportData
    html: str
    markdown: str
    svgs: list[str]
    folder: Path


def confidential_names(inventory: Inventory) -> list[str]:
    """Every confidential company's name and its short form (before a bracket)."""
    rows = inventory.companies[inventory.companies["confidential"].astype(bool)]
    names = {str(n) for n in rows["name"]} | {str(n).split(" (")[0].strip() for n in rows["name"]}
    return sorted(names)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("report")
    inventory = load_inventory(DATA)
    plan = optimise(inventory, match(inventory), Options(objective="tonnes"))
    data = prepare(inventory, plan, lang="fr", today=TODAY)
    html_path, md_path = folder / "rapport.html", folder / "rapport.md"
    write_report(html_path, data)
    written = write_report(md_path, data)
    return Built(
        inventory, plan, indicators(inventory, plan), data, html_path.read_text("utf-8"), md_path.read_text("utf-8"),
        [p.read_text("utf-8") for p in written if p.suffix == ".svg"], folder,
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    folder = write_inventory(root / "inventory", territory=TERRITORY, companies=SMALL_COMPANIES, flows=SMALL_FLOWS)
    (root / "scenario.toml").write_text(SCENARIO, encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Ran:
    exit_code: int
    output: str


def run(*args: str) -> Ran:
    """The real entry point, as the shell runs it (errors become messages and exit codes)."""
    return Ran(*run_cli(*args))


# --- content ------------------------------------------------------------------------------------


def test_summary_kpis_equal_indicators(built: Built) -> None:
    cards = dict(re.findall(r'data-kpi="(\w+)" data-value="([^"]+)"', built.html))
    assert set(cards) >= {
        "additional_valorised_t", "rerouted_t", "valorised_share", "landfill_avoided_t", "co2e_avoided_t",
        "net_value_eur_per_year", "insertion_jobs", "companies_involved",
    }
    for key, value in cards.items():
        assert float(value) == pytest.approx(float(built.kpis[key]), abs=1e-6), key
    k = built.kpis
    assert f"{number(k['valorised_t'], 'fr', 1)}\u00a0t" in built.html
    assert f"{number(100 * k['valorised_share'], 'fr', 1)}\u00a0%" in built.html
    assert f"{number(k['net_value_eur_per_year'], 'fr', 0)}\u00a0€" in built.html
    assert f"Le plan retient {k['links']} échanges qui concernent {k['companies_involved']} entreprises" in built.html
    assert f"{number(k['valorised_t'], 'fr', 1)}\u00a0t" in built.markdown


def test_report_has_every_part(built: Built) -> None:
    html = unescape(built.html)
    for heading in (
        "Ce que le territoire peut gagner chaque année", "Carte des échanges", "D'où viennent les tonnes",
        "Les échanges proposés", "Fiches entreprises", "Méthode et sources",
    ):
        assert heading in html and heading in built.markdown
    assert '<svg id="map"' in html and '<svg id="sankey"' in html
    assert "Val de Fensch" in html and "inventaire 2025" in html
    assert f"symbiosis {symbiosis.__version__}" in html and "9 mars 2026" in html
    # One row per exchange, one page per company involved.
    assert html.count('<tr><td><a href="#entreprise-') + html.count("<tr><td>") >= built.kpis["links"]
    assert html.count('<article class="page company"') == len(built.data.balances)
    assert "Scénarios comparés" not in html  # no --scenario


def test_exchange_table_matches_the_plan(built: Built) -> None:
    exchanges = built.data.exchanges
    assert len(exchanges) == built.kpis["links"]
    exact = exchanges[~exchanges["masked"]]
    mass = exact["unit"] == "t"
    assert exact.loc[mass, "quantity"].is_monotonic_decreasing
    biggest = exact.loc[mass].iloc[0]
    assert f"{number(biggest['quantity'], 'fr', 1)}\u00a0t" in built.html


def test_sankey_conserves_the_declared_tonnes(built: Built) -> None:
    exact = collect(built.inventory, built.plan, lang="fr", today=TODAY)  # before masking
    nodes = exact.sankey_nodes
    assert nodes.loc[nodes["side"] == "left", "quantity"].sum() == pytest.approx(built.kpis["declared_output_t"])
    right = nodes[nodes["side"] == "right"]
    assert set(right["node"].str.split(":").str[0]) == {"local", "today"}
    local = right[right["node"].str.startswith("local:")]
    assert local["quantity"].sum() == pytest.approx(built.kpis["valorised_t"])
    edges = exact.sankey_edges
    assert edges["quantity"].sum() == pytest.approx(built.kpis["declared_output_t"])
    sankey = built.svgs[1]
    assert "Filière actuelle, inchangée" in sankey and "Valorisé localement" in sankey
    assert "Enfouissement" in sankey and "Recyclage" in sankey


def test_method_lists_every_figure_with_its_source(built: Built) -> None:
    sources = built.data.sources
    assert not sources.empty
    assert sources["source"].astype(str).str.strip().ne("").all()
    items = set(sources["item"])
    catalogue = built.inventory.catalogue
    keys = pd.concat([built.data.exchanges["from_key"], built.data.exchanges["to_key"]])
    touched = sorted({k[2:] for k in keys if k.startswith("f:")})
    assert touched
    for ftype in set(built.inventory.facilities.set_index("id").loc[touched, "type"]):
        assert catalogue.facility_types[ftype].label_fr in items
    for material in built.kpis["valorised_t_by_material"]:
        if material in catalogue.materials:
            assert catalogue.materials[material].label_fr in items
    for activity in built.kpis["jobs_by_activity"]:
        if activity in catalogue.activities:
            assert catalogue.activities[activity].label_fr in items
    for parameter in ("distance maximale d'un échange", "coût du transport", "émissions du transport"):
        assert parameter in items
    assert "territory.toml" in built.html  # max_distance_km comes from the territory
    some = sources.dropna(subset=["value"]).iloc[0]
    assert str(some["source"]) in unescape(built.html)


def test_markdown_report_and_its_drawings(built: Built) -> None:
    md = built.markdown
    assert "![Carte des échanges](rapport-carte.svg)" in md
    assert "![D'où viennent les tonnes et où elles vont](rapport-flux.svg)" in md
    assert (built.folder / "rapport-carte.svg").exists() and (built.folder / "rapport-flux.svg").exists()
    assert "| De | Vers | Matière |" in md
    assert not re.search(r"<(?:table|div|svg|span|td)\b", md)  # plain Markdown, no HTML


def test_drawings_are_well_formed_svg(built: Built) -> None:
    for text in built.svgs:
        root = ET.fromstring(text.split("?>", 1)[1])
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    svg_map = built.svgs[0]
    assert "km</text>" in svg_map  # scale bar
    assert "Entreprise" in svg_map and "Installation existante ou retenue" in svg_map  # legend
    assert 'stroke-width="' in svg_map and "<line" in svg_map  # links


def test_objective_option(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    assert run("report", str(small), "--out", str(out), "--objective", "co2").exit_code == 0
    html = out.read_text("utf-8")
    assert "Plan optimisé pour les émissions évitées" in html
    inventory = load_inventory(small)
    kpis = indicators(inventory, optimise(inventory, match(inventory), Options(objective="co2")))
    shown = re.search(r'data-kpi="co2e_avoided_t" data-value="([^"]+)"', html)
    assert shown is not None and float(shown.group(1)) == pytest.approx(kpis["co2e_avoided_t"])


def test_scenario_comparison(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    result = run("report", str(small), "--out", str(out), "--scenario", str(small.parent / "scenario.toml"))
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "Scénarios comparés" in html
    assert "Doubler les palettes de la scierie" in html
    assert "Écart : Doubler les palettes de la scierie" in html
    assert "Tonnes valorisées localement, en tout (t/an)" in html


# --- French numbers -------------------------------------------------------------------------------


def test_numbers_and_units_the_french_way(built: Built) -> None:
    valorised = built.kpis["valorised_t"]
    assert valorised > 1000
    text = number(valorised, "fr", 1)
    assert "\u202f" in text and "," in text and "." not in text
    assert f"{text}\u00a0t" in built.html
    # No English-formatted thousands anywhere in the tables.
    assert not re.search(r"<td class=\"num\">\d{1,3},\d{3}\.\d", built.html)
    assert band_label(250, "t", "fr") == "100–500\u00a0t"
    assert band_label(12_000, "t", "fr") == "10\u202f000–50\u202f000\u00a0t"
    assert band_label(12_000, "t", "en") == "10,000–50,000\u00a0t"


def test_english_report(built: Built) -> None:
    data = prepare(built.inventory, built.plan, lang="en", today=TODAY)
    html = render_html(data)
    assert '<html lang="en">' in html
    assert "What the territory could gain each year" in html
    assert f"{number(built.kpis['valorised_t'], 'en', 1)}\u00a0t" in html
    assert "Company A" in html and "Entreprise A" not in html
    for name in confidential_names(built.inventory):
        assert name not in html


# --- offline ------------------------------------------------------------------------------------------


def test_html_works_offline(built: Built) -> None:
    html = built.html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"<script", html, re.IGNORECASE)
    assert "@import" not in html
    for target in re.findall(r"url\(\s*['\"]?([^)'\"]*)", html):
        assert target.startswith(("data:", "#")), target
    assert not re.search(r"<link\b", html, re.IGNORECASE)
    # Only source citations may show an address, as text, never as something to fetch.
    for address in re.findall(r"https?://[^\s<\"']+", html):
        assert not re.search(rf"""(?:src|href|url\()\s*=?\s*["']?{re.escape(address)}""", html)


# --- confidentiality ------------------------------------------------------------------------------------


def test_confidential_companies_never_named(built: Built) -> None:
    names = confidential_names(built.inventory)
    assert len(names) >= 5
    for output in [built.html, built.markdown, *built.svgs]:
        for name in names:
            assert name not in output, name
    masked = built.data.masked_count
    assert masked == int(built.inventory.companies["confidential"].sum())
    assert "Entreprise A" in built.html and "Entreprise A" in built.markdown
    assert f"Entreprise {letters(masked)}" not in built.html  # one pseudonym per confidential company
    title = re.search(r"<title>(.*?)</title>", built.html)
    assert title is not None and "Entreprise" not in title.group(1)


def test_masked_figures_are_bands(built: Built) -> None:
    exchanges = built.data.exchanges
    masked = exchanges[exchanges["masked"]]
    assert not masked.empty
    assert (masked["quantity"] == representative(masked["quantity"])).all()
    aliases = set(masked["from_name"]) | set(masked["to_name"])
    assert any(a.startswith("Entreprise ") for a in aliases)
    row = masked.iloc[0]
    assert band_label(float(row["quantity"]), str(row["unit"]), "fr") in built.html
    # Masked sites sit on the map to the kilometre, not on the doorstep.
    companies = built.data.companies
    hidden = companies[companies["name"].str.startswith("Entreprise ")]
    assert ((hidden["lat"] * 100).round(6) % 1 == 0).all()


def test_bands() -> None:
    assert band_limits(0.5) == (0.0, 1.0)
    assert band_limits(100) == (100.0, 500.0)
    assert band_limits(499.9) == (100.0, 500.0)
    values = pd.Series([3.0, 250.0, -7000.0, 0.0])
    middles = representative(values)
    for value, middle in zip(values, middles, strict=True):
        assert band_limits(value) == band_limits(middle)
    assert letters(0) == "A" and letters(25) == "Z" and letters(26) == "AA"


def test_anonymise_everyone(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.md"
    result = run("report", str(small), "--out", str(out), "--anonymise")
    assert result.exit_code == 0, result.output
    outputs = [out.read_text("utf-8"), *(p.read_text("utf-8") for p in tmp_path.glob("*.svg"))]
    assert len(outputs) == 3
    companies = pd.read_csv(small / "companies.csv")
    for text in outputs:
        for name in companies["name"]:
            assert name not in text, name
        assert "Fonderie Discrète" not in text
    assert "Entreprise A" in outputs[0] and "Entreprise D" in outputs[0]
    assert re.search(r"\d+–\d+\u00a0t", outputs[0])


def test_flow_descriptions_are_scrubbed(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    assert run("report", str(small), "--out", str(out)).exit_code == 0
    html = out.read_text("utf-8")
    assert "Fonderie Discrète" not in html
    assert "Palettes cassées de Entreprise A" in html
    assert "Cantine Municipale" in html  # not confidential: shown by name
    assert "1\u202f234,5\u00a0t" in html  # its figures exact, the French way


# --- command line -----------------------------------------------------------------------------------


def test_command_line_errors(small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = run("report", str(small), "--out", str(tmp_path / "rapport.docx"))
    assert bad.exit_code == 2
    assert ".html, .pdf ou .md" in re.sub(r"[\s│]+", " ", bad.output)
    import symbiosis.report.render as report_module

    monkeypatch.setattr(report_module, "chromium", lambda: None)
    missing = run("report", str(small), "--out", str(tmp_path / "rapport.pdf"))
    assert missing.exit_code == 1
    assert "Chromium est introuvable" in missing.output
    assert len(missing.output.strip().splitlines()) == 1
    assert not (tmp_path / "rapport.pdf").exists()
    english = run("--lang", "en", "report", str(small), "--out", str(tmp_path / "report.pdf"))
    assert english.exit_code == 1 and "Chromium was not found" in english.output


def test_never_writes_into_the_inventory(small: Path) -> None:
    refused = run("report", str(small), "--out", str(small / "rapport.html"))
    assert refused.exit_code == 1 and "refus d'écrire dans le dossier d'inventaire" in refused.output
    assert not (small / "rapport.html").exists()


# --- looked at as a person would -------------------------------------------------------------------------


def chromium(*args: str, profile: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def ink(png: Path, box: tuple[int, int, int, int] | None = None) -> float:
    """Share of pixels that are not white: a blank page or drawing has none."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        if box is not None:
            grey = grey.crop(box)
        histogram = grey.histogram()
    return 1 - sum(histogram[245:]) / max(sum(histogram), 1)


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_browser_renders_the_report(built: Built, tmp_path: Path) -> None:
    page = built.folder / "rapport.html"
    # 1. The report itself: no console error, nothing refused by its policy.
    shot = built.folder / "rapport.png"
    done = chromium(
        "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri(),
        profile=tmp_path / "profile",
    )
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
    assert shot.exists() and ink(shot) > 0.05
    # 2. A measured copy: the map and the flow diagram laid out with a real size.
    measured = tmp_path / "measured.html"
    probe = (
        "<script>for (const id of ['map', 'sankey']) { const r = document.getElementById(id)"
        ".getBoundingClientRect(); document.body.setAttribute('data-' + id, r.width + 'x' + r.height); }</script>"
    )
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", built.html)
    measured.write_text(text.replace("</body>", probe + "</body>"), "utf-8")
    dom = chromium("--dump-dom", "--window-size=1280,2000", measured.as_uri(), profile=tmp_path / "profile2").stdout
    for ident in ("map", "sankey"):
        found = re.search(rf'data-{ident}="([\d.]+)x([\d.]+)"', dom)
        assert found is not None, ident
        width, height = float(found.group(1)), float(found.group(2))
        assert width > 400 and height > 200, (ident, width, height)
    assert dom.count("<tr>") > built.kpis["links"]


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_pdf_report(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.pdf"
    result = run("report", str(small), "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "Symbiose industrielle" in text and "Entreprise A" in text
    else:
        text = pdf.decode("latin-1")
    assert "Fonderie Discrète" not in text and "Fonderie" not in text
    assert b"Fonderie" not in pdf
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run([pdfinfo, str(out)], capture_output=True, text=True, check=True).stdout
        assert "Symbiose industrielle — Test" in info and "Fonderie" not in info
        assert "A4" in info
    if PDFTOPPM is None:
        pytest.skip(NO_POPPLER)
    subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1 and ink(pages[0]) > 0.02


# --- masking rules and edge cases, on hand-made data ----------------------------------------------


def test_masker_pseudonyms_and_scrubbing() -> None:
    from symbiosis.report.anonymise import Masker

    ids = ["C1", "C2", "C3", "C4"]
    names = [
        "Fonderie Alpha (fictive)", "ArcelorMittal France – Florange, train", "ArcelorMittal France – Florange, froid",
        "Gans – récupération",
    ]
    masker = Masker.build(ids, names, [True, True, False, True], "fr")
    assert masker.aliases == {"c:C1": "Entreprise A", "c:C2": "Entreprise B", "c:C4": "Entreprise C"}
    assert masker.text("reçu de la fonderie alpha chaque mois") == "reçu de la Entreprise A chaque mois"
    # A short name several companies share hides behind a neutral word, not one pseudonym.
    assert masker.text("vendu à ArcelorMittal France") == "vendu à [entreprise]"
    assert masker.text("Gans – récupération, quai 2") == "Entreprise C, quai 2"
    assert masker.text("Organsiation") == "Organsiation"  # whole words only
    assert Masker.build(ids, names, [True, False, False, False], "en").aliases == {"c:C1": "Company A"}


def test_totals_of_one_or_two_hidden_companies_are_banded() -> None:
    from symbiosis.report.anonymise import Masker, Spec

    masker = Masker.build(["A", "B", "C", "D"], ["Aaaa", "Bbbb", "Cccc", "Dddd"], [True, True, True, False], "fr")
    frame = pd.DataFrame(
        {
            "contributors": [("c:D",), ("c:A", "c:D"), ("c:A", "c:B", "c:D"), ("c:A", "c:B", "c:C", "c:D")],
            "quantity": [123.0] * 4,
            "masked": False,
        }
    )
    out = masker.frame(frame, Spec(groups=("contributors",), quantities=("quantity",)))
    # Three hidden companies or more: their sum reveals none of them.
    assert out["masked"].tolist() == [False, True, True, False]
    assert out["quantity"].tolist() == [123.0, 300.0, 300.0, 123.0]
    assert band_label(-2500, "€", "fr") == "−(1\u202f000–5\u202f000)\u00a0€"
    assert band_label(2e7, "t", "fr").startswith("plus de 10")


def test_scenario_section_from_a_comparison_table(small: Path) -> None:
    from symbiosis.report.render import render_markdown

    inventory = load_inventory(small)
    plan = optimise(inventory, match(inventory), Options())
    stub = pd.DataFrame(
        {
            "base": [110.0, 0.6875, 1500.0, None],
            "chaufferie": [1110.0, 0.7, 2500.5, 9.66],
            "delta:chaufferie": [1000.0, 0.0125, 1000.5, None],
        },
        index=pd.Index(["valorised_t", "valorised_share", "net_value_eur_per_year", "payback_years"], name="indicator"),
    )
    data = prepare(
        inventory, plan, lang="fr", today=TODAY, comparison=stub,
        scenarios=[("chaufferie", "Chaufferie partagée", "Une chaufferie bois.")],
    )
    page = unescape(render_html(data))
    section = page[page.index('id="scenarios"'):page.index('id="companies"')]
    assert "Tonnes valorisées localement, en tout (t/an)" in section and "Écart : Chaufferie partagée" in section
    assert "1\u202f110,0" in section and "+1\u202f000,0" in section
    assert "68,8\u00a0%" in section and "+1,2\u00a0pt" in section
    md = render_markdown(data, "m.svg", "s.svg")
    assert "| Retour sur investissement (ans) | — | 9,7 | — |" in md


def test_a_plan_without_exchange_still_reports(tmp_path: Path) -> None:
    folder = write_inventory(
        tmp_path / "inventory",
        companies="id,name,lat,lon\nA,Seule au monde,49.3,6.1\n",
        flows="id,company,direction,ewc,material,quantity,unit\nF1,A,output,20 03 01,,10,t\n",
    )
    inventory = load_inventory(folder)
    data = prepare(inventory, optimise(inventory, match(inventory), Options()), lang="fr", today=TODAY)
    page = unescape(render_html(data))
    assert "Aucun échange n'est proposé." in page
    assert '<svg id="map"' in page and '<svg id="sankey"' in page
    assert "Enfouissement · 10,0\u00a0t" in page or "Enfouissement · 10\u00a0t" in page


def test_report_date_can_be_pinned(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from symbiosis.report.data import report_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 1 January 2026
    assert report_date() == date(2026, 1, 1)
