"""What each notebook teaches, what it needs and how long it runs: read from README.md's two tables, the one place.

The README's tables ("## The notebooks": notebook | title | what it shows | minutes (CPU); "## Exercises":
exercise | solution | what the student does | minutes (CPU)) are written once, for GitHub readers. The course
website (course_tools/build_site.py) reads them here for its landing page and for the box at the top of each
lecture and exercise page. What a notebook needs before it is the one thing the README does not say: ``NEEDS``
below, where a lecture not listed needs the lecture before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# notebook path -> the notebooks to read first. A lecture missing here needs the lecture before it (in file order).
NEEDS: dict[str, tuple[str, ...]] = {
    "notebooks/00_autoencoders_and_pca.ipynb": (),
    "notebooks/03_convolutional_fashion_mnist.ipynb": ("notebooks/01_dense_mnist_autoencoder.ipynb",),
    "notebooks/05_sparse_and_variational_autoencoders.ipynb": (
        "notebooks/02_latent_space_and_generation.ipynb",
        "notebooks/04_olivetti_denoising.ipynb",
    ),
    "exercises/ex1_transformations.ipynb": (
        "notebooks/01_dense_mnist_autoencoder.ipynb",
        "notebooks/03_convolutional_fashion_mnist.ipynb",
    ),
    "exercises/ex2_number_generator.ipynb": (
        "notebooks/01_dense_mnist_autoencoder.ipynb",
        "notebooks/02_latent_space_and_generation.ipynb",
    ),
    "exercises/ex3_denoising.ipynb": (
        "notebooks/03_convolutional_fashion_mnist.ipynb",
        "notebooks/04_olivetti_denoising.ipynb",
    ),
    "exercises/ex4_pretraining.ipynb": ("notebooks/01_dense_mnist_autoencoder.ipynb",),
    "exercises/ex5_vae.ipynb": ("notebooks/05_sparse_and_variational_autoencoders.ipynb",),
}
_LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<target>[^)]*)\)$")


@dataclass(frozen=True)
class Row:
    """One notebook's row of a README table."""

    path: str  # e.g. "notebooks/01_dense_mnist_autoencoder.ipynb"
    title: str  # the README's title column ("" for exercises, whose table has none)
    what: str  # "what it shows" / "what the student does"
    minutes: str  # as written, e.g. "0.5"
    solution: str = ""  # an exercise's solution notebook


def table_lines(text: str) -> list[tuple[int, int]]:
    """Return (first, last + 1) line numbers of every pipe table in ``text``."""
    lines, spans, start = text.splitlines(), [], None
    for number, line in enumerate([*text.splitlines(), ""]):
        if line.startswith("|") and start is None:
            start = number
        elif not line.startswith("|") and start is not None:
            if number - start >= 2 and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[start + 1].strip()):
                spans.append((start, number))
            start = None
    return spans


def cells(line: str) -> list[str]:
    """Return the cells of one table row."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def link_target(cell: str) -> str:
    """Return where a cell that is one Markdown link points, or raise ValueError."""
    match = _LINK.match(cell)
    if not match:
        raise ValueError(f"README table cell {cell!r} should be one link [path](path)")
    return match["target"]


def readme_rows(readme: str) -> dict[str, Row]:
    """Return every notebook's README row, by path, from the tables whose header starts with notebook or exercise."""
    rows: dict[str, Row] = {}
    lines = readme.splitlines()
    for start, end in table_lines(readme):
        header = [h.lower() for h in cells(lines[start])]
        if header[0] not in ("notebook", "exercise"):
            continue
        for line in lines[start + 2 : end]:
            values = dict(zip(header, cells(line), strict=True))
            path = link_target(values[header[0]])
            if header[0] == "notebook":
                rows[path] = Row(path, values["title"], values["what it shows"], values["minutes (cpu)"])
            else:
                solution = link_target(values["solution"])
                rows[path] = Row(path, "", values["what the student does"], values["minutes (cpu)"], solution)
    return rows


def needs(path: str, lectures: list[str]) -> tuple[str, ...]:
    """Return the notebooks to read before ``path``: ``NEEDS``, else (a lecture) the lecture before it in ``lectures``."""
    if path in NEEDS:
        return NEEDS[path]
    if path in lectures and lectures.index(path) > 0:
        return (lectures[lectures.index(path) - 1],)
    return ()


def minutes_text(minutes: str) -> str:
    """Return a reader's wording of a README time in minutes ("0.4" -> "under a minute", "13.8" -> "about 14 minutes")."""
    value = float(minutes)
    if value < 1:
        return "under a minute"
    rounded = round(value)
    return f"about {rounded} minute{'s' if rounded != 1 else ''}"
