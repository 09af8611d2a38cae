"""Benchmark for lectures 00 and 02: linear autoencoder vs PCA, batched latent-grid decoding, the 32-number code.

    python -m course_tools.benchmarks.lecture00_02_goals            # fresh, empty weight cache: every model is trained and timed
    python -m course_tools.benchmarks.lecture00_02_goals --warm     # reuse COURSE_CACHE_DIR: models trained before are loaded
    python -m course_tools.benchmarks.lecture00_02_goals --quick    # quick mode: checks in minutes that the script still works

Executes notebooks/00_autoencoders_and_pca.ipynb and notebooks/02_latent_space_and_generation.ipynb on fresh kernels
(full mode, one after the other, sharing one weight cache) and reads the dict `summary` that each lecture builds at
its end (course_tools/benchmarks/notebook_runs.py); models, settings and measurements live in the notebooks only.
Goals:

* lecture 00's linear autoencoder with a 16-number code: test MSE / PCA-16 test MSE <= 1.01;
* lecture 02: decoding a 20 x 20 grid of 2-D codes in one batched predict call is >= 20x faster per image than one
  call per code (timed in the notebook with lecture 01's decoder);
* reported without a goal: lecture 00's ReLU autoencoder and constant-rate run, lecture 02's 32-number autoencoder
  against PCA-32, and how many of its generated digits the digit classifier recognises.
"""

from __future__ import annotations

import sys

from course_tools.benchmarks.notebook_runs import run_with_summaries
from course_tools.paths import ROOT

LECTURE00 = ROOT / "notebooks" / "00_autoencoders_and_pca.ipynb"
LECTURE02 = ROOT / "notebooks" / "02_latent_space_and_generation.ipynb"
RATIO_GOAL, SPEEDUP_GOAL = 1.01, 20.0
SCHEDULE, CONSTANT = "linear AE, cosine schedule", "linear AE, constant 1e-3"
SAMPLERS = ("one normal, independent coordinates", "one normal, full covariance", "a normal per digit (inside the clusters)")
# The summary entries the report reads, as key paths; tests/test_benchmarks.py checks that the notebooks build them.
READS00 = [
    ("PCA test MSE", "16 components"), ("PCA test MSE", "32 components"), ("ReLU AE test MSE",),
    *[(run, key) for run in (SCHEDULE, CONSTANT) for key in
      ("test MSE", "ratio to PCA-16", "largest principal angle (degrees)", "median principal angle (degrees)")],
]
READS02 = [
    ("2-D autoencoder (lecture 01) test MSE",),
    *[("grid decoding", key) for key in ("ms per image, batched", "ms per image, one call per code", "speed-up")],
    *[("32-D autoencoder", key) for key in ("test MSE", "PCA-32 test MSE", "final training loss")],
    ("classifier accuracy on real test digits",),
    ("recognised", "real test digits"), ("recognised", "reconstructed test digits"),
    *[("recognised", f"{name}, {which}") for name in SAMPLERS for which in ("mean of 3 seeds", "lowest seed", "highest seed")],
    *[("share far from the data", name) for name in SAMPLERS],
]


def report(lecture00: dict, lecture02: dict) -> None:
    from course_utils.reporting import markdown_table  # after the environment is set: it imports TensorFlow

    pca16 = lecture00["PCA test MSE"]["16 components"]
    rows = []
    for run in (SCHEDULE, CONSTANT):
        r = lecture00[run]
        rows.append([run, r["test MSE"], r["ratio to PCA-16"], "reached" if r["ratio to PCA-16"] <= RATIO_GOAL else "NOT reached",
                     r["largest principal angle (degrees)"], r["median principal angle (degrees)"]])
    print("\nLecture 00: linear autoencoders with a 16-number code, 25 epochs, against PCA-16 "
          f"(test MSE {pca16:.5f}); goal: ratio <= {RATIO_GOAL}")
    print(markdown_table(["run", "test MSE", "ratio to PCA-16", "goal", "largest angle (deg)", "median angle (deg)"], rows,
                         formats={"test MSE": "{:.5f}", "ratio to PCA-16": "{:.4f}", "largest angle (deg)": "{:.2f}",
                                  "median angle (deg)": "{:.2f}"}))
    print(f"\nReLU autoencoder, code 16: test MSE {lecture00['ReLU AE test MSE']:.4f} "
          f"(PCA-16 {pca16:.4f}, PCA-32 {lecture00['PCA test MSE']['32 components']:.4f})")

    grid = lecture02["grid decoding"]
    print("\nLecture 02: decoding the 20 x 20 grid of 2-D codes")
    print(markdown_table(
        ["ms per image, batched", "ms per image, one call per code", "speed-up", f"goal >= {SPEEDUP_GOAL:.0f}x"],
        [[grid["ms per image, batched"], grid["ms per image, one call per code"], grid["speed-up"],
          "reached" if grid["speed-up"] >= SPEEDUP_GOAL else "NOT reached"]],
        formats={"ms per image, batched": "{:.3f}", "ms per image, one call per code": "{:.1f}", "speed-up": "{:.0f}x"},
    ))
    wide = lecture02["32-D autoencoder"]
    dense = lecture02["2-D autoencoder (lecture 01) test MSE"]
    print(f"\n32-number autoencoder: test MSE {wide['test MSE']:.4f} (PCA-32 {wide['PCA-32 test MSE']:.4f}), final training "
          f"loss {wide['final training loss']:.4f}; lecture 01's 2-number autoencoder {dense:.4f}")
    recognised, far = lecture02["recognised"], lecture02["share far from the data"]
    print(f"\nGenerated digits recognised as 1, 5 or 6 (classifier accuracy on real test digits "
          f"{lecture02['classifier accuracy on real test digits']:.1%})")
    rows = [["real test digits", recognised["real test digits"], None, None, None],
            ["reconstructed test digits", recognised["reconstructed test digits"], None, None, None]]
    rows += [[name, recognised[f"{name}, mean of 3 seeds"], recognised[f"{name}, lowest seed"], recognised[f"{name}, highest seed"],
              far[name]] for name in SAMPLERS]
    print(markdown_table(["images", "recognised", "lowest seed", "highest seed", "far from the data"], rows,
                         formats={k: "{:.1%}" for k in ("recognised", "lowest seed", "highest seed", "far from the data")}))


def main(argv: list[str] | None = None) -> int:
    return run_with_summaries(argv, __doc__.splitlines()[0], "Lectures 00 and 02 benchmark", [LECTURE00, LECTURE02],
                              lambda summaries: report(*summaries))


if __name__ == "__main__":
    sys.exit(main())
