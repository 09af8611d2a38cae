"""The course website as a reader meets it: built once per session by `python -m course_tools.build_site` (the public
site, and with `--instructor` the instructors' one), served on 127.0.0.1 and opened page by page in headless Chromium
at 1280 px, with every request to another host blocked.

Each page must load without a console error, show every image (with alt text that says what it shows) and one search
field, typeset every formula (no stray TeX, no backslash in \\text), link only to pages and anchors that exist, keep
every table inside its column, show each printed output in one box and each markdown_table output as a table, and (a
notebook page) open with what it teaches, what to read first and its running time, link to "Run it yourself", have a
copy button on every code cell, a download button that gives the committed notebook, and launch that page's own
notebook on Colab and Binder. The public site has no solution and no hidden test; the instructors' site titles each
solution as one. Screenshots of the landing page and of lecture 01 are saved in the screenshot folder printed at the
end of the run; copies of them are the README's docs/site_landing.png and docs/site_lecture.png.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import nbformat
import pytest

from course_tools import build_site, syllabus

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_FOLDERS = ("notebooks", "exercises")
NOTEBOOK_FOLDERS = (*PUBLIC_FOLDERS, "solutions")
LAUNCH_HOSTS = ("colab.research.google.com", "mybinder.org")
SCREENSHOTS = {"index.html": "site_landing.png", "notebooks/01_dense_mnist_autoencoder.html": "site_lecture.png"}
RUN_PAGE = f"{build_site.RUN_PAGE}.html"
BUILD_SECONDS = 60
SECRET_MARKERS = ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END SOLUTION", "END HIDDEN TESTS")
PHONE = {"width": 390, "height": 844}

# Formulas left as TeX: inline \( \), display \[ \] or $$, or a $...$ pair, in the text a reader sees.
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\$[^$\s][^$\n]*\$")
_VISIBLE_TEXT_JS = """() => {
    const article = document.querySelector('article') || document.body;
    const copy = article.cloneNode(true);
    copy.querySelectorAll('pre, code, mjx-container, script, style').forEach((e) => e.remove());
    return copy.innerText;
}"""
_IMAGES_JS = """() => Array.from(document.images).map((img) => ({
    src: img.getAttribute('src'), alt: img.getAttribute('alt') || '', complete: img.complete, width: img.naturalWidth,
    inArticle: !!img.closest('article')}))"""
_FORMULAS_JS = """() => Array.from(document.querySelectorAll('.math')).map((e) => ({
    typeset: !!e.querySelector('mjx-container'), text: e.textContent.slice(0, 80)}))"""
# A backslash glyph (U+005C) inside text in a formula: TeX such as \text{log\_var} shown as typed.
_TEXT_BACKSLASHES_JS = "() => document.querySelectorAll('mjx-mtext mjx-c.mjx-c5C').length"
_MATHJAX_READY_JS = "async () => { if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; } }"
# Tables wider than the article column that holds them (or than the window).
_WIDE_TABLES_JS = """() => {
    const article = document.querySelector('article') || document.querySelector('main');
    const limit = Math.min(article.getBoundingClientRect().right, window.innerWidth) + 1;
    return Array.from(article.querySelectorAll('table'))
        .filter((t) => t.getBoundingClientRect().right > limit || t.scrollWidth > t.getBoundingClientRect().width + 1)
        .map((t) => `${Math.round(t.getBoundingClientRect().width)} px: ${t.innerText.slice(0, 60)}`);
}"""
# Two printed outputs of one stream one after the other: a table split into boxes.
_SPLIT_STREAMS_JS = """() => Array.from(document.querySelectorAll('.cell_output')).filter((box) => {
    const kinds = Array.from(box.children).map((o) => o.classList.contains('stream') ? o.className : null);
    return kinds.some((kind, i) => i > 0 && kind !== null && kind === kinds[i - 1]);
}).length"""
_CODE_CELLS_JS = """() => ({
    cells: document.querySelectorAll('div.cell_input').length,
    buttons: document.querySelectorAll('div.cell_input button.copybtn').length})"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that closes a connection early (e.g. after a favicon 404) is no error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _build(out: Path, *options: str) -> SimpleNamespace:
    """Build the site with the README's command into ``out``; return its html folder and the build's wall and CPU time."""
    start, cpu = time.perf_counter(), _cpu_seconds_of_children()
    result = subprocess.run(
        [sys.executable, "-m", "course_tools.build_site", "--out", str(out), *options], capture_output=True, text=True, cwd=ROOT
    )
    seconds, cpu = time.perf_counter() - start, _cpu_seconds_of_children() - cpu
    assert result.returncode == 0, f"course_tools.build_site {' '.join(options)} failed:\n{result.stdout}\n{result.stderr}"
    return SimpleNamespace(html=out / "html", seconds=seconds, cpu=cpu)


@contextlib.contextmanager
def _serve(folder: Path):
    """Serve ``folder`` by a private HTTP server on 127.0.0.1 and a free port; yield its URL."""
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> SimpleNamespace:
    """The public site, built once for the session from the committed notebooks (a subprocess, as a reader runs it)."""
    return _build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def site(built) -> Path:
    return built.html


@pytest.fixture(scope="session")
def instructor_site(tmp_path_factory) -> Path:
    """The instructors' site (--instructor), built once for the session."""
    return _build(tmp_path_factory.mktemp("instructor-site"), "--instructor").html


@pytest.fixture(scope="session")
def site_url(site):
    with _serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def instructor_url(instructor_site):
    with _serve(instructor_site) as url:
        yield url


@pytest.fixture(scope="session")
def offline_context(chromium):
    """A browser context that lets pages load only from 127.0.0.1 and records every other request."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    blocked: list[str] = []

    def route(request_route):
        host = urlparse(request_route.request.url).hostname
        if host in ("127.0.0.1", None):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    try:
        yield SimpleNamespace(new_page=context.new_page, blocked=blocked)
    finally:
        context.close()


def _notebooks(folders=PUBLIC_FOLDERS) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).glob("*.ipynb"))]


def _pages(folders=PUBLIC_FOLDERS) -> list[str]:
    """Every page the built site will have, as a path relative to its root (from the sources, before building)."""
    return ["index.html", "search.html", RUN_PAGE] + [f"{p.parent.name}/{p.stem}.html" for p in _notebooks(folders)]


PAGES = _pages()
SOLUTION_PAGES = [f"solutions/{p.stem}.html" for p in _notebooks(("solutions",))]
README_ROWS = syllabus.readme_rows((ROOT / "README.md").read_text(encoding="utf-8"))


def _anchors(site: Path, page: str) -> set[str]:
    html = (site / page).read_text(encoding="utf-8")
    return set(re.findall(r'\sid="([^"]+)"', html))


def _markdown_tables(notebook: Path) -> int:
    """How many outputs of ``notebook`` are Markdown tables (course_utils.reporting.markdown_table)."""
    cells = nbformat.read(notebook, as_version=4).cells
    outputs = [o for cell in cells for o in cell.get("outputs", [])]
    return sum(1 for o in outputs if re.search(r"^\|[-:| ]+\|$", o.get("data", {}).get("text/markdown", ""), re.M))


def _hidden_test_lines() -> set[str]:
    """Every substantial line of a hidden-test block in solutions/ (what nbgrader keeps from the students)."""
    lines = set()
    for path in _notebooks(("solutions",)):
        for cell in nbformat.read(path, as_version=4).cells:
            for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S):
                lines |= {line.strip() for line in block.splitlines() if len(line.strip()) > 30}
    return lines


# --------------------------------------------------------------------------- the built files
def test_the_site_has_every_lecture_and_exercise_and_no_solution(site):
    built = {p.relative_to(site).as_posix() for folder in NOTEBOOK_FOLDERS for p in (site / folder).glob("*.html")}
    assert built == {p for p in PAGES if p.split("/")[0] in NOTEBOOK_FOLDERS}
    assert not (site / "solutions").exists() and not (site / "_sources" / "solutions").exists()
    assert not any(site.rglob("*.ipynb.html")), "a notebook page was built under a wrong name"
    assert not (site / "genindex.html").exists(), "an empty index page"


def test_the_public_site_publishes_no_answer_and_no_hidden_test(site):
    hidden = _hidden_test_lines()
    assert hidden, "the solutions have hidden tests; this test must look for them"
    leaks = []
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".txt", ".ipynb", ".md", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            leaks += [f"{path.relative_to(site)}: {marker}" for marker in SECRET_MARKERS if marker in text]
            leaks += [f"{path.relative_to(site)}: {line[:60]}" for line in hidden if line in text]
            leaks += [f"{path.relative_to(site)}: links to solutions/" for _ in re.findall(r'href="[^"]*solutions/ex', text)]
    assert leaks == []


def test_the_public_build_is_quick(built):
    """At most a minute on the 2-core machine: its CPU time, which other jobs on a shared machine do not inflate."""
    assert built.cpu <= BUILD_SECONDS, f"the site took {built.cpu:.0f} s of CPU ({built.seconds:.0f} s wall) to build"


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.name)
def test_the_download_button_gives_the_committed_notebook(site, notebook):
    """Not the staged copy: no picture cell that points into docs/, no box added at the top."""
    relative = f"{notebook.parent.name}/{notebook.name}"
    html = (site / relative.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert f'href="../_sources/{relative}"' in html, "the page has no download link for its notebook"
    assert (site / "_sources" / relative).read_bytes() == notebook.read_bytes()


def test_publishing_refuses_the_placeholder_repository(tmp_path):
    if build_site.launch_links.repository_url() != build_site.launch_links.PLACEHOLDER_REPOSITORY:
        pytest.skip("pyproject.toml names a real repository")
    result = subprocess.run(
        [sys.executable, "-m", "course_tools.build_site", "--publish", "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2 and "placeholder" in result.stderr and not (tmp_path / "html").exists()


# --------------------------------------------------------------------------- every page in Chromium
def _open(offline_context, url: str, page: str):
    """Open ``page`` and wait for MathJax; return the Playwright page and the console errors it logged."""
    browser_page = offline_context.new_page()
    browser_page.set_default_timeout(30_000)
    errors: list[str] = []
    browser_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    response = browser_page.goto(urljoin(url, page), wait_until="load")
    assert response is not None and response.status == 200, f"{page}: HTTP {response and response.status}"
    browser_page.evaluate(_MATHJAX_READY_JS)
    browser_page.wait_for_load_state("networkidle")
    return browser_page, errors


def _check_page(offline_context, site: Path, url: str, page: str) -> object:
    """Every check a page of either build must pass; return the open Playwright page (the caller closes it)."""
    blocked_before = len(offline_context.blocked)
    browser_page, errors = _open(offline_context, url, page)
    assert offline_context.blocked[blocked_before:] == [], f"{page} fetches from the internet"
    assert errors == [], f"{page}: console errors {errors}"

    images = browser_page.evaluate(_IMAGES_JS)
    broken = [image["src"] for image in images if not (image["complete"] and image["width"] > 0)]
    assert broken == [], f"{page}: images that did not load: {broken}"
    unnamed = [i["src"] for i in images if i["inArticle"] and (len(i["alt"]) < 12 or re.search(r"\.(png|jpe?g|svg)$|/", i["alt"]))]
    assert unnamed == [], f"{page}: images whose alt text does not say what they show: {unnamed}"

    formulas = browser_page.evaluate(_FORMULAS_JS)
    raw = [f["text"] for f in formulas if not f["typeset"]]
    assert raw == [], f"{page}: formulas MathJax did not typeset: {raw}"
    text = browser_page.evaluate(_VISIBLE_TEXT_JS)
    leftover = RAW_TEX.findall(text)
    assert leftover == [], f"{page}: raw TeX in the text: {leftover[:5]}"
    assert browser_page.evaluate(_TEXT_BACKSLASHES_JS) == 0, f"{page}: a formula shows a backslash typed in its text"

    article = browser_page.evaluate("() => (document.querySelector('article') || document.body).innerText")
    assert "|---|" not in article and "|---" not in article, f"{page}: a Markdown table shown as pipe text"
    assert browser_page.evaluate(_WIDE_TABLES_JS) == [], f"{page}: tables wider than their column at 1280 px"
    assert browser_page.evaluate(_SPLIT_STREAMS_JS) == 0, f"{page}: one printed output split into several boxes"

    search_fields = browser_page.locator(".search-button-field").filter(visible=True).count()
    assert search_fields == 1, f"{page} shows {search_fields} search fields; one, in the sidebar, is enough"

    links = browser_page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.href)")
    _check_internal_links(site, url, page, links)
    assert not any(unquote(urlparse(link).path).endswith("genindex.html") for link in links), f"{page} links to an index page"
    article_links = browser_page.eval_on_selector_all("article a[href]", "(links) => links.map((a) => a.href)")
    if page.split("/")[0] in NOTEBOOK_FOLDERS or page == "index.html":
        assert urljoin(url, RUN_PAGE) in article_links, f"{page} does not link to {RUN_PAGE}"
    if page.split("/")[0] in NOTEBOOK_FOLDERS:
        _check_launch_links(page, links)
        code = browser_page.evaluate(_CODE_CELLS_JS)
        assert code["cells"] > 0 and code["buttons"] == code["cells"], f"{page}: code cells without a copy button: {code}"
        _check_markdown_tables(browser_page, page)
    return browser_page


@pytest.mark.parametrize("page", PAGES)
def test_site_page(offline_context, site, site_url, screenshot_dir, page):
    browser_page = _check_page(offline_context, site, site_url, page)
    try:
        if page.split("/")[0] in PUBLIC_FOLDERS:
            _check_page_facts(browser_page, page)
        if page in SCREENSHOTS:
            browser_page.screenshot(path=str(screenshot_dir / SCREENSHOTS[page]))
    finally:
        browser_page.close()


def _check_internal_links(site: Path, site_url: str, page: str, links: list[str]) -> None:
    missing = []
    for link in links:
        if not link.startswith(site_url):
            continue
        target, fragment = urldefrag(link)
        relative = unquote(target[len(site_url) :]) or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        if not (site / relative).is_file():
            missing.append(link)
        elif fragment and relative.endswith(".html") and unquote(fragment) not in _anchors(site, relative):
            missing.append(link)
    assert missing == [], f"{page}: links to pages or anchors that do not exist: {missing}"


def _check_launch_links(page: str, links: list[str]) -> None:
    notebook = page.removesuffix(".html") + ".ipynb"
    launch = [link for link in links if urlparse(link).hostname in LAUNCH_HOSTS]
    for host in LAUNCH_HOSTS:
        assert any(urlparse(link).hostname == host for link in launch), f"{page} has no launch link to {host}"
    wrong = [link for link in launch if notebook not in unquote(link)]
    assert wrong == [], f"{page}: launch links that do not open {notebook}: {wrong}"


def _check_markdown_tables(browser_page, page: str) -> None:
    expected = _markdown_tables(ROOT / page.replace(".html", ".ipynb"))
    shown = browser_page.locator("div.cell_output table").count()
    assert shown == expected, f"{page}: {expected} markdown_table outputs, {shown} shown as tables"


def _check_page_facts(browser_page, page: str) -> None:
    """The box under the title says what the notebook teaches, what to read first and its time, from README's tables."""
    row = README_ROWS[page.replace(".html", ".ipynb")]
    facts = browser_page.locator("article .page-facts")
    assert facts.count() == 1, f"{page} does not open with what it teaches, needs and costs"
    text = re.sub(r"\s+", " ", facts.inner_text()).replace("\u2019", "'")  # Sphinx's typographic apostrophes
    assert row.what.replace("`", "")[:40] in text, f"{page}: the box does not quote README's table: {text[:200]}"
    assert "Read first:" in text and syllabus.minutes_text(row.minutes) in text, text


def test_the_landing_page_and_a_lecture_fit_a_phone(chromium, site_url, screenshot_dir):
    context = chromium.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    try:
        for page in ("index.html", RUN_PAGE, "notebooks/03_convolutional_fashion_mnist.html"):
            browser_page = context.new_page()
            browser_page.goto(urljoin(site_url, page), wait_until="networkidle")
            overflow = browser_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{page} is {overflow} px wider than a phone's screen"
            if page != "notebooks/03_convolutional_fashion_mnist.html":  # a lecture's wide table may scroll in its box
                assert browser_page.evaluate(_WIDE_TABLES_JS) == [], f"{page}: tables wider than a phone's screen"
            if page == "index.html":
                browser_page.screenshot(path=str(screenshot_dir / "site_landing_phone.png"))
            browser_page.close()
    finally:
        context.close()


def test_search_lists_the_lecture_before_its_exercise_and_each_page_once(offline_context, site_url):
    """"reparameterisation" is a section title of exercise 5 and only text in lecture 05: the lecture comes first."""
    browser_page, errors = _open(offline_context, site_url, "search.html?q=reparameterisation")
    try:
        browser_page.wait_for_function("() => /Search finished/.test(document.getElementById('search-results').innerText)")
        results = browser_page.eval_on_selector_all("#search-results li a", "(links) => links.map((a) => a.getAttribute('href'))")
        pages = [urldefrag(link)[0] for link in results]
        assert len(pages) == len(set(pages)), f"a page is listed twice: {results}"
        lecture, exercise = "notebooks/05_sparse_and_variational_autoencoders.html", "exercises/ex5_vae.html"
        assert lecture in pages and exercise in pages and pages.index(lecture) < pages.index(exercise), results
        assert errors == []
    finally:
        browser_page.close()


# --------------------------------------------------------------------------- the instructors' build
def test_the_instructors_site_titles_each_page_apart_and_shows_no_marker(instructor_site):
    titles = {}
    for path in instructor_site.glob("**/*.html"):
        if path.relative_to(instructor_site).parts[0] == "_static":  # the theme's template fragments
            continue
        match = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
        titles[path.relative_to(instructor_site).as_posix()] = match[1].strip() if match else ""
    repeated = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    assert repeated == set(), f"pages that share a title: {[(p, t) for p, t in titles.items() if t in repeated]}"
    assert {p for p in titles if p.startswith("solutions/")} == set(SOLUTION_PAGES)
    for page in SOLUTION_PAGES:
        assert titles[page].startswith("Solution: Exercise"), titles[page]
        html = (instructor_site / page).read_text(encoding="utf-8")
        assert "solution-banner" in html, f"{page} has no banner saying it is a solution"
        assert not [m for m in SECRET_MARKERS if m in html], f"{page} shows nbgrader's marker lines"
    assert "Hidden tests: nbgrader grades with them" in (instructor_site / "solutions" / "ex1_transformations.html").read_text()


@pytest.mark.parametrize("page", ["index.html", *SOLUTION_PAGES])
def test_instructor_site_page(offline_context, instructor_site, instructor_url, page):
    browser_page = _check_page(offline_context, instructor_site, instructor_url, page)
    try:
        if page == "index.html":
            links = browser_page.eval_on_selector_all("article a[href]", "(links) => links.map((a) => a.getAttribute('href'))")
            assert sum(1 for link in links if link.startswith("solutions/")) == len(SOLUTION_PAGES), links
    finally:
        browser_page.close()
