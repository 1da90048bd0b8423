"""CSV text to cells: encoding, separator, header and row widths checked.

Rows keep the line they start on, so that every later problem can name it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pandas as pd

from symbiosis.core.problems import Problem, problem
from symbiosis.inventory.messages import MESSAGES
from symbiosis.inventory.text import read_text


def read_rows(path: Path, required: Sequence[str], problems: list[Problem]) -> pd.DataFrame | None:
    """The table's cells as text, indexed by line, or None if its shape is wrong."""
    name = path.name
    text = read_text(path, problems)
    if text is None:
        return None
    header, rows, lines, bad_rows = split_csv(text, name)
    if header is None:
        problems.append(problem(MESSAGES, "empty_file", name, 1))
        return None
    if ";" in ",".join(header) and len(header) == 1:
        problems.append(problem(MESSAGES, "semicolon", name, 1))
        return None
    problems += bad_rows
    header = [column.strip() for column in header]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(problem(MESSAGES, "duplicate_column", name, 1, column))
        seen.add(column)
    missing = [column for column in required if column not in seen]
    problems += [problem(MESSAGES, "missing_column", name, 1, column) for column in missing]
    if missing or len(seen) != len(header):
        return None
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    raw.index = pd.Index(lines, name="line")
    return raw


_LONE_CR = re.compile(r"\r(?!\n)")


def split_csv(
    text: str, name: str
) -> tuple[list[str] | None, list[list[str]], list[int], list[Problem]]:
    """Rows with the line each starts on; rows of the wrong width are reported."""
    quoted = '"' in text or _LONE_CR.search(text)
    numbered = _quoted_records(text) if quoted else _plain_records(text)
    if not numbered:
        return None, [], [], []
    header = numbered[0][1]
    width = len(header)
    rows = [record for _, record in numbered[1:] if len(record) == width]
    lines = [line for line, record in numbered[1:] if len(record) == width]
    problems = [
        problem(MESSAGES, "field_count", name, line, found=len(record), expected=width)
        for line, record in numbered[1:]
        if len(record) != width
    ]
    return header, rows, lines, problems


@cache
def _spaces() -> tuple[str, ...]:
    """Every character `str.strip` removes, but the plain space and the newline."""
    return tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")


def _has_edge_space(text: str) -> bool:
    """Whether some cell may start or end with white space (a quick, safe over-estimate)."""
    if text.startswith(" ") or text.endswith(" ") or any(c in text for c in _spaces()):
        return True
    return any(pair in text for pair in (", ", " ,", "\n ", " \n"))


def _plain_records(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank records, stripped, with their line: without quotes every record
    is one line, so the csv module reads the whole text in one call, and cells
    are stripped only if some need it."""
    records = list(csv.reader(io.StringIO(text)))
    if _has_edge_space(text):
        records = [[cell.strip() for cell in record] for record in records]
    return [(line, record) for line, record in enumerate(records, start=1) if any(record)]


def _quoted_records(text: str) -> list[tuple[int, list[str]]]:
    """The same, when quoted cells may hold commas or line breaks: each record
    is numbered by the line it starts on."""
    reader = csv.reader(io.StringIO(text))
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    for record in reader:
        line, start = start, reader.line_num + 1
        cells = [cell.strip() for cell in record]
        if any(cells):
            numbered.append((line, cells))
    return numbered
