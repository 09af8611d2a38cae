"""What every benchmark here does: execute a notebook on a fresh kernel, then read the numbers it computed from
that kernel. The notebook stays the one home of its training recipe; a benchmark only adds a last cell.

    summary, seconds = read_summary(path)   # the dict `summary` that the lecture's last section builds and shows

A lecture ends by collecting the numbers it reports in a dict named ``summary`` (name -> number, or name -> dict
of numbers) and showing it to the student as a table; its benchmark reads that one name and nothing else.

Each benchmark script takes the options of `add_arguments` and runs inside `benchmark_environment`: full mode
(`--quick`: quick mode, to check in minutes that the script still works; its numbers mean nothing), the figures
drawn with Agg (nobody looks at them), and a fresh, empty weight cache so every model is trained and timed
(`--warm`: reuse COURSE_CACHE_DIR, so models trained before are loaded and their earlier times reported).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat

from course_tools.execute import run

MARK = "BENCHMARK-JSON:"
_PROBE = """\
import json as _json
import time as _time

_probe_start = _time.perf_counter()
{before}
_value = {expression}
print({mark!r} + _json.dumps({{"value": _value, "probe_seconds": _time.perf_counter() - _probe_start}},
                             default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
"""


def read_from_kernel(path: Path, expression: str, before: str = "", timeout: int = 3600) -> tuple[Any, float]:
    """Execute notebook ``path`` on a fresh kernel, then run ``before`` and evaluate ``expression`` in it.

    Returns (the expression's value through JSON, the notebook's wall seconds without the added cell).
    """
    notebook = nbformat.read(path, as_version=4)
    probe = _PROBE.format(before=before, expression=expression, mark=MARK)
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    seconds = run(notebook, path.parent, timeout)
    text = "".join(out.get("text", "") for out in notebook.cells[-1].outputs if out.output_type == "stream")
    if MARK not in text:
        raise RuntimeError(f"{path.name}: the added cell printed no result; its output:\n{text}")
    result = json.loads(text.split(MARK, 1)[1])
    return result["value"], seconds - result["probe_seconds"]


SUMMARY = "summary"


def read_summary(path: Path, timeout: int = 3600) -> tuple[dict[str, Any], float]:
    """Execute notebook ``path`` on a fresh kernel; return its ``summary`` dict and the notebook's wall seconds."""
    summary, seconds = read_from_kernel(path, SUMMARY, timeout=timeout)
    if not isinstance(summary, dict):
        raise RuntimeError(f"{path.name}: `{SUMMARY}` must be a dict of the numbers the lecture reports, got {type(summary).__name__}")
    return summary, seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options every benchmark shares: --warm and --quick."""
    parser.add_argument("--warm", action="store_true", help="reuse COURSE_CACHE_DIR instead of a fresh, empty weight cache")
    parser.add_argument("--quick", action="store_true", help="quick mode: only checks that the script runs")


@contextlib.contextmanager
def benchmark_environment(args: argparse.Namespace, title: str) -> Iterator[None]:
    """Set the mode, plotting backend and weight cache that the kernels inherit; print a header; restore at the end."""
    names = ("COURSE_QUICK", "MPLBACKEND", "COURSE_CACHE_DIR")
    saved = {name: os.environ.get(name) for name in names}
    scratch = None if args.warm else tempfile.TemporaryDirectory(prefix="benchmark-cache-")
    os.environ["COURSE_QUICK"] = "1" if args.quick else "0"
    os.environ.setdefault("MPLBACKEND", "Agg")
    if scratch is not None:
        os.environ["COURSE_CACHE_DIR"] = scratch.name
    print(f"{title}: {'QUICK mode (numbers mean nothing)' if args.quick else 'full mode'}, {platform.machine()} with "
          f"{os.cpu_count()} CPU cores, {'warm' if args.warm else 'cold (empty)'} weight cache, {time.strftime('%Y-%m-%d')}",
          flush=True)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if scratch is not None:
            scratch.cleanup()


def children_cpu_seconds() -> float:
    """CPU seconds (user + system) of this process's finished, reaped children, such as the kernels it ran."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_with_summaries(
    argv: list[str] | None, description: str, title: str, notebooks: list[Path], report: Callable[[list[dict[str, Any]]], None]
) -> int:
    """The whole command line of a benchmark that reads lectures' ``summary`` dicts: parse --warm/--quick, run each
    notebook on a fresh kernel in turn, hand ``report`` their summaries, then print each notebook's wall time, its
    kernel's CPU seconds and the load average when it started (on a busy machine wall time alone misleads)."""
    parser = argparse.ArgumentParser(description=description)
    add_arguments(parser)
    args = parser.parse_args(argv)
    with benchmark_environment(args, title):
        summaries, times = [], []
        for path in notebooks:
            load, cpu = os.getloadavg()[0], children_cpu_seconds()
            summary, seconds = read_summary(path)
            summaries.append(summary)
            times.append((path.name, seconds, children_cpu_seconds() - cpu, load))
        report(summaries)
        print()
        for name, wall, cpu, load in times:
            print(f"{name}: wall {wall / 60:.1f} min ({wall:.0f} s), kernel CPU {cpu:.0f} s, load average {load:.1f} at its start")
    return 0
