"""territory.toml: the territory's name, year and defaults, each error on its line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from symbiosis.core.problems import Problem, problem, toml_error
from symbiosis.inventory.cells import from_pydantic
from symbiosis.inventory.messages import MESSAGES
from symbiosis.inventory.schema import Defaults, Sharing, Territory
from symbiosis.inventory.text import read_text


def read_territory(path: Path, problems: list[Problem]) -> Territory | None:
    name = path.name
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, detail = toml_error(exc)
        problems.append(problem(MESSAGES, "toml_syntax", name, line, detail=detail))
        return None
    try:
        return Territory.model_validate(document)
    except ValidationError as exc:
        lines = text.splitlines()
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            key = loc[-1] if loc else ""
            line = _toml_line(lines, key)
            if error["type"] == "extra_forbidden":
                sections: dict[str, type[BaseModel]] = {"defaults": Defaults, "sharing": Sharing}
                model = sections.get(loc[0], Territory) if len(loc) > 1 else Territory
                allowed = ", ".join(model.model_fields)
                problems.append(problem(MESSAGES, "toml_unknown_key", name, line, ".".join(loc), allowed=allowed))
            else:
                problems.append(from_pydantic(error, name, line, ".".join(loc)))
        return None


def unknown_collector(path: Path, territory: Territory, company_ids: frozenset[str]) -> list[Problem]:
    """The collector territory.toml names must be a company of the inventory."""
    if territory.collector is None or territory.collector in company_ids:
        return []
    text = path.read_text(encoding="utf-8-sig")
    line = _toml_line(text.splitlines(), "collector")
    return [problem(MESSAGES, "unknown_collector", path.name, line, "collector", value=territory.collector)]


def _toml_line(lines: Sequence[str], key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, text in enumerate(lines, start=1):
        if pattern.match(text):
            return number
    return None
