"""Run a submission's kernel in a bubblewrap sandbox while nbgrader autogrades it.

nbgrader itself runs as the instructor: it reads and writes the gradebook, the course folder and the feedback.
Only the kernel that executes a student's notebook is sandboxed, with `bwrap` (Debian/Ubuntu package
``bubblewrap``), so student code

* has no network: a new, empty network namespace (the kernel talks to nbgrader over Unix sockets in a private folder);
* sees the system, the Python installation, the course installation and the data sets read-only, and nothing of the
  instructor's home, the course folder (gradebook, other submissions, private tests) or ``/run``, ``/var`` and ``/tmp``;
* can write only in a scratch folder of its own (its working copy of the submission folder, ``HOME``, ``TMPDIR``
  and the weight cache), which is deleted when the kernel ends;
* gets no capabilities, cannot create further user namespaces, and starts with a cleared environment (only the
  course's own variables and a few harmless ones pass through).

nbgrader uses this through ``course_tools/nbgrader_config.py``: its ``Autograde.autograde_preprocessors`` list
names :class:`SandboxedExecute` instead of nbgrader's ``Execute``. ``COURSE_GRADING_SANDBOX=off`` grades without the
sandbox (for a machine without bubblewrap; not for real submissions).
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import List, Unicode

SANDBOX_ENV_VAR = "COURSE_GRADING_SANDBOX"
# Variables the kernel may inherit; everything else (tokens, the instructor's paths) is dropped.
PASSED_ENV = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "TZ",
    "MPLBACKEND",
    "KERAS_BACKEND",
    "OMP_NUM_THREADS",
    "NBGRADER_EXECUTION",
    "TF_CPP_MIN_LOG_LEVEL",
    "TF_ENABLE_ONEDNN_OPTS",
    "TF_NUM_INTEROP_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_DETERMINISTIC_OPS",
    "CUDA_VISIBLE_DEVICES",
)
PASSED_PREFIXES = ("COURSE_", "LC_")
# Read-only system folders (those that exist); /run, /var, /home, /root, /tmp and /mnt stay out of sight.
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/sys")
# Root-only secrets under /etc, hidden even though the sandbox's user owns them when the instructor grades as root.
MASKED_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers")
MASKED_FOLDERS = ("/etc/ssh", "/etc/ssl/private", "/etc/sudoers.d")


class SandboxUnavailable(RuntimeError):
    """Raised when the sandbox is asked for but bubblewrap is missing or cannot start."""


def sandbox_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Return False only when ``COURSE_GRADING_SANDBOX`` says off (``off``, ``0``, ``no``, ``false``)."""
    return environ.get(SANDBOX_ENV_VAR, "on").strip().lower() not in {"off", "0", "no", "false"}


def bwrap_path() -> str:
    """Return the bubblewrap executable, or raise :class:`SandboxUnavailable` saying how to get it."""
    found = shutil.which("bwrap")
    if not found:
        raise SandboxUnavailable(
            "autograding runs student code in a bubblewrap sandbox, but `bwrap` is not installed: "
            "`sudo apt-get install bubblewrap` (Debian/Ubuntu), or set COURSE_GRADING_SANDBOX=off to grade "
            "without it (only for trusted notebooks)."
        )
    return found


def python_folders() -> list[Path]:
    """Return the folders the kernel's Python needs: its installation, its environment and every import path."""
    folders = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.executable).resolve().parent}
    folders |= {Path(p) for key in ("stdlib", "platstdlib", "purelib", "platlib") if (p := sysconfig.get_path(key))}
    folders |= {Path(p) for p in sys.path if p and Path(p).is_dir()}  # the editable install's repository among them
    return sorted({f.resolve() for f in folders if f.exists()})


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """Return ``paths`` without those that lie inside another one of them."""
    result: list[Path] = []
    for path in sorted({p.resolve() for p in paths}, key=lambda p: len(p.parts)):
        if not any(path.is_relative_to(kept) for kept in result):
            result.append(path)
    return result


def kernel_environment(scratch: Path, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Return the kernel's whole environment: the passed-through variables, and every home and cache in ``scratch``."""
    env = {k: v for k, v in environ.items() if k in PASSED_ENV or k.startswith(PASSED_PREFIXES)}
    if env.get("COURSE_DATA_DIR"):
        # The sandbox binds each data folder at its real path (bwrap_command resolves it), so the kernel must be given
        # that path: a data folder reached through a symlink (e.g. ../shared linked beside the repository) is not
        # there under its linked name.
        folders = [str(Path(folder).resolve()) for folder in env["COURSE_DATA_DIR"].split(os.pathsep) if folder]
        env["COURSE_DATA_DIR"] = os.pathsep.join(folders)
    home = scratch / "home"
    env.update(
        HOME=str(home),
        TMPDIR="/tmp",
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        MPLCONFIGDIR=str(home / ".matplotlib"),
        KERAS_HOME=str(home / ".keras"),
        IPYTHONDIR=str(home / ".ipython"),
        JUPYTER_RUNTIME_DIR=str(scratch),
        COURSE_CACHE_DIR=str(scratch / "weights"),
        PYTHONDONTWRITEBYTECODE="1",
        JPY_PARENT_PID="1",  # ipykernel then neither polls a parent it cannot see nor prints its connection help
    )
    env.pop(SANDBOX_ENV_VAR, None)
    return env


def bwrap_command(
    command: list[str],
    scratch: Path,
    workdir: Path,
    readable: Iterable[Path] = (),
    hidden: Iterable[Path] = (),
    environ: Mapping[str, str] = os.environ,
) -> list[str]:
    """Return ``command`` wrapped in bwrap: run in ``workdir`` (inside ``scratch``, the only writable folder), with the
    system, the Python folders and ``readable`` read-only and ``hidden`` (e.g. the course folder) out of sight."""
    scratch, workdir = scratch.resolve(), workdir.resolve()
    if not workdir.is_relative_to(scratch):
        raise ValueError(f"workdir must lie inside the scratch folder {scratch}, got {workdir}.")
    args = [
        bwrap_path(),
        "--unshare-all",
        "--unshare-user",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--disable-userns",
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
    ]
    for folder in SYSTEM_FOLDERS:
        if Path(folder).is_symlink():
            args += ["--symlink", os.readlink(folder), folder]
        elif Path(folder).is_dir():
            args += ["--ro-bind", folder, folder]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in _outermost([*python_folders(), *(Path(p) for p in readable)]):
        if not any(path.is_relative_to(system) for system in SYSTEM_FOLDERS if Path(system).is_dir()):
            args += ["--ro-bind", str(path), str(path)]
    for path in _outermost(Path(p) for p in hidden):
        if path.exists():
            args += ["--tmpfs", str(path), "--remount-ro", str(path)]
    for path in MASKED_FILES:
        if Path(path).is_file():
            args += ["--ro-bind", "/dev/null", path]
    for path in MASKED_FOLDERS:
        if Path(path).is_dir():
            args += ["--tmpfs", path, "--remount-ro", path]
    args += ["--bind", str(scratch), str(scratch), "--chdir", str(workdir)]
    for key, value in sorted(kernel_environment(scratch, environ).items()):
        args += ["--setenv", key, value]
    return [*args, "--", *command]


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside :func:`bwrap_command` and talks to it over Unix sockets.

    Each kernel gets a fresh scratch folder holding its connection file, its sockets, a copy of the folder it was
    started in (its working folder), its home and its weight cache; the folder is deleted when the kernel stops.
    """

    readable = List(Unicode(), help="Extra folders the kernel may read (the data sets).").tag(config=True)
    hidden = List(Unicode(), help="Folders the kernel must not see at all (the course folder, private tests).").tag(config=True)

    def __init__(self, **kwargs):
        self._scratch = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("connection_file", str(self._scratch / "kernel.json"))
        super().__init__(**kwargs)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        source = Path(kw.pop("cwd", None) or os.getcwd())
        workdir = self._scratch / "work"
        shutil.copytree(source, workdir, dirs_exist_ok=True)
        for folder in ("home", "weights"):
            (self._scratch / folder).mkdir(exist_ok=True)
        data = [Path(p) for p in os.environ.get("COURSE_DATA_DIR", "").split(os.pathsep) if p]
        command = bwrap_command(kernel_cmd, self._scratch, workdir, [*data, *map(Path, self.readable)], map(Path, self.hidden))
        kw["env"] = {}  # bwrap --clearenv sets the kernel's environment itself
        await super()._async_launch_kernel(command, cwd=str(workdir), **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._scratch, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor with each kernel in the sandbox (unless ``COURSE_GRADING_SANDBOX=off``).

    The course folder (nbgrader's root: gradebook, submissions, source with hidden tests, feedback) is hidden from
    the kernel, and so are the folders in ``hidden`` (e.g. the instructor's private tests).
    """

    hidden = List(Unicode(), help="More folders to hide from student code.").tag(config=True)

    def __init__(self, **kwargs):
        if sandbox_enabled():
            bwrap_path()  # fail before the first notebook, with instructions, when bubblewrap is missing
            kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(**kwargs)

    def _course_root(self) -> Path:
        """Return nbgrader's course folder: the converter that runs this preprocessor knows it."""
        owner = self.parent
        while owner is not None and not hasattr(owner, "coursedir"):
            owner = getattr(owner, "parent", None)
        return Path(owner.coursedir.root if owner is not None else os.getcwd()).resolve()

    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        if isinstance(manager, SandboxedKernelManager):
            manager.hidden = [str(self._course_root()), *self.hidden]
        return manager
