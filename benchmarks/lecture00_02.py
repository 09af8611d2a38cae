"""Benchmark for lectures 00 and 02: linear autoencoder vs PCA, batched latent-grid decoding, asymmetric autoencoder.

    python benchmarks/lecture00_02.py

Needs the data (COURSE_DATA_DIR or a download) and runs in full mode whatever COURSE_QUICK says. Everything is
trained from scratch with the lectures' settings (no weight cache), so the times are real. Goals:

* linear autoencoder with a 16-number code: test MSE / PCA-16 test MSE <= 1.01;
* decoding a 20 x 20 grid of 2-D codes with one batched predict call is >= 20x faster than one call per code;
* the asymmetric dense autoencoder's test MSE after 50 epochs (batch 200) is reported.
"""

from __future__ import annotations

import os
import platform
import time

os.environ["COURSE_QUICK"] = "0"

import keras
import numpy as np

import course_utils
from course_utils import baselines, data, latent, models, subspace, training

LINEAR_EPOCHS, LINEAR_BATCH, RATIO_GOAL = 25, 256, 1.01
GRID_N, SPEEDUP_GOAL = 20, 20.0
WIDE_EPOCHS, WIDE_BATCH = 50, 200


def linear_autoencoder_vs_pca(x_train: np.ndarray, x_test: np.ndarray) -> dict[str, float]:
    """Train lecture 00's linear autoencoder and compare it with PCA-16 (error ratio and subspace angles)."""
    course_utils.seed_everything(42)
    model = models.dense_autoencoder(input_shape=(784,), hidden_units=(), code_size=16, activation=None)
    optimizer = training.cosine_decay_adam(1e-2, epochs=LINEAR_EPOCHS, n_samples=len(x_train), batch_size=LINEAR_BATCH)
    model.compile(optimizer=optimizer, loss="mse")
    start = time.perf_counter()
    model.fit(x_train, x_train, epochs=LINEAR_EPOCHS, batch_size=LINEAR_BATCH, verbose=0)
    seconds = time.perf_counter() - start
    ae_mse = float(np.mean((model.predict(x_test, verbose=0) - x_test) ** 2))
    pca_mse = baselines.pca_reconstruction_error(x_train, x_test, 16)
    decoder_vectors = model.get_layer("decoder").get_layer("reconstruction").kernel.numpy()
    angles = subspace.principal_angles(decoder_vectors, baselines.fit_pca(x_train, 16).components_)
    return {"ae": ae_mse, "pca": pca_mse, "ratio": ae_mse / pca_mse, "max_angle": float(angles.max()),
            "median_angle": float(np.median(angles)), "seconds": seconds}


def grid_timing(repeats: int = 5) -> dict[str, float]:
    """Time decoding a GRID_N x GRID_N grid with lecture 01's decoder: one batched call vs one call per code.

    The weights do not change the cost, so the decoder is left untrained. Both ways are warmed up first (the
    first predict call of each input shape builds a graph). The batched way reports the median of ``repeats``
    runs; the slow way runs once, since one run already takes hundreds of calls.
    """
    course_utils.seed_everything(42)
    decoder = models.dense_autoencoder().get_layer("decoder")
    z_range = (-3.0, 3.0)
    codes, _, _ = latent.latent_grid_codes(z_range, z_range, n=GRID_N)
    decoder.predict(codes[:1], verbose=0)  # warm-up of the one-code shape
    latent.decode_latent_grid(decoder, z_range, z_range, n=GRID_N)  # warm-up of the batched shape

    batched_seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        batched_images = latent.decode_latent_grid(decoder, z_range, z_range, n=GRID_N)[0]
        batched_seconds.append(time.perf_counter() - start)

    start = time.perf_counter()
    per_code_images = np.stack([decoder.predict(code[None, :], verbose=0)[0] for code in codes])
    per_code_seconds = time.perf_counter() - start

    np.testing.assert_allclose(batched_images.reshape(-1, 784), per_code_images, rtol=1e-4, atol=1e-5)
    batched = float(np.median(batched_seconds))
    return {"batched": batched, "per_code": per_code_seconds, "speedup": per_code_seconds / batched}


def asymmetric_autoencoder(x_train: np.ndarray, x_test: np.ndarray) -> dict[str, float]:
    """Train lecture 02's asymmetric 784-256-32 / 32-256-512-784 autoencoder for WIDE_EPOCHS epochs."""
    course_utils.seed_everything(42)
    model = models.dense_autoencoder(
        input_shape=(28, 28), hidden_units=(256,), code_size=32, code_activation="tanh",
        decoder_hidden_units=(256, 512), output_activation="sigmoid",
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    start = time.perf_counter()
    history = model.fit(x_train, x_train, epochs=WIDE_EPOCHS, batch_size=WIDE_BATCH, verbose=0).history
    seconds = time.perf_counter() - start
    return {"train": history["loss"][-1], "test": float(model.evaluate(x_test, x_test, verbose=0)),
            "seconds_per_epoch": seconds / WIDE_EPOCHS}


def main() -> None:
    (x_train, _), (x_test, _) = data.load_mnist(digits=(1, 5, 6))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, device {course_utils.config.compute_device()}, "
          f"keras {keras.__version__}")

    linear = linear_autoencoder_vs_pca(x_train.reshape(-1, 784), x_test.reshape(-1, 784))
    print("\n| linear AE test MSE | PCA-16 test MSE | ratio | goal <= 1.01 | largest / median principal angle | train s |")
    print("|---|---|---|---|---|---|")
    print(f"| {linear['ae']:.5f} | {linear['pca']:.5f} | {linear['ratio']:.4f} | "
          f"{'reached' if linear['ratio'] <= RATIO_GOAL else 'NOT reached'} | "
          f"{linear['max_angle']:.2f} / {linear['median_angle']:.2f} degrees | {linear['seconds']:.0f} |")

    grid = grid_timing()
    print(f"\n| {GRID_N}x{GRID_N} grid | one batched predict (s) | one predict per code (s) | speed-up | goal >= 20x |")
    print("|---|---|---|---|---|")
    print(f"| {GRID_N * GRID_N} codes | {grid['batched']:.3f} | {grid['per_code']:.2f} | {grid['speedup']:.0f}x | "
          f"{'reached' if grid['speedup'] >= SPEEDUP_GOAL else 'NOT reached'} |")

    wide = asymmetric_autoencoder(x_train, x_test)
    print("\n| asymmetric AE (code 32) | epochs | batch | train loss | test MSE | s/epoch |")
    print("|---|---|---|---|---|---|")
    print(f"| 784-256-32 / 32-256-512-784 | {WIDE_EPOCHS} | {WIDE_BATCH} | {wide['train']:.4f} | {wide['test']:.4f} | "
          f"{wide['seconds_per_epoch']:.1f} |")


if __name__ == "__main__":
    main()
