"""Reading a workbook back as an inventory folder, every problem named by its cell.

Importing never re-implements validation: the sheets are written as CSV
files into a temporary folder, `load_inventory` checks them, and every
problem's (file, line, column) is mapped back to (sheet, row, column
letter), so that messages are the reader's own and name the cell to fix.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import tomli_w
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from symbiosis.core.files import replace_folder
from symbiosis.core.problems import InputError, Problem, problem
from symbiosis.core.words import Text, both
from symbiosis.flows import Inventory, load_inventory
from symbiosis.inventory.messages import MESSAGES as READER_MESSAGES
from symbiosis.workbook.layout import (
    COMPANIES,
    FLOWS,
    SHEETS,
    TERRITORY_EN,
    TERRITORY_FR,
    TERRITORY_ROWS,
    Column,
    Sheet,
    check_suffix,
)
from symbiosis.workbook.messages import MESSAGES


def _at(sheet: str, row: int, letter: str, column: str | None, text: Text) -> Problem:
    """A problem located by sheet and cell (`Flux!F14`): the sheet is its file, the row its line."""
    return Problem(sheet, row, column, text, f"{sheet}!{letter}{row}")


def _cell_problem(
    sheet: str, row: int, col: int, column: str | None, key: str, **params: object
) -> Problem:
    letter = get_column_letter(col)
    return _at(sheet, row, letter, column, Text(MESSAGES, key, params))


def normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _aliases(columns: Iterable[Column]) -> dict[str, str]:
    """Every header spelling accepted for each column, normalised."""
    names: dict[str, str] = {}
    for column in columns:
        for spelling in (column.key, column.short, column.fr, column.en, column.header("fr"), column.header("en")):
            names.setdefault(normal(spelling), column.key)
    return names


def _recognise(header: str, aliases: Mapping[str, str], shorts: Mapping[str, str]) -> str | None:
    text = normal(header).rstrip("*").strip()
    if text in aliases:
        return aliases[text]
    bracket = re.search(r"\(([\w.]+)\)$", text)
    return shorts.get(bracket.group(1)) if bracket else None


def _find_sheet(titles: Sequence[str], *names: str) -> str | None:
    wanted = {normal(name) for name in names}
    return next((title for title in titles if normal(title) in wanted), None)


def _text(value: object, column: Column | None) -> str:
    """A cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if float(value).is_integer() and abs(value) < 1e15:
            digits = str(int(value))
            if column is not None and column.key == "ewc" and 0 <= int(value) < 1_000_000:
                return digits.zfill(6)  # 020104 typed as a number
            return digits
        return repr(float(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    kind = None if column is None else column.kind
    if kind == "bool":
        return _WORDS.get(text.strip().casefold(), text)
    if kind in {"number", "integer"}:
        compact = re.sub(r"[\s\u00a0\u202f]", "", text)
        if re.fullmatch(r"[-+]?\d*,\d+", compact):
            return compact.replace(",", ".")  # "12,5" typed as text
    return text


_WORDS = {"oui": "true", "yes": "true", "vrai": "true", "true": "true",
          "non": "false", "no": "false", "faux": "false", "false": "false"}


@dataclass
class TableData:
    """One sheet read as CSV text, with the sheet row of each CSV line."""

    sheet: Sheet
    title: str
    header_row: int
    positions: dict[str, int]
    header: list[str]
    records: list[list[str]] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.records)
        return buffer.getvalue()


@dataclass
class TerritoryData:
    title: str
    rows: dict[str, int]
    toml: str


def _rows(ws: Any) -> Iterator[tuple[int, list[object]]]:
    ws.reset_dimensions()  # some writers leave a wrong <dimension>; read to the end
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, list(values)


def _blank(values: Iterable[object]) -> bool:
    return all(_text(value, None).strip() == "" for value in values)


def _read_table(ws: Any, sheet: Sheet, problems: list[Problem]) -> TableData | None:
    title = str(ws.title)
    aliases = _aliases(sheet.columns)
    shorts = {column.short: column.key for column in sheet.columns}
    rows = _rows(ws)
    header_row, header_values = next(((n, v) for n, v in rows if not _blank(v)), (0, []))
    if not header_row:
        problems.append(problem(MESSAGES, "empty_sheet", title))
        return None
    by_key = {column.key: column for column in sheet.columns}
    positions: dict[str, int] = {}
    names: list[str] = []
    first_seen: dict[str, int] = {}
    take: list[int] = []
    for index, value in enumerate(header_values, start=1):
        text = re.sub(r"\s+", " ", _text(value, None)).strip()
        if not text:
            continue
        key = _recognise(text, aliases, shorts) or text
        if key == "line":
            continue  # the reader's own name for source lines: an unknown column, ignored
        if key in first_seen:
            first = f"{get_column_letter(first_seen[key])}{header_row}"
            problems.append(
                _cell_problem(title, header_row, index, None, "duplicate_header", header=text, first=first)
            )
            continue
        first_seen[key] = index
        if key in by_key:
            positions[key] = index
        names.append(key)
        take.append(index)
    for column in sheet.columns:
        if column.required and column.key not in positions:
            header = both(column.header("fr"), column.header("en"))
            problems.append(problem(MESSAGES, "missing_column", title, header=header))
    data = TableData(sheet, title, header_row, positions, names)
    line = 2
    for number, values in rows:
        record: list[str] = []
        for index, key in zip(take, names, strict=True):
            value = values[index - 1] if index <= len(values) else None
            if key == "months" and isinstance(value, datetime | date):
                problems.append(_cell_problem(title, number, index, "months", "months_date"))
                value = None
            record.append(_text(value, by_key.get(key)))
        if all(not cell.strip() for cell in record):
            continue
        data.records.append(record)
        data.rows[line] = number
        line += 1 + sum(cell.count("\n") for cell in record)
    return data


BOOLEANS = {"oui": True, "yes": True, "true": True, "vrai": True, "1": True,
            "non": False, "no": False, "false": False, "faux": False, "0": False}
"""Spellings of yes and no on the territory sheet."""


def _territory_value(value: object, column: Column) -> object:
    """A TOML value: numbers as numbers (decimal commas accepted), yes and no as
    booleans, the rest as text."""
    if column.kind == "bool":
        answer = BOOLEANS.get(normal(_text(value, column)))
        if isinstance(value, bool) or answer is not None:
            return value if isinstance(value, bool) else answer
    if column.kind in {"number", "integer"}:
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            compact = re.sub(r"[\s\u00a0\u202f]", "", value)
            if re.fullmatch(r"[-+]?\d*,\d+", compact):
                compact = compact.replace(",", ".")
            with contextlib.suppress(ValueError):
                number = float(compact)
        if number is not None and math.isfinite(number):
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
    return _text(value, column).strip()


def _read_territory(ws: Any) -> TerritoryData:
    """The territory sheet, written as territory.toml with one known line per key."""
    aliases = _aliases(TERRITORY_ROWS)
    aliases.update({normal(c.key): c.key for c in TERRITORY_ROWS})
    shorts = {column.short: column.key for column in TERRITORY_ROWS}
    by_key = {column.key: column for column in TERRITORY_ROWS}
    found: dict[str, tuple[int, object]] = {}
    for number, values in _rows(ws):
        if not values or values[0] is None:
            continue
        key = _recognise(_text(values[0], None), aliases, shorts)
        if key is None or key in found:
            continue
        found[key] = (number, values[1] if len(values) > 1 else None)
    sections: dict[str, dict[str, object]] = {"": {}}
    for key, (_, value) in found.items():
        text = _text(value, None).strip()
        if not text:
            continue
        converted = _territory_value(value, by_key[key])
        section, _, name = key.rpartition(".")
        sections.setdefault(section, {})[name] = converted
    lines = [tomli_w.dumps({key: value}).rstrip("\n") for key, value in sections.pop("").items()]
    for section, entries in sections.items():
        lines.append(f"[{section}]")
        lines += [tomli_w.dumps({key: value}).rstrip("\n") for key, value in entries.items()]
    return TerritoryData(str(ws.title), {key: row for key, (row, _) in found.items()}, "\n".join(lines) + "\n")


@dataclass
class ParsedWorkbook:
    territory: TerritoryData | None
    tables: dict[str, TableData]
    problems: list[Problem]
    missing: set[str]


def read_workbook(path: Path) -> ParsedWorkbook:
    """Read the sheets of a workbook as the text of an inventory folder."""
    name = path.name
    if not path.is_file():
        raise InputError([problem(MESSAGES, "no_file", str(path))])
    check_suffix(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML or openpyxl errors: all mean "not a readable .xlsx"
        detail = str(error) or type(error).__name__
        raise InputError([problem(MESSAGES, "unreadable", name, detail=detail)]) from error
    try:
        titles = [str(title) for title in book.sheetnames]
        problems: list[Problem] = []
        missing: set[str] = set()
        found = ", ".join(titles)
        territory: TerritoryData | None = None
        title = _find_sheet(titles, TERRITORY_FR, TERRITORY_EN)
        if title is None:
            problems.append(problem(MESSAGES, "missing_sheet", name, sheet=TERRITORY_FR, found=found))
            missing.add("territory.toml")
        else:
            territory = _read_territory(book[title])
        tables: dict[str, TableData] = {}
        for sheet in SHEETS:
            title = _find_sheet(titles, sheet.fr, sheet.en)
            if title is None:
                if sheet.required:
                    problems.append(problem(MESSAGES, "missing_sheet", name, sheet=sheet.fr, found=found))
                    missing.add(sheet.file)
                continue
            table = _read_table(book[title], sheet, problems)
            if table is None:
                missing.add(sheet.file)
            else:
                tables[sheet.file] = table
        return ParsedWorkbook(territory, tables, problems, missing)
    finally:
        book.close()


REWORDED = ("duplicate_id", "unknown_company", "unknown_operator")
"""Reader messages that name a CSV line or file: the workbook says them with its own words."""


def _reword(found: Problem, parsed: ParsedWorkbook, companies_title: str) -> Text:
    """The reader's message, except where it names a CSV file or a CSV line."""
    text = found.text
    if text.table is not READER_MESSAGES or text.key not in REWORDED:
        return text
    params = dict(text.params)
    if text.key == "duplicate_id":
        table = parsed.tables.get(found.file or "")
        first = int(str(params["first"]))
        params["first"] = table.rows.get(first, first) if table else first
    else:
        params["sheet"] = companies_title
    return Text(MESSAGES, text.key, params)


def locate(found: Problem, parsed: ParsedWorkbook) -> Problem | None:
    """Map a problem of the temporary folder back to its sheet and cell."""
    if found.file in parsed.missing:
        return None  # already reported as a missing sheet
    companies = parsed.tables.get(COMPANIES.file)
    text = _reword(found, parsed, companies.title if companies else COMPANIES.fr)
    if found.file == "territory.toml" and parsed.territory is not None:
        territory = parsed.territory
        row = territory.rows.get(found.column or "")
        if row is None:
            return Problem(territory.title, None, found.column, text)
        return _at(territory.title, row, "B", found.column, text)
    table = parsed.tables.get(found.file or "")
    if table is None:
        return found
    if found.text.table is READER_MESSAGES and found.text.key == "missing_column":
        return None  # reported with the readable header when the sheet was read
    column = found.column
    if column is None and table.sheet is FLOWS:
        column = "ewc" if "ewc" in table.positions else "material"
    position = table.positions.get(column or "")
    if found.line is None or found.line <= 1:
        if position is None:
            return Problem(table.title, None, found.column, text)
        return _at(table.title, table.header_row, get_column_letter(position), column, text)
    row = table.rows.get(found.line, found.line)
    if position is None:
        return Problem(table.title, row, column, text, f"{table.title}!{row}:{row}")
    return _at(table.title, row, get_column_letter(position), column, text)


def _order(found: Problem, parsed: ParsedWorkbook) -> tuple[str, int, int]:
    table = next((t for t in parsed.tables.values() if t.title == found.file), None)
    position = table.positions.get(found.column or "", 0) if table else 0
    return (found.file or "", found.line if found.line is not None else -1, position)


def check_workbook(parsed: ParsedWorkbook, folder: Path) -> Inventory:
    """Write the parsed sheets into `folder` and validate them as an inventory."""
    if parsed.territory is not None:
        (folder / "territory.toml").write_text(parsed.territory.toml, encoding="utf-8")
    for file, table in parsed.tables.items():
        if table.records or table.sheet.required:  # no facilities: no facilities.csv, as the contract allows
            (folder / file).write_text(table.csv_text(), encoding="utf-8")
    problems = list(parsed.problems)
    inventory: Inventory | None = None
    try:
        inventory = load_inventory(folder)
    except InputError as error:
        problems += [p for p in (locate(found, parsed) for found in error.problems) if p is not None]
    if problems or inventory is None:
        raise InputError(sorted(problems, key=lambda p: _order(p, parsed)))
    return inventory


INVENTORY_FILES = ("territory.toml", "companies.csv", "flows.csv", "facilities.csv")


def import_workbook(path: Path, target: Path, *, force: bool = False) -> tuple[Inventory, list[str]]:
    """Validate a workbook and write it as the inventory folder `target`.

    The folder appears (or is replaced) in one rename, only once everything
    is valid; files of a replaced folder that are not inventory tables
    (scenarios, README) are carried over. Returns the inventory and the
    names carried over.
    """
    if target.exists() and not target.is_dir():
        raise InputError([problem(MESSAGES, "target_not_folder", str(target))])
    if target.is_dir() and any(target.iterdir()) and not force:  # an empty folder is free to fill
        raise InputError([problem(MESSAGES, "target_exists", str(target))])
    parsed = read_workbook(path)
    with tempfile.TemporaryDirectory(prefix="symbiosis-import-") as scratch:
        inventory = check_workbook(parsed, Path(scratch))
        kept = replace_folder(Path(scratch), target, INVENTORY_FILES)
    return replace_fields(inventory, folder=target), kept
