"""An inventory file's text: present, and UTF-8 (a BOM is tolerated), or a problem saying why not."""

from __future__ import annotations

from pathlib import Path

from symbiosis.core.problems import Problem, problem
from symbiosis.inventory.messages import MESSAGES


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file's text, or None with the problem added."""
    name = path.name
    if not path.exists():
        problems.append(problem(MESSAGES, "missing_file", name))
        return None
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(problem(MESSAGES, "encoding", name, pos=exc.start))
        return None
