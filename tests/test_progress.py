"""The live training progress of fit_or_load: formatting, the time-left estimate, in-place rendering."""

import io

import keras
import numpy as np
import pytest

import course_utils
from course_utils import progress, training

X = np.random.default_rng(0).random((64, 12), dtype=np.float32)


def _model():
    """One dense layer: the progress display does not care what it trains."""
    course_utils.seed_everything(0)
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(12)])
    model.compile(optimizer="adam", loss="mse")
    return model


class RecordingLine:
    """Stands in for the notebook cell or terminal line: records what is shown, and whether it was closed."""

    def __init__(self):
        self.shown, self.closed = [], False

    def show(self, text):
        assert not self.closed, "shown after the line was closed"
        self.shown.append(text)

    def close(self):
        self.closed = True


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (42.4, "42 s"), (59.6, "1 min 00 s"), (185, "3 min 05 s"), (3599, "59 min 59 s"), (3720, "1 h 02 min")],
)
def test_durations_read_naturally(seconds, text):
    assert progress.format_duration(seconds) == text


def test_time_left_scales_the_elapsed_time_by_the_work_still_to_do():
    assert progress.seconds_left(elapsed=30.0, fraction_done=0.25) == pytest.approx(90.0)
    assert progress.seconds_left(elapsed=30.0, fraction_done=1.0) == 0.0
    assert progress.seconds_left(elapsed=0.0, fraction_done=0.0) is None  # nothing done yet: no estimate


def test_progress_line_names_epoch_loss_elapsed_and_time_left():
    line = progress.progress_line("lecture03-conv-small", 3, 25, 0.012345, 72, 480)
    assert line == "lecture03-conv-small: epoch 3/25, loss 0.01235, 1 min 12 s elapsed, about 8 min 00 s left"
    assert progress.progress_line("x", 1, 2, None, 0, None) == "x: epoch 1/2, 0 s elapsed, estimating time left"


def test_terminal_line_is_rewritten_in_place_and_erased():
    stream = io.StringIO()
    line = progress._TerminalLine(stream)
    line.show("epoch 1/2, a long first text")
    line.show("epoch 2/2")
    line.close()
    written = stream.getvalue()
    assert "\n" not in written  # one terminal line, rewritten after carriage returns
    assert written.split("\r")[1:] == ["epoch 1/2, a long first text", "epoch 2/2".ljust(28), " " * 9, ""]


def test_callback_counts_epochs_and_estimates_from_a_clock():
    ticks = iter(range(0, 1000, 10))  # every reading of the clock is 10 s later
    line = RecordingLine()
    callback = progress.TrainingProgress("tiny", line=line, clock=lambda: float(next(ticks)))
    callback.set_params({"epochs": 2, "steps": 4, "verbose": 0})
    callback.on_train_begin()
    for epoch in range(2):
        callback.on_epoch_begin(epoch)
        for batch in range(4):
            callback.on_train_batch_end(batch, {"loss": 1.0 / (epoch * 4 + batch + 1)})
        callback.on_epoch_end(epoch, {"loss": 0.5 - epoch * 0.25})
    callback.on_train_end()
    assert line.closed
    assert line.shown[0] == "tiny: epoch 1/2, 0 s elapsed, estimating time left"
    # Every batch is at least UPDATE_EVERY_SECONDS apart on this clock, so each one updates the line.
    assert line.shown[1] == "tiny: epoch 1/2, loss 1, 10 s elapsed, about 1 min 10 s left"  # 1/8 done in 10 s
    assert line.shown[5] == "tiny: epoch 1/2, loss 0.5, 50 s elapsed, about 50 s left"  # epoch 1 ended: half done
    assert line.shown[-1] == "tiny: epoch 2/2, loss 0.25, 1 min 40 s elapsed, about 0 s left"
    assert len(line.shown) == 1 + 2 * (4 + 1)


def test_batch_updates_are_throttled():
    line = RecordingLine()
    callback = progress.TrainingProgress("tiny", line=line, clock=lambda: 0.0)  # the clock never moves
    callback.set_params({"epochs": 1, "steps": 100, "verbose": 0})
    callback.on_train_begin()
    callback.on_epoch_begin(0)
    for batch in range(100):
        callback.on_train_batch_end(batch, {"loss": 1.0})
    callback.on_epoch_end(0, {"loss": 1.0})
    assert len(line.shown) == 2  # the start and the end of the epoch, not 100 batch updates


def test_nothing_is_shown_outside_jupyter_and_terminals(capsys):
    assert progress.default_line() is None  # pytest captures stdout: neither a kernel nor a terminal
    training_progress = progress.TrainingProgress("tiny")
    _model().fit(X, X, epochs=1, batch_size=16, verbose=0, callbacks=[training_progress])
    assert capsys.readouterr() == ("", "")


def test_fit_or_load_shows_progress_while_training_only(cache_dir, monkeypatch):
    lines = []
    monkeypatch.setattr(progress, "default_line", lambda: lines.append(RecordingLine()) or lines[-1])
    first = training.fit_or_load(_model(), "tiny", X, X, epochs=2, batch_size=16)
    assert not first.from_cache and len(lines) == 1 and lines[0].closed
    assert lines[0].shown[-1].startswith("tiny: epoch 2/2, loss ")
    assert training.fit_or_load(_model(), "tiny", X, X, epochs=2, batch_size=16).from_cache
    assert len(lines) == 1  # a cache hit shows nothing


@pytest.mark.parametrize("settings", [dict(progress=False), dict(verbose=2)], ids=["progress-off", "keras-verbose"])
def test_fit_or_load_can_leave_progress_out(cache_dir, monkeypatch, settings):
    monkeypatch.setattr(progress, "default_line", lambda: pytest.fail("no progress line expected"))
    assert not training.fit_or_load(_model(), "tiny", X, X, epochs=1, batch_size=32, **settings).from_cache
