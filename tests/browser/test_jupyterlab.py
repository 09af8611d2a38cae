"""The course as a student meets it: JupyterLab 4 in headless Chromium opens every lecture notebook,
and the interactive explorers redraw when a slider moves.

nbval runs the notebooks but never draws them, so it cannot see a widget that fails to render or a
slider whose callback is broken. Run only these tests with `python -m pytest -m browser`.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from lab_driver import JupyterLabServer, is_alive

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LECTURES = sorted((ROOT / "notebooks").glob("*.ipynb"))
# (notebook, explorer function, CSS selector of the images a slider must change, screenshot file name)
EXPLORERS = [
    ("02_latent_space_and_generation.ipynb", "latent_explorer", "img.latent-explorer-decoded", "latent_explorer.png"),
    (
        "04_olivetti_denoising.ipynb",
        "denoise_explorer",
        "img.denoise-explorer-noisy, img.denoise-explorer-denoised",
        "denoise_explorer.png",
    ),
]
WIDGET_ERROR = "Error displaying widget"


def _cell_calling(path: Path, function: str) -> int:
    """Index (among all cells) of the first code cell that calls `function`."""
    call = re.compile(rf"(?<!def )\b{function}\(")
    cells = nbformat.read(path, as_version=4).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and call.search(cell.source):
            return index
    raise AssertionError(f"{path.name} has no code cell calling {function}()")


def _code_cells_up_to(path: Path, index: int) -> int:
    cells = nbformat.read(path, as_version=4).cells[: index + 1]
    return sum(1 for cell in cells if cell.cell_type == "code" and cell.source.strip())


def test_stopping_the_server_leaves_no_process_behind(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    server = JupyterLabServer(root, tmp_path / "state").start()
    try:
        kernel = server.api("POST", "api/kernels", {"name": "python3"}, timeout=60)
        assert [k["id"] for k in server.api("GET", "api/kernels")] == [kernel["id"]]
        started = server.processes()
        assert len(started) >= 2, f"expected the server and a kernel process, found {started}"
    finally:
        survivors = server.stop()
    assert survivors == []
    assert not any(is_alive(process) for process in started)
    assert server.process.poll() is not None


@pytest.mark.parametrize("path", LECTURES, ids=[p.name for p in LECTURES])
def test_jupyterlab_opens_the_lecture_without_error(lab, path):
    lab.open(path.name)
    expected = len(nbformat.read(path, as_version=4).cells)
    shown = lab.wait_for_cells(expected)
    assert shown == expected, f"JupyterLab shows {shown} of {expected} cells"
    assert lab.dialogs() == [], f"JupyterLab opened {path.name} with a dialog"
    assert WIDGET_ERROR not in lab.panel.inner_text()


@pytest.mark.parametrize(("notebook", "function", "image", "screenshot"), EXPLORERS, ids=[e[1] for e in EXPLORERS])
def test_explorer_redraws_when_a_slider_moves(lab, screenshot_dir, notebook, function, image, screenshot):
    path = ROOT / "notebooks" / notebook
    if not path.exists():
        pytest.skip(f"{notebook} is not in this checkout yet")
    index = _cell_calling(path, function)
    lab.open(notebook)

    count = lab.run_up_to(index)
    assert count == _code_cells_up_to(path, index), "every cell above the explorer runs once, in order"
    output = lab.output_area(index)
    slider = output.locator(".widget-slider").first
    handle, readout = slider.locator("[role=slider]"), slider.locator(".widget-readout")
    try:
        handle.wait_for(timeout=30_000)
    except Exception:
        raise AssertionError(f"{function}() shows no slider; its output reads:\n{output.inner_text()}") from None
    assert WIDGET_ERROR not in output.inner_text()
    assert lab.dialogs() == []
    images = output.locator(image)
    before = lab.image_digests(images)
    assert before, f"{function}() shows no image matching {image!r}"

    value = readout.inner_text()
    for key in ("ArrowRight", "ArrowLeft"):  # the other way if the slider starts at its maximum
        for _ in range(3):
            handle.press(key)
        if readout.inner_text() != value:
            break
    assert readout.inner_text() != value, f"the slider does not move with the arrow keys (reads {value})"

    lab.wait_for_new_images(images, before)
    lab.screenshot_widget(output, screenshot_dir / screenshot)
