"""One list of dependencies (pyproject.toml), one list of tested versions (constraints.txt), and every way to
install the course (pip, conda, CI) uses both; .ci/run runs exactly the README's install and test commands."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
INSTALL = 'python -m pip install -e ".[dev]" -c constraints.txt'
TEST = "python -m pytest"


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"constraints.txt: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = pinned.strip()
    return pins


def test_every_dependency_is_pinned_at_a_version_its_floor_allows():
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"constraints.txt pins no version of {requirement.name}"
        assert requirement.specifier.contains(pins[name]), f"{requirement}: constraints.txt pins {pins[name]}"


def test_environment_yml_installs_from_pyproject_with_the_constraints():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [item["pip"] for item in environment["dependencies"] if isinstance(item, dict) and "pip" in item]
    assert pip_sections == [["-c constraints.txt", "-e .[dev]"]], "environment.yml must name no package of its own"
    assert "python=3.11" in environment["dependencies"]


def test_ci_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for command in (INSTALL, TEST):
        assert command in readme, f"README.md must show {command!r}"
        assert re.search(rf"^{re.escape(command)}$", ci, re.MULTILINE), f".ci/run must run {command!r} as it is"
    assert "set -euo pipefail" in ci and "COURSE_DATA_DIR" in ci and "COURSE_QUICK=1" in ci


def test_the_version_is_kept_once():
    import course_utils

    assert course_utils.__version__ == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
