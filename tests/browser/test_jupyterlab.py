"""The course as a student meets it: JupyterLab 4 in headless Chromium opens every lecture notebook,
the interactive explorers redraw when a slider moves, and a training shows live progress that then settles.

nbval runs the notebooks but never draws them, so it cannot see a widget that fails to render or a
slider whose callback is broken. Run only these tests with `python -m pytest -m browser`.

Each explorer is photographed as the notebook opens it, before a slider moves: the website shows that picture
(see conftest.py for taking them in full mode into docs/).
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from lab_driver import PROMPT_DONE, JupyterLabServer, is_alive

from course_tools.build_site import EXPLORER_PICTURES  # the website shows these screenshots

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

LECTURES = sorted((ROOT / "notebooks").glob("*.ipynb"))
# CSS selector of the images a slider of each explorer must change
CHANGING_IMAGES = {
    "latent_explorer": "img.latent-explorer-decoded",
    "denoise_explorer": "img.denoise-explorer-noisy, img.denoise-explorer-denoised",
}
# (notebook, explorer function, images a slider must change, screenshot file name): every explorer the website shows
EXPLORERS = [
    (notebook, function, CHANGING_IMAGES[function], picture)
    for (notebook, function), picture in sorted(EXPLORER_PICTURES.items())
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


@pytest.mark.parametrize(
    ("notebook", "function", "image", "screenshot"), EXPLORERS, ids=[f"{e[0][:2]}-{e[1]}" for e in EXPLORERS]
)
def test_explorer_redraws_when_a_slider_moves(
    lab, lab_full_mode, screenshot_dir, explorer_pictures, notebook, function, image, screenshot
):
    path = ROOT / "notebooks" / notebook
    index = _cell_calling(path, function)
    lab.open(notebook)

    # Full mode loads every trained model from the weight cache (or trains what is missing: up to a lecture's time).
    count = lab.run_up_to(index, timeout_s=3600 if lab_full_mode else 240)
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
    lab.screenshot_widget(output, screenshot_dir / screenshot)  # as the notebook opens it: what the text describes
    if explorer_pictures is not None:
        shutil.copy2(screenshot_dir / screenshot, explorer_pictures / screenshot)
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


# A training short enough for CI that still lasts a few seconds: each epoch ends with a one-second pause.
TRAINING_CELLS = [
    "import time\n\nimport keras\nimport numpy as np\n\nimport course_utils\n"
    "from course_utils.training import fit_or_load\n\nprint(course_utils.setup(seed=0))",
    "model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(3), keras.layers.Dense(12)])\n"
    'model.compile(optimizer="adam", loss="mse")\n'
    "x = np.random.default_rng(0).random((256, 12), dtype=np.float32)\n"
    "pause = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: time.sleep(1))\n"
    'fit = fit_or_load(model, "browser-progress-check", x, x, epochs=course_utils.epochs(40, quick=4), batch_size=32,'
    " callbacks=[pause])\n"
    "print(fit.describe())",
]


def test_training_progress_moves_and_then_settles(lab, lab_server, lab_full_mode):
    """While fit_or_load trains, its cell shows 'epoch x/N, loss, elapsed, time left' rewritten in place; afterwards
    only the notebook's own summary line is left."""
    if lab_full_mode:
        pytest.skip("a quick-mode check (4 epochs); with --full it would train 40")
    name = "training_progress_check.ipynb"
    kernel = nbformat.read(LECTURES[0], as_version=4).metadata.kernelspec  # so JupyterLab starts it without asking
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in TRAINING_CELLS], metadata={"kernelspec": kernel})
    nbformat.write(notebook, lab_server.root_dir / name)
    lab.open(name)
    assert lab.run_up_to(0) == 1
    output = lab.output_area(1)
    lab.select_cell(1)
    lab.page.keyboard.press("Shift+Enter")
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while not PROMPT_DONE.match(lab.prompts()[1]):
        text = output.inner_text().strip()
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        assert time.monotonic() < deadline, f"the training cell is still running after 120 s; it showed {seen}"
        time.sleep(0.1)
    progress = [text for text in seen if re.fullmatch(r"browser-progress-check: epoch \d/4, .* elapsed, .*", text)]
    assert len(progress) >= 2, f"expected the progress line to change at least twice, saw {seen}"
    assert any("epoch 1/4" in text for text in progress) and any("left" in text and "loss" in text for text in progress)
    final = output.inner_text().strip()
    assert re.fullmatch(r"Trained 4 epochs in \d+ s; weights cached for the next run\.", final), final
    assert lab.stderr_texts() == []
