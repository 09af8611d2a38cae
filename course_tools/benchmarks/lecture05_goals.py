"""Benchmark for lecture 05: sparse and variational autoencoders.

    python -m course_tools.benchmarks.lecture05_goals            # fresh, empty weight cache: every model is trained and timed
    python -m course_tools.benchmarks.lecture05_goals --warm     # reuse COURSE_CACHE_DIR: models trained before are loaded
    python -m course_tools.benchmarks.lecture05_goals --quick    # quick mode: checks in minutes that the script still works

Executes notebooks/05_sparse_and_variational_autoencoders.ipynb on a fresh kernel (full mode) and reads the `summary`
dict its last section builds (course_tools/benchmarks/notebook_runs.py); every model and training recipe lives in the
notebook only. Checks the lecture's goals: 2-D VAE test -ELBO <= 140 nats; 32-D VAE test -ELBO <= 95 and
importance-weighted NLL (k = 200) <= 90 nats; the conditional VAE draws the requested digit in >= 95 % of its samples.
Prints the goals, the whole summary, the notebook's wall time, its kernel's CPU seconds and the load average.
"""

from __future__ import annotations

import sys

from course_tools.benchmarks.notebook_runs import run_with_summaries
from course_tools.paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "05_sparse_and_variational_autoencoders.ipynb"
GOALS = {  # summary key -> (limit, "<=" or ">=")
    "2-D VAE test -ELBO": (140.0, "<="),
    "32-D VAE test -ELBO": (95.0, "<="),
    "32-D VAE IW NLL (k = 200)": (90.0, "<="),
    "conditional VAE: share drawn as requested": (0.95, ">="),
}
# The summary entries the report reads, as key paths; tests/test_benchmarks.py checks that the notebook builds them.
READS = [(name,) for name in GOALS]


def goal_rows(summary: dict) -> list[list[str]]:
    """Return one row per goal: name, value, limit, and whether the value reaches it."""
    rows = []
    for name, (limit, sense) in GOALS.items():
        value = summary[name]
        reached = value <= limit if sense == "<=" else value >= limit
        rows.append([name, f"{value:.4g}", f"{sense} {limit:g}", "reached" if reached else "NOT reached"])
    return rows


def report(summary: dict) -> None:
    from course_utils.reporting import markdown_table, summary_table  # after the environment is set: TensorFlow

    print("\n" + markdown_table(["goal", "value", "limit", ""], goal_rows(summary)))
    print("\n" + summary_table(summary))


def main(argv: list[str] | None = None) -> int:
    return run_with_summaries(argv, __doc__.splitlines()[0], "Lecture 05 benchmark", [NOTEBOOK], lambda s: report(s[0]))


if __name__ == "__main__":
    sys.exit(main())
