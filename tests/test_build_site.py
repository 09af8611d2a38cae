"""The website's staging step (course_tools/build_site.py), without Sphinx: each interactive explorer is replaced by a
picture of that notebook's own explorer, and a notebook whose explorer has no picture stops the build."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

from course_tools import build_site

NOTEBOOKS = sorted(p for folder in ("notebooks", "exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb"))


def _explorer_notebook(function: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"widgets.{function}(decoder, codes, labels)")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.name}" for p in NOTEBOOKS])
def test_every_notebook_stages_with_pictures_that_exist(path):
    pictures = build_site.stage_notebook(nbformat.read(path, as_version=4), path.name)
    assert all((ROOT / "docs" / picture).is_file() for picture in pictures), f"{path.name} needs {pictures}"


def test_every_listed_picture_is_in_docs_and_names_a_notebook_that_calls_its_explorer():
    for (notebook, function), picture in build_site.EXPLORER_PICTURES.items():
        assert (ROOT / "docs" / picture).is_file(), f"docs/{picture} is missing"
        source = "\n".join(c.source for c in nbformat.read(ROOT / "notebooks" / notebook, as_version=4).cells)
        assert build_site._calls(source, function), f"{notebook} does not call {function}()"


def test_the_same_explorer_in_two_lectures_gets_two_pictures():
    staged = {}
    for name in ("02_latent_space_and_generation.ipynb", "05_sparse_and_variational_autoencoders.ipynb"):
        notebook = _explorer_notebook("latent_explorer")
        staged[name] = build_site.stage_notebook(notebook, name)
        assert len(notebook.cells) == 2 and staged[name][0] in notebook.cells[1].source
    assert staged["02_latent_space_and_generation.ipynb"] != staged["05_sparse_and_variational_autoencoders.ipynb"]


def test_an_explorer_without_a_picture_stops_the_build_with_its_notebook_named():
    with pytest.raises(ValueError, match=r"06_new_lecture\.ipynb calls latent_explorer\(\).*EXPLORER_PICTURES"):
        build_site.stage_notebook(_explorer_notebook("latent_explorer"), "06_new_lecture.ipynb")
