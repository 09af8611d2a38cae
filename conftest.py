"""Quick mode by default for `python -m pytest`.

The test run executes the notebooks (nbval) in quick mode unless `--full` is given. The switch is the
environment variable COURSE_QUICK, set here before nbval starts any kernel (kernels inherit the
environment). Precedence: `--full` always means full mode; without it, a COURSE_QUICK already in the
environment is respected (so `COURSE_QUICK=0 python -m pytest` is full mode too), and when it is unset
the run is in quick mode. This file sits at the repository root so that it is loaded for every path
pytest is given, including a single notebook (`python -m pytest notebooks/03_....ipynb`).
"""

from __future__ import annotations

import os

import pytest

QUICK_ENV_VAR = "COURSE_QUICK"  # course_utils.config.QUICK_ENV_VAR; not imported, so TensorFlow loads only when needed
_BEFORE_THE_RUN = pytest.StashKey[str | None]()  # the variable as it was, restored at the end


def pytest_addoption(parser):
    parser.addoption(
        "--full",
        action="store_true",
        default=False,
        help=f"execute the notebooks in full mode (real epochs and data; about an hour on 2 CPU cores) instead of quick mode; "
        f"sets {QUICK_ENV_VAR}=0 for the run, overriding the environment",
    )


def mode_for_run(full: bool, environment: str | None) -> str:
    """Return the COURSE_QUICK value for the test run: "0" with --full, else the environment's value, else "1"."""
    if full:
        return "0"
    if environment is not None and environment.strip():
        return environment
    return "1"


def pytest_configure(config):
    previous = os.environ.get(QUICK_ENV_VAR)
    config.stash[_BEFORE_THE_RUN] = previous
    os.environ[QUICK_ENV_VAR] = mode_for_run(config.getoption("--full"), previous)


def pytest_unconfigure(config):
    previous = config.stash.get(_BEFORE_THE_RUN, None)
    if previous is None:
        os.environ.pop(QUICK_ENV_VAR, None)
    else:
        os.environ[QUICK_ENV_VAR] = previous


def pytest_report_header(config):
    return f"notebooks: {QUICK_ENV_VAR}={os.environ.get(QUICK_ENV_VAR)} (quick mode unless --full or {QUICK_ENV_VAR}=0)"


# The test files that take longest, longest first (pytest --durations, benchmarks/RESULTS.md). pytest-xdist hands out
# whole files (--dist loadfile) in collection order, so starting these first lets the workers finish together instead
# of one of them running a long file alone at the end. Files not listed keep their collected order after these.
LONGEST_FIRST = (
    "tests/test_exercise_grading.py",
    "tests/browser/test_site.py",
    "tests/browser/test_jupyterlab.py",
    "notebooks/03_convolutional_fashion_mnist.ipynb",
    "notebooks/05_sparse_and_variational_autoencoders.ipynb",
    "notebooks/04_olivetti_denoising.ipynb",
    "notebooks/02_latent_space_and_generation.ipynb",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    root = config.rootpath

    def file_rank(item) -> int:
        relative = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        return rank.get(relative, len(rank))

    items.sort(key=file_rank)  # stable: tests inside a file, and unlisted files, keep their order
