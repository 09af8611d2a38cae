"""Read a submission for code that reaches outside its task: the tamper report of an autograded notebook.

:func:`scan_notebook` reads the student's own code cells (answer cells and cells the student added; the locked cells
come from the instructor) without running them and lists, per cell, code that

* assigns to attributes of modules (``checks.check_add_noise = ...``, ``np.array_equal = ...``), rebinds a name the
  notebook imported (``checks = ...``), or reaches into functions and namespaces (``setattr``, ``__code__``,
  ``globals()``, ``exec``);
* touches ``sys.modules``, ``sys.path``, ``importlib``, ``builtins``, ``ctypes`` or ``gc``;
* writes, moves or deletes files, or reads files outside its own folder (absolute paths, ``~``, the home folder);
* opens network connections, databases or other programs (``socket``, ``urllib``, ``sqlite3``, ``subprocess``,
  ``os.system``, ``!`` shell lines).

:func:`scan_outputs` adds what the run itself showed: a graded test that found the checks changed
(``ChecksReplaced``), and errors with which the sandbox refused a write or a connection.

It is a reading aid for the instructor, not a proof: code built at run time (``exec`` of a string) hides what it does,
which is why ``exec``/``eval`` are flagged themselves.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

NETWORK_MODULES = {
    "socket",
    "ssl",
    "http",
    "urllib",
    "urllib3",
    "requests",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "telnetlib",
    "paramiko",
    "websocket",
    "websockets",
    "xmlrpc",
    "asyncio",
}
PROGRAM_MODULES = {"subprocess", "pty", "multiprocessing", "pexpect"}
INTERNALS_MODULES = {"importlib", "builtins", "ctypes", "gc", "imp", "runpy", "sqlite3", "pickle", "marshal", "code"}
DANGEROUS_CALLS = {
    "setattr": "sets an attribute by name (setattr)",
    "delattr": "deletes an attribute by name (delattr)",
    "exec": "runs code built at run time (exec), which this report cannot read",
    "eval": "runs code built at run time (eval), which this report cannot read",
    "compile": "compiles code at run time (compile)",
    "__import__": "imports through __import__",
    "globals": "reaches into the notebook's namespace (globals())",
    "vars": "reaches into a namespace (vars())",
}
DUNDER_ATTRIBUTES = {
    "__code__",
    "__globals__",
    "__closure__",
    "__defaults__",
    "__kwdefaults__",
    "__dict__",
    "__builtins__",
    "__subclasses__",
    "__bases__",
    "__class__",
    "__mro__",
    "__loader__",
    "__spec__",
    "__getattribute__",
}
FILE_WRITERS = {
    "remove",
    "unlink",
    "rename",
    "replace",
    "chmod",
    "chown",
    "mkdir",
    "makedirs",
    "rmdir",
    "removedirs",
    "symlink",
    "link",
    "truncate",
    "utime",
    "rmtree",
    "copy",
    "copy2",
    "copyfile",
    "copytree",
    "move",
    "write_text",
    "write_bytes",
    "touch",
    "symlink_to",
    "hardlink_to",
}
SHELL_CALLS = {"system", "popen", "execv", "execve", "execvp", "execl", "execlp", "spawnv", "spawnl", "posix_spawn", "fork"}
FILE_READERS = {
    "read_text",
    "read_bytes",
    "listdir",
    "scandir",
    "walk",
    "glob",
    "iglob",
    "load",
    "loadtxt",
    "genfromtxt",
    "fromfile",
    "read_csv",
}
_MAGIC = re.compile(r"^\s*(%%?\w+|!)")


@dataclass(frozen=True)
class Flag:
    """One thing the report noticed: where (a cell id, or "run" for what the run showed) and what."""

    cell: str
    what: str

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.what}" if self.cell != "run" else self.what


def imported_names(sources: Iterable[str]) -> dict[str, str]:
    """Return the names that ``import`` statements in ``sources`` bind, with the module (or module.name) bound."""
    names: dict[str, str] = {}
    for source in sources:
        for node in ast.walk(_parse(source)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _parse(source: str) -> ast.Module:
    """Parse a cell, with IPython magics and shell lines commented out (they are flagged separately)."""
    lines = ["# " + line if _MAGIC.match(line) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _dotted(node: ast.AST) -> str | None:
    """Return ``a.b.c`` for a chain of attribute accesses on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _literal_path(node: ast.AST | None) -> str | None:
    """Return a path given as a plain string (also inside ``Path("...")``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and node.args and _dotted(node.func) in {"Path", "pathlib.Path", "os.path.join"}:
        parts = [_literal_path(arg) for arg in node.args]
        return "/".join(parts) if all(p is not None for p in parts) else None
    return None


def _outside(path: str | None) -> bool:
    """True for a path that leaves the working folder (absolute, ~, ..), or one the report cannot read (computed)."""
    return path is None or path.startswith(("/", "~")) or ".." in path.replace("\\", "/").split("/")


def _module_of(name: str | None, imported: dict[str, str]) -> str | None:
    return imported.get(name) if name else None


def _course(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] == "course_utils"


def _write_mode(call: ast.Call) -> bool:
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax+")


def scan_cell(source: str, imported: dict[str, str]) -> list[str]:
    """Return what one student code cell does beyond its task (see the module docstring), one line per finding."""
    found: list[str] = []

    def note(text: str) -> None:
        if text not in found:
            found.append(text)

    for line in source.splitlines():
        if line.lstrip().startswith("!") or re.match(r"^\s*%%?(system|sx|bash|sh|script|writefile|run|load|env|cd)\b", line):
            note(f"runs shell commands or files through IPython ({line.strip()[:60]})")
    for node in ast.walk(_parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    _assignment(part, imported, note)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in imported:
            note(f"rebinds the name `{node.name}`, which the notebook imported ({imported[node.name]})")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            _import(node, imported, note)
        elif isinstance(node, ast.Attribute):
            name = _dotted(node)
            if node.attr in DUNDER_ATTRIBUTES:
                note(f"reaches into objects' internals (`{name or node.attr}`)")
            if name in {"sys.modules", "sys.path", "sys.meta_path", "sys.path_hooks", "sys.settrace", "sys.setprofile"}:
                note(f"touches `{name}`")
        elif isinstance(node, ast.Name) and node.id in {"__builtins__", "__import__"}:
            note(f"touches `{node.id}`")
        elif isinstance(node, ast.Call):
            _call(node, imported, note)
    return found


def _assignment(target: ast.AST, imported: dict[str, str], note) -> None:
    if isinstance(target, ast.Name) and isinstance(target.ctx, (ast.Store, ast.Del)) and target.id in imported:
        note(f"rebinds the name `{target.id}`, which the notebook imported ({imported[target.id]})")
    elif isinstance(target, ast.Attribute) and isinstance(target.ctx, (ast.Store, ast.Del)):
        root = _root(target)
        module = _module_of(root, imported)
        name = _dotted(target) or f"{root}....{target.attr}"
        if _course(module):
            note(f"assigns to `{name}`, an attribute of the course's own module {module}")
        elif module:
            note(f"assigns to `{name}`, an attribute of module {module.split('.')[0]}")
    elif isinstance(target, ast.Subscript) and isinstance(target.ctx, (ast.Store, ast.Del)):
        name = _dotted(target.value)
        if name in {"sys.modules", "sys.path"} or (
            isinstance(target.value, ast.Call) and _dotted(target.value.func) in {"globals", "vars"}
        ):
            note(f"changes `{name or ast.unparse(target.value)}` by item assignment")


def _import(node: ast.Import | ast.ImportFrom, imported: dict[str, str], note) -> None:
    modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    for module in modules:
        top = module.split(".")[0]
        if top in NETWORK_MODULES:
            note(f"imports {module}, which opens network connections")
        elif top in PROGRAM_MODULES:
            note(f"imports {module}, which runs other programs")
        elif top in INTERNALS_MODULES:
            note(
                f"imports {module}"
                + (", which opens databases (the gradebook is one)" if top == "sqlite3" else ", which reaches into Python's internals")
            )
    for alias in node.names:
        bound = alias.asname or (alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name)
        target = (
            alias.name
            if isinstance(node, ast.Import) and alias.asname
            else bound
            if isinstance(node, ast.Import)
            else f"{node.module}.{alias.name}"
        )
        if bound in imported and imported[bound] != target:
            note(f"rebinds the name `{bound}` (imported as {imported[bound]}) to {target}")


def _call(call: ast.Call, imported: dict[str, str], note) -> None:
    name = _dotted(call.func) or ""
    last = call.func.attr if isinstance(call.func, ast.Attribute) else name
    top = name.split(".")[0]
    if name in DANGEROUS_CALLS:
        note(DANGEROUS_CALLS[name])
        if name == "setattr" and call.args and _course(_module_of(_root(call.args[0]), imported)):
            note(f"sets an attribute of the course's own module {_module_of(_root(call.args[0]), imported)} (setattr)")
    if (
        isinstance(call.func, ast.Attribute)
        and _literal_path(call.func.value) is not None
        or _dotted(call.func.value if isinstance(call.func, ast.Attribute) else call.func) in {"Path", "pathlib.Path"}
    ):
        path = _literal_path(call.func.value) if isinstance(call.func, ast.Attribute) else None  # Path("...").method(...)
    else:
        path = _literal_path(call.args[0]) if call.args else None
    if name == "open" or (name.endswith(".open") and top in {"io", "os", "codecs", "gzip", "bz2", "lzma", "builtins"}):
        if _outside(path):
            action = "writes" if _write_mode(call) else "reads"
            note(
                f"{action} a file outside its folder ({path!r})"
                if path is not None
                else f"{action} a file whose path this report cannot read"
            )
    elif last in FILE_WRITERS and (
        top in {"os", "shutil"} or (isinstance(call.func, ast.Attribute) and last not in {"copy", "move", "replace"})
    ):
        if _outside(path):
            note(f"writes, moves or deletes files outside its folder ({name or last}" + (f" {path!r})" if path is not None else ")"))
    elif top == "os" and last in SHELL_CALLS:
        note(f"runs other programs ({name})")
    elif last in {"save", "savez", "savez_compressed", "savetxt", "tofile", "savefig", "save_weights", "to_csv"} and _outside(path):
        note(
            f"writes a file outside its folder ({path!r})"
            if path is not None
            else f"writes a file ({name or last}) whose path this report cannot read"
        )
    elif (
        last in FILE_READERS
        and top in {"os", "glob", "np", "numpy", "pathlib", "Path", "pd", "pandas"}
        and path is not None
        and _outside(path)
    ):
        note(f"reads files outside its folder ({path!r})")
    if name in {"os.path.expanduser", "Path.home", "pathlib.Path.home"}:
        note(f"looks up the home folder ({name})")


def student_cells(notebook) -> list:
    """Return the code cells the student wrote: answer cells, and cells without nbgrader's lock (added by the student)."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") or not meta.get("locked"):
            cells.append(cell)
    return cells


def scan_notebook(notebook) -> list[Flag]:
    """Return the flags for the student's own code cells of ``notebook`` (see :func:`scan_cell`)."""
    instructor = [c.source for c in notebook.cells if c.cell_type == "code" and c not in student_cells(notebook)]
    imported = imported_names(instructor)
    flags = []
    for index, cell in enumerate(notebook.cells):
        if cell in student_cells(notebook):
            label = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id") or str(index)
            flags += [Flag(label, what) for what in scan_cell(cell.source, imported)]
    return flags


_REFUSED = re.compile(
    r"Read-only file system|Permission denied|Network is unreachable|Temporary failure in name resolution|"
    r"Name or service not known|Connection refused|No route to host"
)


def scan_outputs(notebook) -> list[Flag]:
    """Return what the executed ``notebook`` showed: checks found changed, and errors of student cells that look like
    the sandbox refusing a write, a read or a connection."""
    flags = []
    students = student_cells(notebook)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        label = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "ChecksReplaced":
                flags.append(Flag(label, "the graded test found the course's checks changed: " + output.get("evalue", "")[:200]))
            elif cell in students and _REFUSED.search(output.get("evalue", "")):
                flags.append(Flag(label, f"was refused while running: {output.get('ename')}: {output.get('evalue', '')[:160]}"))
    return flags
