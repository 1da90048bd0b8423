"""Writing results safely: atomically, and never into an inventory folder."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.i18n import Messages
from symbiosis.problems import InputError, problem

MESSAGES: Messages = {
    "inside_inventory": (
        "refus d'écrire dans le dossier d'inventaire « {folder} » : choisissez un autre emplacement",
        "refusing to write into the inventory folder '{folder}': choose another place",
    ),
}


def guard(target: Path, inventories: Iterable[Path]) -> None:
    """Refuse any output inside an inventory folder (inputs are never touched)."""
    resolved = target.resolve()
    for folder in inventories:
        root = folder.resolve()
        if resolved == root or root in resolved.parents:
            raise InputError([problem(MESSAGES, "inside_inventory", str(target), folder=folder)])


def write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates 0600 files; outputs are shared documents.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
