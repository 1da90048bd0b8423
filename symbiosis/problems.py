"""Problems found in user input, located by file, line and column.

Every reader collects all problems before failing, so a chargé de mission
fixes a spreadsheet in one pass rather than one error at a time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from symbiosis.i18n import Lang, Messages, say


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, in both languages."""

    file: str
    line: int | None
    column: str | None
    message_fr: str
    message_en: str

    def render(self, lang: Lang = "fr") -> str:
        message = self.message_fr if lang == "fr" else self.message_en
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {message}" if self.column else f"{where}: {message}"


def problem(
    messages: Messages,
    key: str,
    file: str,
    line: int | None = None,
    column: str | None = None,
    **params: object,
) -> Problem:
    """Build a problem from a message table entry."""
    return Problem(
        file, line, column, say(messages, key, "fr", **params), say(messages, key, "en", **params)
    )


class InputError(Exception):
    """Raised with every problem found; the CLI prints them and exits 1."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(
            problems, key=lambda p: (p.file, p.line if p.line is not None else -1)
        )
        super().__init__("\n".join(p.render("en") for p in self.problems))

    def render(self, lang: Lang = "fr") -> list[str]:
        return [p.render(lang) for p in self.problems]


def toml_error(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """The line of a TOML syntax error, and its message without the position."""
    text = str(error)
    where = re.search(r"at line (\d+)", text)
    detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", text)
    return (int(where.group(1)) if where else None), detail


def raise_if(problems: Iterable[Problem]) -> None:
    """Raise `InputError` when there is at least one problem."""
    found = list(problems)
    if found:
        raise InputError(found)
