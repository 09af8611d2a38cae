"""Fixtures for the browser tests: one private JupyterLab server for the session, headless Chromium
through Playwright, and a fresh page per test that is photographed when the test fails.

Chromium is the system one (Debian's `chromium` package, or COURSE_CHROMIUM=/path/to/chrome);
Playwright's own browser download is never used. Without a browser the tests skip, except under
CI=true, where a missing browser fails them.

JupyterLab runs the notebooks in quick mode with a copy of the run's weight cache. With `--full` it runs
them in full mode with your own weight cache (COURSE_CACHE_DIR, else ~/.cache/course_utils), so the
explorers show the trained models; `--explorer-pictures DIR` copies the explorer pictures the tests take
into DIR. The website's pictures are retaken, after the lectures were executed in full mode, with

    python -m pytest tests/browser/test_jupyterlab.py -k explorer --full --explorer-pictures docs
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from lab_driver import JupyterLabServer, LabPage

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ENV_VAR = "COURSE_CHROMIUM"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) or point "
    f"{CHROMIUM_ENV_VAR} at a Chromium or Chrome binary; Playwright comes with "
    "`python -m pip install -e \".[dev]\"` (no `playwright install` needed)"
)
_SCREENSHOTS = pytest.StashKey[list]()
EXPLORER_PICTURES_OPTION = "--explorer-pictures"
_REPORTS = pytest.StashKey[dict]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _unavailable(reason: str) -> None:
    """Skip, or fail under CI=true, where the browser tests must run."""
    if _in_ci():
        pytest.fail(f"{reason} (CI=true, so the browser tests must run): {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"{reason}: {INSTALL_HINT}")


def find_chromium() -> str | None:
    """Return the Chromium binary to use: COURSE_CHROMIUM, else the first known name on PATH."""
    configured = os.environ.get(CHROMIUM_ENV_VAR, "").strip()
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def pytest_addoption(parser):
    parser.addoption(
        EXPLORER_PICTURES_OPTION,
        metavar="DIR",
        type=Path,
        default=None,
        help="copy the pictures of the interactive explorers that the browser tests take into DIR (the website's are in "
        "docs/); with --full, JupyterLab runs in full mode on your own weight cache, so they show the trained models",
    )


# ----- reports and screenshots
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    item.stash.setdefault(_REPORTS, {})[call.when] = outcome.get_result()


def _failed(request) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


@pytest.fixture(scope="session")
def screenshot_dir(request) -> Path:
    """A temporary folder for screenshots; listed at the end of the run when it holds any."""
    folder = Path(tempfile.mkdtemp(prefix="course-browser-screenshots-"))
    request.config.stash[_SCREENSHOTS] = folder
    return folder


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    folder = config.stash.get(_SCREENSHOTS, None)
    if folder is None:
        return
    files = sorted(folder.iterdir())
    if files:
        terminalreporter.section("browser screenshots")
        for path in files:
            terminalreporter.write_line(str(path))
    else:
        folder.rmdir()


# ----- server and browser
@pytest.fixture(scope="session")
def lab_full_mode(request) -> bool:
    """True when JupyterLab runs the notebooks in full mode: `--full` (see the root conftest.py)."""
    return bool(request.config.getoption("--full", default=False))


@pytest.fixture(scope="session")
def explorer_pictures(request) -> Path | None:
    """The folder the explorer pictures are copied to (--explorer-pictures), or None."""
    folder = request.config.getoption(EXPLORER_PICTURES_OPTION)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def lab_server(lab_full_mode, tmp_path_factory):
    """JupyterLab serving a temporary copy of notebooks/: in quick mode with a private copy of the run's weight cache,
    or with --full in full mode with your own weight cache (where `python -m course_tools.execute` left the weights)."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    if (ROOT / "notebooks").is_dir():
        shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        root.mkdir()
    if lab_full_mode:
        from course_utils.training import cache_dir

        env = {"COURSE_QUICK": "0", "COURSE_CACHE_DIR": str(cache_dir())}
    else:
        weights = base / "weights"
        run_cache = os.environ.get("COURSE_CACHE_DIR", "").strip()
        if run_cache and Path(run_cache).is_dir():
            # Start from a copy of whatever weights this test run has trained so far (nbval may be executing the
            # notebooks in another worker): the kernel loads those instead of training again, trains the rest in
            # quick mode, and the run's own cache is never written to.
            shutil.copytree(run_cache, weights)
        env = {"COURSE_QUICK": "1", "COURSE_CACHE_DIR": str(weights)}
    # COURSE_DATA_DIR and COURSE_OFFLINE pass through from the test run's environment.
    server = JupyterLabServer(root, base / "state", env=env).start()
    try:
        yield server
    finally:
        survivors = server.stop()
        assert not survivors, f"processes left behind by jupyter lab: {survivors}"


@pytest.fixture(scope="session")
def chromium():
    """Headless system Chromium driven by Playwright, for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    executable = find_chromium()
    if executable is None:
        configured = os.environ.get(CHROMIUM_ENV_VAR, "").strip()
        _unavailable(f"{CHROMIUM_ENV_VAR}={configured} is not an executable" if configured else "no Chromium found")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def browser_context(chromium):
    """One browser context for the session, so JupyterLab's scripts come from the browser cache after the first page."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def lab(request, browser_context, lab_server, screenshot_dir):
    """A fresh JupyterLab page; on failure its screenshot and browser console land in `screenshot_dir`."""
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    try:
        yield LabPage(page, lab_server)
    finally:
        if _failed(request):
            stem = screenshot_dir / request.node.name.replace("/", "_")
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                console.append(f"(screenshot failed: {error})")
            Path(f"{stem}.console.txt").write_text("\n".join(console))
            Path(f"{stem}.server.log").write_text(lab_server.log_tail(200))
            print(f"screenshot of the failed browser test: {stem}.png")
        page.close()
        lab_server.shutdown_kernels()
