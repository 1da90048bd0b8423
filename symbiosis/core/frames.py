"""Tables row by row, where a loop over a few dozen rows reads better than arrays."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def rows(frame: pd.DataFrame) -> Iterator[Any]:
    """Each row as a named tuple (`row.quantity`); its fields are whatever the columns hold."""
    return frame.itertuples(index=False)
