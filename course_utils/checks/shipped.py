"""Make a graded test cell run the course's own checks, whatever the notebook did to the name ``checks``.

A graded test cell of an exercise starts with a hidden block (nbgrader removes it from the students' copy)::

    import sys; _course = {name: sys.modules.pop(name) for name in [*sys.modules] if name.split(".")[0] == "course_utils"}
    from course_utils.checks.shipped import genuine; checks = genuine(checks, _course)

The first line takes every ``course_utils`` module out of ``sys.modules`` (keeping them aside), so the second line
imports the checks afresh from the installed files, past anything the notebook rebound, shadowed or put into
``sys.modules``. :func:`genuine` then compares the notebook's ``checks`` with the fresh import, function by function
(code, defaults, the helpers they call), checks that the files are the ones pinned at release
(:data:`PIN_FILE`, when present), puts the notebook's modules back, and returns the fresh checks for the test to
call. When anything differs the test fails with :class:`ChecksReplaced`, naming what was changed.

What it cannot stop: code that runs in the same process and goes further (replacing ``sys.modules["sys"]``,
``builtins.__import__`` or NumPy functions, editing ``sys.path`` to import look-alike files, or patching the checks
while one of them calls the student's function). The tamper report flags such code, and the sandboxed autograde
keeps the installed files read-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import types
from pathlib import Path

from course_utils.checks._core import CheckFailed

PIN_FILE = "course_checks.json"  # written next to each source notebook by `python -m course_tools.grading prepare`
_CONSTANTS = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset)


class ChecksReplaced(CheckFailed):
    """Raised when a notebook's ``checks`` is not the course's own: the graded test scores 0 and the tamper report lists it."""


def _course(name: str) -> bool:
    return name.split(".")[0] == "course_utils"


def _function_differences(current: object, fresh: types.FunctionType, path: str, seen: set[tuple[int, int]]) -> list[str]:
    if not isinstance(current, types.FunctionType):
        return [f"{path} is a {type(current).__name__}, not the course's function"]
    same = (
        current.__code__ == fresh.__code__
        and current.__defaults__ == fresh.__defaults__
        and current.__kwdefaults__ == fresh.__kwdefaults__
        and current.__module__ == fresh.__module__
    )
    if not same:
        return [f"{path} was replaced"]
    problems = []
    for cell, fresh_cell in zip(current.__closure__ or (), fresh.__closure__ or (), strict=False):
        problems += _differences(cell.cell_contents, fresh_cell.cell_contents, f"{path} (inside)", seen)
    return problems


def _class_differences(current: object, fresh: type, path: str, seen: set[tuple[int, int]]) -> list[str]:
    if not isinstance(current, type) or current.__qualname__ != fresh.__qualname__:
        return [f"{path} is not the course's class {fresh.__qualname__}"]
    problems = []
    for name, value in vars(fresh).items():
        inner = getattr(value, "__func__", value)  # staticmethod, classmethod
        if isinstance(inner, types.FunctionType):
            other = vars(current).get(name)
            problems += _function_differences(getattr(other, "__func__", other), inner, f"{path}.{name}", seen)
    return problems


def _differences(current: object, fresh: object, path: str, seen: set[tuple[int, int]]) -> list[str]:
    """Return what differs between what the notebook holds (``current``) and the fresh import (``fresh``)."""
    if (id(current), id(fresh)) in seen:
        return []
    seen.add((id(current), id(fresh)))
    if isinstance(fresh, types.ModuleType):
        if type(current) is not types.ModuleType or current.__name__ != fresh.__name__:
            return [f"{path} is not the module {fresh.__name__}"]
        if not _course(fresh.__name__):
            return []  # NumPy, Keras, ...: shared by both imports, not the course's to compare
        problems = []
        for name, value in vars(fresh).items():
            if name.startswith("__"):
                continue
            if isinstance(value, (types.ModuleType, types.FunctionType, type, *_CONSTANTS)):
                if name not in vars(current) and isinstance(value, types.ModuleType):
                    continue  # a submodule the notebook has not imported (yet)
                if name not in vars(current):
                    problems.append(f"{path}.{name} was deleted")
                else:
                    problems += _differences(vars(current)[name], value, f"{path}.{name}", seen)
        return problems
    if isinstance(fresh, types.FunctionType):
        return _function_differences(current, fresh, path, seen) if _course(fresh.__module__ or "") else []
    if isinstance(fresh, type):
        return _class_differences(current, fresh, path, seen) if _course(fresh.__module__) else []
    if isinstance(fresh, _CONSTANTS):
        try:
            return [] if type(current) is type(fresh) and current == fresh else [f"{path} was changed"]
        except Exception:  # a comparison that raises is a changed value too
            return [f"{path} was changed"]
    return []


def file_digests(package: Path) -> dict[str, str]:
    """Return the SHA-256 of every ``.py`` file of the checks package, by path relative to ``course_utils``."""
    return {
        path.relative_to(package.parent).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(package.glob("*.py"))
    }


def _file_problems(fresh: types.ModuleType, pin_file: Path) -> list[str]:
    """Return how the checks on disk differ from the pins recorded at release (none when there is no pin file)."""
    package = Path(fresh.__file__).resolve().parent
    if not pin_file.is_file():
        return []
    try:
        pinned = json.loads(pin_file.read_text())
        files = dict(pinned["files"])
    except (ValueError, KeyError, TypeError):
        return [f"{pin_file.name} is damaged"]
    found = file_digests(package)
    changed = sorted(name for name in files.keys() | found.keys() if files.get(name) != found.get(name))
    return [f"{name} differs from the file released with this exercise" for name in changed]


def genuine(notebook_checks: object, saved_modules: dict[str, types.ModuleType]) -> types.ModuleType:
    """Return the freshly imported checks after making sure ``notebook_checks`` (what the notebook calls ``checks``)
    is the same code and the files are the released ones; put ``saved_modules`` back into ``sys.modules``.

    Call it as the module docstring shows: right after taking the ``course_utils`` modules out of ``sys.modules``.
    """
    fresh = sys.modules.get("course_utils.checks")
    current = {name: module for name, module in sys.modules.items() if _course(name)}
    try:
        if fresh is None or not saved_modules or fresh is saved_modules.get("course_utils.checks"):
            raise ValueError("genuine() must run right after the course_utils modules were taken out of sys.modules (see its module).")
        problems = _differences(notebook_checks, fresh, "checks", set())
        problems += _file_problems(fresh, Path(os.getcwd()) / PIN_FILE)
    finally:
        for name in current:
            sys.modules.pop(name, None)
        sys.modules.update(saved_modules)
    if problems:
        shown = "; ".join(problems[:4]) + ("; ..." if len(problems) > 4 else "")
        raise ChecksReplaced(
            f"the course's checks were changed in this notebook ({shown}). A graded test only counts with the course's own "
            "checks, so it scores 0 here; run the notebook again from the top without changing `checks`."
        )
    return fresh


# The two lines a graded test cell starts with (inside BEGIN/END HIDDEN TESTS); course_tools.grading checks every test
# cell has them.
PRELUDE = (
    'import sys; _course = {name: sys.modules.pop(name) for name in [*sys.modules] if name.split(".")[0] == "course_utils"}\n'
    "from course_utils.checks.shipped import genuine; checks = genuine(checks, _course)  # the course's own checks"
)
