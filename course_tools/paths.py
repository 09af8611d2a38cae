"""Where the course's folders are: the tools work on the repository they are installed from."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
DOCS = ROOT / "docs"
PYPROJECT = ROOT / "pyproject.toml"

if not PYPROJECT.is_file():
    raise ImportError(
        f"course_tools works on a clone of the course repository, installed with `python -m pip install -e .`; "
        f"found no pyproject.toml in {ROOT}."
    )
