"""Benchmark for the exercises: the full-mode numbers of the five solution notebooks.

    python -m course_tools.benchmarks.exercise_solutions            # with a fresh, empty weight cache: every model is trained
    python -m course_tools.benchmarks.exercise_solutions --warm     # reuse COURSE_CACHE_DIR: reads the numbers of an earlier run
    python -m course_tools.benchmarks.exercise_solutions --quick    # quick mode: checks in minutes that the script still works

Needs the data (COURSE_DATA_DIR or a download). Each solution notebook is executed top to bottom on a fresh
kernel and then asked for the numbers it computed (course_tools/benchmarks/notebook_runs.py), so the table below is exactly
what the notebooks show. It prints the test MSE per model and transformation (ex1, with the longer, slower run
on shuffled images), the number generator's autoencoder error, the digit classifier's test accuracy and the share
of generated digits it recognises (ex2), the denoising MSEs (ex3), the pretraining accuracies (ex4: frozen,
fine-tuned, from scratch), the VAE's reconstruction and KL terms per beta (ex5), and each notebook's wall time.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from course_tools.benchmarks.notebook_runs import add_arguments, benchmark_environment, read_from_kernel
from course_tools.paths import ROOT

# What to read from each notebook's kernel once it has run (a JSON-able expression).
PROBES = {
    "ex1_transformations.ipynb": "{f'{name}|{kind}': trained[name, kind][0] for (name, kind) in trained} | {'patient': patient_mse}",
    "ex2_number_generator.ipynb": (
        "{'val_mse': result.history['val_loss'][-1], 'epochs': len(result.history['loss']),"
        " 'recogniser_accuracy': float(np.mean(checks.recognised_digits(x_test) == y_test)),"
        " 'recognised': {str(d): float(np.mean(read == d)) for d, read in recognised.items()}}"
    ),
    "ex3_denoising.ipynb": "{'noisy': mse_noisy, 'pca64': mse_pca, 'denoised': mse_denoised, 'sigma': NOISE_SIGMA}",
    "ex4_pretraining.ipynb": "{f'{n}|{variant}': accuracies[n, variant].tolist() for (n, variant) in accuracies}",
    "ex5_vae.ipynb": "{str(beta): dict(terms) for beta, terms in results.items()}",
}


def report(name: str, numbers: dict) -> None:
    if name.startswith("ex1"):
        patient = numbers.pop("patient")
        transforms = list(dict.fromkeys(key.split("|")[0] for key in numbers))
        print(f"  {'transformation':<14}{'dense AE':>10}{'conv AE':>10}   (test MSE)")
        for transform in transforms:
            print(f"  {transform:<14}{numbers[transform + '|dense']:>10.4f}{numbers[transform + '|conv']:>10.4f}")
        print(f"  conv AE on shuffled pixels, Adam 3e-4 and 4x the epochs: {patient:.4f}")
    elif name.startswith("ex2"):
        print(f"  2-D dense autoencoder, all digits: test MSE {numbers['val_mse']:.4f} after {numbers['epochs']} epochs")
        print(f"  digit classifier of the checks: {numbers['recogniser_accuracy']:.1%} of the MNIST test digits")
        print("  generated digits recognised: " + ", ".join(f"{d}: {share:.0%}" for d, share in numbers["recognised"].items()))
    elif name.startswith("ex3"):
        print(f"  noise sigma {numbers['sigma']}: MSE noisy {numbers['noisy']:.4f}, PCA-64 {numbers['pca64']:.4f}, "
              f"denoised {numbers['denoised']:.4f} ({numbers['noisy'] / numbers['denoised']:.1f}x lower than noisy)")
    elif name.startswith("ex5"):
        for beta, terms in numbers.items():
            print(f"  beta {beta}: reconstruction {terms['reconstruction']:.1f}, KL {terms['kl']:.1f}, "
                  f"-ELBO {terms['neg_elbo']:.1f} nats per test image")
    else:
        counts = sorted({int(key.split("|")[0]) for key in numbers})
        variants = list(dict.fromkeys(key.split("|")[1] for key in numbers))
        print(f"  {'labels':>7}" + "".join(f"{v:>18}" for v in variants) + "   (test accuracy, mean ± std over subsets)")
        for n in counts:
            cells = [np.array(numbers[f"{n}|{v}"]) for v in variants]
            print(f"  {n:>7,}" + "".join(f"{a.mean():>11.3f} ± {a.std():.3f}" for a in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("notebooks", nargs="*", help="solution notebook names (default: all five)")
    args = parser.parse_args(argv)
    with benchmark_environment(args, "Exercises benchmark"):
        for name in args.notebooks or list(PROBES):
            numbers, seconds = read_from_kernel(ROOT / "solutions" / name, PROBES[name])
            print(f"\n{name}: {seconds / 60:.1f} min wall time")
            report(name, numbers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
