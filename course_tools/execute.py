"""Execute notebooks top to bottom on a fresh kernel and save them with their outputs.

    python -m course_tools.execute notebooks/01_dense_mnist_autoencoder.ipynb [more.ipynb ...]

Runs in whatever mode the environment says (leave COURSE_QUICK unset for the full run whose outputs
are committed), from the notebook's own folder, without execution timestamps, and prints each
notebook's wall time for the README table. Refuses to run when MPLBACKEND names a backend other than
Jupyter's inline one (e.g. Agg): the kernel would then store every figure as text, not as an image.
The empty outputs that live training progress leaves behind (see course_utils.progress) are dropped, and
every figure is stored with a palette of at most 256 colours, which halves a notebook's size (each lecture has to
stay under 1 MB) without a difference a reader can see.

`run()` is also what the benchmarks use to execute a notebook without saving it (course_tools/benchmarks/notebook_runs.py).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

INLINE_BACKENDS = {"inline", "module://matplotlib_inline.backend_inline"}


def backend_problem(environ: dict[str, str] | os._Environ = os.environ) -> str | None:
    """Return why MPLBACKEND would keep figures out of the saved notebook, or None when it is unset or inline."""
    backend = environ.get("MPLBACKEND", "").strip()
    if not backend or backend.lower() in INLINE_BACKENDS:
        return None
    return (
        f"MPLBACKEND={backend} is set: the kernel would draw with it and the saved notebook would hold each figure as "
        "text ('<Figure size ...>') instead of an image. Unset it for this command, e.g. "
        "`env -u MPLBACKEND python -m course_tools.execute ...`."
    )


def run(notebook: nbformat.NotebookNode, folder: Path, timeout: int) -> float:
    """Execute ``notebook`` (in memory, outputs filled in) on a fresh kernel started in ``folder``; return wall seconds."""
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}, record_timing=False
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def _is_vanished_display(output: nbformat.NotebookNode) -> bool:
    """True for a display whose whole content is an empty text: what a finished progress line leaves behind."""
    return output.output_type == "display_data" and dict(output.get("data", {})) == {"text/plain": ""}


def palette_png(encoded: str) -> str:
    """Return a base64 PNG re-encoded with a palette of at most 256 colours, or ``encoded`` when that is not smaller."""
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(encoded)))
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # opaque: median cut keeps colours closer than the octree needed for alpha
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    buffer = io.BytesIO()
    image.quantize(256, method=method).save(buffer, "PNG", optimize=True)
    smaller = base64.b64encode(buffer.getvalue()).decode("ascii")
    return smaller if len(smaller) < len(encoded) else encoded


def tidy(notebook: nbformat.NotebookNode) -> None:
    """Drop execution timestamps and the displays that finished progress lines leave behind, and store figures with
    a palette (palette_png), in place."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if not _is_vanished_display(output)]
            for output in cell.outputs:
                if "image/png" in output.get("data", {}):
                    output.data["image/png"] = palette_png(output.data["image/png"])


def execute(path: Path, timeout: int) -> float:
    """Execute ``path`` in place and return the wall time in seconds."""
    notebook = nbformat.read(path, as_version=4)
    seconds = run(notebook, path.parent, timeout)
    tidy(notebook)
    nbformat.write(notebook, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    problem = backend_problem()
    if problem:
        print(f"execute_notebook: {problem}", file=sys.stderr)
        return 2
    for path in args.notebooks:
        seconds = execute(path, args.timeout)
        print(f"{path}: {seconds / 60:.1f} min ({seconds:.0f} s)", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
