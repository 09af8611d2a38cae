"""Benchmark for lecture 05: sparse and variational autoencoders.

    python -m course_tools.benchmarks.lecture05            # fresh, empty weight cache: every model is trained and timed
    python -m course_tools.benchmarks.lecture05 --warm     # reuse COURSE_CACHE_DIR: models trained before are loaded
    python -m course_tools.benchmarks.lecture05 --quick    # quick mode: checks in minutes that the script still works

Executes notebooks/05_sparse_and_variational_autoencoders.ipynb on a fresh kernel (full mode) and reads the `summary`
dict its last section builds (course_tools/benchmarks/notebook_runs.py); every model and training recipe lives in the
notebook only. Checks the lecture's goals: 2-D VAE test -ELBO <= 140 nats; 32-D VAE test -ELBO <= 95 and
importance-weighted NLL (k = 200) <= 90 nats; the conditional VAE draws the requested digit in >= 95 % of its samples.
Prints the numbers, each model's training seconds (wall), the notebook's wall time and the CPU seconds of its kernel.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys

from course_tools.benchmarks.notebook_runs import add_arguments, benchmark_environment, read_summary
from course_tools.paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "05_sparse_and_variational_autoencoders.ipynb"
GOALS = {  # summary key -> (limit, "<=" or ">=")
    "2-D VAE test -ELBO": (140.0, "<="),
    "32-D VAE test -ELBO": (95.0, "<="),
    "32-D VAE IW NLL (k = 200)": (90.0, "<="),
    "conditional VAE: share drawn as requested": (0.95, ">="),
}


def goal_rows(summary: dict) -> list[list[str]]:
    """Return one row per goal: name, value, limit, and whether the value reaches it."""
    rows = []
    for name, (limit, sense) in GOALS.items():
        value = summary[name]
        reached = value <= limit if sense == "<=" else value >= limit
        rows.append([name, f"{value:.4g}", f"{sense} {limit:g}", "reached" if reached else "NOT reached"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    with benchmark_environment(args, "Lecture 05 benchmark"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary, seconds = read_summary(NOTEBOOK)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        from course_utils.reporting import markdown_table  # after the environment is set: it imports TensorFlow

    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"\n## Lecture 05 ({platform.node()}, {os.cpu_count()} CPUs)\n")
    print(f"Notebook wall time {seconds:.0f} s ({seconds / 60:.1f} min); CPU time of its kernel {cpu:.0f} s.\n")
    print(markdown_table(["goal", "value", "limit", ""], goal_rows(summary)))
    numbers = [[name, value] for name, value in summary.items() if not isinstance(value, dict)]
    print("\n" + markdown_table(["number the lecture reports", "value"], numbers))
    for name, table in summary.items():
        if isinstance(table, dict):
            print(f"\n{name}:\n")
            print(markdown_table(["", "value"], [[key, value] for key, value in table.items()]))
    return 0 if args.quick or all(row[-1] == "reached" for row in goal_rows(summary)) else 1


if __name__ == "__main__":
    sys.exit(main())
