"""The website's staging step (course_tools/build_site.py), without Sphinx: each interactive explorer is replaced by a
picture of that notebook's own explorer, and a notebook whose explorer has no picture stops the build; printed outputs are
merged, solutions lose nbgrader's markers and say what they are, figures get alt text, and each page opens with what it
teaches, needs and costs, from README.md's tables (course_tools/syllabus.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

from course_tools import build_site, syllabus

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


# --------------------------------------------------------------------------- what staging does to a copy
def _stream(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_consecutive_prints_of_one_stream_become_one_output():
    cell = nbformat.v4.new_code_cell("print(table)")
    cell.outputs = [_stream("a\n"), _stream("b\n"), _stream("oops\n", "stderr"), _stream("c\n"), _stream("d\n")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert build_site.merge_streams(notebook) == 2
    assert [(o.name, o.text) for o in cell.outputs] == [("stdout", "a\nb\n"), ("stderr", "oops\n"), ("stdout", "c\nd\n")]


def test_a_solution_page_loses_nbgrader_markers_and_says_it_is_a_solution():
    source = (
        "def f(x):\n    # double it\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
        "print(check(f))\n### BEGIN HIDDEN TESTS\nassert f(3) == 6\n### END HIDDEN TESTS"
    )
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Exercise 9 — Doubling\n\nText."), nbformat.v4.new_code_cell(source)]
    )
    build_site.stage_solution(notebook, "ex9_doubling.ipynb")
    title = notebook.cells[0].source
    assert title.startswith("# Solution: Exercise 9 — Doubling\n") and "solution-banner" in title
    assert "](../exercises/ex9_doubling.ipynb)" in title
    code = notebook.cells[1].source
    assert "###" not in code and "BEGIN" not in code and "END" not in code
    assert code.splitlines() == [
        "def f(x):", "    # double it", "    return 2 * x", "print(check(f))",
        build_site.SOLUTION_MARKERS["### BEGIN HIDDEN TESTS"], "assert f(3) == 6",
    ]


def test_figures_get_alt_text_from_the_text_above_them():
    figure = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    plot = nbformat.v4.new_code_cell("plotting.image_grid(x)")
    plot.outputs = [figure]
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Reconstructions\n\nThe top row shows **test digits**, see [lecture 01](01.ipynb). More."),
        nbformat.v4.new_code_cell("x = 1"),
        plot,
    ])
    assert build_site.figure_alt_texts(notebook) == 1
    alt = plot.metadata["mystnb"]["image"]["alt"]
    assert alt == "Figure: The top row shows test digits, see lecture 01."
    assert "mystnb" not in notebook.cells[1].metadata


def test_the_explorer_picture_has_alt_text_that_describes_it():
    notebook = _explorer_notebook("denoise_explorer")
    build_site.stage_notebook(notebook, "04_olivetti_denoising.ipynb")
    assert notebook.cells[1].source.startswith(f"![{build_site.EXPLORER_ALT['denoise_explorer']}](../docs/denoise_explorer.png)")


def test_every_lecture_and_exercise_has_a_readme_row_and_readable_prerequisites():
    rows = syllabus.readme_rows((ROOT / "README.md").read_text(encoding="utf-8"))
    lectures = [f"notebooks/{p.name}" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    for path in [p for p in NOTEBOOKS if p.parent.name != "solutions"]:
        relative = f"{path.parent.name}/{path.name}"
        assert relative in rows, f"README.md has no row for {relative}"
        for needed in syllabus.needs(relative, lectures):
            assert (ROOT / needed).is_file(), f"syllabus.NEEDS names {needed} for {relative}; it does not exist"
            if relative in lectures:
                assert lectures.index(needed) < lectures.index(relative), f"{relative} needs a later lecture"
    assert all(path in rows for path in syllabus.NEEDS), "syllabus.NEEDS names a notebook README.md does not list"


def test_a_lecture_page_opens_with_what_it_teaches_needs_and_costs():
    rows = {
        "notebooks/00_a.ipynb": syllabus.Row("notebooks/00_a.ipynb", "A", "the basics", "0.4"),
        "notebooks/07_b.ipynb": syllabus.Row("notebooks/07_b.ipynb", "B", "more", "13.8"),
    }
    titles = {"notebooks/00_a.ipynb": "Lecture 00 — A", "notebooks/07_b.ipynb": "Lecture 07 — B"}
    box = build_site.facts_box("notebooks/07_b.ipynb", rows, titles, list(rows))
    assert "**What it teaches:** more" in box and "[Lecture 00 — A](../notebooks/00_a.ipynb)" in box
    assert "about 14 minutes" in box and "page-facts" in box
    assert "under a minute" in build_site.facts_box("notebooks/00_a.ipynb", rows, titles, list(rows))
    with pytest.raises(ValueError, match="no row in README.md"):
        build_site.facts_box("notebooks/08_c.ipynb", rows, titles, list(rows))


def test_the_landing_page_tables_link_titles_and_show_solutions_to_instructors_only():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    public, instructor = build_site.landing_page(readme, {}), build_site.landing_page(readme, {}, instructor=True)
    assert "| lecture | what it shows | minutes (CPU) |" in public
    assert "[01 · A dense autoencoder on MNIST](notebooks/01_dense_mnist_autoencoder.ipynb)" in public
    assert "](notebooks/" in public and "](solutions/" not in public and "BEGIN HIDDEN TESTS" not in public
    assert "[Exercise 1](exercises/ex1_transformations.ipynb) ([solution](solutions/ex1_transformations.ipynb))" in instructor
    assert f"]({build_site.RUN_PAGE}.md)" in public and "## Install, run, test" not in public


def test_the_run_page_names_the_repository_and_readmes_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    template = (ROOT / "website" / f"{build_site.RUN_PAGE}.md").read_text(encoding="utf-8")
    page = build_site.run_page(template, readme, instructor=False)
    assert "{{" not in page and f"git clone {build_site.launch_links.repository_url()}\n" in page
    assert 'python -m pip install -e ".[dev]" -c constraints.txt' in readme, "the run page's install line must be README's"
    assert 'python -m pip install -e ".[dev]" -c constraints.txt' in page
    assert "nbgrader generate_assignment" in page and "--instructor" in page
