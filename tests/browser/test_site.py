"""The course website as a reader meets it: built once per session by `python -m course_tools.build_site`, served on
127.0.0.1 and opened page by page in headless Chromium, with every request to another host blocked.

Each page must load without a console error, show every image and one search field, typeset every
formula, link only to pages and anchors that exist, and (for a notebook page) launch that page's own
notebook on Colab and Binder. Screenshots of the landing page and of lecture 01 are saved in the
screenshot folder printed at the end of the run; copies of them are the README's docs/site_landing.png
and docs/site_lecture.png.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_FOLDERS = ("notebooks", "exercises", "solutions")
LAUNCH_HOSTS = ("colab.research.google.com", "mybinder.org")
SCREENSHOTS = {"index.html": "site_landing.png", "notebooks/01_dense_mnist_autoencoder.html": "site_lecture.png"}

# Formulas left as TeX: inline \( \), display \[ \] or $$, or a $...$ pair, in the text a reader sees.
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\$[^$\s][^$\n]*\$")
_VISIBLE_TEXT_JS = """() => {
    const article = document.querySelector('article') || document.body;
    const copy = article.cloneNode(true);
    copy.querySelectorAll('pre, code, mjx-container, script, style').forEach((e) => e.remove());
    return copy.innerText;
}"""
_IMAGES_JS = """() => Array.from(document.images).map((img) => ({
    src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth}))"""
_FORMULAS_JS = """() => Array.from(document.querySelectorAll('.math')).map((e) => ({
    typeset: !!e.querySelector('mjx-container'), text: e.textContent.slice(0, 80)}))"""
_MATHJAX_READY_JS = "async () => { if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; } }"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that closes a connection early (e.g. after a favicon 404) is no error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site built once for the session from the committed notebooks (a subprocess, as a reader runs it)."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "course_tools.build_site", "--out", str(out)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, f"course_tools.build_site failed:\n{result.stdout}\n{result.stderr}"
    return out / "html"


@pytest.fixture(scope="session")
def site_url(site):
    """The built site served by a private HTTP server on 127.0.0.1 and a free port."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def offline_context(chromium):
    """A browser context that lets pages load only from 127.0.0.1 and records every other request."""
    context = chromium.new_context(viewport={"width": 1200, "height": 800}, device_scale_factor=1)
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


def _pages() -> list[str]:
    """Every page the built site will have, as a path relative to its root (from the sources, before building)."""
    pages = ["index.html", "search.html", "genindex.html"]
    for folder in NOTEBOOK_FOLDERS:
        pages += [f"{folder}/{p.stem}.html" for p in sorted((ROOT / folder).glob("*.ipynb"))]
    return pages


PAGES = _pages()


def _anchors(site: Path, page: str) -> set[str]:
    html = (site / page).read_text(encoding="utf-8")
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_the_site_has_every_notebook_and_nothing_else(site):
    built = {p.relative_to(site).as_posix() for folder in NOTEBOOK_FOLDERS for p in (site / folder).glob("*.html")}
    assert built == {p for p in PAGES if p.split("/")[0] in NOTEBOOK_FOLDERS}
    assert not any(site.rglob("*.ipynb.html")), "a notebook page was built under a wrong name"


@pytest.mark.parametrize("page", PAGES)
def test_site_page(offline_context, site, site_url, screenshot_dir, page):
    browser_page = offline_context.new_page()
    browser_page.set_default_timeout(30_000)
    errors: list[str] = []
    browser_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    blocked_before = len(offline_context.blocked)
    try:
        response = browser_page.goto(urljoin(site_url, page), wait_until="load")
        assert response is not None and response.status == 200, f"{page}: HTTP {response and response.status}"
        browser_page.evaluate(_MATHJAX_READY_JS)
        browser_page.wait_for_load_state("networkidle")

        assert offline_context.blocked[blocked_before:] == [], f"{page} fetches from the internet"
        assert errors == [], f"{page}: console errors {errors}"

        images = browser_page.evaluate(_IMAGES_JS)
        broken = [image["src"] for image in images if not (image["complete"] and image["width"] > 0)]
        assert broken == [], f"{page}: images that did not load: {broken}"

        formulas = browser_page.evaluate(_FORMULAS_JS)
        raw = [f["text"] for f in formulas if not f["typeset"]]
        assert raw == [], f"{page}: formulas MathJax did not typeset: {raw}"
        leftover = RAW_TEX.findall(browser_page.evaluate(_VISIBLE_TEXT_JS))
        assert leftover == [], f"{page}: raw TeX in the text: {leftover[:5]}"

        search_fields = browser_page.locator(".search-button-field").filter(visible=True).count()
        assert search_fields == 1, f"{page} shows {search_fields} search fields; one, in the sidebar, is enough"

        links = browser_page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.href)")
        _check_internal_links(site, site_url, page, links)
        if page.split("/")[0] in NOTEBOOK_FOLDERS:
            _check_launch_links(page, links)
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
