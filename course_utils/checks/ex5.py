"""Checks of exercise 5 (a variational autoencoder): the reparameterisation trick, the loss, and the runs for several beta."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from scipy import stats

from course_utils.checks import _oracles
from course_utils.checks._core import CheckResult, Problem, call_student, check_callable, plural, require, run, to_numpy


def _draw_layer(reparameterise: Callable, seed: int) -> object:
    """Return a Keras layer that draws codes with ``reparameterise`` and its own seed generator, as a VAE's sampling layer does."""
    import keras

    class Draw(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs):
            mean, log_var = inputs
            return reparameterise(mean, log_var, self.seed_generator)

    return Draw(name="draw")


def _traced_model(reparameterise: Callable, seed: int) -> object:
    """Return a model x -> Dense mean, Dense log_var -> reparameterise, with both Dense layers set to zero."""
    import keras

    inputs = keras.Input((4,), name="x")
    mean, log_var = keras.layers.Dense(4, name="mean")(inputs), keras.layers.Dense(4, name="log_var")(inputs)
    model = keras.Model(inputs, _draw_layer(reparameterise, seed)([mean, log_var]), name="traced_reparameterise")
    for name in ("mean", "log_var"):
        layer = model.get_layer(name)
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    return model


def check_reparameterise(reparameterise: Callable[[object, object, object], object], seed: int = 7) -> CheckResult:
    """Check ``reparameterise(mean, log_var, seed_generator)`` returns ``mean + exp(log_var / 2) * eps`` with fresh
    standard normal noise ``eps`` for every entry, drawn with ``seed_generator``: called directly, and inside a Keras
    model that Keras compiles (traces), where the noise must still be fresh at every step and gradients must flow."""
    check_callable("check_reparameterise", reparameterise)
    import keras

    def steps(verified: list[str]) -> None:
        n = 20_000
        rng = np.random.default_rng(seed)
        centre = np.array([0.0, 2.0, -1.0, 0.5], dtype=np.float32) if seed == 7 else rng.uniform(-2, 2, 4).astype(np.float32)
        std = np.array([1.0, 2.0, 0.5, 0.1], dtype=np.float32) if seed == 7 else rng.choice([0.1, 0.5, 2.0, 3.0], 4).astype(np.float32)
        mean = np.tile(centre, (n, 1))
        log_var = np.tile(2.0 * np.log(std), (n, 1))
        generator = keras.random.SeedGenerator(seed)
        what = "reparameterise(mean, log_var, seed_generator)"
        tensors = keras.ops.convert_to_tensor(mean), keras.ops.convert_to_tensor(log_var)
        z = to_numpy(call_student(reparameterise, *tensors, generator, what=what), what)
        require(z.shape == mean.shape, f"{what} has shape {z.shape}; it should have the shape of mean, {mean.shape}: one code per row.")
        require(np.all(np.isfinite(z)), f"{what} holds NaN or infinite values.")
        require(
            float(z.std(axis=0).max()) > 1e-6 or float(np.abs(z - mean).max()) > 1e-6,
            "the codes do not vary at all: the code is drawn at random, mean plus a standard normal noise scaled by the "
            "standard deviation.",
        )
        require(
            float(z.std(axis=0).min()) > 1e-4,
            "every row got the same noise; draw the noise with the shape of mean (keras.ops.shape(mean)), not one value per dimension.",
        )
        scaled = (z - mean) / std
        require(
            abs(float(np.corrcoef(scaled[:, 0], scaled[:, 1])[0, 1])) < 0.1,
            "the latent dimensions of a row share one noise value; draw the noise with the shape of mean, one value per entry.",
        )
        measured_mean, measured_std = z.mean(axis=0), z.std(axis=0)
        require(
            np.all(np.abs(measured_mean - centre) < 0.05 * np.maximum(std, 0.5)),
            f"the codes average {np.round(measured_mean, 2).tolist()} for means {np.round(centre, 2).tolist()}; "
            "the noise must be centred on mean (standard normal noise, added to mean).",
        )
        if np.all(np.abs(measured_std / std**2 - 1) < 0.05):
            raise Problem(
                f"the codes have standard deviations {np.round(measured_std, 3).tolist()}, which is exp(log_var), the VARIANCE; "
                "scale the noise by the standard deviation, the square root of the variance."
            )
        if np.all(np.abs(measured_std - 1) < 0.05):
            raise Problem(
                f"the codes have standard deviation 1 whatever log_var is (asked for {np.round(std, 2).tolist()}); "
                "scale the noise by the standard deviation that log_var stands for."
            )
        require(
            np.all(np.abs(measured_std / std - 1) < 0.05),
            f"the codes have standard deviations {np.round(measured_std, 3).tolist()}; asked for {np.round(std, 2).tolist()} "
            "(log_var is the logarithm of the variance).",
        )
        distance = max(float(stats.kstest(scaled[:, k], "norm").statistic) for k in range(4))
        require(
            distance < 0.02,
            f"the noise has mean 0 and standard deviation 1 but is not normally distributed (Kolmogorov-Smirnov distance "
            f"{distance:.3f}); draw it from a standard normal distribution (keras.random.normal).",
        )
        verified.append(
            f"{n:,} codes per dimension are normal with the requested means and standard deviations exp(log_var / 2) (worst "
            f"dimension: standard deviation off by {float(np.max(np.abs(measured_std / std - 1))):.1%}, allowed 5 %; "
            f"Kolmogorov-Smirnov distance {distance:.4f}, allowed 0.02)"
        )
        small = [keras.ops.convert_to_tensor(a[:100]) for a in (mean, log_var)]
        again = to_numpy(call_student(reparameterise, *small, generator, what=what), what)
        third = to_numpy(call_student(reparameterise, *small, generator, what=what), what)
        require(
            not np.allclose(again, third),
            "two calls gave the same codes: the noise must be fresh on every call, so draw it with seed=seed_generator "
            "(a fixed integer seed draws the same noise every time).",
        )
        verified.append("every direct call draws fresh noise from the seed generator")

        try:
            model = call_student(_traced_model, reparameterise, seed, what="a Keras model that calls reparameterise")
        except Problem:
            raise
        except Exception as error:  # NumPy code meets Keras' symbolic tensors here
            raise Problem(
                f"reparameterise fails inside a Keras model ({type(error).__name__}: {str(error)[:160]}): a layer calls it with "
                "symbolic tensors, so write it with keras.ops and keras.random only, not NumPy."
            ) from None
        zeros = np.zeros((4_000, 4), dtype=np.float32)
        first = to_numpy(call_student(model.predict, zeros, 500, 0, what="the model's predict"), "predict")
        second = to_numpy(call_student(model.predict, zeros, 500, 0, what="the model's predict"), "predict")
        require(
            not np.allclose(first[:500], first[500:1000]) and not np.allclose(first, second),
            "inside a Keras model the noise is the same at every step: Keras traces the model once, and a seed that is a "
            "Python number (or anything chosen outside keras.random) is frozen into the trace. Pass seed=seed_generator, "
            "whose state Keras advances on every call.",
        )
        traced = max(float(stats.kstest(first[:, k], "norm").statistic) for k in range(4))  # 16,000 draws
        require(traced < 0.04, f"inside a Keras model the noise is not standard normal (Kolmogorov-Smirnov distance {traced:.3f}).")
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        before = [np.array(w) for w in model.get_weights()]
        call_student(model.fit, np.ones((64, 4), np.float32), np.full((64, 4), 3.0, np.float32), 64, 1, 0, what="training the model")
        moved = {
            name: not all(np.array_equal(a, b) for a, b in zip(before_layer, model.get_layer(name).get_weights(), strict=True))
            for name, before_layer in (("mean", before[:2]), ("log_var", before[2:4]))
        }
        require(
            all(moved.values()),
            "inside a Keras model no gradient reaches the "
            + " and ".join(name for name, ok in moved.items() if not ok)
            + " layer: the code must be computed from mean and log_var with keras.ops, so that training can change both.",
        )
        twins = [to_numpy(call_student(reparameterise, *small, keras.random.SeedGenerator(seed), what=what), what) for _ in range(2)]
        require(
            np.allclose(*twins),
            "two seed generators made with the same seed gave different codes: draw the noise with the seed generator "
            "(seed=seed_generator), so that a run can be repeated.",
        )
        verified.append(
            "inside a compiled Keras model: fresh standard normal noise at every step, and gradients reach mean and log_var; "
            "two seed generators with the same seed give the same codes"
        )

    return run("check_reparameterise", steps)


def _close(value: float, candidate: float) -> bool:
    return abs(value - candidate) <= 1e-4 * abs(candidate) + 1e-3


def check_vae_loss(vae_loss: Callable[[object, object, object, object, float], object], seed: int = 3) -> CheckResult:
    """Check ``vae_loss(images, logits, mean, log_var, beta)`` returns the batch mean of the Bernoulli reconstruction
    term summed over pixels plus ``beta`` times the KL term summed over the latent dimensions (nats per image).

    The reconstruction term is checked first, with codes whose KL term is 0 (mean 0, log_var 0); then the KL term, as
    what the loss adds on top of it, so a message names the term that is wrong."""
    check_callable("check_vae_loss", vae_loss)
    import keras

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(seed)
        batch, latent = 6, 8
        images = (rng.random((batch, 28, 28)) < 0.3).astype(np.float32)
        logits = (np.where(images > 0, 2.0, -2.0) + rng.normal(0.0, 1.0, images.shape)).astype(np.float32)
        mean = rng.normal(0.0, 2.0, (batch, latent)).astype(np.float32)
        log_var = rng.normal(-1.0, 0.8, (batch, latent)).astype(np.float32)
        pixels = images[0].size
        rec = _oracles.bernoulli_nll(images, logits)
        kl = _oracles.gaussian_kl(mean, log_var)

        def loss(m: np.ndarray, v: np.ndarray, beta: float) -> float:
            what = f"vae_loss(images, logits, mean, log_var, beta={beta:g})"
            tensors = [keras.ops.convert_to_tensor(a) for a in (images, logits, m, v)]
            value = to_numpy(call_student(vae_loss, *tensors, beta, what=what), what)
            require(value.size == 1, f"{what} has shape {value.shape}; it should be one number, the loss averaged over the batch.")
            require(np.isfinite(value).all(), f"{what} is not a finite number.")
            return float(value.ravel()[0])

        # 1. the reconstruction term alone: mean 0 and log_var 0 make the KL term exactly 0
        zeros = np.zeros_like(mean)
        alone = {beta: loss(zeros, zeros, beta) for beta in (1.0, 3.0)}
        expected = float(rec.mean())
        if not _close(alone[1.0], alone[3.0]):
            raise Problem(
                f"with mean 0 and log_var 0 the KL term is 0, yet the loss changes with beta ({alone[1.0]:.1f} at beta 1, "
                f"{alone[3.0]:.1f} at beta 3): beta multiplies the reconstruction term. It weights only the KL term."
            )
        value = alone[1.0]
        if not _close(value, expected):
            diagnosis = [
                (
                    float(np.mean(rec / pixels)),
                    f"averaged over the {pixels} pixels instead of summed (which makes the KL term {pixels} times too strong); "
                    "sum over the pixels",
                ),
                (float(np.sum(rec)), f"summed over the batch of {batch} images; average it over the batch"),
                (
                    float(np.sum(rec / pixels)),
                    "averaged over the pixels and summed over the batch; sum over the pixels and average over the batch",
                ),
                (-expected, "the log-likelihood, not its negative; the loss is the NEGATIVE log-likelihood"),
                (
                    float(np.mean(_oracles.bernoulli_nll(images, 1.0 / (1.0 + np.exp(-logits))))),
                    "computed from sigmoid(logits) as if they were logits; the decoder's outputs are logits already",
                ),
            ]
            for candidate, problem in diagnosis:
                if _close(value, candidate):
                    raise Problem(
                        f"with the KL term at 0 the loss is {value:.4g}, but the reconstruction term is {expected:.1f} nats: "
                        f"it looks {problem}."
                    )
            raise Problem(
                f"with the KL term at 0 (mean 0, log_var 0) the loss is {value:.4g}, but the reconstruction term is {expected:.2f} nats "
                "per image: the Bernoulli negative log-likelihood of each pixel, computed stably from its logit, summed over the "
                "pixels and averaged over the batch."
            )
        verified.append(
            "the reconstruction term: Bernoulli negative log-likelihood from logits, summed over pixels, averaged over the batch"
        )

        # 2. the KL term: what the loss adds on top of the (correct) reconstruction term
        added = {beta: loss(mean, log_var, beta) - value for beta in (1.0, 3.0)}
        wanted = float(kl.mean())
        for beta, extra in added.items():
            if _close(extra, beta * wanted):
                continue
            variance = np.exp(log_var)
            diagnosis = [
                (0.0, "is missing: the loss does not change when the codes move away from the prior"),
                (wanted, "ignores beta: multiply the KL term by beta"),
                (beta * wanted / latent, f"looks averaged over the {latent} latent dimensions; sum it over them"),
                (
                    beta * float(np.sum(kl)),
                    f"is summed over the batch of {batch} images while the reconstruction term is averaged; average both over the batch",
                ),
                (-beta * wanted, "has the wrong sign; it is added to the reconstruction term"),
                (
                    beta * float(np.mean(0.5 * np.sum(mean**2, axis=1))),
                    "ignores log_var: it must also grow when the variance exp(log_var) moves away from 1",
                ),
                (
                    beta * float(np.mean(0.5 * np.sum(np.exp(2 * log_var) + mean**2 - 1 - 2 * log_var, axis=1))),
                    "reads log_var as the log of the standard deviation; it is the log of the VARIANCE",
                ),
                (
                    beta * float(np.mean(0.5 * np.sum(variance + mean**2 - log_var, axis=1))),
                    "misses the constant -1 per latent dimension, so it is not 0 for a code that matches the prior",
                ),
            ]
            for candidate, problem in diagnosis:
                if _close(extra, candidate):
                    raise Problem(f"with the reconstruction term right, the KL term (beta = {beta:g}) {problem}.")
            raise Problem(
                f"with the reconstruction term right, the loss at beta = {beta:g} adds {extra:.3f} for codes away from the prior, "
                f"but beta * KL is {beta * wanted:.3f}: the KL term between N(mean, exp(log_var)) and N(0, 1) of each latent "
                "dimension (lecture 05's closed form), summed over the dimensions, averaged over the batch, times beta."
            )
        verified.append("the KL term: closed form for N(mean, exp(log_var)) against N(0, I), summed over latent dimensions, times beta")
        verified.append("checked for beta = 1 and beta = 3")

    return run("check_vae_loss", steps)


def _beta_of(model: object) -> float | None:
    """Return the ``beta`` a model (or its loss layer) was built with, when it has such an attribute."""
    for layer in [model, *getattr(model, "layers", [])]:
        value = getattr(layer, "beta", None)
        if isinstance(value, (int, float)):
            return float(value)
    return None


def check_beta_runs(
    results: Mapping[float, Mapping[str, float]], vaes: Mapping[float, object], images: np.ndarray, betas: tuple[float, ...]
) -> CheckResult:
    """Check ``results[beta] = {"reconstruction": ..., "kl": ...}`` are ``variational.elbo_terms`` of ``vaes[beta]`` on
    ``images`` (the evaluation images), that every beta has its own trained VAE, and that each step up in beta bought a
    smaller KL term (rate) with a larger reconstruction term (distortion)."""
    from course_utils import variational

    betas = tuple(sorted(float(b) for b in betas))
    if len(betas) < 2:
        raise ValueError(f"betas must hold at least two KL weights, got {betas!r}.")

    def entry(mapping: Mapping, beta: float, name: str) -> object:
        require(isinstance(mapping, Mapping), f"{name} should be a dict keyed by beta, got {type(mapping).__name__}.")
        matching = [value for key, value in mapping.items() if isinstance(key, (int, float)) and abs(float(key) - beta) < 1e-9]
        require(matching, f"{name} has no entry for beta = {beta:g}; train one VAE per beta in BETAS and store {name}[beta].")
        return matching[0]

    def steps(verified: list[str]) -> None:
        rows, models = {}, {}
        for beta in betas:
            reported, vae = entry(results, beta, "results"), entry(vaes, beta, "vaes")
            require(
                isinstance(reported, Mapping) and {"reconstruction", "kl"} <= set(reported),
                f"results[{beta:g}] should be variational.elbo_terms(...), a dict with 'reconstruction' and 'kl'; got {reported!r:.80}.",
            )
            require(
                id(vae) not in {id(m) for m in models.values()},
                f"vaes[{beta:g}] is the same model as another beta's; build a new VAE for every beta.",
            )
            models[beta] = vae
            rec, kl = float(reported["reconstruction"]), float(reported["kl"])
            require(np.isfinite(rec) and np.isfinite(kl), f"results[{beta:g}] holds NaN or infinite values: training diverged.")
            measured = variational.elbo_terms(vae.get_layer("encoder"), vae.get_layer("decoder"), images)
            for name, value in (("reconstruction", rec), ("kl", kl)):
                truth = measured[name]
                if _close(value, truth):
                    continue
                hints = [
                    (truth * beta, f"beta times the {name} term; report the term itself (elbo_terms gives it)"),
                    (truth / 784, "averaged over the 784 pixels; report it summed over the pixels, in nats per image"),
                ]
                hint = next((text for candidate, text in hints if _close(value, candidate) and beta != 1), None)
                raise Problem(
                    f"results[{beta:g}]['{name}'] is {value:.2f}, but vaes[{beta:g}] measured on the evaluation images gives "
                    f"{truth:.2f}: "
                    + (
                        f"it looks {hint}."
                        if hint
                        else "store variational.elbo_terms(vae.get_layer('encoder'), vae.get_layer('decoder'), x_eval) "
                        "of that very VAE, measured on x_eval."
                    )
                )
            rows[beta] = (rec, kl)
        for beta, vae in models.items():
            own = _beta_of(vae)
            require(
                own is None or abs(own - beta) < 1e-9, f"vaes[{beta:g}] was built with beta = {own:g}; build each VAE with its own beta."
            )
        verified.append(
            f"{plural(len(betas), 'VAE')}, one per beta ({', '.join(f'{b:g}' for b in betas)}), each with its own weights; the results "
            f"are their terms on the {len(images):,} evaluation images"
        )
        for low, high in zip(betas, betas[1:], strict=False):
            (rec_low, kl_low), (rec_high, kl_high) = rows[low], rows[high]
            require(
                kl_high < kl_low,
                f"the KL term did not fall from beta = {low:g} to beta = {high:g} ({kl_low:.1f} and {kl_high:.1f} nats): a larger beta "
                "makes every nat of rate dearer. Train each VAE from a fresh start with build_vae(beta).",
            )
            require(
                rec_high > rec_low,
                f"the reconstruction term did not grow from beta = {low:g} to beta = {high:g} ({rec_low:.1f} and {rec_high:.1f} nats). "
                "Train each VAE from a fresh start with build_vae(beta).",
            )
        verified.append(
            "each step up in beta: KL "
            + " -> ".join(f"{rows[b][1]:.1f}" for b in betas)
            + " nats, reconstruction "
            + " -> ".join(f"{rows[b][0]:.1f}" for b in betas)
            + " nats"
        )

    return run("check_beta_runs", steps)
