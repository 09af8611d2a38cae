"""Build the course website from the committed notebooks, offline, executing nothing.

    python -m course_tools.build_site                 # the public site: lectures and exercises -> build/site/html/
    python -m course_tools.build_site --instructor    # adds the solutions, for instructors -> build/site-instructor/html/
    python -m course_tools.build_site --publish       # refuses while pyproject.toml names the placeholder repository

The pages are staged in <out>/src/ with the repository's layout, then Sphinx (configuration in website/conf.py)
turns them into HTML in <out>/html/. Staging changes only the copies, never the committed notebooks:

* index: README.md's introduction (up to "## Teaching with this course"), its tables shortened to fit a page;
  run_it_yourself: website/run_it_yourself.md with README's "Teaching with this course" section;
* every notebooks/*.ipynb in file-name order (a new lecture appears by being there), the exercises and, in the
  instructor build only, the solutions (retitled "Solution: ...", with a banner and without nbgrader's markers);
* each lecture and exercise page opens with what it teaches, what to read first and its CPU time (course_tools/syllabus);
* an interactive explorer, which needs a running kernel, is shown as its picture from docs/ with one sentence on
  how to get the live version; consecutive printed outputs become one box; figures get alt text from the text above;
* a page's download button gives the committed notebook, without anything added for the site.

Warnings fail the build, so a broken link or a missing picture is caught here.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

from course_tools import launch_links, syllabus
from course_tools.paths import ROOT

OUT = ROOT / "build" / "site"
INSTRUCTOR_OUT = ROOT / "build" / "site-instructor"
WEBSITE = ROOT / "website"
LANDING_END = "\n## Teaching with this course"
TEACHING = ("## Teaching with this course", "\n## Install, run, test")  # the README section on the run-it-yourself page
RUN_PAGE = "run_it_yourself"
SECTIONS = (  # (folder, caption in the site's navigation, in the public build)
    ("notebooks", "Lectures", True),
    ("exercises", "Exercises", True),
    ("solutions", "Solutions (instructors' build)", False),
)
# (notebook file name, explorer function) -> its picture in docs/, taken in JupyterLab by
# tests/browser/test_jupyterlab.py. Pictures are per notebook: the same explorer shows another model elsewhere.
EXPLORER_PICTURES = {
    ("02_latent_space_and_generation.ipynb", "latent_explorer"): "latent_explorer.png",
    ("04_olivetti_denoising.ipynb", "denoise_explorer"): "denoise_explorer.png",
    ("05_sparse_and_variational_autoencoders.ipynb", "latent_explorer"): "vae_latent_explorer.png",
}
EXPLORER_FUNCTIONS = sorted({function for _, function in EXPLORER_PICTURES})
EXPLORER_ALT = {  # what a reader of the picture sees, for the picture's alt text
    "latent_explorer": "The latent explorer in JupyterLab: two sliders pick a point of the 2-D code plane, marked on the "
    "scatter of test codes, and the decoder's image of that point is shown beside it",
    "denoise_explorer": "The denoise explorer in JupyterLab: sliders pick a held-out face and the noise level; the clean "
    "face, its noisy copy and the denoiser's output are shown with their PSNR",
}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LIVE_SENTENCE = (
    "*A picture of the explorer: its sliders need a running Python kernel. To move them, open this notebook "
    "with the Colab or Binder button at the top of the page, or run it on your own computer.*"
)
SOLUTION_MARKERS = {  # nbgrader's marker lines in a solution's code -> what the instructors' page shows instead
    "### BEGIN SOLUTION": None,
    "### END SOLUTION": None,
    "### BEGIN HIDDEN TESTS": "# Hidden tests: nbgrader grades with them; the students' copy does not have them",
    "### END HIDDEN TESTS": None,
}
_MARKER_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (?:BEGIN|END) (?:SOLUTION|HIDDEN TESTS))[ \t]*$", re.MULTILINE)


# --------------------------------------------------------------------------- notebooks
def _calls(source: str, function: str) -> bool:
    return re.search(rf"(?<!def )\b{function}\(", source) is not None


def _new_markdown_cell(notebook: nbformat.NotebookNode, text: str, cell_id: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    if notebook.get("nbformat_minor", 0) < 5:
        del cell["id"]
    else:
        cell.id = cell_id[:64]
    return cell


def stage_notebook(notebook: nbformat.NotebookNode, name: str, depth: int = 1) -> list[str]:
    """Replace widget outputs by the explorer's picture and a sentence; return the pictures it needs.

    ``name`` is the notebook's file name, which picks the picture (see ``EXPLORER_PICTURES``)."""
    notebook.metadata.pop("widgets", None)
    cells, pictures = [], []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", []) if WIDGET_MIME not in o.get("data", {})]
        for function in EXPLORER_FUNCTIONS:
            if _calls(cell.source, function):
                picture = EXPLORER_PICTURES.get((name, function))
                if picture is None:
                    raise ValueError(
                        f"{name} calls {function}() but course_tools/build_site.py has no picture of it in EXPLORER_PICTURES; "
                        "add one there and to EXPLORERS in tests/browser/test_jupyterlab.py, which takes it"
                    )
                pictures.append(picture)
                image = "../" * depth + f"docs/{picture}"
                text = f"![{EXPLORER_ALT[function]}]({image})\n\n{LIVE_SENTENCE}"
                cells.append(_new_markdown_cell(notebook, text, f"{cell.get('id', 'cell')}-picture"))
    notebook.cells = cells
    return pictures


def merge_streams(notebook: nbformat.NotebookNode) -> int:
    """Join consecutive outputs of one stream (one printed table, printed line by line) into one; return how many went."""
    merged = 0
    for cell in notebook.cells:
        outputs = []
        for output in cell.get("outputs", []):
            last = outputs[-1] if outputs else None
            if output.output_type == "stream" and last is not None and last.output_type == "stream" and last.name == output.name:
                last.text += output.text
                merged += 1
            else:
                outputs.append(output)
        if cell.cell_type == "code":
            cell.outputs = outputs
    return merged


def strip_solution_markers(source: str) -> str:
    """Return a solution cell's code without nbgrader's marker lines; a hidden-test block is introduced by a comment."""

    def replace(match: re.Match) -> str:
        text = SOLUTION_MARKERS[match["marker"]]
        return f"{match['indent']}{text}" if text else "\0"

    lines = _MARKER_LINE.sub(replace, source).split("\n")
    return "\n".join(line for line in lines if line != "\0")


def _title_cell(notebook: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """Return the markdown cell with the page title (first '# ' line) and that line's index in it."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for index, line in enumerate(cell.source.split("\n")):
                if line.startswith("# "):
                    return cell, index
    raise ValueError("the notebook has no title (a markdown line starting with '# ')")


def notebook_title(notebook: nbformat.NotebookNode) -> str:
    """Return the notebook's title: its first '# ' heading, without the '# '."""
    cell, index = _title_cell(notebook)
    return cell.source.split("\n")[index][2:].strip()


def _insert_after_title(notebook: nbformat.NotebookNode, text: str) -> None:
    cell, index = _title_cell(notebook)
    lines = cell.source.split("\n")
    cell.source = "\n".join([*lines[: index + 1], "", text, "", *lines[index + 1 :]]).rstrip("\n")


def stage_solution(notebook: nbformat.NotebookNode, name: str) -> None:
    """Make a solution notebook an instructors' page: 'Solution: ' title, a banner, nbgrader markers removed."""
    cell, index = _title_cell(notebook)
    lines = cell.source.split("\n")
    lines[index] = f"# Solution: {lines[index][2:].strip()}"
    cell.source = "\n".join(lines)
    _insert_after_title(
        notebook,
        "```{admonition} The solution, for instructors\n:class: warning solution-banner\n"
        f"This page is the complete notebook with the answers, from the instructors' build of the site. Students work in "
        f"[the exercise](../exercises/{name}), which is nbgrader's release of this notebook: the code between nbgrader's "
        "solution markers becomes `raise NotImplementedError()`, and the hidden tests are left out.\n```",
    )
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = strip_solution_markers(cell.source)


def facts_box(path: str, rows: dict[str, syllabus.Row], titles: dict[str, str], lectures: list[str]) -> str:
    """Return the box that opens a lecture or exercise page: what it teaches, what to read first, its CPU time."""
    row = rows.get(path)
    if row is None:
        raise ValueError(f"{path} has no row in README.md's tables; add one (the website's page header comes from it)")
    folder = path.split("/")[0]
    first = syllabus.needs(path, lectures)
    before = ", ".join(f"[{titles[p]}](../{p})" for p in first) if first else "basic Python and NumPy, and what a neural network layer is"
    what = "What you do" if folder == "exercises" else "What it teaches"
    minutes = syllabus.minutes_text(row.minutes)
    quick = ", and quick mode (`COURSE_QUICK=1`) gives a rough run in a minute or two" if float(row.minutes) >= 3 else ""
    return (
        "```{admonition} At a glance\n:class: tip page-facts\n"
        f"- **{what}:** {row.what}\n"
        f"- **Read first:** {before}\n"
        f"- **Running time:** {minutes} on a 2-core laptop CPU the first time; a rerun loads the trained weights "
        f"from the cache{quick}\n```"
    )


_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`$#]|<[^>]+>")


def _plain_sentence(markdown: str, limit: int = 220) -> str:
    """Return the first sentence of ``markdown`` as plain text (links by their text, no emphasis, code or TeX marks)."""
    lines = [line for line in markdown.split("\n") if line.strip() and not line.lstrip().startswith(("```", "|"))]
    prose = [line for line in lines if not line.startswith("#")] or lines
    text = re.sub(r"\s+", " ", _MARKUP.sub(lambda m: m.group(1) or "", " ".join(prose))).strip()
    sentence = re.split(r"(?<=[.!?:])\s", text, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def figure_alt_texts(notebook: nbformat.NotebookNode) -> int:
    """Give each figure output alt text: the first sentence of the text cell above it (which says what it shows)."""
    count, text = 0, ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = cell.source
            continue
        if cell.cell_type == "code" and any(k.startswith("image/") for o in cell.get("outputs", []) for k in o.get("data", {})):
            alt = _plain_sentence(text) if text.strip() else "Figure"
            cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = f"Figure: {alt}"
            count += 1
    return count


def own_launch_links(notebook: nbformat.NotebookNode, path: str, depth: int = 1) -> None:
    """On the site, a page's launch cell links to that page's notebook only and 'run it yourself' to the site's page."""
    if any(launch_links.CELL_ID in cell.metadata.get("tags", []) for cell in notebook.cells):
        launch_links.update_notebook(notebook, path, pair=False, how_to_run="../" * depth + f"{RUN_PAGE}.md")


# --------------------------------------------------------------------------- landing page and run-it-yourself page
def site_tables(text: str, rows: dict[str, syllabus.Row], instructor: bool) -> str:
    """Return ``text`` with README's notebook and exercise tables shortened for a page: the title is the link."""
    lines = text.split("\n")
    for start, end in reversed(syllabus.table_lines(text)):
        header = [h.lower() for h in syllabus.cells(lines[start])]
        if header[0] not in ("notebook", "exercise"):
            continue
        new = ["| " + header[0].replace("notebook", "lecture") + " | " + " | ".join(syllabus.cells(lines[start])[-2:]) + " |"]
        new.append("|---|---|---|")
        for line in lines[start + 2 : end]:
            row = rows[syllabus.link_target(syllabus.cells(line)[0])]
            number = re.match(r"(?:ex)?(\d+)", row.path.split("/")[1])[1]
            if header[0] == "notebook":
                link = f"[{number} · {row.title}]({row.path})"
            else:
                link = f"[Exercise {int(number)}]({row.path})" + (f" ([solution]({row.solution}))" if instructor else "")
            new.append(f"| {link} | {row.what} | {row.minutes} |")
        lines[start:end] = new
    return "\n".join(lines)


def landing_page(readme: str, pages: dict[str, list[str]], instructor: bool = False) -> str:
    """Return index.md: the README's introduction, then hidden tables of contents for the navigation."""
    if LANDING_END not in readme:
        raise ValueError(f"README.md has no {LANDING_END.strip()!r} heading, where the website's landing page ends")
    intro = readme.split(LANDING_END, 1)[0].rstrip()
    if not instructor:  # the maintainers' paragraph on nbgrader's markers and hidden tests is not for students
        intro = re.sub(r"\n\*\*Instructors and maintainers\*\*.*?(?=\n\n|\Z)", "", intro, flags=re.S)
    run = (
        f"**Start here:** every notebook page has Colab and Binder buttons at its top, and [Run it yourself]({RUN_PAGE}.md) "
        "says how to install the course on your own computer, open it in JupyterLab, do the exercises and grade them.\n"
    )
    head, sections = intro.split("\n## ", 1) if "\n## " in intro else (intro, "")
    parts = [site_tables(head.rstrip() + "\n\n" + run + ("\n## " + sections if sections else ""), syllabus.readme_rows(readme), instructor)]
    parts += ["", "```{toctree}", ":hidden:", ":caption: Start here", "", RUN_PAGE, "```", ""]
    for folder, caption, _ in SECTIONS:
        if pages.get(folder):
            parts += ["```{toctree}", ":hidden:", f":caption: {caption}", "", *pages[folder], "```", ""]
    return "\n".join(parts)


def run_page(template: str, readme: str, instructor: bool) -> str:
    """Return run_it_yourself.md: the template with the repository's address and README's teaching section filled in."""
    start, end = TEACHING
    if start not in readme or end not in readme.split(start, 1)[1]:
        raise ValueError(f"README.md needs the sections {start.strip()!r} and then {end.strip()!r}")
    teaching = readme.split(start, 1)[1].split(end, 1)[0].strip()
    url = launch_links.repository_url()
    build = (
        "This is the instructors' build of the site, with the solutions."
        if instructor
        else "This public build of the site has no solutions; `python -m course_tools.build_site --instructor` builds one that has."
    )
    values = {"repository": url, "folder": url.rsplit("/", 1)[1], "teaching": teaching, "build": build}
    return re.sub(r"\{\{ (\w+) \}\}", lambda m: values[m[1]], template)


# --------------------------------------------------------------------------- staging and building
def stage(root: Path, source: Path, instructor: bool = False) -> list[tuple[Path, str]]:
    """Write the pages to build from into ``source`` (emptied first); return (committed notebook, page path) pairs."""
    if source.exists():
        shutil.rmtree(source)
    (source / "docs").mkdir(parents=True)
    readme = (root / "README.md").read_text(encoding="utf-8")
    rows = syllabus.readme_rows(readme)
    folders = [folder for folder, _, public in SECTIONS if public or instructor]
    paths = {folder: sorted((root / folder).glob("*.ipynb")) for folder in folders}
    lectures = [f"notebooks/{p.name}" for p in paths.get("notebooks", [])]
    titles = {f"{folder}/{p.name}": notebook_title(nbformat.read(p, as_version=4)) for folder in folders for p in paths[folder]}
    pages: dict[str, list[str]] = {}
    notebooks = []
    for folder in folders:
        (source / folder).mkdir()
        for path in paths[folder]:
            relative = f"{folder}/{path.name}"
            notebook = nbformat.read(path, as_version=4)
            own_launch_links(notebook, relative)
            for picture in stage_notebook(notebook, path.name):
                shutil.copy2(root / "docs" / picture, source / "docs" / picture)
            merge_streams(notebook)
            if folder == "solutions":
                stage_solution(notebook, path.name)
            else:
                _insert_after_title(notebook, facts_box(relative, rows, titles, lectures))
            figure_alt_texts(notebook)
            nbformat.write(notebook, source / relative)
            pages.setdefault(folder, []).append(f"{folder}/{path.stem}")
            notebooks.append((path, relative))
    (source / "index.md").write_text(landing_page(readme, pages, instructor), encoding="utf-8")
    template = (root / "website" / f"{RUN_PAGE}.md").read_text(encoding="utf-8")
    (source / f"{RUN_PAGE}.md").write_text(run_page(template, readme, instructor), encoding="utf-8")
    return notebooks


def build(root: Path = ROOT, out: Path = OUT, jobs: str = "auto", instructor: bool = False) -> Path:
    """Stage and build the site; return the folder holding index.html."""
    from sphinx.cmd.build import build_main

    source, html = out / "src", out / "html"
    notebooks = stage(root, source, instructor)
    if html.exists():
        shutil.rmtree(html)
    args = ["-b", "html", "-c", str(WEBSITE), "-d", str(out / "doctrees"), "-E", "-q", "-W", "--keep-going"]
    before = os.environ.get("COURSE_SITE_INSTRUCTOR")
    os.environ["COURSE_SITE_INSTRUCTOR"] = "1" if instructor else "0"  # read by website/conf.py (the page titles)
    try:
        status = build_main([*args, "-j", jobs, str(source), str(html)])
    finally:
        if before is None:
            os.environ.pop("COURSE_SITE_INSTRUCTOR")
        else:
            os.environ["COURSE_SITE_INSTRUCTOR"] = before
    if status != 0:
        raise RuntimeError(f"sphinx-build failed (exit status {status}); its messages are above")
    for path, relative in notebooks:  # the download button gives the notebook as committed, not the staged copy
        shutil.copy2(path, html / "_sources" / relative)
    return html


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="course folder to build from (default: this repository)")
    parser.add_argument("--out", type=Path, help="build folder (default build/site, or build/site-instructor)")
    parser.add_argument("--jobs", default="auto", help="parallel Sphinx processes (default auto)")
    parser.add_argument("--instructor", action="store_true", help="add the solutions (not for students: they hold the answers)")
    parser.add_argument("--publish", action="store_true", help="refuse to build while the repository URL is the placeholder")
    args = parser.parse_args(argv)
    if args.publish:
        try:
            launch_links.check_publishable()
        except ValueError as error:
            print(f"not building for publication: {error}", file=sys.stderr)
            return 2
    out = args.out or (INSTRUCTOR_OUT if args.instructor else OUT)
    start = time.perf_counter()
    try:
        html = build(args.root, out, args.jobs, args.instructor)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    kind = "instructors' site (with solutions)" if args.instructor else "site"
    print(f"{kind} built in {seconds:.0f} s: {html / 'index.html'} ({_size(html) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
