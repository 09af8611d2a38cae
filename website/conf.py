"""Sphinx configuration of the course website, built by `python -m course_tools.build_site` (see that module).

Sphinx + MyST-NB + sphinx-book-theme: pure Python, every theme file, font and script is served from the
built site itself (MathJax too, from the sphinx-mathjax-offline package), and nothing is executed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from course_tools import launch_links

REPOSITORY = launch_links.repository_url()

INSTRUCTOR = os.environ.get("COURSE_SITE_INSTRUCTOR") == "1"  # set by course_tools.build_site --instructor

project = "Autoencoders with Keras 3"
html_title = project + (" (instructors' build, with solutions)" if INSTRUCTOR else "")
author = "the course authors"
extensions = ["myst_nb", "sphinx_copybutton"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# Notebooks are shown with the outputs they were committed with; nothing runs.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget manager from a CDN; the explorers are shown as pictures instead
myst_enable_extensions = ["dollarmath", "amsmath"]
# Markdown outputs (e.g. course_utils.reporting.markdown_table) are GitHub-flavoured: CommonMark, MyST-NB's default,
# has no tables and would show them as pipe text.
nb_render_markdown_format = "gfm"
myst_heading_anchors = 3
# Lecture 00 goes from its title (H1) straight to H3 sections; that is the notebook's choice, not an error here.
suppress_warnings = ["myst.header"]

# MathJax 3 from the site itself: the files come from the sphinx-mathjax-offline package (copied below).
mathjax_path = "mathjax/tex-chtml.js"
# textmacros: "\_" inside \text{log\_var} is an underscore, not a backslash and an underscore.
mathjax3_config = {"loader": {"load": ["[tex]/textmacros"]}, "tex": {"packages": {"[+]": ["textmacros"]}}}
_MATHJAX_PARTS = ("tex-chtml.js", "a11y", "adaptors", "input", "output", "sre", "ui")

html_theme = "sphinx_book_theme"
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": launch_links.BRANCH,
    "path_to_docs": "",  # the staged pages keep the repository's layout: notebooks/00_x.ipynb, ...
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {
        "colab_url": launch_links.COLAB,
        "binderhub_url": launch_links.BINDER,
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
    "navbar_persistent": [],  # the sidebar has the search field; without this the header shows a second one
}
html_show_sphinx = False
html_use_index = False  # the course has no index entries: no empty "Index" page
html_static_path = ["static"]
html_css_files = ["course.css"]
html_search_scorer = str(Path(__file__).with_name("search_scorer.js"))  # lectures first, each page listed once
html_copy_source = True  # the download button's .ipynb (build_site puts the committed notebook there)
# A copy button on code cells and shell commands, not on outputs.
copybutton_selector = "div.cell_input div.highlight pre, div.highlight-bash div.highlight pre"
copybutton_exclude = ".linenos, .gp"
# Without a default the theme logs "Got invalid theme mode" to the console on a first visit.
html_context = {"default_mode": "auto"}
html_last_updated_fmt = None


def _copy_mathjax(app, exception) -> None:
    """Copy the parts of MathJax 3 that a page can load into the built site's _static/mathjax."""
    if exception is not None or app.builder.format != "html":
        return
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError('sphinx-mathjax-offline is missing: python -m pip install -e ".[dev]"')
    source = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in _MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


def setup(app):
    app.connect("build-finished", _copy_mathjax)
