"""The two ways to install the course (pip and conda) must not drift apart, and .ci/run must run
exactly the README's install and test commands."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {_name(r): r.replace(" ", "") for r in requirements}


def _environment_pip_requirements() -> list[str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [item["pip"] for item in environment["dependencies"] if isinstance(item, dict) and "pip" in item]
    assert len(pip_sections) == 1, "environment.yml must have exactly one pip section"
    return pip_sections[0]


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    from_environment = {_name(r): r.replace(" ", "") for r in _environment_pip_requirements() if not r.startswith("-e")}
    assert from_environment == _pyproject_requirements()


def test_environment_yml_installs_the_package_and_python_311():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "-e ." in _environment_pip_requirements()
    assert "python=3.11" in environment["dependencies"]


def test_ci_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for command in ('python -m pip install -e ".[dev]"', "python -m pytest"):
        assert command in readme, f"README.md must show {command!r}"
        assert re.search(rf"^{re.escape(command)}$", ci, re.MULTILINE), f".ci/run must run {command!r} as it is"
    assert "set -euo pipefail" in ci and "COURSE_DATA_DIR" in ci and "COURSE_QUICK=1" in ci
