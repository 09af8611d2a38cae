"""Execute notebooks top to bottom on a fresh kernel and save them with their outputs.

    python tools/execute_notebook.py notebooks/01_dense_mnist_autoencoder.ipynb [more.ipynb ...]

Runs in whatever mode the environment says (leave COURSE_QUICK unset for the full run whose outputs
are committed), from the notebook's own folder, without execution timestamps, and prints each
notebook's wall time for the README table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, timeout: int) -> float:
    """Execute ``path`` in place and return the wall time in seconds."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        seconds = execute(path, args.timeout)
        print(f"{path}: {seconds / 60:.1f} min ({seconds:.0f} s)", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
