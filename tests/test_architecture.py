"""How the packages depend on each other: students' `course_utils` never reaches for the instructors' `course_tools`
or for the generated lecture modules, and no two modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("course_utils", "course_tools")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the course modules ``path`` imports anywhere (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {name for name in names if name in modules}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_the_student_package_needs_nothing_of_the_instructors():
    for module, imported in _graph().items():
        if module.startswith("course_utils") and not module.startswith("course_utils.lectures"):
            bad = {name for name in imported if name.startswith(("course_tools", "course_utils.lectures"))}
            assert not bad, f"{module} imports {sorted(bad)}"


def test_the_student_package_imports_no_notebook_tooling():
    third_party = {"nbformat", "nbclient", "nbgrader", "sphinx"}
    for path in (ROOT / "course_utils").rglob("*.py"):
        imported = {
            (alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert not imported & third_party, f"{path.relative_to(ROOT)} imports {imported & third_party}"


def test_no_import_cycles():
    graph = _graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module):] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            # importing a package's submodule runs the package's __init__ first; that edge is not a cycle of ours
            if not module.startswith(imported + "."):
                visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
