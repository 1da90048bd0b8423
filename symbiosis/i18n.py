"""French-first messages and number formatting.

Users read French by default and English on request; each module keeps its
own message table and renders it through `say`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

Messages = Mapping[str, tuple[str, str]]
"""Message key -> (French template, English template), `str.format` style."""


def say(messages: Messages, key: str, lang: Lang = "fr", **params: object) -> str:
    """Render message `key` in `lang` with its parameters."""
    fr, en = messages[key]
    return (fr if lang == "fr" else en).format(**params)


def number(value: float, lang: Lang = "fr", decimals: int = 1) -> str:
    """Format a number the way readers of `lang` expect: `1 234,5` in French."""
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        # Narrow no-break space for thousands, comma for decimals.
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def quantity(value: float, unit: str, lang: Lang = "fr", decimals: int = 1) -> str:
    """A number with its unit, separated by a no-break space."""
    return f"{number(value, lang, decimals)}\u00a0{unit}"
