"""Small hand-written inventories for tests."""

from __future__ import annotations

import tomllib
from pathlib import Path
from textwrap import dedent

from symbiosis.catalogue.load import CATALOGUE_FILES, parse_catalogue
from symbiosis.catalogue.models import Catalogue

TERRITORY = """\
name = "Test"
year = 2025
[defaults]
max_distance_km = 30
"""

COMPANIES = """\
id,name,lat,lon,zone,ess
A,Usine A,49.3200,6.1000,Z1,false
B,Atelier B,49.3300,6.1100,Z1,true
C,Cantine C,49.3000,6.1200,Z2,false
"""

FLOWS = """\
id,company,direction,ewc,material,quantity,unit
F1,A,output,15 01 03,,120,t
F2,B,input,,wood_pallets,80,t
"""


def write_inventory(
    folder: Path,
    *,
    territory: str = TERRITORY,
    companies: str = COMPANIES,
    flows: str = FLOWS,
    facilities: str | None = None,
) -> Path:
    """Write an inventory folder from CSV texts (dedented) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "territory.toml").write_text(dedent(territory), encoding="utf-8")
    (folder / "companies.csv").write_text(dedent(companies), encoding="utf-8")
    (folder / "flows.csv").write_text(dedent(flows), encoding="utf-8")
    if facilities is not None:
        (folder / "facilities.csv").write_text(dedent(facilities), encoding="utf-8")
    return folder


def small_catalogue() -> Catalogue:
    """A small catalogue with round figures for hand-checked expectations."""
    folder = Path(__file__).parent / "fixtures" / "catalogue"
    documents = {name: tomllib.loads((folder / f"{name}.toml").read_text("utf-8")) for name in CATALOGUE_FILES}
    return parse_catalogue(documents)


def run_cli(*args: str) -> tuple[int, str]:
    """Run the real entry point (`symbiosis.cli.main`) as the shell would:
    exit code and everything printed (stdout and stderr)."""
    import sys

    import pytest
    from typer.testing import CliRunner

    from symbiosis.cli import main as entry

    code = 0
    with CliRunner().isolation() as streams, pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["symbiosis", *args])
        try:
            entry.main()
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        output = streams[2].getvalue().decode("utf-8")
    return code, output


def flat(output: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(output.split())
