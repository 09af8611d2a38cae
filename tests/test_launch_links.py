"""course_tools/launch_links.py: every notebook links to its own path on Colab and Binder, and installs the course
package on Colab only; the links come from the one repository URL in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_tools import launch_links, release

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = launch_links.default_paths(ROOT)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course_tools.launch_links", *args], capture_output=True, text=True, cwd=ROOT)


def test_every_notebook_has_up_to_date_launch_links(capsys):
    status = launch_links.main(["--check"])
    assert status == 0, f"run `python -m course_tools.launch_links`:\n{capsys.readouterr().out}"


def test_there_are_notebooks_to_check():
    assert {p.parent.name for p in NOTEBOOKS} == {"notebooks", "solutions", "exercises"}


def test_the_links_open_the_notebooks_own_path():
    url = "https://github.com/someone/a-fork"
    path = "notebooks/01_dense_mnist_autoencoder.ipynb"
    assert launch_links.colab_url(path, url) == f"https://colab.research.google.com/github/someone/a-fork/blob/main/{path}"
    assert launch_links.binder_url(path, url) == (
        "https://mybinder.org/v2/gh/someone/a-fork/main?labpath=notebooks%2F01_dense_mnist_autoencoder.ipynb"
    )
    snippet = launch_links.colab_snippet(url)
    assert 'if "google.colab" in sys.modules:' in snippet and "git+https://github.com/someone/a-fork.git@main" in snippet


@pytest.mark.parametrize("url", ["https://gitlab.com/a/b", "github.com/a/b", "https://github.com/a"])
def test_a_repository_url_that_is_not_github_is_refused(url):
    with pytest.raises(ValueError, match="https://github.com/OWNER/NAME"):
        launch_links.colab_url("notebooks/x.ipynb", url)


def _copy_course(tmp_path: Path) -> Path:
    """Copy lecture 01 and the smallest solution and exercise, without their launch cell and Colab lines."""
    picks = [ROOT / "notebooks" / "01_dense_mnist_autoencoder.ipynb"]
    picks += [min((ROOT / folder).glob("*.ipynb"), key=lambda p: p.stat().st_size) for folder in ("solutions", "exercises")]
    for source in picks:
        (tmp_path / source.parent.name).mkdir()
        shutil.copy2(source, tmp_path / source.parent.name / source.name)
    for path in launch_links.default_paths(tmp_path):
        notebook = nbformat.read(path, as_version=4)
        notebook.cells = [cell for cell in notebook.cells if "launch-links" not in cell.metadata.get("tags", [])]
        for cell in notebook.cells:
            cell.source = cell.source.removeprefix(launch_links.colab_snippet())
        nbformat.write(notebook, path)
    return tmp_path


def test_the_tool_updates_copies_once_and_then_finds_nothing_to_do(tmp_path):
    root = _copy_course(tmp_path)
    paths = launch_links.default_paths(root)
    launch_links.process(paths, root, check=False)
    texts = {p: p.read_text() for p in paths}
    assert launch_links.process(paths, root, check=True) == []
    assert launch_links.process(paths, root, check=False) == []
    assert {p: p.read_text() for p in paths} == texts, "a second run changed a notebook"
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        relative = path.relative_to(root).as_posix()
        first = notebook.cells[0]
        assert first.cell_type == "markdown" and first.metadata["tags"] == ["launch-links"]
        assert launch_links.colab_url(relative) in first.source and launch_links.binder_url(relative) in first.source
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert code[0].source.startswith(launch_links.colab_snippet())
        assert code[0].source.count("\"pip\", \"install\"") == 1
        assert sum("launch-links" in cell.metadata.get("tags", []) for cell in notebook.cells) == 1


def test_check_names_a_stale_notebook_and_a_changed_url_updates_every_link(tmp_path):
    root = _copy_course(tmp_path)
    paths = launch_links.default_paths(root)
    launch_links.process(paths, root, check=False)
    fork = "https://github.com/someone/a-fork"
    stale = launch_links.process(paths, root, check=True, url=fork)
    assert stale == paths
    launch_links.process(paths, root, check=False, url=fork)
    assert launch_links.process(paths, root, check=True, url=fork) == []
    text = paths[0].read_text()
    assert "someone/a-fork" in text and launch_links.repository_url() not in text


def test_outputs_and_other_cells_are_left_alone(tmp_path):
    root = _copy_course(tmp_path)
    path = root / "notebooks" / "01_dense_mnist_autoencoder.ipynb"
    before = nbformat.read(path, as_version=4)
    launch_links.process([path], root, check=False)
    after = nbformat.read(path, as_version=4)
    assert len(after.cells) == len(before.cells) + 1
    first_code = next(i for i, cell in enumerate(before.cells) if cell.cell_type == "code")
    for index, (old, new) in enumerate(zip(before.cells, after.cells[1:], strict=True)):
        assert new.get("outputs") == old.get("outputs") and new.get("execution_count") == old.get("execution_count")
        expected = launch_links.colab_snippet() + old.source if index == first_code else old.source
        assert new.source == expected


def test_the_command_line_check_fails_on_a_stale_copy(tmp_path):
    root = _copy_course(tmp_path)
    result = _run("--root", str(root), "--check")
    assert result.returncode == 1 and "out of date" in result.stdout
    assert launch_links.main(["--root", str(root)]) == 0
    assert launch_links.main(["--root", str(root), "--check"]) == 0


def test_an_exercise_released_from_an_updated_solution_is_up_to_date(tmp_path):
    """nbgrader copies the solution's launch cell (it links to both notebooks), so a release needs no second pass."""
    root = _copy_course(tmp_path)
    solution = next((root / "solutions").glob("*.ipynb"))
    launch_links.process([solution], root, check=False)
    single = tmp_path / "one_solution"
    single.mkdir()
    shutil.copy(solution, single / solution.name)
    (released,) = release.release(single, tmp_path / "released")
    exercise = nbformat.read(released, as_version=4)
    assert not launch_links.update_notebook(exercise, f"exercises/{solution.name}"), "the released copy needs no change"
    text = next(cell.source for cell in exercise.cells if "launch-links" in cell.metadata.get("tags", []))
    for folder in ("exercises", "solutions"):
        assert launch_links.colab_url(f"{folder}/{solution.name}") in text


def test_a_lecture_links_to_itself_only():
    text = launch_links.launch_markdown("notebooks/01_dense_mnist_autoencoder.ipynb")
    launch = [link for link in text.split("(")[1:] if "colab" in link or "mybinder" in link]
    assert len(launch) == 2 and text.count("01_dense_mnist_autoencoder.ipynb") == 2


def test_without_course_utils_the_first_cell_says_what_to_install(monkeypatch):
    """A notebook downloaded on its own (no course installed) stops at once with the commands that install the course."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "course_utils" else real(name, *a))
    url = "https://github.com/someone/a-fork"
    with pytest.raises(ModuleNotFoundError) as error:
        exec(compile(launch_links.colab_snippet(url), "first cell", "exec"), {})
    message = str(error.value)
    assert f"git clone {url}\n" in message and "cd a-fork\n" in message
    assert 'python -m pip install -e ".[dev]" -c constraints.txt' in message and "jupyter lab" in message
    monkeypatch.setattr(importlib.util, "find_spec", real)
    exec(compile(launch_links.colab_snippet(url), "first cell", "exec"), {})  # installed: the lines do nothing


def test_an_earlier_version_of_the_lines_is_replaced_not_repeated():
    earlier = (
        "import subprocess\nimport sys\n\n"
        'if "google.colab" in sys.modules:  # on Colab only\n'
        '    course = "autoencoders-course @ git+https://github.com/a/b.git@main"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", course], check=True)\n\n'
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(earlier + "import course_utils\n\nprint(1)")])
    launch_links.update_notebook(notebook, "notebooks/x.ipynb")
    assert notebook.cells[1].source == launch_links.colab_snippet() + "import course_utils\n\nprint(1)"


def test_the_link_to_running_it_yourself_can_point_elsewhere():
    text = launch_links.launch_markdown("notebooks/x.ipynb", how_to_run="../run_it_yourself.md")
    assert "[run it on your own computer](../run_it_yourself.md)" in text
    assert launch_links.how_to_run_url() in launch_links.launch_markdown("notebooks/x.ipynb")


def test_publishing_refuses_the_placeholder_repository():
    with pytest.raises(ValueError, match="placeholder"):
        launch_links.check_publishable(launch_links.PLACEHOLDER_REPOSITORY)
    assert launch_links.check_publishable("https://github.com/someone/a-fork") == "https://github.com/someone/a-fork"
