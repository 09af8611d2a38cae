"""Benchmark for lecture 03: convolutional autoencoders on Fashion-MNIST and anomaly detection.

    python -m course_tools.benchmarks.lecture03_goals            # fresh, empty weight cache: every model is trained
    python -m course_tools.benchmarks.lecture03_goals --warm     # reuse COURSE_CACHE_DIR: models trained before are loaded
    python -m course_tools.benchmarks.lecture03_goals --quick    # quick mode: checks in minutes that the script still works
    python -m course_tools.benchmarks.lecture03_goals --scan     # also: the detector with each class held out in turn

Executes notebooks/03_convolutional_fashion_mnist.ipynb on a fresh kernel and reads its `summary` dict
(course_tools/benchmarks/notebook_runs.py); the models and their recipe live in the notebook only. Goals, checked
on that dict: the wide convolutional autoencoder (64-value code) has test MSE <= 0.0060 and lies below PCA-64 and
dense-64; the detector's AUC on the held-out class is >= 0.85. Reports the kernel's wall and CPU seconds (a cold
run's cost; the CPU seconds depend much less on other load than the wall time).

--scan trains the lecture's detector once per held-out class and reports every class's test AUC: the scan behind
the lecture's choice of bags, too costly for the lecture itself. It uses the wide architecture the notebook exports
(course_utils.lectures.lecture03) and the recipe the notebook's summary reports, with the notebook's cache names, so
the held-out class of the notebook is loaded from the run above instead of trained again.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from course_tools.benchmarks.notebook_runs import add_arguments, benchmark_environment, children_cpu_seconds, read_summary
from course_tools.paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "03_convolutional_fashion_mnist.ipynb"
WIDE, PCA, DENSE = "conv wide, dense code", "PCA-64", "dense-64"
MSE_GOAL, AUC_GOAL = 0.0060, 0.85


def goals(summary: dict[str, Any]) -> dict[str, bool]:
    """Return each goal of the lecture, checked on its summary dict, and whether it is reached."""
    mse = summary["test MSE"]
    return {
        f"wide conv AE test MSE <= {MSE_GOAL}": mse[WIDE] <= MSE_GOAL,
        "wide conv AE below PCA-64 and dense-64": mse[WIDE] < mse[PCA] and mse[WIDE] < mse[DENSE],
        f"AUC >= {AUC_GOAL}": summary["anomaly detection"]["AUC"] >= AUC_GOAL,
    }


def report(summary: dict[str, Any], wall: float, cpu: float) -> None:
    from course_utils.reporting import markdown_table  # after the environment is set: it imports TensorFlow

    cpu_seconds = summary["training CPU seconds"]
    rows = [[name, summary["weights"].get(name), summary["multiply-adds per image"].get(name), mse, cpu_seconds.get(name)]
            for name, mse in summary["test MSE"].items()]
    print()
    print(markdown_table(["model", "weights", "multiply-adds per image", "test MSE", "training CPU s"], rows,
                         {"test MSE": "{:.4f}", "training CPU s": "{:.0f}"}))
    spread = summary["ablation test MSE, highest minus lowest seed"]
    print()
    print(markdown_table(["ablation variant", "test MSE, mean over seeds", "highest minus lowest seed"],
                         [[name, mean, spread[name]] for name, mean in summary["ablation test MSE, mean over seeds"].items()],
                         {"test MSE, mean over seeds": "{:.4f}", "highest minus lowest seed": "{:.4f}"}))
    anomaly = summary["anomaly detection"]
    print(f"\nanomaly detector, class {anomaly['held-out class']} held out: AUC {anomaly['AUC']:.3f}; threshold "
          f"{anomaly['threshold']:.4f} catches {anomaly['share of held-out images caught']:.1%} of the held-out test images "
          f"and flags {anomaly['share of normal test images flagged']:.1%} of the normal ones")
    print()
    for goal, reached in goals(summary).items():
        print(f"goal {goal}: {'reached' if reached else 'NOT reached'}")
    training = sum(v for v in cpu_seconds.values() if v is not None)
    print(f"\nnotebook: {wall / 60:.1f} min wall, {cpu / 60:.1f} CPU-min in its kernel, of which training "
          f"{training / 60:.1f} CPU-min (as recorded when each model was trained); load average at the end "
          f"{os.getloadavg()[0]:.1f}; recipe {summary['recipe']}")


def scan(summary: dict[str, Any]) -> dict[str, float]:
    """Train the lecture's detector with each class held out in turn; return class name -> test AUC."""
    import numpy as np

    import course_utils
    from course_utils import anomaly, data, training
    from course_utils.lectures import lecture03

    recipe = summary["recipe"]
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    x_train, x_test = x_train[..., np.newaxis], x_test[..., np.newaxis]
    x_train, y_train = course_utils.sample(x_train, y_train, quick=2000)  # as the notebook does
    x_test, y_test = course_utils.sample(x_test, y_test, quick=1000)
    epochs, batch_size = course_utils.epochs(recipe["detector epochs"]), recipe["detector batch size"]
    aucs = {}
    for held_out, name in enumerate(data.FASHION_MNIST_CLASSES):
        normal_train, _ = anomaly.split_by_class(x_train, y_train, held_out=held_out)
        normal_test, _ = anomaly.split_by_class(x_test, y_test, held_out=held_out)
        course_utils.seed_everything(42)
        detector = lecture03.autoencoder(lecture03.wide_conv_encoder(), lecture03.wide_conv_decoder())
        # as the notebook: Adam whose rate falls along a cosine from the lecture's peak to 0
        detector.compile(optimizer=training.cosine_decay_adam(recipe["peak learning rate"], epochs, len(normal_train),
                                                              batch_size), loss="mse")
        start = time.process_time()
        result = training.fit_or_load(
            detector, f"lecture03-detector-without-{held_out}", normal_train, normal_train, epochs=epochs,
            batch_size=batch_size, shuffle=True, validation_data=(normal_test, normal_test), validation_batch_size=256,
        )
        aucs[name] = anomaly.roc(anomaly.reconstruction_errors(detector, x_test), y_test == held_out).auc
        print(f"held out {held_out} {name}: AUC {aucs[name]:.3f} ({'cached' if result.from_cache else 'trained'}, "
              f"{time.process_time() - start:.0f} CPU s)", flush=True)
    return aucs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--scan", action="store_true", help="also train the detector once per held-out class")
    args = parser.parse_args(argv)
    with benchmark_environment(args, "Lecture 03 benchmark"):
        before = children_cpu_seconds()
        summary, wall = read_summary(NOTEBOOK)
        report(summary, wall, children_cpu_seconds() - before)
        if args.scan:
            print("\nScan: the detector with each class held out in turn (test AUC)")
            aucs = scan(summary)
            from course_utils.reporting import markdown_table

            print()
            print(markdown_table(["held-out class", "AUC"], sorted(aucs.items(), key=lambda item: -item[1]), {"AUC": "{:.3f}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
