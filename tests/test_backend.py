"""course_utils turns TensorFlow's oneDNN kernels on unless the user chose otherwise (they make CPU convolutions
several times faster on CPUs where TensorFlow leaves them off)."""

import importlib
import os

import pytest

from course_utils import _backend


@pytest.mark.parametrize("preset, expected", [(None, "1"), ("0", "0")])
def test_onednn_default_respects_the_user(monkeypatch, preset, expected):
    if preset is None:
        monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    else:
        monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", preset)
    importlib.reload(_backend)  # re-runs the environment defaults; TensorFlow is already imported, so not again
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == expected
