"""Helpers for the autoencoder course: data, models, plotting, training and widgets."""

from importlib.metadata import version

from course_utils import _backend  # noqa: F401  (must come first: imports TensorFlow quietly)
from course_utils.config import epochs, is_quick, mode_banner, sample, sample_size, seed_everything, setup

__all__ = ["epochs", "is_quick", "mode_banner", "sample", "sample_size", "seed_everything", "setup"]
__version__ = version("autoencoders-course")
