"""Writing a workbook: the empty template, or an inventory in the template's layout.

Drop-down lists and numeric checks guide whoever fills it in; text is
always text (a cell starting with `=` is never a formula).
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from symbiosis.catalogue import ewc as ewc_codes
from symbiosis.catalogue.load import load_catalogue
from symbiosis.catalogue.models import ROUTES, Catalogue
from symbiosis.core.files import guard, write_bytes
from symbiosis.core.problems import InputError, problem
from symbiosis.core.words import Lang, say
from symbiosis.flows import Inventory, load_inventory
from symbiosis.inventory.schema import UNITS, Sharing, Structure
from symbiosis.workbook.layout import (
    CODES_EN,
    CODES_FR,
    COMPANIES,
    FACILITIES,
    FLOWS,
    HELP_EN,
    HELP_FR,
    LISTS_EN,
    LISTS_FR,
    SHEETS,
    TERRITORY_EN,
    TERRITORY_FR,
    TERRITORY_ROWS,
    Column,
    Sheet,
    check_suffix,
    pick,
)
from symbiosis.workbook.messages import MESSAGES

_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


_REQUIRED_FILL = PatternFill("solid", fgColor="833C0B")


_HEADER_FONT = Font(bold=True, color="FFFFFF")


_FORMULA_START = ("=", "+", "-", "@")


_LAST_ROW = 1_048_576


@dataclass(frozen=True)
class Content:
    """What to put in the sheets: the territory rows and one frame per table."""

    territory: Mapping[str, object] = field(default_factory=dict)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)


def build_workbook(lang: Lang, content: Content | None = None, catalogue: Catalogue | None = None) -> bytes:
    """The template (no content) or an inventory, as the bytes of an .xlsx file."""
    catalogue = catalogue or load_catalogue()
    content = content or Content()
    book = Workbook()
    territory = book.active
    assert territory is not None  # a new workbook has one sheet
    territory.title = pick(lang, TERRITORY_FR, TERRITORY_EN)
    sheets = {sheet.key: book.create_sheet(sheet.title(lang)) for sheet in SHEETS}
    help_sheet = book.create_sheet(pick(lang, HELP_FR, HELP_EN))
    lists = book.create_sheet(pick(lang, LISTS_FR, LISTS_EN))
    codes = book.create_sheet(pick(lang, CODES_FR, CODES_EN))

    sources = _write_lists(lists, codes, lang, catalogue)
    sources["company"] = (
        f"OFFSET({quote_sheetname(COMPANIES.title(lang))}!$A$2,0,0,"
        f"MAX(1,COUNTA({quote_sheetname(COMPANIES.title(lang))}!$A:$A)-1),1)"
    )
    _write_territory(territory, lang, content.territory)
    for sheet in SHEETS:
        frame = content.tables.get(sheet.key)
        _write_table(sheets[sheet.key], sheet, lang, frame, sources)
    _write_help(help_sheet, lang)
    book.active = 0
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _style_header(cell: Any, required: bool = False) -> None:
    cell.font = _HEADER_FONT
    cell.fill = _REQUIRED_FILL if required else _HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")


def _write_lists(lists: Any, codes: Any, lang: Lang, catalogue: Catalogue) -> dict[str, str]:
    """Fill the reference sheets; return each drop-down's source range."""
    yes_no = [say(MESSAGES, "yes", lang), say(MESSAGES, "no", lang)]
    materials = catalogue.materials
    types = catalogue.facility_types
    # (drop-down it feeds, header, values, width); label columns feed none.
    columns: list[tuple[str, str, list[str], int]] = [
        ("direction", "direction", ["output", "input"], 18),
        ("unit", "unit", list(UNITS), 14),
        ("material", "material", list(materials), 22),
        ("", "material_label", [pick(lang, m.label_fr, m.label_en) for m in materials.values()], 50),
        ("", "ref_unit", [m.unit for m in materials.values()], 12),
        ("facility_type", "facility_type", list(types), 24),
        ("", "facility_label", [pick(lang, t.label_fr, t.label_en) for t in types.values()], 40),
        ("flow_status", "flow_status", ["waste", "by_product", "end_of_waste"], 22),
        ("facility_status", "facility_status", ["existing", "candidate"], 22),
        ("route", "route", list(ROUTES), 18),
        ("structure", "structure", list(get_args(Structure)), 14),
        ("yes_no", "yes_no", yes_no, 12),
    ]
    sources: dict[str, str] = {}
    name = quote_sheetname(lists.title)
    for index, (key, title, values, width) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        _style_header(lists.cell(1, index, say(MESSAGES, title, lang)))
        for row, value in enumerate(values, start=2):
            lists.cell(row, index, value)
        lists.column_dimensions[letter].width = width
        if key:
            sources[key] = f"{name}!${letter}$2:${letter}${len(values) + 1}"
    lists.freeze_panes = "A2"

    for index, key in enumerate(("code", "label", "hazardous"), start=1):
        _style_header(codes.cell(1, index, say(MESSAGES, key, lang)))
    entries = ewc_codes.list_of_waste()
    for row, entry in enumerate(entries.values(), start=2):
        codes.cell(row, 1, ewc_codes.display(entry.code, entry.hazardous)).number_format = "@"
        codes.cell(row, 2, pick(lang, entry.label_fr, entry.label_en))
        codes.cell(row, 3, say(MESSAGES, "yes", lang) if entry.hazardous else "")
    codes.column_dimensions["A"].width = 12
    codes.column_dimensions["B"].width = 90
    codes.column_dimensions["C"].width = 11
    codes.freeze_panes = "A2"
    sources["ewc"] = f"{quote_sheetname(codes.title)}!$A$2:$A${len(entries) + 1}"
    return sources


def _validation(column: Column, lang: Lang, sources: Mapping[str, str]) -> Any | None:
    """The data validation a column gets: a drop-down list or a numeric check."""
    title = say(MESSAGES, "invalid_entry", lang)
    prompt = column.help(lang)[:250]
    if column.choices is not None:
        # Lists the user may extend (company ids, rare waste codes) only warn.
        soft = column.choices in {"company", "ewc"}
        error = say(MESSAGES, "check_company" if column.choices == "company" else
                    "check_ewc" if column.choices == "ewc" else "check_list", lang)
        return DataValidation(
            type="list", formula1=sources[column.choices], allow_blank=True,
            showErrorMessage=True, errorStyle="warning" if soft else "stop",
            errorTitle=title, error=error, promptTitle=column.fr[:32] if lang == "fr" else column.en[:32],
            prompt=prompt, showInputMessage=True,
        )
    if column.check is None:
        return None
    bounds: dict[str, tuple[Any, Any, str | None, str | None]] = {
        "positive": ("decimal", "greaterThan", "0", None),
        "non_negative": ("decimal", "greaterThanOrEqual", "0", None),
        "number": ("decimal", "between", "-1000000000000", "1000000000000"),
        "count": ("whole", "greaterThanOrEqual", "0", None),
        "year": ("whole", "between", "1900", "2200"),
        "latitude": ("decimal", "between", "-90", "90"),
        "longitude": ("decimal", "between", "-180", "180"),
    }
    kind, operator, low, high = bounds[column.check]
    return DataValidation(
        type=kind, operator=operator, formula1=low, formula2=high, allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle=title,
        error=say(MESSAGES, f"check_{column.check}", lang),
        promptTitle=(column.fr if lang == "fr" else column.en)[:32], prompt=prompt, showInputMessage=True,
    )


def _write_territory(ws: Any, lang: Lang, values: Mapping[str, object]) -> None:
    for index, key in enumerate(("parameter", "value", "explanation"), start=1):
        _style_header(ws.cell(1, index, say(MESSAGES, key, lang)))
    for row, column in enumerate(TERRITORY_ROWS, start=2):
        label = ws.cell(row, 1, column.header(lang))
        label.font = Font(bold=column.required)
        value = ws.cell(row, 2)
        _set(value, values.get(column.key), column, lang)
        value.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        ws.cell(row, 3, column.help(lang)).alignment = Alignment(wrap_text=True, vertical="top")
        rule = _validation(column, lang, {})
        if rule is not None:
            rule.add(f"B{row}")
            ws.add_data_validation(rule)
    ws.column_dimensions["A"].width = 64
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = "A2"


def _write_table(
    ws: Any, sheet: Sheet, lang: Lang, frame: pd.DataFrame | None, sources: Mapping[str, str]
) -> None:
    known = {column.key for column in sheet.columns}
    extras = [] if frame is None else [c for c in frame.columns if c not in known and c not in _DERIVED]
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, index, column.header(lang))
        _style_header(cell, column.required)
        cell.comment = Comment(column.help(lang), "symbiosis", width=320, height=120)
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.kind == "code":
            dimension.number_format = "@"  # keeps 02 01 04 and 10-4 as typed
        rule = _validation(column, lang, sources)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{_LAST_ROW}")
            ws.add_data_validation(rule)
    for offset, name in enumerate(extras):
        index = len(sheet.columns) + 1 + offset
        _style_header(ws.cell(1, index, str(name)))
        ws.column_dimensions[get_column_letter(index)].width = 16
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 32
    if frame is None or frame.empty:
        return
    specs: list[Column | None] = [*sheet.columns, *([None] * len(extras))]
    names = [column.key for column in sheet.columns] + extras
    for row, record in enumerate(frame.reindex(columns=names).itertuples(index=False, name=None), start=2):
        for index, (value, spec) in enumerate(zip(record, specs, strict=True), start=1):
            _set(ws.cell(row, index), value, spec, lang)


_DERIVED = frozenset({"line", "hazardous", "family", "ref_unit", "quantity_ref", "months_mask", "capacity_ref"})


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _set(cell: Any, value: object, column: Column | None, lang: Lang) -> None:
    """Write one value; text is always text, never a formula."""
    if _missing(value):
        return
    kind = "text" if column is None else column.kind
    if kind == "bool":
        cell.value = say(MESSAGES, "yes" if bool(value) else "no", lang)
    elif kind in {"number", "integer"} and _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        cell.value = int(number) if number.is_integer() and abs(number) < 1e15 else number
    else:
        text = str(value)
        cell.value = text
        if kind == "code":
            cell.number_format = "@"
        if text.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def _write_help(ws: Any, lang: Lang) -> None:
    titles = {
        "companies": COMPANIES.title(lang), "flows": FLOWS.title(lang), "facilities": FACILITIES.title(lang),
        "lists": pick(lang, LISTS_FR, LISTS_EN), "codes": pick(lang, CODES_FR, CODES_EN),
    }
    ws.cell(1, 1, say(MESSAGES, "help_title", lang)).font = Font(bold=True, size=14)
    for row, key in enumerate(("help_1", "help_2", "help_3", "help_4"), start=2):
        ws.cell(row, 1, say(MESSAGES, key, lang, **titles))
    start = 7
    for index, key in enumerate(("sheet", "column", "required", "explanation", "example"), start=1):
        _style_header(ws.cell(start, index, say(MESSAGES, key, lang)))
    row = start + 1
    groups: list[tuple[str, Sequence[Column]]] = [(pick(lang, TERRITORY_FR, TERRITORY_EN), TERRITORY_ROWS)]
    groups += [(sheet.title(lang), sheet.columns) for sheet in SHEETS]
    yes = say(MESSAGES, "yes", lang)
    for title, columns in groups:
        for column in columns:
            ws.cell(row, 1, title)
            ws.cell(row, 2, column.header(lang))
            ws.cell(row, 3, yes if column.required else "")
            ws.cell(row, 4, column.help(lang)).alignment = Alignment(wrap_text=True, vertical="top")
            example = column.example
            if column.kind == "bool" and example:
                example = say(MESSAGES, "yes" if example == "oui" else "no", lang)
            _set(ws.cell(row, 5), example or None, replace_fields(column, kind="text"), lang)
            row += 1
    for letter, width in zip("ABCDE", (16, 44, 12, 90, 32), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{start + 1}"


def _check_new_file(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":  # what openpyxl writes is an .xlsx, whatever the name says
        raise InputError([problem(MESSAGES, "not_xlsx", str(path))])
    if path.is_dir():
        raise InputError([problem(MESSAGES, "is_folder", str(path))])
    if path.exists() and not force:
        raise InputError([problem(MESSAGES, "file_exists", str(path))])


def write_template(path: Path, lang: Lang, *, force: bool = False) -> None:
    """Write the empty workbook a chargé de mission fills in."""
    _check_new_file(path, force)
    write_bytes(path, build_workbook(lang))


def inventory_content(inventory: Inventory) -> Content:
    """The inventory as sheet content, declared values as the user wrote them."""
    territory = inventory.territory
    values: dict[str, object] = {
        "name": territory.name, "year": territory.year,
        "description": territory.description, "region": territory.region, "collector": territory.collector,
    }
    values.update({f"defaults.{k}": v for k, v in territory.defaults.model_dump().items()})
    if territory.sharing != Sharing():  # the defaults stay blank: the sheet says what they are
        values.update({f"sharing.{k}": v for k, v in territory.sharing.model_dump().items()})
    hazardous = inventory.flows["hazardous"].astype(bool)
    codes = inventory.flows["ewc"].where(inventory.flows["ewc"].notna(), "").astype(str)
    shown = codes.where(~hazardous | (codes == ""), codes + "*")
    declared = _declared_materials(inventory.folder / "flows.csv")
    material = inventory.flows["id"].map(declared)
    flows = inventory.flows.assign(ewc=shown.where(shown != "", None), material=material)
    return Content(values, {
        "companies": inventory.companies, "flows": flows, "facilities": inventory.facilities,
    })


def _declared_materials(path: Path) -> dict[str, str | None]:
    """flows.csv's own `material` cells: the reader fills in materials from EWC codes."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
        return {
            (row.get("id") or "").strip(): ((row.get("material") or "").strip() or None)
            for row in reader
        }
    return {}


def export_inventory(folder: Path, path: Path, lang: Lang, *, force: bool = False) -> Inventory:
    """Write an inventory as a workbook in the template's layout."""
    check_suffix(path)
    guard(path, [folder])
    _check_new_file(path, force)
    inventory = load_inventory(folder)
    write_bytes(path, build_workbook(lang, inventory_content(inventory), inventory.catalogue))
    return inventory
