"""Variational autoencoders (lecture 05, exercise 5): binarised data, the two terms of the VAE loss, and the numbers
a VAE is judged by (-ELBO, an importance-weighted NLL estimate, active units).

The two formulas of the loss live here once: :func:`bernoulli_reconstruction_loss` (the Bernoulli negative
log-likelihood of an image, summed over its pixels) and :func:`kl_to_standard_normal` (the KL divergence of a diagonal
Gaussian from N(0, I), summed over the latent dimensions). Lecture 05 writes the VAE's layers and calls these two;
the evaluation helpers below call them too. They use ``keras.ops``, so a model built with them trains with plain
``model.fit`` on any Keras backend.
"""

from __future__ import annotations

import hashlib

import keras
import numpy as np
from keras import ops

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_images, check_int, check_number

_LOG_2PI = float(np.log(2.0 * np.pi))


# --------------------------------------------------------------------------- data


def _check_unit_interval(images: object) -> np.ndarray:
    images = np.asarray(images)
    if images.size == 0 or not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"images must be a non-empty float array with values in [0, 1], got dtype {images.dtype} and shape {images.shape}."
        )
    if images.min() < 0 or images.max() > 1:
        raise ValueError(f"images must hold values in [0, 1], got values from {images.min()} to {images.max()}.")
    return images


def binarise(images: np.ndarray, seed: int = 0) -> np.ndarray:
    """Return a fixed stochastic binarisation of ``images`` (values in [0, 1]): each pixel is 1 with probability
    equal to its intensity, drawn once with ``seed``. Same shape, ``float32`` zeros and ones."""
    images = _check_unit_interval(images)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    return (rng.random(images.shape) < images).astype(np.float32)


class DynamicBinarisation(keras.utils.PyDataset):
    """Batches of ``images`` binarised afresh every epoch (dynamic binarisation), shuffled, as ``(x, x)`` pairs, or
    ``([x, condition], x)`` when ``condition`` (e.g. one-hot labels, one row per image) is given.

    Pass it to ``model.fit`` instead of arrays. Its ``repr`` holds a hash of the images and the settings, so
    :func:`course_utils.training.fit_or_load` keys it by content.
    """

    def __init__(self, images: np.ndarray, batch_size: int = 128, seed: int = 0, condition: np.ndarray | None = None) -> None:
        super().__init__()
        self.images = _check_unit_interval(images).astype(np.float32)
        self.condition = _check_condition(condition, len(self.images))
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.seed = check_int("seed", seed, 0)
        self._rng = np.random.default_rng(self.seed)
        self._order = self._rng.permutation(len(self.images))
        digest = hashlib.blake2b(self.images.tobytes(), digest_size=8)
        if self.condition is not None:
            digest.update(self.condition.tobytes())
        self._fingerprint = digest.hexdigest()

    def __len__(self) -> int:
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray | tuple[np.ndarray, np.ndarray], np.ndarray]:
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        grey = self.images[rows]
        binary = (self._rng.random(grey.shape, dtype=np.float32) < grey).astype(np.float32)
        return (binary if self.condition is None else (binary, self.condition[rows])), binary

    def on_epoch_end(self) -> None:
        self._order = self._rng.permutation(len(self.images))

    def __repr__(self) -> str:
        shape = self.images.shape
        conditioned = "" if self.condition is None else f", condition={self.condition.shape}"
        return f"DynamicBinarisation(images={self._fingerprint}{shape}{conditioned}, batch_size={self.batch_size}, seed={self.seed})"


# --------------------------------------------------------------------------- the two terms of the loss


@keras.saving.register_keras_serializable(package="course_utils")
def bernoulli_reconstruction_loss(y_true, logits):
    """Return, per image, the Bernoulli negative log-likelihood of the binary pixels ``y_true`` under the decoder's
    ``logits``, SUMMED over every pixel (nats per image): ``sum(softplus(logits) - y_true * logits)``."""
    logits = ops.convert_to_tensor(logits)
    y_true = ops.cast(y_true, logits.dtype)
    per_pixel = ops.softplus(logits) - y_true * logits
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)


def kl_to_standard_normal(mean, log_var):
    """Return, per image, KL(N(mean, exp(log_var)) || N(0, I)) in nats, summed over the latent dimensions:
    ``0.5 * sum(mean**2 + exp(log_var) - 1 - log_var)``."""
    mean = ops.convert_to_tensor(mean)
    log_var = ops.cast(log_var, mean.dtype)
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


# --------------------------------------------------------------------------- evaluation


def _check_condition(condition: object, n: int) -> np.ndarray | None:
    if condition is None:
        return None
    condition = np.asarray(condition, dtype=np.float32)
    if len(condition) != n:
        raise ValueError(f"condition must have one row per image ({n}), got {len(condition)} rows.")
    return condition


def _inputs(images: np.ndarray, condition: np.ndarray | None) -> list[np.ndarray] | np.ndarray:
    return images if condition is None else [images, condition]


def encode(
    encoder: keras.Model, images: np.ndarray, condition: np.ndarray | None = None, batch_size: int = 500
) -> tuple[np.ndarray, np.ndarray]:
    """Return the encoder's ``(mean, log_var)`` for ``images`` as two NumPy arrays of shape ``(n, latent_dim)``."""
    images = check_images(images, ndims=(2, 3, 4)).astype(np.float32)
    condition = _check_condition(condition, len(images))
    mean, log_var = encoder.predict(_inputs(images, condition), batch_size=check_int("batch_size", batch_size, 1), verbose=0)
    return np.asarray(mean, dtype=np.float64), np.asarray(log_var, dtype=np.float64)


def _reconstruction_nll(decoder: keras.Model, z: np.ndarray, images: np.ndarray, condition: np.ndarray | None) -> np.ndarray:
    """Return -log p(image | z) per row (nats), decoding the codes ``z`` (one row per image) in one batch."""
    logits = decoder.predict_on_batch(_inputs(z.astype(np.float32), condition))
    return ops.convert_to_numpy(bernoulli_reconstruction_loss(images, logits)).astype(np.float64)


def elbo_terms(
    encoder: keras.Model,
    decoder: keras.Model,
    images: np.ndarray,
    condition: np.ndarray | None = None,
    batch_size: int = 500,
    seed: int = 0,
) -> dict[str, float]:
    """Return the mean reconstruction term, KL term and -ELBO (nats per image) of binary ``images``.

    The reconstruction term uses one code drawn per image (seeded); the KL term is exact. ``decoder`` must return
    logits; ``condition`` (e.g. one-hot labels) is passed to both networks of a conditional VAE.
    """
    images = check_images(images, ndims=(2, 3, 4)).astype(np.float32)
    condition = _check_condition(condition, len(images))
    batch_size = check_int("batch_size", batch_size, 1)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    mean, log_var = encode(encoder, images, condition, batch_size)
    kl = ops.convert_to_numpy(kl_to_standard_normal(mean, log_var)).astype(np.float64)
    reconstruction = np.empty(len(images))
    for start in range(0, len(images), batch_size):
        rows = slice(start, start + batch_size)
        z = mean[rows] + np.exp(0.5 * log_var[rows]) * rng.standard_normal(mean[rows].shape)
        reconstruction[rows] = _reconstruction_nll(decoder, z, images[rows], None if condition is None else condition[rows])
    return {"reconstruction": float(reconstruction.mean()), "kl": float(kl.mean()), "neg_elbo": float((reconstruction + kl).mean())}


def importance_weighted_nll(
    encoder: keras.Model,
    decoder: keras.Model,
    images: np.ndarray,
    k: int = 200,
    condition: np.ndarray | None = None,
    batch_size: int = 25,
    seed: int = 0,
) -> np.ndarray:
    """Return, per image, the importance-weighted estimate of -log p(x) in nats with ``k`` codes drawn from q(z|x):
    ``-log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x)``. Its expectation never lies below the true NLL and falls towards it
    as ``k`` grows; with ``k = 1`` it is a one-sample -ELBO. ``batch_size`` images (times ``k`` codes) are decoded at once.
    """
    images = check_images(images, ndims=(2, 3, 4)).astype(np.float32)
    condition = _check_condition(condition, len(images))
    k = check_int("k", k, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    mean, log_var = encode(encoder, images, condition)
    nll = np.empty(len(images))
    for start in range(0, len(images), batch_size):
        rows = slice(start, start + batch_size)
        mu, lv = mean[rows], log_var[rows]
        eps = rng.standard_normal((k, *mu.shape))
        z = mu + np.exp(0.5 * lv) * eps  # (k, b, latent_dim)
        log_q = -0.5 * np.sum(_LOG_2PI + lv + eps**2, axis=-1)
        log_prior = -0.5 * np.sum(_LOG_2PI + z**2, axis=-1)
        repeated = np.tile(images[rows], (k,) + (1,) * (images.ndim - 1))
        cond = None if condition is None else np.tile(condition[rows], (k, 1))
        log_likelihood = -_reconstruction_nll(decoder, z.reshape(-1, mu.shape[-1]), repeated, cond).reshape(k, len(mu))
        log_weights = log_likelihood + log_prior - log_q
        top = log_weights.max(axis=0)
        nll[rows] = -(top + np.log(np.mean(np.exp(log_weights - top), axis=0)))
    return nll


def active_units(means: np.ndarray, threshold: float = 0.01) -> int:
    """Return how many latent dimensions are active: those whose posterior mean varies across the data with
    variance above ``threshold`` (Burda et al., 2016). ``means`` has shape ``(n_images, latent_dim)``."""
    means = np.asarray(means, dtype=np.float64)
    if means.ndim != 2 or len(means) < 2:
        raise ValueError(f"means must have shape (n_images, latent_dim) with at least 2 images, got shape {means.shape}.")
    threshold = check_number("threshold", threshold, 0.0, low_open=True)
    return int(np.sum(means.var(axis=0) > threshold))


def loss_mismatch(model: keras.Model, images: np.ndarray, condition: np.ndarray | None = None, seed: int = 0) -> str | None:
    """Return None when the loss ``model`` was compiled with (plus its added losses) equals -ELBO on ``images``, else a
    message naming the likely mistake: a reconstruction term averaged over pixels instead of summed, or no KL term.

    The model is the full VAE (sub-models ``encoder`` and ``decoder``, the decoder giving logits); the comparison uses
    ``model.evaluate`` against :func:`elbo_terms`, so it allows for the noise of one sampled code per image.
    """
    images = check_images(images, ndims=(2, 3, 4)).astype(np.float32)
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    terms = elbo_terms(encoder, decoder, images, condition, seed=seed)
    inputs = _inputs(images, _check_condition(condition, len(images)))
    loss = float(model.evaluate(inputs, images, batch_size=len(images), verbose=0))
    rec, kl, neg_elbo = terms["reconstruction"], terms["kl"], terms["neg_elbo"]
    tolerance = 0.02 * neg_elbo + 0.5
    if abs(loss - neg_elbo) <= tolerance and (kl < 2 * tolerance or abs(loss - rec) > abs(loss - neg_elbo)):
        return None
    pixels = int(np.prod(images.shape[1:]))
    if loss < neg_elbo / 4:
        return (
            f"the loss is {loss:.3g} nats but -ELBO is {neg_elbo:.1f}: the reconstruction term looks averaged over the "
            f"{pixels} pixels instead of summed, which weights the KL term {pixels} times too strongly."
        )
    if abs(loss - rec) <= tolerance:
        return f"the loss ({loss:.1f}) equals the reconstruction term alone ({rec:.1f}): the KL term ({kl:.1f} nats) is missing."
    return f"the loss ({loss:.1f}) is not -ELBO = reconstruction {rec:.1f} + KL {kl:.1f} = {neg_elbo:.1f} nats."
