"""Build the course website from the committed notebooks, offline, executing nothing.

    python -m course_tools.build_site            # writes build/site/html/ (open build/site/html/index.html)

The pages are staged in build/site/src/ with the repository's layout, then Sphinx (configuration in
website/conf.py) turns them into HTML in build/site/html/:

* index: README.md's introduction (everything before "## Install, run, test");
* every notebooks/*.ipynb in file-name order (a new lecture appears by being there), then the exercises
  and the solutions (for instructors);
* an interactive explorer, which needs a running kernel, is shown as its picture from docs/ with one
  sentence on how to get the live version.

Warnings fail the build, so a broken link or a missing picture is caught here.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

from course_tools import launch_links
from course_tools.paths import ROOT

OUT = ROOT / "build" / "site"
README_END = "\n## Install, run, test"
SECTIONS = (  # (folder, caption in the site's navigation)
    ("notebooks", "Lectures"),
    ("exercises", "Exercises"),
    ("solutions", "Solutions (for instructors)"),
)
# (notebook file name, explorer function) -> its picture in docs/, taken in JupyterLab by
# tests/browser/test_jupyterlab.py. Pictures are per notebook: the same explorer shows another model elsewhere.
EXPLORER_PICTURES = {
    ("02_latent_space_and_generation.ipynb", "latent_explorer"): "latent_explorer.png",
    ("04_olivetti_denoising.ipynb", "denoise_explorer"): "denoise_explorer.png",
    ("05_sparse_and_variational_autoencoders.ipynb", "latent_explorer"): "vae_latent_explorer.png",
}
EXPLORER_FUNCTIONS = sorted({function for _, function in EXPLORER_PICTURES})
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LIVE_SENTENCE = (
    "*A picture of the explorer: its sliders need a running Python kernel. To move them, open this notebook "
    "with the Colab or Binder button at the top of the page, or run it in your own JupyterLab.*"
)


def landing_page(readme: str, pages: dict[str, list[str]]) -> str:
    """Return index.md: the README's introduction, then hidden tables of contents for the navigation."""
    if README_END not in readme:
        raise ValueError(f"README.md has no {README_END.strip()!r} heading, where the website's landing page ends")
    parts = [readme.split(README_END, 1)[0].rstrip(), ""]
    parts.append(
        "To run the notebooks on your own machine, follow *Install, run, test* in the repository's README; "
        "every notebook page also has Colab and Binder buttons at its top.\n"
    )
    for folder, caption in SECTIONS:
        if pages.get(folder):
            parts += ["```{toctree}", ":hidden:", f":caption: {caption}", "", *pages[folder], "```", ""]
    return "\n".join(parts)


def _calls(source: str, function: str) -> bool:
    return re.search(rf"(?<!def )\b{function}\(", source) is not None


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
                text = f"![The {function.replace('_', ' ')} as it looks in JupyterLab]({image})\n\n{LIVE_SENTENCE}"
                new = nbformat.v4.new_markdown_cell(text)
                if notebook.get("nbformat_minor", 0) < 5:
                    del new["id"]
                else:
                    new.id = f"{cell.get('id', 'cell')}-picture"[:64]
                cells.append(new)
    notebook.cells = cells
    return pictures


def own_launch_links(notebook: nbformat.NotebookNode, path: str) -> None:
    """On the site, a page's launch cell links to that page's notebook only (not to its exercise/solution partner)."""
    if any(launch_links.CELL_ID in cell.metadata.get("tags", []) for cell in notebook.cells):
        launch_links.update_notebook(notebook, path, pair=False)


def stage(root: Path, source: Path) -> None:
    """Write the pages to build from into ``source`` (emptied first)."""
    if source.exists():
        shutil.rmtree(source)
    (source / "docs").mkdir(parents=True)
    pages: dict[str, list[str]] = {}
    for folder, _ in SECTIONS:
        (source / folder).mkdir()
        for path in sorted((root / folder).glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            own_launch_links(notebook, f"{folder}/{path.name}")
            for picture in stage_notebook(notebook, path.name):
                shutil.copy2(root / "docs" / picture, source / "docs" / picture)
            nbformat.write(notebook, source / folder / path.name)
            pages.setdefault(folder, []).append(f"{folder}/{path.stem}")
    (source / "index.md").write_text(landing_page((root / "README.md").read_text(encoding="utf-8"), pages), encoding="utf-8")


def build(root: Path = ROOT, out: Path = OUT, jobs: str = "auto") -> Path:
    """Stage and build the site; return the folder holding index.html."""
    from sphinx.cmd.build import build_main

    source, html = out / "src", out / "html"
    stage(root, source)
    if html.exists():
        shutil.rmtree(html)
    args = ["-b", "html", "-c", str(root / "website"), "-d", str(out / "doctrees"), "-E", "-q", "-W", "--keep-going"]
    status = build_main([*args, "-j", jobs, str(source), str(html)])
    if status != 0:
        raise RuntimeError(f"sphinx-build failed (exit status {status}); its messages are above")
    return html


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="course folder to build from (default: this repository)")
    parser.add_argument("--out", type=Path, default=OUT, help="build folder (default build/site)")
    parser.add_argument("--jobs", default="auto", help="parallel Sphinx processes (default auto)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        html = build(args.root, args.out, args.jobs)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    print(f"site built in {seconds:.0f} s: {html / 'index.html'} ({_size(html) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
