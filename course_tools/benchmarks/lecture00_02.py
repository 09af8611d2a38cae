"""Benchmark for lectures 00 and 02: linear autoencoder vs PCA, batched latent-grid decoding, asymmetric autoencoder.

    python -m course_tools.benchmarks.lecture00_02            # fresh, empty weight cache: every model is trained and timed
    python -m course_tools.benchmarks.lecture00_02 --warm     # reuse COURSE_CACHE_DIR: models trained before are loaded
    python -m course_tools.benchmarks.lecture00_02 --quick    # quick mode: checks in minutes that the script still works

Executes notebooks/00_autoencoders_and_pca.ipynb and notebooks/02_latent_space_and_generation.ipynb on fresh
kernels (full mode) and reads their numbers from the kernels (course_tools/benchmarks/notebook_runs.py); the models and their
training settings live in the notebooks only. Goals:

* lecture 00's linear autoencoder with a 16-number code: test MSE / PCA-16 test MSE <= 1.01;
* decoding lecture 02's 20 x 20 grid of 2-D codes with one batched predict call is >= 20x faster than one call per
  code (timed in lecture 02's kernel with its trained decoder);
* lecture 02's asymmetric dense autoencoder: its test MSE is reported.
"""

from __future__ import annotations

import argparse
import sys

from course_tools.benchmarks.notebook_runs import add_arguments, benchmark_environment, read_from_kernel
from course_tools.paths import ROOT

LECTURE00 = ROOT / "notebooks" / "00_autoencoders_and_pca.ipynb"
LECTURE02 = ROOT / "notebooks" / "02_latent_space_and_generation.ipynb"
RATIO_GOAL, GRID_N, SPEEDUP_GOAL = 1.01, 20, 20.0

EXPRESSION00 = (
    "{'ae': linear_mse, 'pca': pca_errors[16], 'ratio': linear_mse / pca_errors[16],"
    " 'max_angle': float(angles['linear AE decoder vs PCA-16'].max()),"
    " 'median_angle': float(np.median(angles['linear AE decoder vs PCA-16'])),"
    " 'epochs': len(linear_result.history['loss']), 'seconds': linear_result.train_seconds,"
    " 'from_cache': linear_result.from_cache}"
)
# Both ways are warmed up first (the first predict call of each input shape builds a graph); the batched way reports
# the median of 5 runs, the slow way runs once, since one run already takes hundreds of calls.
GRID_TIMING = f"""\
import time as _t


def _grid_timing(repeats=5):
    codes, _, _ = latent.latent_grid_codes(grid_ranges[0], grid_ranges[1], n={GRID_N})
    decoder.predict(codes[:1], verbose=0)
    latent.decode_latent_grid(decoder, grid_ranges[0], grid_ranges[1], n={GRID_N})
    batched = []
    for _ in range(repeats):
        start = _t.perf_counter()
        batched_images = latent.decode_latent_grid(decoder, grid_ranges[0], grid_ranges[1], n={GRID_N})[0]
        batched.append(_t.perf_counter() - start)
    start = _t.perf_counter()
    per_code_images = np.stack([decoder.predict(code[None, :], verbose=0)[0] for code in codes])
    per_code = _t.perf_counter() - start
    np.testing.assert_allclose(batched_images.reshape(-1, 784), per_code_images, rtol=1e-4, atol=1e-5)
    return {{"batched": float(np.median(batched)), "per_code": per_code, "speedup": per_code / float(np.median(batched))}}
"""
EXPRESSION02 = (
    "{'grid': _grid_timing(), 'dense_mse': dense_mse, 'wide': {'test': wide_mse, 'train': wide_result.history['loss'][-1],"
    " 'epochs': len(wide_result.history['loss']), 'seconds': wide_result.train_seconds, 'from_cache': wide_result.from_cache}}"
)


def report(linear: dict, lecture02: dict) -> None:
    print("\n| linear AE test MSE | PCA-16 test MSE | ratio | goal <= 1.01 | largest / median principal angle | train s |")
    print("|---|---|---|---|---|---|")
    print(f"| {linear['ae']:.5f} | {linear['pca']:.5f} | {linear['ratio']:.4f} | "
          f"{'reached' if linear['ratio'] <= RATIO_GOAL else 'NOT reached'} | "
          f"{linear['max_angle']:.2f} / {linear['median_angle']:.2f} degrees | {linear['seconds']:.0f}"
          f"{' (cached)' if linear['from_cache'] else ''} |")
    grid, wide = lecture02["grid"], lecture02["wide"]
    print(f"\n| {GRID_N}x{GRID_N} grid | one batched predict (s) | one predict per code (s) | speed-up | goal >= 20x |")
    print("|---|---|---|---|---|")
    print(f"| {GRID_N * GRID_N} codes | {grid['batched']:.3f} | {grid['per_code']:.2f} | {grid['speedup']:.0f}x | "
          f"{'reached' if grid['speedup'] >= SPEEDUP_GOAL else 'NOT reached'} |")
    print("\n| asymmetric AE (code 32) | epochs | train loss | test MSE | 2-D AE test MSE | s/epoch |")
    print("|---|---|---|---|---|---|")
    print(f"| 784-256-32 / 32-256-512-784 | {wide['epochs']} | {wide['train']:.4f} | {wide['test']:.4f} | "
          f"{lecture02['dense_mse']:.4f} | {wide['seconds'] / wide['epochs']:.1f}{' (cached)' if wide['from_cache'] else ''} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    with benchmark_environment(args, "Lectures 00 and 02 benchmark"):
        linear, seconds00 = read_from_kernel(LECTURE00, EXPRESSION00)
        lecture02, seconds02 = read_from_kernel(LECTURE02, EXPRESSION02, before=GRID_TIMING)
        report(linear, lecture02)
        print(f"\nnotebook wall times: lecture 00 {seconds00 / 60:.1f} min, lecture 02 {seconds02 / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
