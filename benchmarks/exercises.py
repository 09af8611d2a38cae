"""Benchmark for the exercises: the full-mode numbers of the four solution notebooks.

    python benchmarks/exercises.py            # with a fresh, empty weight cache: every model is trained
    python benchmarks/exercises.py --warm     # reuse COURSE_CACHE_DIR: reads the numbers of an earlier run

Runs in full mode whatever COURSE_QUICK says and needs the data (COURSE_DATA_DIR or a download). Each
solution notebook is executed top to bottom on a fresh kernel (as tools/execute_notebook.py does, but the
file is not rewritten); then one extra cell asks the kernel for the numbers the notebook computed, so the
table below is exactly what the notebooks show. It prints the test MSE per model and transformation
(ex1, with the longer, slower run on shuffled images), the number generator's autoencoder error, the
digit classifier's test accuracy and the share of generated digits it recognises, the denoising MSEs,
the pretraining accuracies (frozen, fine-tuned, from scratch), and each notebook's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MARK = "BENCHMARK-JSON:"

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
}


def run_notebook(path: Path, probe: str) -> tuple[dict, float]:
    """Execute ``path`` on a fresh kernel, evaluate ``probe`` in it, and return (its value, wall seconds)."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(f"import json\nprint({MARK!r} + json.dumps({probe}))"))
    client = NotebookClient(notebook, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(out.get("text", "") for out in notebook.cells[-1].outputs if out.output_type == "stream")
    return json.loads(text.split(MARK, 1)[1]), seconds


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
    else:
        counts = sorted({int(key.split("|")[0]) for key in numbers})
        variants = list(dict.fromkeys(key.split("|")[1] for key in numbers))
        print(f"  {'labels':>7}" + "".join(f"{v:>18}" for v in variants) + "   (test accuracy, mean ± std over subsets)")
        for n in counts:
            cells = [np.array(numbers[f"{n}|{v}"]) for v in variants]
            print(f"  {n:>7,}" + "".join(f"{a.mean():>11.3f} ± {a.std():.3f}" for a in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", action="store_true", help="reuse COURSE_CACHE_DIR instead of a fresh, empty cache")
    parser.add_argument("notebooks", nargs="*", help="solution notebook names (default: all four)")
    args = parser.parse_args(argv)
    os.environ["COURSE_QUICK"] = "0"  # the kernels inherit the environment
    os.environ.setdefault("MPLBACKEND", "Agg")
    scratch = None if args.warm else tempfile.TemporaryDirectory(prefix="exercise-benchmark-cache-")
    if scratch is not None:
        os.environ["COURSE_CACHE_DIR"] = scratch.name
    print(f"Exercises benchmark, full mode, {platform.machine()} with {os.cpu_count()} CPU cores, "
          f"{'warm' if args.warm else 'cold (empty)'} weight cache, {time.strftime('%Y-%m-%d')}")
    try:
        for name in args.notebooks or list(PROBES):
            numbers, seconds = run_notebook(ROOT / "solutions" / name, PROBES[name])
            print(f"\n{name}: {seconds / 60:.1f} min wall time")
            report(name, numbers)
    finally:
        if scratch is not None:
            scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
