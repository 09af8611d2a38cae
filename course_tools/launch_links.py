"""Give every notebook "Open in Colab" / "Launch Binder" links and a Colab-only install line.

    python -m course_tools.launch_links            # update notebooks/, solutions/ and exercises/ in place
    python -m course_tools.launch_links --check    # exit 1, naming each notebook that is out of date
    python -m course_tools.launch_links --root DIR [PATHS ...]   # other notebooks; links use paths relative to DIR

Everything is generated from ONE setting, the repository URL in pyproject.toml's [project.urls]
("Repository"), so a fork changes that one line and runs this script again. Each notebook gets

* a markdown cell at the top (id and tag ``launch-links``) linking to that notebook's own path on
  Colab and Binder (Binder builds the repository's environment.yml); an exercise and its solution
  share one cell that links to both, so the exercise generator, which copies the solution's cells,
  keeps it right (run this script, then `python -m course_tools.release`);
* at the top of its first code cell, an install of the course package that runs only on Colab, where
  ``google.colab`` is imported; everywhere else the lines only look for ``course_utils`` and, when it is
  missing (a notebook downloaded on its own), stop with the command that installs it.

Running it twice changes nothing; outputs are left as they are (the lines print nothing where the
course is installed). :func:`check_publishable` (run by `python -m course_tools.build_site --publish`)
fails while the setting is still the placeholder this repository ships with, so no one publishes dead
links. The links are plain text, not badge images, so the notebooks and the course website show no
broken image without internet.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

import nbformat

from course_tools.paths import PYPROJECT, ROOT

FOLDERS = ("notebooks", "solutions", "exercises")
PAIRED = ("exercises", "solutions")  # an exercise and its solution share one launch cell
BRANCH = "main"
# The value pyproject.toml ships with: the course's real address is not known yet. Links built from it lead nowhere.
PLACEHOLDER_REPOSITORY = "https://github.com/autoencoders-course/autoencoders-course"
CELL_ID = "launch-links"
HOW_TO_RUN = "README.md#install-run-test"  # where "run it yourself" points in a notebook: the README's section
COLAB = "https://colab.research.google.com"
BINDER = "https://mybinder.org"
_GITHUB = re.compile(r"^https://github\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?/?$")
# The generated lines at the top of a first code cell, this version's or an earlier one's: imports, then the
# `if "google.colab" ...:` block with its `elif`/`else` branches, up to the first blank line.
_SNIPPET = re.compile(
    r'\A(?:import [^\n]*\n)+\nif "google\.colab" in sys\.modules:[^\n]*\n'
    r'(?:(?:    |elif |else:)[^\n]*\n)*?    subprocess\.run\(\[sys\.executable, "-m", "pip"[^\n]*\n'
    r'(?:(?:    |elif |else:)[^\n]*\n)*(?:\n|\Z)'
)


def repository_url(pyproject: Path = PYPROJECT) -> str:
    """Return the repository URL from pyproject.toml's [project.urls] Repository (a GitHub URL)."""
    urls = tomllib.loads(pyproject.read_text())["project"].get("urls", {})
    url = urls.get("Repository", "")
    if not _GITHUB.match(url):
        raise ValueError(f"pyproject.toml [project.urls] Repository must be https://github.com/OWNER/NAME, got {url!r}")
    return url.rstrip("/").removesuffix(".git")


def _owner_and_name(url: str) -> tuple[str, str]:
    match = _GITHUB.match(url)
    if not match:
        raise ValueError(f"url must be https://github.com/OWNER/NAME, got {url!r}")
    return match["owner"], match["name"]


def colab_url(path: str, url: str | None = None) -> str:
    """Return the Colab address that opens the notebook at ``path`` (relative to the repository root)."""
    owner, name = _owner_and_name(url or repository_url())
    return f"{COLAB}/github/{owner}/{name}/blob/{BRANCH}/{quote(path)}"


def binder_url(path: str, url: str | None = None) -> str:
    """Return the Binder address that builds the repository and opens ``path`` in JupyterLab."""
    owner, name = _owner_and_name(url or repository_url())
    return f"{BINDER}/v2/gh/{owner}/{name}/{BRANCH}?labpath={quote(path, safe='')}"


def how_to_run_url(url: str | None = None) -> str:
    """Return the address of the README's section on installing and running the course yourself."""
    return f"{url or repository_url()}/blob/{BRANCH}/{HOW_TO_RUN}"


def launch_markdown(path: str, url: str | None = None, pair: bool | None = None, how_to_run: str | None = None) -> str:
    """Return the text of the launch-links cell for the notebook at ``path``.

    An exercise and its solution share one text that links to both (``pair``, the default for those
    two folders): the exercise generator copies the solution's cell into the exercise unchanged.
    ``how_to_run`` is where "run it yourself" points (default: the README's install section on GitHub).
    """
    folder, _, name = path.rpartition("/")
    if pair is None:
        pair = folder in PAIRED
    how_to_run = how_to_run or how_to_run_url(url)
    if not pair:
        return (
            f"[Open in Colab]({colab_url(path, url)}) · [Launch Binder]({binder_url(path, url)}) "
            f"· or [run it on your own computer]({how_to_run})"
        )
    exercise, solution = f"{PAIRED[0]}/{name}", f"{PAIRED[1]}/{name}"
    return (
        f"**The exercise:** [Open in Colab]({colab_url(exercise, url)}) · [Launch Binder]({binder_url(exercise, url)}) "
        f"— **its solution:** [Open in Colab]({colab_url(solution, url)}) · [Launch Binder]({binder_url(solution, url)}) "
        f"— or [run them on your own computer]({how_to_run})"
    )


def colab_snippet(url: str | None = None) -> str:
    """Return the lines that start the first code cell.

    On Colab they install the course package. Elsewhere they check that ``course_utils`` is importable and,
    when it is not (a notebook downloaded from the website on its own), stop with the commands that install it.
    """
    url = url or repository_url()
    package = tomllib.loads(PYPROJECT.read_text())["project"]["name"]
    folder = _owner_and_name(url)[1]
    # Plain Python, not %pip: the exercise generator and the tests parse the cells as Python.
    return (
        "import importlib.util\nimport subprocess\nimport sys\n\n"
        'if "google.colab" in sys.modules:  # on Colab only: install the course helpers (Colab has TensorFlow and Keras)\n'
        f'    course = "{package} @ git+{url}.git@{BRANCH}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", course], check=True)\n'
        'elif importlib.util.find_spec("course_utils") is None:  # e.g. a notebook downloaded on its own\n'
        "    raise ModuleNotFoundError(\n"
        '        "This notebook needs the course package (course_utils). In a terminal, get the course and install it:\\n"\n'
        f'        "    git clone {url}\\n"\n'
        f'        "    cd {folder}\\n"\n'
        '        "    python -m pip install -e \\".[dev]\\" -c constraints.txt\\n"\n'
        '        "then run `jupyter lab` in that folder and open this notebook there (exercises are in exercises/).\\n"\n'
        f'        "Step by step: {how_to_run_url(url)}"\n'
        "    )\n\n"
    )


def check_publishable(url: str | None = None) -> str:
    """Return the repository URL, or raise ValueError while it is still the placeholder this course ships with."""
    url = url or repository_url()
    if url.rstrip("/").removesuffix(".git") == PLACEHOLDER_REPOSITORY:
        raise ValueError(
            f"pyproject.toml [project.urls] Repository is still the placeholder {PLACEHOLDER_REPOSITORY}: every Colab, "
            "Binder and repository link would lead nowhere. Set it to the course's real GitHub address, run "
            "`python -m course_tools.launch_links` and `python -m course_tools.release`, then publish."
        )
    return url


def _is_launch_cell(cell: nbformat.NotebookNode) -> bool:
    return cell.get("id") == CELL_ID or CELL_ID in cell.metadata.get("tags", [])


def update_notebook(
    notebook: nbformat.NotebookNode, path: str, url: str | None = None, pair: bool | None = None, how_to_run: str | None = None
) -> bool:
    """Put the launch cell and the Colab install lines for ``path`` into ``notebook``; return whether it changed.

    A launch cell already there is rewritten where it stands (the exercise generator puts its note above
    it); a notebook without one gets it as its first cell.
    """
    url = url or repository_url()
    before = nbformat.writes(notebook)
    text = launch_markdown(path, url, pair, how_to_run)
    found = [i for i, cell in enumerate(notebook.cells) if _is_launch_cell(cell)]
    if found:
        cell = notebook.cells[found[0]]
        cell.source = text
        cell.metadata["tags"] = [*[t for t in cell.metadata.get("tags", []) if t != CELL_ID], CELL_ID]
        notebook.cells = [c for i, c in enumerate(notebook.cells) if i not in found[1:]]
    else:
        cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": [CELL_ID]})
        if notebook.get("nbformat_minor", 0) >= 5:
            cell.id = CELL_ID
        else:
            del cell["id"]
        notebook.cells.insert(0, cell)
    if "nbgrader" not in cell.metadata and any("nbgrader" in c.metadata for c in notebook.cells):
        cell.metadata["nbgrader"] = {  # an nbgrader notebook: a read-only cell, as students may not edit it
            "grade": False, "grade_id": CELL_ID, "locked": True, "schema_version": 3, "solution": False, "task": False,
        }
    code = [c for c in notebook.cells if c.cell_type == "code"]
    if code:
        code[0].source = colab_snippet(url) + _SNIPPET.sub("", code[0].source, count=1)
    return nbformat.writes(notebook) != before


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    """Return ``notebook`` as nbformat writes it, with a final newline (as the other tools write it)."""
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def default_paths(root: Path) -> list[Path]:
    """Return every notebook in the course folders under ``root``."""
    return sorted(p for folder in FOLDERS for p in (root / folder).glob("*.ipynb"))


def process(paths: list[Path], root: Path, check: bool, url: str | None = None) -> list[Path]:
    """Update (or with ``check`` only find) the notebooks whose launch links are missing or stale."""
    stale = []
    for path in paths:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
        notebook = nbformat.read(path, as_version=4)
        if update_notebook(notebook, relative, url):
            stale.append(path)
            if not check:
                path.write_text(notebook_text(notebook), encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/, solutions/, exercises/ under --root)")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root; links use notebook paths relative to it")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is out of date")
    args = parser.parse_args(argv)
    paths = args.paths or default_paths(args.root)
    stale = process(paths, args.root, args.check)
    for path in stale:
        print(f"{path}: {'launch links out of date (run python -m course_tools.launch_links)' if args.check else 'updated'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
