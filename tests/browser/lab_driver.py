"""Drive a real JupyterLab for the browser tests: a private server process and the page a student sees.

`JupyterLabServer` starts `jupyter lab` on 127.0.0.1 with a random token in its own process group and
stops it with every kernel it started. `LabPage` wraps a Playwright page showing one notebook and does
what a student does: open it, select a cell, use the Run menu, read the prompts, press keys.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import psutil

# JupyterLab user settings written into the server's private settings folder: no news or update
# check (those toasts fetch from the internet and cover the notebook in screenshots).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # Every cell in the page from the start: by default JupyterLab attaches a long notebook's cells bit by bit while the
    # CPU is idle, which on a busy 2-core machine can take longer than any timeout a test can afford.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

# True once the notebook's kernel has started and is idle: the execution indicator alone also says
# "idle" before any kernel is attached, so the kernel name must be known as well.
_KERNEL_IDLE_JS = """(panel) => {
    const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    const name = panel.querySelector('.jp-Toolbar-kernelName');
    return !!indicator && indicator.dataset.status === 'idle' && !!name && !/No Kernel/.test(name.textContent);
}"""

# SHA-256 of each image element, read back through the browser as the student's page has it
# (`blob:` URLs of ipywidgets.Image or `data:` URLs of plotted outputs); null while one is being replaced.
_IMAGE_DIGESTS_JS = """async (images) => {
    const digests = [];
    for (const img of images) {
        try {
            const bytes = await (await fetch(img.src)).arrayBuffer();
            const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
            digests.push(Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''));
        } catch (error) {
            return null;
        }
    }
    return digests;
}"""

# The box around what a widget draws (the widget's own box spans the whole notebook width).
_DRAWN_BOX_JS = """(root) => {
    const outer = root.getBoundingClientRect();
    let right = outer.left, bottom = outer.top;
    for (const element of [root, ...root.querySelectorAll('*')]) {
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.height > 0) {
            right = Math.max(right, box.right);
            bottom = Math.max(bottom, box.bottom);
        }
    }
    return {x: outer.left, y: outer.top, width: right - outer.left, height: bottom - outer.top};
}"""

PROMPT_DONE = re.compile(r"^\[(\d+)\]:$")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_data_path() -> list[str]:
    """Return the `share/jupyter` folder of the prefix that holds JupyterLab when it is not `sys.prefix`.

    JupyterLab finds its own assets next to its package, but the widget extension and the kernel
    spec are looked up under `sys.prefix`; a venv that borrows packages from another prefix (a `.pth`
    file) would otherwise load JupyterLab without the ipywidgets extension.
    """
    import jupyterlab

    prefix = Path(jupyterlab.__file__).resolve().parents[4]
    shared = prefix / "share" / "jupyter"
    return [str(shared)] if shared.is_dir() and prefix != Path(sys.prefix).resolve() else []


class JupyterLabServer:
    """A `jupyter lab` process serving `root_dir`, with its config, data and settings under `state_dir`."""

    def __init__(self, root_dir: Path, state_dir: Path, env: dict[str, str] | None = None) -> None:
        self.root_dir = Path(root_dir)
        self.state_dir = Path(state_dir)
        self.extra_env = dict(env or {})
        self.token = secrets.token_hex(24)
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.log_path = self.state_dir / "jupyter-lab.log"

    # ----- life cycle
    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "JPY_"))}
        env.pop("MPLBACKEND", None)  # a student's kernel draws inline; CI's Agg backend is for nbval only
        private = {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
            "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
            "IPYTHONDIR": "ipython",
        }
        for name, folder in private.items():
            env[name] = str(self.state_dir / folder)
        extra_path = jupyter_data_path()
        if extra_path:
            env["JUPYTER_PATH"] = os.pathsep.join(extra_path)
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env.update(self.extra_env)
        return env

    def _write_settings(self) -> None:
        for relative, values in LAB_SETTINGS.items():
            path = self.state_dir / "lab-settings" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))

    def start(self, timeout: float = 120.0) -> JupyterLabServer:
        """Start the server and return once its REST API answers; raise with its log if it does not."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._write_settings()
        self.port = free_port()
        command = [
            sys.executable, "-m", "jupyterlab",  # same app as `jupyter lab`, without needing the script on PATH
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.shutdown_no_activity_timeout=1800",  # a safety net should a test run be killed
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI containers run as root
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.root_dir,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() can end it and its children
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "api/status", timeout=5)
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    message = f"jupyter lab did not answer within {timeout:.0f} s:\n{self.log_tail()}"
                    raise RuntimeError(message) from None
                time.sleep(0.5)

    def processes(self) -> list[psutil.Process]:
        """Return the server process and everything it started (kernels run in sessions of their own)."""
        if self.process is None:
            return []
        try:
            server = psutil.Process(self.process.pid)
            return [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 20.0) -> list[psutil.Process]:
        """Shut the server and its kernels down, politely first, and return the processes still alive.

        Asks the REST API to shut down (kernels are stopped and their files removed), then sends SIGTERM
        and finally SIGKILL to the process group of the server and of every kernel it started.
        """
        if self.process is None:
            return []
        started = self.processes()
        if self.process.poll() is None:
            try:
                self.api("POST", "api/shutdown", timeout=5)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            _, alive = psutil.wait_procs(started, timeout=timeout / 2)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if not alive:
                    break
                _signal_groups(alive, sig)
                _, alive = psutil.wait_procs(alive, timeout=timeout / 4)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        return [p for p in started if is_alive(p)]

    # ----- REST API and URLs
    def url(self, path: str = "", **query: str) -> str:
        params = "&".join([*(f"{k}={quote(v)}" if v else k for k, v in query.items()), f"token={self.token}"])
        return f"http://127.0.0.1:{self.port}/{path}?{params}"

    def notebook_url(self, name: str) -> str:
        """URL that opens `name` in a fresh workspace (`reset`), so no earlier tab comes back."""
        return self.url(f"lab/tree/{quote(name)}", reset="")

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 10) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/{path}",
            data=data if data is not None or method == "GET" else b"",
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
        return json.loads(text) if text.strip() else None

    def shutdown_kernels(self, timeout: float = 30.0) -> None:
        """Stop every session and kernel, so the next test starts from a quiet server.

        Retries: jupyter_server answers 500 when asked to list kernels while one is still starting.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                sessions, kernels = self.api("GET", "api/sessions"), self.api("GET", "api/kernels")
                if not sessions and not kernels:
                    return
                for session in sessions:
                    self.api("DELETE", f"api/sessions/{session['id']}", timeout=30)
                for kernel in kernels:
                    self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=30)
            except urllib.error.HTTPError:
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise RuntimeError(f"kernels still running after {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.5)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def is_alive(process: psutil.Process) -> bool:
    """True while `process` runs (a zombie waiting to be reaped counts as ended)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _signal_groups(processes: Iterable[psutil.Process], sig: signal.Signals) -> None:
    """Send `sig` to the process group of each process (never to the test runner's own group)."""
    own_group = os.getpgid(0)
    for process in processes:
        try:
            group = os.getpgid(process.pid)
            if group != own_group:
                os.killpg(group, sig)
            else:
                process.send_signal(sig)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass


class LabPage:
    """One notebook open in JupyterLab in a Playwright page."""

    def __init__(self, page, server: JupyterLabServer) -> None:
        self.page = page
        self.server = server
        self.panel = page.locator(".jp-NotebookPanel:visible")
        self.cells = self.panel.locator(".jp-Notebook .jp-Cell")

    def open(self, name: str, timeout_ms: float = 90_000) -> None:
        """Open notebook `name` and wait until its cells are shown and its kernel is idle."""
        self.page.goto(self.server.notebook_url(name), timeout=timeout_ms)
        self.panel.locator(".jp-Cell").first.wait_for(timeout=timeout_ms)
        self.page.wait_for_function(
            f"() => {{ const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');"
            f" return !!panel && ({_KERNEL_IDLE_JS})(panel); }}",
            timeout=timeout_ms,
        )

    def wait_for_cells(self, count: int, timeout_ms: float = 60_000) -> int:
        """Wait until JupyterLab has drawn `count` cells (it draws long notebooks bit by bit); return how many."""
        try:
            self.page.wait_for_function(
                "(count) => document.querySelectorAll("
                "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').length >= count",
                arg=count,
                timeout=timeout_ms,
            )
        except Exception:  # report the count instead of a bare time-out
            pass
        return self.cells.count()

    def dialogs(self) -> list[str]:
        """Return the text of every dialog JupyterLab shows (an error, a kernel chooser, ...)."""
        return [text.strip() for text in self.page.locator(".jp-Dialog").all_inner_texts()]

    def menu(self, menu: str, item: str) -> None:
        """Click `item` in the menu bar's `menu`, as a student would."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{re.escape(menu)}$")).click()
        self.page.locator(".lm-Menu-item:visible", has_text=item).first.click()

    def select_cell(self, index: int) -> None:
        """Select cell `index` (0-based, all cells) in command mode by clicking its prompt."""
        self.cells.nth(index).locator(".jp-InputPrompt").click()

    def prompts(self) -> list[str]:
        return [text.strip() for text in self.cells.locator(".jp-InputPrompt").all_inner_texts()]

    def stderr_texts(self) -> list[str]:
        """Return the text of every traceback and stderr output in the notebook."""
        outputs = self.panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        return outputs.all_inner_texts()

    def run_up_to(self, index: int, timeout_s: float = 240) -> int:
        """Clear outputs, run every cell above cell `index` and the cell itself; return its execution count.

        Fails with the notebook's tracebacks when the kernel stops before reaching the cell.
        """
        self.menu("Edit", "Clear Outputs of All Cells")
        if index > 0:  # the menu item is disabled on the first cell
            self.select_cell(index)
            self.menu("Run", "Run All Above Selected Cell")
        self.select_cell(index)
        self.page.keyboard.press("Shift+Enter")
        deadline = time.monotonic() + timeout_s
        time.sleep(1)
        while True:
            prompts = self.prompts()
            done = PROMPT_DONE.match(prompts[index])
            if done:
                return int(done.group(1))
            if "[*]:" not in prompts:
                raise AssertionError(
                    f"the kernel stopped before cell {index + 1} ran; prompts {prompts}; errors:\n"
                    + "\n".join(self.stderr_texts())
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"cells still running after {timeout_s:.0f} s; prompts {prompts}")
            time.sleep(0.5)

    def log_console_text(self) -> str:
        """Open View > Show Log Console and return its text: where JupyterLab shows the tracebacks
        of widget callbacks, which belong to no cell."""
        try:
            self.menu("View", "Show Log Console")
            self.page.locator(".jp-LogConsole").first.wait_for(timeout=10_000)
            return "\n".join(self.page.locator(".jp-LogConsole .jp-OutputArea-output").all_inner_texts())
        except Exception as error:  # only used to explain a failure; never hide it
            return f"(log console not readable: {error})"

    def wait_until_still(self, images, quiet_s: float = 1.5, timeout_s: float = 30) -> None:
        """Wait until the images matched by `images` stop changing for `quiet_s` (queued updates done)."""
        deadline = time.monotonic() + timeout_s
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            now = self.image_digests(images)
            if now != last or now is None:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                return
            time.sleep(0.25)

    def screenshot_widget(self, output, path: Path, margin: int = 8) -> None:
        """Save a PNG of the first widget in `output` once it has settled, trimmed to what it draws."""
        from PIL import Image, ImageChops, ImageOps  # Pillow comes with matplotlib

        self.wait_until_still(output.locator("img"))
        widget = output.locator(".jp-OutputArea-output > .jupyter-widgets").first
        widget.scroll_into_view_if_needed()
        self.page.screenshot(path=path, clip=widget.evaluate(_DRAWN_BOX_JS))
        with Image.open(path) as shot:
            picture = shot.convert("RGB")
        difference = ImageChops.difference(picture, Image.new("RGB", picture.size, "white")).convert("L")
        box = difference.point(lambda value: 255 if value > 32 else 0).getbbox()  # faint borders are background
        if box:
            picture = picture.crop(box)
        ImageOps.expand(picture, border=margin, fill="white").save(path, optimize=True)

    def output_area(self, index: int):
        return self.cells.nth(index).locator(".jp-Cell-outputArea")

    def image_digests(self, images) -> list[str] | None:
        """Return a SHA-256 of the bytes of each `<img>` matched by locator `images`, or None mid-update."""
        return images.evaluate_all(_IMAGE_DIGESTS_JS)

    def wait_for_new_images(self, images, before: list[str], timeout_s: float = 30) -> list[str]:
        """Wait until every image matched by locator `images` differs from `before`; return their digests."""
        deadline = time.monotonic() + timeout_s
        while True:
            now = self.image_digests(images)
            if now is not None and len(now) == len(before) and all(a != b for a, b in zip(now, before, strict=True)):
                return now
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"not every image changed within {timeout_s:.0f} s: the widget's Python callback did not redraw. "
                    f"JupyterLab's log console ends with:\n{self.log_console_text()[-2000:] or '(nothing)'}"
                )
            time.sleep(0.25)
