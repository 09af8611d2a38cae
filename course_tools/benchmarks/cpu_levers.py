"""Where a 2-core CPU's time goes when the course trains a model, and which settings buy more epochs per second.

    python -m course_tools.benchmarks.cpu_levers            # both models, 4 epochs per run
    python -m course_tools.benchmarks.cpu_levers --quick    # 512 images, 2 epochs: checks in a minute that it works

Issue 27 asks for the lectures' cold runs in fewer wall seconds with the same numbers. Two models stand for the
course's training: the networks of lecture 05's 32-D VAE (`lecture05.vae_networks`, dense 784-512-256-32 and back,
trained on the code mean as a plain autoencoder: the same matrix products) on 60,000 MNIST digits at batch 128,
and lecture 03's wide convolutional autoencoder (`lecture03.wide_conv_encoder` / `_decoder`) on 15,000
Fashion-MNIST images at batch 32, both with the lectures' cosine-decay Adam. Every setting trains them from the same
seed in fresh processes:

    default          TensorFlow's thread pools as the course runs it (oneDNN on)
    XLA              compiled with jit_compile=True (Keras turns XLA off on CPU-only machines by default)
    oneDNN off       TF_ENABLE_ONEDNN_OPTS=0
    one thread       TF_NUM_INTRAOP_THREADS=1 and TF_NUM_INTEROP_THREADS=1
    two at once      two "one thread" processes started together, as two independent trainings would run
    two in one model two copies of the model (different initial weights) side by side in one Keras model with
                     one loss each, trained by one fit: TensorFlow may run the two branches' operations at once

and reports per epoch (median over the epochs after the first, which also traces the graph) the process's CPU
seconds (all its threads) and wall seconds, and the throughput: epochs finished per wall second by all the
processes of the setting together, relative to the default.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

MARK = "CPU-LEVERS-JSON:"
MODELS = ("vae32", "conv-wide")
ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
SETTINGS = {  # name -> (environment changes, jit_compile, processes started together, models in the one Keras model)
    "default": ({}, False, 1, 1),
    "XLA": ({}, True, 1, 1),
    "oneDNN off": ({"TF_ENABLE_ONEDNN_OPTS": "0"}, False, 1, 1),
    "one thread": (ONE_THREAD, False, 1, 1),
    "two at once": (ONE_THREAD, False, 2, 1),
    "two in one model": ({}, False, 1, 2),
}


def train_and_time(
    model_name: str, epochs: int, images: int | None, jit_compile: bool, copies: int = 1
) -> dict[str, list[float]]:
    """Train ``copies`` of one model, side by side in one Keras model, in this process; return the CPU and wall
    seconds and the (summed) loss per epoch."""
    # Imported here, not at the top: each setting's environment must be in place before TensorFlow loads. course_utils
    # comes before Keras because it sets the course's defaults (oneDNN on) and then loads TensorFlow.
    import course_utils

    course_utils.seed_everything(42)
    import keras

    from course_utils import data, training
    from course_utils.lectures import lecture03, lecture05

    if model_name == "vae32":
        (x, _), _ = data.load_mnist()
        x, batch_size, peak, loss = x[..., None], 128, 2e-3, "binary_crossentropy"

        def build() -> keras.Model:
            encoder, decoder = lecture05.vae_networks(32)
            encoder.get_layer("log_var").trainable = False  # the plain autoencoder decodes the mean only
            image = keras.Input((28, 28, 1))
            return keras.Model(image, keras.ops.expand_dims(keras.activations.sigmoid(decoder(encoder(image)[0])), -1))
    elif model_name == "conv-wide":
        (x, _), _ = data.load_fashion_mnist()
        x, batch_size, peak, loss = x[:15_000, ..., None], 32, 4e-3, "mse"

        def build() -> keras.Model:
            return lecture03.autoencoder(lecture03.wide_conv_encoder(), lecture03.wide_conv_decoder())
    else:
        raise ValueError(f"model_name must be one of {MODELS}, not {model_name!r}")
    x = x[:images] if images else x
    models = [build() for _ in range(copies)]
    for number, copy in enumerate(models):
        copy.name = f"copy_{number}"  # names must be unique inside the model that holds them
    image = keras.Input(x.shape[1:])
    model = keras.Model(image, [copy(image) for copy in models])
    optimizer = training.cosine_decay_adam(peak, epochs, len(x), batch_size)
    model.compile(optimizer=optimizer, loss=[loss] * copies, jit_compile=jit_compile)

    record: dict[str, list[float]] = {"cpu": [], "wall": [], "loss": []}

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.cpu, self.wall = time.process_time(), time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            record["cpu"].append(time.process_time() - self.cpu)
            record["wall"].append(time.perf_counter() - self.wall)
            record["loss"].append(float(logs["loss"]))

    model.fit(x, [x] * copies, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[EpochClock()])
    return record


def run_setting(model_name: str, setting: str, epochs: int, images: int | None) -> dict[str, float]:
    """Run one setting in fresh processes; return its median CPU and wall seconds per epoch and its throughput."""
    changes, jit_compile, processes, copies = SETTINGS[setting]
    command = [sys.executable, "-m", "course_tools.benchmarks.cpu_levers", "--worker", model_name, "--epochs", str(epochs)]
    command += (["--images", str(images)] if images else []) + (["--jit"] if jit_compile else []) + ["--copies", str(copies)]
    environment = {**os.environ, **changes}
    workers = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    outputs = [worker.communicate()[0] for worker in workers]
    if any(worker.returncode for worker in workers):
        raise RuntimeError(f"{model_name}, {setting}: a worker failed (exit codes {[w.returncode for w in workers]})")
    records = [json.loads(output.split(MARK, 1)[1]) for output in outputs]
    return summarise(records, copies)


def summarise(records: list[dict[str, list[float]]], copies: int = 1) -> dict[str, float]:
    """Medians over the epochs after the first (and over processes run together); epochs of one model finished per
    wall second by them all (a process training ``copies`` models side by side finishes that many per epoch)."""
    if not records or any(len(record["wall"]) < 2 for record in records):
        raise ValueError("records must hold at least two epochs per process (the first one also traces the graph)")
    cpu = [seconds for record in records for seconds in record["cpu"][1:]]
    wall = [seconds for record in records for seconds in record["wall"][1:]]
    return {
        "cpu_per_epoch": statistics.median(cpu),
        "wall_per_epoch": statistics.median(wall),
        "epochs_per_wall_second": len(records) * copies / statistics.median(wall),
        "final_loss": statistics.mean(record["loss"][-1] for record in records) / copies,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="512 images, 2 epochs: check that the script works")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--images", type=int, default=None, help="train on the first IMAGES images only")
    parser.add_argument("--worker", choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument("--jit", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--copies", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    epochs, images = (2, 512) if args.quick else (args.epochs, args.images)
    if args.worker:
        print(MARK + json.dumps(train_and_time(args.worker, epochs, images, args.jit, args.copies)), flush=True)
        return 0

    from course_utils.reporting import markdown_table  # here, not at the top: TensorFlow loads with it

    rows = []
    for model_name in MODELS:
        results = {setting: run_setting(model_name, setting, epochs, images) for setting in SETTINGS}
        for setting, result in results.items():
            rows.append([model_name, setting, f"{result['cpu_per_epoch']:.2f}", f"{result['wall_per_epoch']:.2f}",
                         f"{result['epochs_per_wall_second'] / results['default']['epochs_per_wall_second']:.2f}",
                         f"{result['final_loss']:.4g}"])
    load = os.getloadavg()[0]
    print(markdown_table(["model", "setting", "CPU s / epoch", "wall s / epoch", "throughput vs default", "last loss per model"], rows))
    print(f"\n{epochs} epochs per run; load average at the end {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
