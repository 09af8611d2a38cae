"""Benchmark for lecture 01: the dense 500-300-2 autoencoder on the digits 1, 5 and 6, against PCA with 2 components.

    python -m course_tools.benchmarks.lecture01_goals            # fresh, empty weight cache: the model is trained and timed
    python -m course_tools.benchmarks.lecture01_goals --warm     # reuse COURSE_CACHE_DIR: a model trained before is loaded
    python -m course_tools.benchmarks.lecture01_goals --quick    # quick mode: checks in minutes that the script still works

Executes notebooks/01_dense_mnist_autoencoder.ipynb on a fresh kernel (full mode) and reads the dict `summary` that
the lecture builds at its end (course_tools/benchmarks/notebook_runs.py); the model, its training settings and every
number live in the notebook only, so this measures exactly the notebook's run (its one random seed). Goal: test MSE
<= 0.0255; the source lecture reports 0.0263.
"""

from __future__ import annotations

import sys

from course_tools.benchmarks.notebook_runs import run_with_summaries
from course_tools.paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "01_dense_mnist_autoencoder.ipynb"
GOAL = 0.0255
# The summary entries the report reads, as key paths; tests/test_benchmarks.py checks that the notebook builds them.
READS = [(key,) for key in ("epochs", "batch size", "final training loss", "final validation loss", "test MSE",
                            "PCA-2 test MSE", "autoencoder / PCA-2", "training seconds")]


def report(summary: dict) -> None:
    from course_utils.reporting import markdown_table  # after the environment is set: it imports TensorFlow

    s = summary
    print()
    print(markdown_table(
        ["epochs", "batch", "train loss", "val loss", "test MSE", "PCA-2 test MSE", "AE / PCA-2", "s/epoch", f"goal <= {GOAL}"],
        [[s["epochs"], s["batch size"], s["final training loss"], s["final validation loss"], s["test MSE"], s["PCA-2 test MSE"],
          s["autoencoder / PCA-2"], s["training seconds"] / s["epochs"], "reached" if s["test MSE"] <= GOAL else "NOT reached"]],
        formats={"train loss": "{:.4f}", "val loss": "{:.4f}", "test MSE": "{:.5f}", "PCA-2 test MSE": "{:.4f}",
                 "AE / PCA-2": "{:.3f}", "s/epoch": "{:.1f}"},
    ))


def main(argv: list[str] | None = None) -> int:
    return run_with_summaries(argv, __doc__.splitlines()[0], "Lecture 01 benchmark", [NOTEBOOK], lambda s: report(s[0]))


if __name__ == "__main__":
    sys.exit(main())
