"""Reading the catalogue: the TOML files shipped with the package, validated once."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

from pydantic import ValidationError

from symbiosis.catalogue.models import Catalogue

CATALOGUE_FILES = ("materials", "facility_types", "rules", "activities", "parameters")


class CatalogueError(Exception):
    """The shipped or overridden catalogue is malformed (a developer error)."""


def parse_catalogue(documents: Mapping[str, Mapping[str, object]]) -> Catalogue:
    """Validate the catalogue documents (one per file) into a `Catalogue`."""
    try:
        return Catalogue.model_validate(dict(documents))
    except ValidationError as exc:
        raise CatalogueError(str(exc)) from exc


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package (read once per process)."""
    folder = resources.files("symbiosis.catalogue")
    documents = {
        name: tomllib.loads(folder.joinpath(f"{name}.toml").read_text("utf-8"))
        for name in CATALOGUE_FILES
    }
    return parse_catalogue(documents)
