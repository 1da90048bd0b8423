"""Writing results safely: atomically, and never into an inventory folder."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.core.problems import InputError, problem
from symbiosis.core.words import Messages

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


def replace_folder(source: Path, target: Path, names: Sequence[str]) -> list[str]:
    """Put the files `names` of `source` in folder `target` in one rename.

    The files are staged in a folder beside `target`, with every other entry
    of an existing `target` (scenarios, a README) carried over; the staged
    folder is then swapped in. Returns the names carried over.
    """
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=parent))
    kept: list[str] = []
    try:
        for name in names:
            if (source / name).exists():
                shutil.copyfile(source / name, staging / name)
        if target.is_dir():
            for entry in sorted(target.iterdir()):
                if entry.name in names:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, staging / entry.name, symlinks=True)
                else:
                    shutil.copy2(entry, staging / entry.name, follow_symlinks=False)
                kept.append(entry.name)
        staging.chmod(0o777 & ~_umask())
        if not target.exists():
            os.rename(staging, target)
            return kept
        backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
        backup.rmdir()
        os.rename(target, backup)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(backup, target)
            raise
        shutil.rmtree(backup, ignore_errors=True)
        return kept
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
