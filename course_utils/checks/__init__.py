"""Self-checks for the exercises: ``print(checks.check_*(your_function, ...))`` and read the verdict.

Each check runs your function (or looks at what your code produced) on inputs of its own, the shapes the notebook
uses among them, and compares with what the exercise asks for. Where a task trains a model, the check calls your
function on a few images it chooses and watches what it trains on. When everything holds a check returns a
:class:`CheckResult` that prints ``PASSED`` and what was verified; at the first thing that goes wrong it raises
:class:`CheckFailed` (an ``AssertionError``) saying what to fix, so nbgrader scores the test cell 0. Errors raised by
your function (including the ``NotImplementedError`` of an unfinished exercise) are not caught, so you see their
traceback.

One module per exercise (``ex1`` ... ``ex5``); ``_oracles`` holds the checks' own reference implementations and
``shipped`` makes graded test cells use the course's own checks.
"""

from course_utils.checks._core import CheckFailed, CheckResult
from course_utils.checks.ex1 import check_flip, check_permutation, check_rotation, check_test_errors, check_train_and_score
from course_utils.checks.ex2 import check_cluster_statistics, check_encoder_decoder, check_generate, check_interpolation, recognised_digits
from course_utils.checks.ex3 import check_add_noise, check_denoiser, check_train_denoiser
from course_utils.checks.ex4 import check_classifiers, check_labelled_subset, check_test_accuracies, check_test_accuracy
from course_utils.checks.ex5 import check_beta_runs, check_reparameterise, check_vae_loss

__all__ = [
    "CheckFailed",
    "CheckResult",
    "check_add_noise",
    "check_beta_runs",
    "check_classifiers",
    "check_cluster_statistics",
    "check_denoiser",
    "check_encoder_decoder",
    "check_flip",
    "check_generate",
    "check_interpolation",
    "check_labelled_subset",
    "check_permutation",
    "check_reparameterise",
    "check_rotation",
    "check_test_accuracies",
    "check_test_accuracy",
    "check_test_errors",
    "check_train_and_score",
    "check_train_denoiser",
    "check_vae_loss",
    "recognised_digits",
]
