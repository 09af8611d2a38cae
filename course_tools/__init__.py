"""Instructor and maintainer tooling for the course, apart from the student package ``course_utils``.

Each module is a command, run from a clone of the repository (installed with ``pip install -e``):

    python -m course_tools.execute NOTEBOOK ...   # execute notebooks on a fresh kernel, save their outputs
    python -m course_tools.release [--check]      # exercises/ as nbgrader releases them from solutions/
    python -m course_tools.launch_links [--check] # Colab/Binder links from pyproject's Repository URL
    python -m course_tools.build_site             # the course website in build/site/html/
    python -m course_tools.benchmarks.lecture03_goals   # a benchmark: run a notebook in full mode, check its numbers
"""
