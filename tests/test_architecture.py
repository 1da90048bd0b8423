"""The house rules a newcomer relies on, checked on the source itself.

Data flows one way: every import goes from a step to an earlier one (the
layers below), never back, so there is no import circle, not even under
`TYPE_CHECKING` or inside a function. No module reaches into another's
private names. No module grows past `MAX_LINES`. Package `__init__.py`
files only say what their folder holds.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symbiosis"
MAX_LINES = 600

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("catalogue",),
    ("inventory", "flows"),
    ("matching", "matcher"),
    ("model",),
    ("solve",),
    ("optimize",),
    ("analysis",),
    ("report", "workbook"),
    ("cli",),
)
"""The pipeline's steps, earliest first: a module may import from its own step and earlier ones."""


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    imports: set[str] = field(default_factory=set)
    private: list[str] = field(default_factory=list)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        found[name] = Module(name, path, ast.parse(path.read_text("utf-8"), str(path)))
    for module in found.values():
        _read_imports(module, found)
    return found


def _read_imports(module: Module, modules: dict[str, Module]) -> None:
    """Every symbiosis module it imports, anywhere in the file, and every private name it takes."""
    bound: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("symbiosis"):
                    module.imports.add(alias.name)
                    bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("symbiosis"):
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                if target in modules:
                    module.imports.add(target)
                    bound.add(alias.asname or alias.name)
                else:
                    module.imports.add(node.module)
                    if alias.name.startswith("_"):
                        module.private.append(f"from {node.module} import {alias.name}")
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            module.private.append(f"{node.value.id}.{node.attr}")
    module.imports.discard(module.name)


def _layer(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) < 2:
        return None  # the package itself
    for rank, steps in enumerate(LAYERS):
        if parts[1] in steps:
            return rank
    return None


MODULES = _modules()


def test_no_import_circle() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    graph.add_edges_from((m.name, target) for m in MODULES.values() for target in m.imports if target in MODULES)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import circles: {cycles[:5]}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_to_earlier_steps(name: str) -> None:
    module = MODULES[name]
    own = _layer(name)
    if own is None:
        return
    later = sorted(t for t in module.imports if (_layer(t) or 0) > own)
    assert not later, f"{name} imports from later steps of the pipeline: {later}"


def test_every_module_is_in_a_step() -> None:
    loose = [name for name in MODULES if name.count(".") and _layer(name) is None and not name.endswith("__main__")]
    assert not loose, f"modules outside the steps of LAYERS: {loose}"


def test_no_private_name_crosses_modules() -> None:
    crossing = {m.name: m.private for m in MODULES.values() if m.private}
    assert not crossing, f"private names used from another module: {crossing}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_stays_small(name: str) -> None:
    lines = MODULES[name].path.read_text("utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines (limit {MAX_LINES}): split it by idea"


def test_package_files_only_say_what_their_folder_holds() -> None:
    for module in MODULES.values():
        if module.path.name != "__init__.py" or module.name == "symbiosis":
            continue
        body = module.tree.body
        assert len(body) == 1 and isinstance(body[0], ast.Expr), f"{module.path} should hold its docstring only"


def test_the_checks_see_a_violation() -> None:
    """The reader itself: a private import and a backward import are caught."""
    tree = ast.parse("from symbiosis.optimize import _secret\nimport symbiosis.cli.app as app\napp._hidden\n")
    probe = Module("symbiosis.core.probe", PACKAGE / "core" / "probe.py", tree)
    _read_imports(probe, MODULES)
    assert probe.private == ["from symbiosis.optimize import _secret", "app._hidden"]
    assert (_layer("symbiosis.cli.app") or 0) > (_layer(probe.name) or 0)


def test_the_architecture_picture_stays_true() -> None:
    """ARCHITECTURE.md's diagram names every step, and its arrows go forward."""
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text("utf-8")
    block = text.split("```mermaid", 1)[1].split("```", 1)[0]
    import re

    nodes = set(re.findall(r"^\s*(\w+)\[", block, flags=re.MULTILINE))
    rank = {step: position for position, steps in enumerate(LAYERS) for step in steps}
    named = {step for steps in LAYERS for step in steps}
    assert nodes <= named, f"the diagram names steps that do not exist: {sorted(nodes - named)}"
    for steps in LAYERS:
        assert nodes & set(steps), f"the diagram misses the step {steps}"
    for source, target in re.findall(r"^\s*(\w+)\s*-->\s*(\w+)", block, flags=re.MULTILINE):
        assert rank[source] < rank[target], f"the arrow {source} --> {target} goes backwards"
    for folder in sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert f"`{folder}/`" in text, f"ARCHITECTURE.md does not describe {folder}/"
