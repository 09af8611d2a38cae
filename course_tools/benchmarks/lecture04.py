"""Benchmark for lecture 04: the deep convolutional autoencoder on Olivetti faces, and denoising.

    python -m course_tools.benchmarks.lecture04            # fresh, empty weight cache: every model is trained and timed
    python -m course_tools.benchmarks.lecture04 --warm     # reuse COURSE_CACHE_DIR: models trained before are loaded
    python -m course_tools.benchmarks.lecture04 --quick    # quick mode: checks in minutes that the script still works

Executes notebooks/04_olivetti_denoising.ipynb on a fresh kernel (full mode) and reads the numbers from its kernel
(course_tools/benchmarks/notebook_runs.py); the models and their training settings live in the notebook only.

Prints: the epochs and wall time at which the training loss per face first reaches 0.53 (the source lecture's
per-face loss, recomputed) and 0.46 (the value it prints), the final training and held-out-people losses and code
mean, each denoiser's training time, and the PSNR of noisy and denoised held-out faces for both kinds of noise and
every model.
"""

from __future__ import annotations

import os
import platform
import sys

import numpy as np

from course_tools.benchmarks.notebook_runs import run_one_notebook
from course_tools.paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "04_olivetti_denoising.ipynb"
SOURCE_LECTURE_LOSSES = (0.53, 0.46)
# The notebook keeps the result of each denoiser's training in `denoiser_fits` (kind -> FitResult) when it has
# that dictionary; otherwise only `denoiser_fit`, the result of the last kind it trained.
EXPRESSION = (
    "{'history': autoencoder_fit.history, 'seconds': autoencoder_fit.train_seconds, 'from_cache': autoencoder_fit.from_cache,"
    " 'evaluated_loss': autoencoder.evaluate(x_train, x_train, verbose=0),"
    " 'denoisers': {kind: {'seconds': fit.train_seconds, 'epochs': len(fit.history['loss'])} for kind, fit in"
    " (denoiser_fits if 'denoiser_fits' in globals() else {list(training_noise)[-1]: denoiser_fit}).items()},"
    " 'psnr': psnr_table, 'sigma': SIGMA}"
)


def first_epoch_reaching(losses: list[float], threshold: float) -> int | None:
    return next((epoch for epoch, loss in enumerate(losses, start=1) if loss <= threshold), None)


def report(numbers: dict, seconds: float) -> None:
    from course_utils.reporting import markdown_table  # after the environment is set: it imports TensorFlow

    history, fit_seconds = numbers["history"], numbers["seconds"]
    epochs = len(history["loss"])
    where = "loaded from the cache; trained earlier" if numbers["from_cache"] else "trained now"
    print(f"\n## Lecture 04 ({platform.node()}, {os.cpu_count()} CPUs)\n")
    print(f"Notebook wall time {seconds / 60:.1f} min. Autoencoder: {epochs} epochs, {fit_seconds / 60:.1f} min ({where}), "
          f"{fit_seconds / epochs:.1f} s per epoch.\n")
    rows = []
    for threshold in SOURCE_LECTURE_LOSSES:
        epoch = first_epoch_reaching(history["loss"], threshold)
        rows.append([f"first epoch with training loss <= {threshold}",
                     "not reached" if epoch is None else f"{epoch} ({history['wall_seconds'][epoch - 1] / 60:.1f} min)"])
    best = int(np.argmin(history["loss"]))
    rows += [
        ["lowest training loss per face (epoch)", f"{history['loss'][best]:.3f} ({best + 1})"],
        ["final training loss per face", f"{history['loss'][-1]:.3f}"],
        ["final held-out-people loss per face", f"{history['val_loss'][-1]:.3f}"],
        ["final code mean", f"{history['code_mean'][-1]:.3f}"],
        ["training loss per face, evaluated after training", f"{numbers['evaluated_loss']:.3f}"],
    ]
    for kind, denoiser in numbers["denoisers"].items():
        rows.append([f"denoiser ({kind}): {denoiser['epochs']} epochs", f"{denoiser['seconds'] / 60:.1f} min"])
    print(markdown_table(["measure", "value"], rows))
    psnr = numbers["psnr"]
    columns = list(next(iter(psnr.values())))
    print("\nPSNR of held-out faces against the clean faces (dB, mean over the held-out faces):\n")
    print(markdown_table(["noise on the held-out faces", *columns], [[k, *(f"{r[c]:.2f}" for c in columns)] for k, r in psnr.items()]))
    gain = psnr["homoscedastic"]["denoiser (homoscedastic)"] - psnr["homoscedastic"]["noisy input"]
    print(f"\nPSNR gain of denoising at sigma = {numbers['sigma']}: {gain:+.2f} dB")


def main(argv: list[str] | None = None) -> int:
    return run_one_notebook(argv, __doc__.splitlines()[0], "Lecture 04 benchmark", NOTEBOOK, EXPRESSION, report)


if __name__ == "__main__":
    sys.exit(main())
