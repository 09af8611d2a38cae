"""Benchmark for lecture 03: convolutional autoencoders on Fashion-MNIST and anomaly detection.

    python -m course_tools.benchmarks.lecture03               # fresh, empty weight cache: every model is trained and timed
    python -m course_tools.benchmarks.lecture03 --warm        # reuse COURSE_CACHE_DIR: models trained before are loaded
    python -m course_tools.benchmarks.lecture03 --cpu-time    # also: wall and CPU seconds of one fresh epoch per model
    python -m course_tools.benchmarks.lecture03 --quick       # quick mode: checks in minutes that the script still works

Executes notebooks/03_convolutional_fashion_mnist.ipynb on a fresh kernel (full mode) and reads the numbers from
its kernel (course_tools/benchmarks/notebook_runs.py); the models and their training settings live in the notebook only.

Prints, per model: weights, seconds per epoch (training plus the validation pass, as recorded when the model was
trained; a model loaded from the cache is marked so) and test MSE, next to PCA-64; then the anomaly detector's AUC
on the held-out class. Goals: a convolutional autoencoder with a 64-value code below PCA-64 and below the dense-64
model in the same run; AUC >= 0.85 on the held-out class.
"""

from __future__ import annotations

import argparse
import os
import sys

from course_tools.benchmarks.notebook_runs import add_arguments, benchmark_environment, read_from_kernel
from course_tools.paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "03_convolutional_fashion_mnist.ipynb"
# benchmark label -> (the notebook's model variable, its fit_or_load result)
MODELS = {
    "dense-64": ("dense_64", "dense_fit"),
    "conv small (source lecture)": ("conv_small", "small_fit"),
    "conv small, Conv2DTranspose": ("conv_transpose", "transpose_fit"),
    "conv wide, dense code": ("conv_wide", "wide_fit"),
}
AUC_GOAL = 0.85

HELPERS = """\
def _fit_numbers(fit):
    return {"seconds": fit.train_seconds, "epochs": len(fit.history["loss"]), "from_cache": fit.from_cache}


def _model_numbers(model, fit):
    mse = float(np.mean((model.predict(x_test, verbose=0) - x_test) ** 2))
    return {"weights": model.count_params(), "test_mse": mse, **_fit_numbers(fit)}
"""
# One fresh epoch of each architecture with the notebook's compile and fit settings (a re-initialised copy).
CPU_TIME_HELPER = """\
import os
import time

import keras


def _one_epoch(model):
    fresh = keras.models.clone_model(model)
    fresh.compile_from_config(model.get_compile_config())
    fresh.fit(x_train[:1280], x_train[:1280], **{**fit_settings, "epochs": 1, "validation_data": None}, verbose=0)
    load, wall, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    fresh.fit(x_train, x_train, **{**fit_settings, "epochs": 1}, verbose=0)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "load": load}
"""


def probe(cpu_time: bool) -> tuple[str, str]:
    """Return (code, expression) that collect the benchmark's numbers in the notebook's kernel."""
    models = ", ".join(f"{label!r}: _model_numbers({model}, {fit})" for label, (model, fit) in MODELS.items())
    expression = (
        f"{{'models': {{{models}}}, 'pca_mse': float(np.mean((pca_reconstructions - x_test) ** 2)),"
        " 'anomaly': {'held_out': HELD_OUT, 'name': held_out_name, 'auc': curve.auc, 'threshold': threshold,"
        " 'caught': caught, 'false_alarms': false_alarms, **_fit_numbers(detector_fit)}"
    )
    code = HELPERS
    if cpu_time:
        code += "\n" + CPU_TIME_HELPER
        expression += ", 'cpu_time': {" + ", ".join(f"{label!r}: _one_epoch({model})" for label, (model, _) in MODELS.items()) + "}"
    return code, expression + "}"


def report(numbers: dict, seconds: float) -> None:
    from course_utils.reporting import markdown_table  # after the environment is set: it imports TensorFlow

    models, anomaly = numbers["models"], numbers["anomaly"]
    epochs = {m["epochs"] for m in models.values()}
    mse_header = f"test MSE after {'/'.join(map(str, sorted(epochs)))} epochs"
    rows = [["PCA-64", 64, None, None, numbers["pca_mse"], ""]]
    for label, m in models.items():
        rows.append([label, 64, m["weights"], m["seconds"] / m["epochs"], m["test_mse"], "cached" if m["from_cache"] else "trained now"])
    print()
    print(markdown_table(["model", "code size", "weights", "s/epoch", mse_header, "training"], rows,
                         {"s/epoch": "{:.1f}", mse_header: "{:.4f}"}))
    best_label = min((label for label in models if label.startswith("conv")), key=lambda label: models[label]["test_mse"])
    best, pca, dense = models[best_label]["test_mse"], numbers["pca_mse"], models["dense-64"]["test_mse"]
    print(f"\ngoal (64-value conv AE below PCA-64 {pca:.4f} and dense-64 {dense:.4f}): "
          f"{'reached' if best < pca and best < dense else 'NOT reached'} by '{best_label}' with {best:.4f}")
    print(f"\nanomaly detector ({anomaly['epochs']} epochs on the other classes, {anomaly['seconds'] / anomaly['epochs']:.1f} s/epoch, "
          f"{'cached' if anomaly['from_cache'] else 'trained now'}): held-out class {anomaly['held_out']} ({anomaly['name']}), "
          f"AUC {anomaly['auc']:.3f} (goal >= {AUC_GOAL}: {'reached' if anomaly['auc'] >= AUC_GOAL else 'NOT reached'}); "
          f"threshold {anomaly['threshold']:.4f} catches {anomaly['caught']:.1%} of the {anomaly['name']} test images and flags "
          f"{anomaly['false_alarms']:.1%} of the normal test images")
    training = sum(m["seconds"] for m in models.values()) + anomaly["seconds"]
    print(f"\nnotebook wall time {seconds / 60:.1f} min, of which training {training / 60:.1f} min "
          f"(as recorded when each model was trained); load average at the end {os.getloadavg()[0]:.1f}")
    if "cpu_time" in numbers:
        print("\n| model | wall s/epoch | CPU s/epoch | load average |\n| --- | ---: | ---: | ---: |")
        for label, t in numbers["cpu_time"].items():
            print(f"| {label} | {t['wall']:.1f} | {t['cpu']:.1f} | {t['load']:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--cpu-time", action="store_true", help="also time one fresh epoch per model (CPU seconds)")
    args = parser.parse_args(argv)
    with benchmark_environment(args, "Lecture 03 benchmark"):
        code, expression = probe(args.cpu_time)
        numbers, seconds = read_from_kernel(NOTEBOOK, expression, before=code)
        report(numbers, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
