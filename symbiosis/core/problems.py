"""The one error a user ever sees: problems, each located and worded at the edge.

Every reader collects all problems before failing, so a chargé de mission
fixes a spreadsheet in one pass rather than one error at a time. A problem
names its file (and line and column where there is one) and carries its
message as a `Text` (a key and parameters), so the command line renders it
in the reader's language and a workbook can re-locate it to a cell.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from symbiosis.core.words import Lang, Messages, Text

MESSAGES: Messages = {
    "problems": (
        "{count} {count:problème|problèmes} dans l'inventaire :",
        "{count} {count:problem|problems} in the inventory:",
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, where it is: file (if any), line, column, and what."""

    file: str | None
    line: int | None
    column: str | None
    text: Text
    cell: str | None = None
    """A spreadsheet cell or range (`Flux!F14`), shown instead of `file:line`."""

    def where(self) -> str:
        if self.cell is not None:
            return self.cell
        if self.file is None:
            return ""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def render(self, lang: Lang = "fr") -> str:
        message = self.text.render(lang)
        where = self.where()
        parts = [part for part in (where, self.column if self.cell is None else None) if part]
        return ": ".join([*parts, message])


def problem(
    messages: Messages,
    key: str,
    file: str | None,
    line: int | None = None,
    column: str | None = None,
    **params: object,
) -> Problem:
    """A problem from a message table entry."""
    return Problem(file, line, column, Text(messages, key, params))


class UserError(Exception):
    """Raised with every problem found; the command line prints them and exits 1.

    `headline`, when given, is printed before the problems (for inventory
    problems: how many there are); a lone problem without a file, such as
    "at least 24 jobs were asked, at most 23.8 can be created", is printed
    as its own sentence.
    """

    def __init__(self, problems: Sequence[Problem], headline: Text | None = None) -> None:
        self.problems = sorted(
            problems, key=lambda p: (p.file or "", p.line if p.line is not None else -1)
        )
        self.headline = headline
        super().__init__("\n".join(p.render("en") for p in self.problems))

    def render(self, lang: Lang = "fr") -> list[str]:
        """One line per problem."""
        return [p.render(lang) for p in self.problems]

    def lines(self, lang: Lang = "fr") -> list[str]:
        """What the command line prints: the headline, then one line per problem."""
        return ([self.headline.render(lang)] if self.headline is not None else []) + self.render(lang)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its problems (it crosses from a worker process to the command)."""
        return (_restore, (type(self), self.problems, self.headline))


def _restore(kind: type[UserError], problems: Sequence[Problem], headline: Text | None) -> UserError:
    error = Exception.__new__(kind)
    UserError.__init__(error, problems, headline)
    return error


class InputError(UserError):
    """Problems in what the user gave: inventory files, scenarios, workbooks, options."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        located = any(p.file is not None for p in problems)
        headline = Text(MESSAGES, "problems", {"count": len(problems)}) if located else None
        super().__init__(problems, headline)


class Infeasible(UserError):
    """A plan that cannot be made: a user's constraint cannot be met, or the solver failed."""

    def __init__(self, message: Text) -> None:
        super().__init__([Problem(None, None, None, message)])


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
