"""The package's shape: one home per stage, no import cycle, no god module, faces on top.

Every import inside ``storyweave`` counts, including those deferred into a function body: a
deferred import still ties two modules together.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "storyweave"
#: The package root holds the public face, the typed objects, the options and the
#: single-module stages; everything else lives in a folder named for its job.
MAX_ROOT_MODULES = 10
#: Split a module before it grows past this (STYLE.md).
MAX_MODULE_LINES = 600
#: Faces and wings that call the pipeline; no stage may import them.
FACES = ("cli", "web", "monitor", "batch", "evaluate")
STAGES = ("clean", "nlp", "embed", "align", "diverge", "views", "summarize", "render", "ingest")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The storyweave modules ``name`` imports (``from . import x`` resolves to module x)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("storyweave"):
                target = node.module
            else:
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in known else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("storyweave")}
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, set(known)) for name, path in known.items()}


def test_package_root_holds_few_modules() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, root


def test_no_module_is_too_long() -> None:
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long


def test_no_import_cycle() -> None:
    edges = graph()
    # A package's __init__ re-exporting its own modules is not a cycle between modules.
    for name, targets in edges.items():
        edges[name] = {t for t in targets if not name.startswith(t + ".")}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_stages_never_import_faces() -> None:
    edges = graph()
    for name, targets in edges.items():
        stage = name.split(".")[1] if "." in name else ""
        if stage not in STAGES and name.split(".")[-1] not in STAGES:
            continue
        leaks = {t for t in targets if t.split(".")[1:2] and t.split(".")[1] in FACES}
        assert not leaks, f"{name} imports {leaks}"


def test_every_stage_of_the_pipeline_has_one_home() -> None:
    doc = (PACKAGE / "pipeline.py").read_text(encoding="utf-8").split('"""')[1]
    homes = [line.split(":mod:`storyweave.")[1].split("`")[0] for line in doc.splitlines()
             if ":mod:`storyweave." in line]
    assert homes, "the pipeline docstring names each stage's module"
    for home in homes:
        path = PACKAGE.joinpath(*home.split("."))
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), home


def test_the_code_passes_the_linter() -> None:
    """ruff (pinned in the test extras, rules in pyproject.toml) finds nothing in the code, the
    tests, the scripts or the benchmarks."""
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff comes with the test extras: pip install -e '.[test]'")
    folders = ["src", "tests", "scripts", "benchmarks"]
    found = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
         *folders],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )
    assert found.returncode == 0, found.stdout + found.stderr
