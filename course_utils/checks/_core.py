"""What every check shares: the verdicts, how a check stops at the first problem, and the tools that run a student's
function on inputs the check controls (a spy on training, a private weight cache, a tripwire on the oracles)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a passed check: its name and what it verified."""

    check: str
    details: tuple[str, ...]

    def __repr__(self) -> str:
        return "\n".join([f"{self.check}: PASSED", *(f"  - {line}" for line in self.details)])

    __str__ = __repr__


class CheckFailed(AssertionError):
    """Raised by a check that found a mistake; the message names the check and what to fix."""


class Problem(Exception):
    """Raised inside a check to stop at the first problem found."""


def require(condition: object, explanation: str) -> None:
    """Stop the check with ``explanation`` unless ``condition`` holds."""
    if not condition:
        raise Problem(explanation)


def run(name: str, steps: Callable[[list[str]], None]) -> CheckResult:
    """Run ``steps`` (which appends what it verified to a list); turn its first problem into :class:`CheckFailed`."""
    verified: list[str] = []
    try:
        steps(verified)
    except Problem as problem:
        raise CheckFailed(f"{name}: FAILED\n  - {problem}") from None
    return CheckResult(name, tuple(verified))


def check_callable(name: str, function: object) -> None:
    if not callable(function):
        raise ValueError(f"{name} expects your function itself (e.g. {name}(my_function)), got {function!r}.")


def as_array(value: object, what: str) -> np.ndarray:
    try:
        return np.asarray(value)
    except Exception as error:  # a student's function may return anything
        raise Problem(f"{what} is not an array ({type(value).__name__}: {error}).") from None


def to_numpy(value: object, what: str) -> np.ndarray:
    """Return a Keras tensor, a TensorFlow tensor or an array as a float64 NumPy array."""
    import keras

    try:
        return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)
    except Exception as error:  # a student's function may return anything
        raise Problem(f"{what} is not a tensor or an array ({type(value).__name__}: {error}).") from None


def same_shape_and_dtype(result: np.ndarray, expected: np.ndarray, what: str) -> None:
    require(result.shape == expected.shape, f"{what} has shape {result.shape}; it should keep the input's shape {expected.shape}.")
    require(result.dtype == expected.dtype, f"{what} has dtype {result.dtype}; it should keep the input's dtype {expected.dtype}.")


def architecture(model: object) -> tuple[int, list[str]]:
    """Return a model's number of weights and the kinds of its layers (inside nested models too)."""
    import keras

    def kinds(layer: object) -> list[str]:
        if isinstance(layer, keras.Model):
            return [kind for inner in layer.layers for kind in kinds(inner)]
        return [] if isinstance(layer, keras.layers.InputLayer) else [type(layer).__name__]

    return int(model.count_params()), kinds(model)


def predict(model: object, inputs: np.ndarray, batch_size: int = 2000) -> np.ndarray:
    """Return ``model``'s output for ``inputs``: a Keras model called directly (in inference mode, a batch at a time,
    which is quicker than ``predict`` for a model called only once), or a plain function's result."""
    import keras

    if isinstance(model, keras.Model):
        inputs = np.asarray(inputs, dtype=np.float32)
        parts = [keras.ops.convert_to_numpy(model(inputs[i : i + batch_size], training=False)) for i in range(0, len(inputs), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0,))
    if hasattr(model, "predict"):
        return np.asarray(model.predict(inputs, verbose=0))
    return np.asarray(model(inputs))


def plural(count: int, word: str) -> str:
    """Return e.g. "1 setting", "9 settings", "3 accuracies"."""
    if count == 1:
        return f"{count:,} {word}"
    return f"{count:,} {word[:-1]}ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else f"{count:,} {word}s"


# --------------------------------------------------------------------------- the oracles' tripwire

_student_code_running = 0
_oracle_calls_from_student_code: list[str] = []


def oracle(function: Callable) -> Callable:
    """Mark ``function`` as a check's reference implementation: while student code runs inside a check, calling it
    is recorded, and the check then fails (a one-line call to the course's reference is not an answer)."""

    def guarded(*args, **kwargs):
        if _student_code_running:
            _oracle_calls_from_student_code.append(function.__name__)
        return function(*args, **kwargs)

    guarded.__name__, guarded.__qualname__, guarded.__doc__ = function.__name__, function.__qualname__, function.__doc__
    guarded.__wrapped__ = function
    return guarded


def call_student(function: Callable, *args: object, what: str) -> object:
    """Return ``function(*args)``, failing the check if it called one of the checks' oracles."""
    global _student_code_running
    _student_code_running += 1
    _oracle_calls_from_student_code.clear()
    try:
        return function(*args)
    finally:
        _student_code_running -= 1
        called = sorted(set(_oracle_calls_from_student_code))
        _oracle_calls_from_student_code.clear()
        if called:
            raise Problem(
                f"{what} calls the checks' own reference implementation ({', '.join(called)}), the code it is "
                "compared with; write the transformation yourself."
            )


# --------------------------------------------------------------------------- watching a student's training


@dataclass
class FitCall:
    """One call of ``Model.fit`` seen by :class:`TrainingSpy`: the model, its data and its weights before and after."""

    model: object
    x: object
    y: object
    kwargs: dict
    before: list[np.ndarray]
    after: list[np.ndarray] = field(default_factory=list)


class TrainingSpy:
    """Within ``with TrainingSpy() as spy:``, every ``keras.Model.fit`` call (also the one inside ``fit_or_load``) is
    recorded in ``spy.calls`` and then runs as usual. Use it with :func:`private_weight_cache`, so that
    ``fit_or_load`` trains instead of loading weights from an earlier run."""

    def __enter__(self) -> TrainingSpy:
        import keras

        self.calls: list[FitCall] = []
        self._had_own = "fit" in keras.Model.__dict__
        self._original = keras.Model.fit
        spy = self

        def fit(model, x=None, y=None, *args, **kwargs):
            call = FitCall(model, x, y, dict(kwargs), [np.array(w) for w in model.get_weights()])
            spy.calls.append(call)
            try:
                return spy._original(model, x, y, *args, **kwargs)
            finally:
                call.after = [np.array(w) for w in model.get_weights()]

        keras.Model.fit = fit
        return self

    def __exit__(self, *exc_info: object) -> None:
        import keras

        if self._had_own:
            keras.Model.fit = self._original
        else:
            del keras.Model.fit


@contextlib.contextmanager
def private_weight_cache() -> Iterator[None]:
    """Point ``COURSE_CACHE_DIR`` at an empty temporary folder for the duration (deleted afterwards)."""
    folder = tempfile.mkdtemp(prefix="course-check-")
    previous = os.environ.get("COURSE_CACHE_DIR")
    os.environ["COURSE_CACHE_DIR"] = folder
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("COURSE_CACHE_DIR", None)
        else:
            os.environ["COURSE_CACHE_DIR"] = previous
        shutil.rmtree(folder, ignore_errors=True)


def row_fingerprints(array: np.ndarray) -> np.ndarray:
    """Return one hash per row of ``array``, to find which rows of one array appear in another."""
    flat = np.ascontiguousarray(np.asarray(array, dtype=np.float32).reshape(len(array), -1))
    return np.array([hash(row.tobytes()) for row in flat])
