"""What users read: numbers, dates, plurals and messages, worded at the edge."""

from __future__ import annotations

from datetime import date

import pytest

from symbiosis.core.problems import InputError, problem
from symbiosis.core.words import (
    Text,
    both,
    long_date,
    number,
    percent,
    plural,
    quantity,
    say,
    sort_key,
)

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "fr", "en"),
    [
        (1234567.891, 1, f"1{NNBSP}234{NNBSP}567,9", "1,234,567.9"),
        (-3.0, 1, "−3,0", "-3.0"),
        (-0.04, 1, "−0,04", "-0.04"),
        (0.004, 1, "0,004", "0.004"),
        (-0.00000001, 1, "0,0", "0.0"),
        (0.0, 2, "0,00", "0.00"),
        (12, 0, "12", "12"),
        (float("inf"), 1, "∞", "∞"),
    ],
)
def test_numbers_as_readers_write_them(value: float, decimals: int, fr: str, en: str) -> None:
    assert number(value, "fr", decimals) == fr
    assert number(value, "en", decimals) == en


def test_quantities_and_shares() -> None:
    assert quantity(2500, "t", "fr", 0) == f"2{NNBSP}500\u00a0t"
    assert percent(0.39, "fr") == "39,0\u00a0%"


def test_dates_say_premier() -> None:
    assert long_date(date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert long_date(date(2026, 3, 9), "fr") == "9 mars 2026"
    assert long_date(date(2026, 12, 1), "en") == "1 December 2026"


@pytest.mark.parametrize(("count", "fr", "en"), [(0, "échange", "exchanges"), (1, "échange", "exchange"), (2, "échanges", "exchanges")])
def test_plural_forms_follow_each_language(count: int, fr: str, en: str) -> None:
    assert plural(count, ["échange", "échanges"], "fr") == fr
    assert plural(count, ["exchange", "exchanges"], "en") == en


MESSAGES = {
    "links": ("{n} {n:échange|échanges} pour {t:.1f} t (ligne {line:d})", "{n} {n:exchange|exchanges} for {t:.1f} t (line {line:d})"),
    "outer": ("voir : {inner}", "see: {inner}"),
}


def test_a_text_is_worded_only_when_rendered() -> None:
    text = Text(MESSAGES, "links", {"n": 1234, "t": 2.25, "line": 1234})
    assert text.render("fr") == f"1{NNBSP}234 échanges pour 2,2 t (ligne 1234)"
    assert text.render("en") == "1,234 exchanges for 2.2 t (line 1234)"
    assert say(MESSAGES, "links", "fr", n=1, t=1, line=3) == "1 échange pour 1,0 t (ligne 3)"
    nested = Text(MESSAGES, "outer", {"inner": both("palettes", "pallets")})
    assert nested.render("fr") == "voir : palettes" and nested.render("en") == "see: pallets"


def test_an_unknown_key_fails_where_the_text_is_made() -> None:
    with pytest.raises(KeyError):
        Text(MESSAGES, "nope")


def test_the_error_counts_its_problems_in_words() -> None:
    one = InputError([problem(MESSAGES, "outer", "flows.csv", 2, "unit", inner="x")])
    assert one.lines("fr") == ["1 problème dans l'inventaire :", "flows.csv:2: unit: voir : x"]
    two = InputError([problem(MESSAGES, "outer", "a.csv", 1, None, inner="x")] * 2)
    assert two.lines("en")[0] == "2 problems in the inventory:"


def test_names_sort_as_a_reader_expects() -> None:
    names = ["ZF Friedrichshafen", "thyssenkrupp", "Énergie Est", "Arcelor"]
    assert sorted(names, key=sort_key) == ["Arcelor", "Énergie Est", "thyssenkrupp", "ZF Friedrichshafen"]
