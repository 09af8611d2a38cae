"""Live training progress for :func:`course_utils.training.fit_or_load`: epoch, loss, elapsed and estimated time left.

The line is updated in place: in Jupyter through a display handle (one output area, rewritten), in a terminal
with a carriage return. When training ends it disappears, so an executed notebook keeps only what the notebook
prints itself (e.g. ``fit.describe()``). Elsewhere (output piped to a file, a test run) nothing is shown.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import keras

# Per-batch updates are throttled to one every this many seconds; epoch ends always update.
UPDATE_EVERY_SECONDS = 0.5


def format_duration(seconds: float) -> str:
    """Return ``seconds`` as ``"42 s"``, ``"3 min 05 s"`` or ``"1 h 02 min"``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def seconds_left(elapsed: float, fraction_done: float) -> float | None:
    """Return the estimated seconds left when ``fraction_done`` of the work took ``elapsed`` seconds (None before any)."""
    if not 0 < fraction_done <= 1 or not math.isfinite(elapsed):
        return None
    return elapsed * (1 - fraction_done) / fraction_done


def progress_line(name: str, epoch: int, epochs: int, loss: float | None, elapsed: float, left: float | None) -> str:
    """Return the one-line progress text, e.g. ``"lecture03-conv-small: epoch 3/25, loss 0.0123, 1 min 12 s, about 8 min left"``."""
    parts = [f"{name}: epoch {epoch}/{epochs}"]
    if loss is not None and math.isfinite(loss):
        parts.append(f"loss {loss:.4g}")
    parts.append(f"{format_duration(elapsed)} elapsed")
    parts.append("estimating time left" if left is None else f"about {format_duration(left)} left")
    return ", ".join(parts)


class _JupyterLine:
    """One output area of the running cell, rewritten through an IPython display handle."""

    def __init__(self) -> None:
        from IPython.display import display

        self._handle = display({"text/plain": ""}, raw=True, display_id=True)

    def show(self, text: str) -> None:
        self._handle.update({"text/plain": text}, raw=True)

    def close(self) -> None:
        self._handle.update({"text/plain": ""}, raw=True)


class _TerminalLine:
    """A line of a terminal, rewritten after a carriage return and erased at the end."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._width = 0

    def show(self, text: str) -> None:
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = len(text)

    def close(self) -> None:
        self._stream.write("\r" + " " * self._width + "\r")
        self._stream.flush()


def _in_jupyter_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def default_line() -> _JupyterLine | _TerminalLine | None:
    """Return where progress goes: the notebook cell in a Jupyter kernel, stdout when it is a terminal, else nowhere."""
    if _in_jupyter_kernel():
        return _JupyterLine()
    if getattr(sys.stdout, "isatty", lambda: False)():
        return _TerminalLine(sys.stdout)
    return None


class TrainingProgress(keras.callbacks.Callback):
    """Show ``name: epoch x/N, loss, elapsed, about ... left`` while ``model.fit`` runs, in place; remove it at the end.

    ``line`` is where the text goes (default: :func:`default_line`, chosen when training starts); ``clock``
    returns seconds (default ``time.perf_counter``). Used by :func:`course_utils.training.fit_or_load`, which keeps
    it out of the weight cache's key.
    """

    def __init__(self, name: str, line: Any = None, clock: Callable[[], float] = time.perf_counter) -> None:
        super().__init__()
        self._name = name
        self._chosen_line = line
        self._line: Any = None
        self._clock = clock
        self._start = self._last_update = 0.0
        self._epochs = self._steps = 0
        self._epoch = 0  # the epoch running now, counting from 0 as Keras does

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._line = self._chosen_line if self._chosen_line is not None else default_line()
        self._epochs = int(self.params.get("epochs") or 1)
        self._steps = int(self.params.get("steps") or 0)
        self._start = self._clock()
        self._show(self._start, epoch=1, fraction_done=0.0, loss=None)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        now = self._clock()
        if now - self._last_update >= UPDATE_EVERY_SECONDS:
            within = (batch + 1) / self._steps if self._steps else 0.0
            self._show(now, self._epoch + 1, (self._epoch + within) / self._epochs, (logs or {}).get("loss"))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._show(self._clock(), epoch + 1, (epoch + 1) / self._epochs, (logs or {}).get("loss"))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._line is not None:
            self._line.close()
        self._line = None

    def _show(self, now: float, epoch: int, fraction_done: float, loss: Any) -> None:
        """Show that at time ``now`` training is in ``epoch`` (counting from 1) with ``fraction_done`` of all batches done."""
        if self._line is None:
            return
        self._last_update = now
        elapsed = now - self._start
        loss = None if loss is None else float(loss)
        self._line.show(progress_line(self._name, epoch, self._epochs, loss, elapsed, seconds_left(elapsed, fraction_done)))
