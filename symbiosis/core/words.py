"""What users read: messages as a key plus parameters, worded at the edge.

Users read French by default and English on request. Each module keeps its
own table of messages (key -> French and English templates); code builds a
`Text` (a table, a key, parameters) and only the edge of the program (the
terminal, a report, a workbook) renders it in the reader's language. So a
message can be re-worded later (a workbook names a cell where the CSV
reader named a line) by its key, never by parsing a sentence.

Numbers, dates and plurals go through Babel (CLDR data) rather than being
written by hand. In a template, a parameter is formatted by its spec:

- `{n}`: an integer with the reader's thousands separator (`1 234`);
- `{n:d}`: an integer as plain digits (a line number, a year);
- `{x:.1f}`: a number with one decimal, in the reader's digits (`1 234,5`);
- `{n:échange|échanges}`: the singular or plural word for the number `n`,
  by the language's plural rule (French: 0 and 1 take the singular).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

Messages = Mapping[str, tuple[str, str]]
"""Message key -> (French template, English template), `str.format` style."""

MINUS = "\u2212"
"""The minus sign of typeset text (not the hyphen)."""
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

_LOCALES: Mapping[Lang, str] = {"fr": "fr_FR", "en": "en_GB"}
_DECIMALS = re.compile(r"^\.(\d+)f$")


@dataclass(frozen=True)
class Text:
    """A message for a user: a table, one of its keys, and the parameters.

    Parameters may be texts themselves (rendered in the same language) or
    numbers (formatted for the reader by the template's spec).
    """

    table: Messages = field(repr=False, compare=False)
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.key not in self.table:
            raise KeyError(f"no message {self.key!r}")

    def render(self, lang: Lang) -> str:
        fr, en = self.table[self.key]
        template = fr if lang == "fr" else en
        values = {name: _Value(value, lang) for name, value in self.params.items()}
        return template.format(**values)


def text(table: Messages, key: str, **params: object) -> Text:
    """A `Text`, keyword style: `text(MESSAGES, "min_jobs", asked=24.0)`."""
    return Text(table, key, params)


_BOTH: Messages = {"text": ("{fr}", "{en}")}


def both(fr: str, en: str) -> Text:
    """A text already written in both languages (a catalogue label)."""
    return Text(_BOTH, "text", {"fr": fr, "en": en})


def joined(parts: Sequence[Text | str], separator: str = ", ") -> Text:
    """Several texts as one (`a, b, c`), each worded in the reader's language."""
    template = separator.replace("{", "{{").replace("}", "}}").join(f"{{p{i}}}" for i in range(len(parts)))
    return Text({"joined": (template, template)}, "joined", {f"p{i}": part for i, part in enumerate(parts)})


def say(messages: Messages, key: str, lang: Lang = "fr", **params: object) -> str:
    """Render message `key` in `lang` with its parameters, at once."""
    return Text(messages, key, params).render(lang)


class _Value:
    """A parameter as a template sees it: formats itself in the reader's language."""

    __slots__ = ("lang", "value")

    def __init__(self, value: object, lang: Lang) -> None:
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        value, lang = self.value, self.lang
        if isinstance(value, Text):
            return value.render(lang)
        if "|" in spec:
            return plural(_as_number(value), spec.split("|"), lang)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return format(str(value), spec) if spec and not _DECIMALS.match(spec) else str(value)
        if spec == "d":
            return str(int(value))  # an identifier-like number: a line, a year
        found = _DECIMALS.match(spec)
        if found:
            return number(float(value), lang, int(found.group(1)))
        if isinstance(value, int):
            return number(value, lang, 0)
        return number(value, lang, _natural_decimals(value))

    def __str__(self) -> str:
        return self.__format__("")


def _as_number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else float(str(value))


def _natural_decimals(value: float) -> int:
    """As many decimals as a figure has, up to four (0.25 -> 2, 30.0 -> 0)."""
    for decimals in range(5):
        if abs(round(value, decimals) - value) < 1e-9:
            return decimals
    return 4


@cache
def _locale(lang: Lang) -> Any:
    from babel import Locale

    return Locale.parse(_LOCALES[lang])


def plural(count: float, forms: list[str], lang: Lang) -> str:
    """The form of a word for `count`: forms are given as `singular|plural`."""
    category = _locale(lang).plural_form(abs(count))
    return forms[0] if category == "one" or len(forms) == 1 else forms[-1]


def number(value: float, lang: Lang = "fr", decimals: int = 1) -> str:
    """A number as its reader writes it: `1 234,5` and `−3,0` in French, `1,234.5` in English.

    A small non-zero value keeps one significant digit rather than showing
    as a signed zero: −0.04 at one decimal is `−0,04`, never `-0,0`.
    """
    from babel.numbers import format_decimal

    if not math.isfinite(value):
        return "∞" if value > 0 else f"{MINUS}∞" if value < 0 else "—"
    places = decimals
    if value != 0 and round(abs(value), decimals) == 0:
        places = min(6, max(decimals, -math.floor(math.log10(abs(value)))))
    if round(value, places) == 0:
        value, places = 0.0, decimals  # no signed zero, no string of zeros
    pattern = "#,##0" + ("." + "0" * places if places else "")
    written = str(format_decimal(value, format=pattern, locale=_LOCALES[lang]))
    return written.replace("-", MINUS) if lang == "fr" else written


def quantity(value: float, unit: str, lang: Lang = "fr", decimals: int = 1) -> str:
    """A number with its unit, separated by a no-break space."""
    return f"{number(value, lang, decimals)}{NBSP}{unit}" if unit else number(value, lang, decimals)


def percent(share: float, lang: Lang = "fr", decimals: int = 1) -> str:
    """A share (0.39) as a percentage (`39,0 %`)."""
    return f"{number(100 * share, lang, decimals)}{NBSP}%"


def long_date(day: date, lang: Lang) -> str:
    """`1er décembre 2026` in French, `1 December 2026` in English."""
    from babel.dates import format_date

    written = str(format_date(day, format="long", locale=_LOCALES[lang]))
    if lang == "fr" and day.day == 1:
        written = "1er" + written[1:]
    return written


def sort_key(name: str) -> str:
    """Alphabetical order as a reader expects it: case and accents aside."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
