"""The benchmarks run their notebooks and read the numbers from the kernel (course_tools/benchmarks/notebook_runs.py), so a
notebook is the one home of its training recipe. Here: the mechanism on a tiny notebook, and that every name a
benchmark reads is one its notebook defines (the full runs themselves are too slow for the test suite)."""

import argparse
import ast
import builtins
import os
from pathlib import Path

import nbformat
import pytest

from course_tools.benchmarks import cpu_levers, notebook_runs
from course_tools.benchmarks import exercise_solutions as exercises
from course_tools.benchmarks import lecture00_02_goals as lecture00_02
from course_tools.benchmarks import lecture01_goals as lecture01
from course_tools.benchmarks import lecture03_goals as lecture03
from course_tools.benchmarks import lecture04_goals as lecture04
from course_tools.benchmarks import lecture05_goals as lecture05

ROOT = Path(__file__).resolve().parents[1]


def test_numbers_are_read_from_the_notebooks_kernel(tmp_path):
    path = tmp_path / "tiny.ipynb"
    cells = ["import numpy as np\nvalues = np.arange(3, dtype=np.float32)", "total = float(values.sum())"]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    value, seconds = notebook_runs.read_from_kernel(path, "{'values': values, 'total': total, 'half': half}",
                                                    before="half = total / 2")
    assert value == {"values": [0.0, 1.0, 2.0], "total": 3.0, "half": 1.5}
    assert 0 < seconds < 300
    assert len(nbformat.read(path, as_version=4).cells) == 2  # the notebook file is not changed


def test_a_lectures_summary_is_read_and_must_be_a_dict(tmp_path):
    path = tmp_path / "lecture.ipynb"
    cells = ["mse = 0.25", "summary = {'test MSE': mse, 'per digit': {'1': 0.5}}"]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    summary, _ = notebook_runs.read_summary(path)
    assert summary == {"test MSE": 0.25, "per digit": {"1": 0.5}}
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("summary = 0.25")]), path)
    with pytest.raises(RuntimeError, match="`summary` must be a dict"):
        notebook_runs.read_summary(path)


def test_run_with_summaries_hands_each_summary_to_the_report_and_prints_what_each_run_cost(tmp_path, capsys):
    paths = []
    for i in (1, 2):
        paths.append(tmp_path / f"lecture{i}.ipynb")
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"summary = {{'value': {i}}}")]), paths[-1])
    reported = []
    assert notebook_runs.run_with_summaries(["--quick"], "test", "Tiny", paths, reported.extend) == 0
    assert reported == [{"value": 1}, {"value": 2}]
    lines = capsys.readouterr().out.splitlines()
    for i in (1, 2):
        assert any(line.startswith(f"lecture{i}.ipynb: wall ") and "kernel CPU" in line and "load average" in line for line in lines)


@pytest.mark.parametrize(("quick", "warm"), [(False, False), (True, True)])
def test_benchmark_environment_sets_mode_and_cache_then_restores_them(monkeypatch, capsys, quick, warm):
    monkeypatch.setenv("COURSE_QUICK", "1")
    monkeypatch.setenv("COURSE_CACHE_DIR", "/somewhere/cache")
    monkeypatch.delenv("MPLBACKEND", raising=False)
    with notebook_runs.benchmark_environment(argparse.Namespace(quick=quick, warm=warm), "Test"):
        assert os.environ["COURSE_QUICK"] == ("1" if quick else "0")
        assert os.environ["MPLBACKEND"] == "Agg"
        scratch = os.environ["COURSE_CACHE_DIR"]
        assert (scratch == "/somewhere/cache") == warm
        if not warm:
            assert Path(scratch).is_dir() and not any(Path(scratch).iterdir())
    assert os.environ["COURSE_QUICK"] == "1" and os.environ["COURSE_CACHE_DIR"] == "/somewhere/cache"
    assert "MPLBACKEND" not in os.environ and (warm or not Path(scratch).exists())
    assert capsys.readouterr().out.startswith(f"Test: {'QUICK mode' if quick else 'full mode'}")


def _defined_by(path: Path) -> set[str]:
    """Names that the notebook's code cells bind at the top level of its kernel."""
    tree = ast.parse("\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _read_by(code: str, expression: str) -> set[str]:
    """Names that the probe reads from the kernel: loaded but neither bound by the probe itself nor built in."""
    tree = ast.parse(f"{code}\n_value = {expression}")
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    bound |= {arg.arg for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda)) for arg in n.args.args}
    bound |= {(a.asname or a.name) for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    return loaded - bound - set(dir(builtins))


PROBES = [
    (lecture03.NOTEBOOK, "", notebook_runs.SUMMARY),
    *[(ROOT / "solutions" / name, "", expression) for name, expression in exercises.PROBES.items()],
]


@pytest.mark.parametrize(("notebook", "code", "expression"), PROBES, ids=[p[0].name for p in PROBES])
def test_every_name_a_benchmark_reads_is_defined_by_its_notebook(notebook, code, expression):
    missing = _read_by(code, expression) - _defined_by(notebook)
    assert not missing, f"{notebook.name} no longer defines {sorted(missing)}, which the benchmark reads from its kernel"


def _lecture03_summary(wide=0.0055, pca=0.0104, dense=0.0086, auc=0.91):
    return {"test MSE": {lecture03.PCA: pca, lecture03.DENSE: dense, lecture03.WIDE: wide},
            "anomaly detection": {"AUC": auc}}


@pytest.mark.parametrize(
    ("changes", "missed"),
    [({}, []), ({"wide": 0.0061}, ["test MSE <= 0.006"]), ({"dense": 0.0050}, ["below PCA-64 and dense-64"]),
     ({"auc": 0.84}, ["AUC >= 0.85"])],
)
def test_lecture03_goals_are_checked_on_the_summary_alone(changes, missed):
    reached = lecture03.goals(_lecture03_summary(**changes))
    assert sorted(goal for goal, ok in reached.items() if not ok) == sorted(
        goal for goal in reached if any(part in goal for part in missed))
    assert len(reached) == 3


def test_lecture05_benchmark_tells_reached_goals_from_missed_ones():
    summary = {name: (limit + 1 if sense == "<=" else limit - 0.01) for name, (limit, sense) in lecture05.GOALS.items()}
    assert all(row[-1] == "NOT reached" for row in lecture05.goal_rows(summary))
    summary = {name: limit for name, (limit, _) in lecture05.GOALS.items()}
    assert all(row[-1] == "reached" for row in lecture05.goal_rows(summary))


def _summary_table_rows(path: Path) -> set[str]:
    """The quantities of the summary table that the committed notebook's last cell shows."""
    last = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"][-1]
    assert "summary = {" in last.source, f"{path.name} must end with the cell that builds `summary`"
    table = "".join(out.get("data", {}).get("text/markdown", "") for out in last.outputs)
    return {line.split(" | ")[0].removeprefix("| ").replace("\\|", "|") for line in table.splitlines()[2:]}


SUMMARY_READS = [
    (lecture01.NOTEBOOK, lecture01.READS),
    (lecture00_02.LECTURE00, lecture00_02.READS00),
    (lecture00_02.LECTURE02, lecture00_02.READS02),
    (lecture04.NOTEBOOK, lecture04.READS),
    (lecture05.NOTEBOOK, lecture05.READS),
]


@pytest.mark.parametrize(("notebook", "reads"), SUMMARY_READS, ids=[p[0].name for p in SUMMARY_READS])
def test_every_summary_entry_a_benchmark_reads_is_in_the_lectures_table(notebook, reads):
    shown = _summary_table_rows(notebook)
    missing = [": ".join(path) for path in reads if ": ".join(path) not in shown]
    assert not missing, f"{notebook.name}'s summary no longer holds {missing}, which its benchmark reads"


def test_cpu_levers_summary_skips_the_tracing_epoch_and_counts_processes_run_together():
    one = {"cpu": [9.0, 2.0, 4.0], "wall": [6.0, 1.0, 3.0], "loss": [1.0, 0.5, 0.25]}
    two = {"cpu": [9.0, 6.0, 8.0], "wall": [6.0, 4.0, 4.0], "loss": [1.0, 0.5, 0.75]}
    alone = cpu_levers.summarise([one])
    assert (alone["cpu_per_epoch"], alone["wall_per_epoch"], alone["epochs_per_wall_second"]) == (3.0, 2.0, 0.5)
    together = cpu_levers.summarise([one, two])
    assert together["wall_per_epoch"] == 3.5 and together["epochs_per_wall_second"] == pytest.approx(2 / 3.5)
    assert together["final_loss"] == 0.5
    side_by_side = cpu_levers.summarise([two], copies=2)
    assert side_by_side["epochs_per_wall_second"] == 0.5 and side_by_side["final_loss"] == 0.375
    with pytest.raises(ValueError, match="at least two epochs"):
        cpu_levers.summarise([{"cpu": [1.0], "wall": [1.0], "loss": [1.0]}])


def test_cpu_levers_times_each_epoch_of_a_lecture_model_and_names_the_models_it_knows():
    record = cpu_levers.train_and_time("conv-wide", epochs=2, images=64, jit_compile=False, copies=2)
    assert [len(record[key]) for key in ("cpu", "wall", "loss")] == [2, 2, 2]
    assert all(seconds > 0 for seconds in record["cpu"] + record["wall"])
    with pytest.raises(ValueError, match="model_name must be one of"):
        cpu_levers.train_and_time("vae2", epochs=2, images=64, jit_compile=False)
