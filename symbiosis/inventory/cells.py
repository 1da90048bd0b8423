"""Cells to typed columns: blanks, decimal commas and yes/no words cleaned,
then each column validated against its field's type, every failing cell a
located problem.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from symbiosis.core.problems import Problem, problem
from symbiosis.inventory.csvtable import read_rows
from symbiosis.inventory.messages import MESSAGES
from symbiosis.inventory.schema import Row

_TRUE = {"true", "vrai", "oui", "yes", "y", "o", "1", "x"}


_FALSE = {"false", "faux", "non", "no", "n", "0"}


_UNIT_SPELLINGS = {
    "t": "t", "tonne": "t", "tonnes": "t", "kg": "kg", "m3": "m3", "m³": "m3",
    "mwh": "MWh", "kwh": "kWh",
}


_ROUTE_SPELLINGS = {
    "land_spreading": "spreading", "enfouissement": "landfill", "stockage": "landfill",
    "incinération": "incineration", "valorisation_énergétique": "energy_recovery",
    "valorisation_energetique": "energy_recovery", "recyclage": "recycling", "réemploi": "reuse",
    "reemploi": "reuse", "compostage": "composting", "méthanisation": "methanisation",
    "épandage": "spreading", "epandage": "spreading", "extérieur": "outside", "exterieur": "outside",
    "aucune": "none", "aucun": "none",
}
"""Older and French spellings of today's routes (contract §4 names them in English)."""


def _word(value: str, spellings: dict[str, str]) -> str:
    lowered = value.lower()
    return spellings.get(lowered.replace(" ", "_"), lowered)


def read_table(
    path: Path, model: type[Row], required: Sequence[str], problems: list[Problem]
) -> pd.DataFrame | None:
    """Read one CSV table into a validated frame, or None if it cannot be read."""
    rows = read_rows(path, required, problems)
    return None if rows is None else validated(rows, model, path.name, problems)


def validated(raw: pd.DataFrame, model: type[Row], name: str, problems: list[Problem]) -> pd.DataFrame:
    """Rows that pass the model, typed; each failing cell becomes a problem."""
    lines = raw.index.tolist()
    normal = _normalise(raw, model)
    # Each column against its field's type: the same checks and errors as the
    # row model (the models have no cross-field rules), without one dict per row.
    given = {
        column: normal[column] if column in normal else np.array([info.get_default()] * len(raw), dtype=object)
        for column, info in model.model_fields.items()
    }
    values: dict[str, list[Any]] = {}
    keep = np.ones(len(raw), dtype=bool)
    for column, cells in given.items():
        try:
            values[column] = _column_adapter(model, column).validate_python(cells.tolist())
        except ValidationError as exc:
            for error in exc.errors():
                row = int(error["loc"][0])
                keep[row] = False
                problems.append(from_pydantic(error, name, lines[row], column))
    if not keep.all():  # the rows left all pass: validate them again for their typed values
        values = {column: _column_adapter(model, column).validate_python(cells[keep].tolist()) for column, cells in given.items()}
    validated = pd.DataFrame(values, columns=list(model.model_fields))
    validated.index = raw.index[keep]
    extra = [column for column in raw.columns if column not in model.model_fields]
    if extra:
        validated = pd.concat([validated, raw.loc[keep, extra].set_axis(validated.index)], axis=1)
    return validated.reset_index()


@cache
def _column_adapter(model: type[Row], column: str) -> TypeAdapter[list[Any]]:
    """A validator for one column: the field's type and constraints, over a list."""
    info = model.model_fields[column]
    kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(list[kind])


def _normalise(raw: pd.DataFrame, model: type[Row]) -> dict[str, np.ndarray]:
    """Vectorised clean-up before validation: blanks, decimal commas, words.

    Word columns repeat a few values: each distinct value is cleaned once."""
    out: dict[str, np.ndarray] = {}
    for name, info in model.model_fields.items():
        if name not in raw.columns:
            continue
        column = raw[name].to_numpy(dtype=object)  # stripped when split
        blank = column == ""
        kind = repr(info.annotation)
        if "float" in kind or "int" in kind:
            column = _numeric_text(column)
        elif "bool" in kind:
            column = _on_distinct(column, lambda v: "true" if v.lower() in _TRUE else "false" if v.lower() in _FALSE else v)
        elif name == "unit":
            column = _on_distinct(column, lambda v: _UNIT_SPELLINGS.get(v.lower(), v))
        elif name == "route":
            column = _on_distinct(column, lambda v: _word(v, _ROUTE_SPELLINGS))
        elif name in {"direction", "status", "type"}:
            column = _on_distinct(column, str.lower)
        default = info.get_default() if not info.is_required() else None
        # A blank cell means "not given": the model's default, else None.
        filler = None if default is None else str(default).lower() if isinstance(default, bool) else default
        out[name] = np.where(blank, np.full(len(column), filler, dtype=object), column)
    return out


def _on_distinct(column: np.ndarray, function: Callable[[str], str]) -> np.ndarray:
    """`function` on each distinct cell, spread back to every row."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    cleaned = np.array([function(v) for v in distinct], dtype=object)
    result: np.ndarray = cleaned[codes]
    return result


def _numeric_text(column: np.ndarray) -> np.ndarray:
    """`"1 234,5"` -> `"1234.5"`; anything else is left for validation to reject.

    Only cells that do not already parse as numbers (in C) are rewritten."""
    odd = np.isnan(pd.to_numeric(column, errors="coerce").astype(float)) & (column != "")
    if not odd.any():
        return column
    text = pd.Series(column[odd], dtype=object)
    compact = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    comma = compact.str.fullmatch(r"[-+]?\d*,\d+").fillna(False).astype(bool)
    fixed = compact.where(~comma, compact.str.replace(",", ".", regex=False))
    result = column.copy()
    result[odd] = fixed.to_numpy(dtype=object)
    return result


def empty_frame(model: type[Row]) -> pd.DataFrame:
    return pd.DataFrame({"line": pd.Series(dtype=int), **{c: pd.Series(dtype=object) for c in model.model_fields}})


def from_pydantic(error: Any, file: str, line: int | None, column: str) -> Problem:
    """Translate a pydantic error into a located, bilingual problem."""
    kind = error["type"]
    value = error.get("input")
    if isinstance(value, float):  # echoed as the user wrote it, not as a formatted number
        value = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    context = error.get("ctx") or {}
    if kind == "missing" or (value is None and kind.endswith("_type")):
        return problem(MESSAGES, "required", file, line, column)
    if kind in {"float_parsing", "float_type"}:
        return problem(MESSAGES, "not_number", file, line, column, value=value)
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return problem(MESSAGES, "not_integer", file, line, column, value=value)
    if kind == "finite_number":
        return problem(MESSAGES, "not_finite", file, line, column, value=value)
    if kind in {"greater_than", "greater_than_equal", "less_than_equal"}:
        key = {"greater_than": "gt", "greater_than_equal": "ge", "less_than_equal": "le"}[kind]
        bound = context.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return problem(MESSAGES, key, file, line, column, bound=bound, value=value)
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return problem(MESSAGES, "choice", file, line, column, value=value, expected=expected)
    if kind in {"bool_parsing", "bool_type"}:
        return problem(MESSAGES, "bool", file, line, column, value=value)
    if kind == "string_too_short":
        return problem(MESSAGES, "empty", file, line, column)
    if kind == "string_pattern_mismatch" and column == "months":
        return problem(MESSAGES, "months", file, line, column, value=value)
    if kind == "string_pattern_mismatch" and column == "monthly_profile":
        return problem(MESSAGES, "profile", file, line, column, value=value)
    return problem(MESSAGES, "invalid", file, line, column, value=value, detail=error.get("msg", ""))
