"""Benchmark for lecture 05: variational autoencoders on binarised MNIST, one recipe per call.

    nice -n 10 python -m course_tools.benchmarks.lecture05 --latent 32 --epochs 30 --binarisation dynamic --schedule cosine

Runs in full mode whatever COURSE_QUICK says and trains through ``fit_or_load`` (the notebook's weight cache), so a
recipe the notebook uses with the same settings is trained once. Model: ``models.variational_autoencoder`` (MLP
784-hidden -> latent, mirror decoder giving Bernoulli logits), loss summed over pixels plus KL summed over latent
dimensions, Adam, batch 128. The test set is binarised once (``variational.binarise``, seed 0); the training set
either the same way ("fixed") or afresh every epoch ("dynamic").

Prints one line: the settings, the test -ELBO with its reconstruction and KL terms, the importance-weighted NLL
estimate (k samples, the first ``--iw-images`` test images), active units, and seconds per epoch of this run
(training time only; on a shared machine, scale by the load).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ["COURSE_QUICK"] = "0"

import course_utils  # first: imports TensorFlow quietly and with its oneDNN kernels on

# isort: split
import keras

from course_utils import data, models, training, variational
from course_utils.training import fit_or_load

BATCH_SIZE = 128


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latent", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
    parser.add_argument("--binarisation", choices=["fixed", "dynamic"], default="dynamic")
    parser.add_argument("--schedule", choices=["constant", "cosine"], default="cosine")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--warm-up", type=int, default=0, help="KL warm-up epochs (0: none)")
    parser.add_argument("--beta", type=float, default=1.0)
    parser.add_argument("--k", type=int, default=200)
    parser.add_argument("--iw-images", type=int, default=10000)
    args = parser.parse_args()

    (x_train, _), (x_test, _) = data.load_mnist()
    test = variational.binarise(x_test, seed=0)
    course_utils.seed_everything(42)
    vae = models.variational_autoencoder(hidden_units=tuple(args.hidden), latent_dim=args.latent, beta=args.beta)
    if args.schedule == "cosine":
        optimizer = training.cosine_decay_adam(args.lr, args.epochs, len(x_train), BATCH_SIZE)
    else:
        optimizer = keras.optimizers.Adam(args.lr)
    vae.compile(optimizer=optimizer, loss=variational.bernoulli_reconstruction_loss)
    callbacks = [variational.KLWarmUp(args.warm_up)] if args.warm_up else []
    if args.binarisation == "dynamic":
        x, y = variational.DynamicBinarisation(x_train, BATCH_SIZE, seed=0), None
        fit_kwargs = {}
    else:
        x = y = variational.binarise(x_train, seed=0)
        fit_kwargs = {"batch_size": BATCH_SIZE, "shuffle": True}
    name = f"lecture05-vae{args.latent}"
    fit = fit_or_load(vae, name, x, y, epochs=args.epochs, callbacks=callbacks, **fit_kwargs)
    encoder, decoder = vae.get_layer("encoder"), vae.get_layer("decoder")
    start = time.perf_counter()
    terms = variational.elbo_terms(encoder, decoder, test)
    iw = variational.importance_weighted_nll(encoder, decoder, test[: args.iw_images], k=args.k).mean()
    evaluation = time.perf_counter() - start
    means, _ = variational.encode(encoder, test)
    print(
        f"L={args.latent} hidden={args.hidden} epochs={args.epochs} {args.binarisation} {args.schedule} lr={args.lr} "
        f"warm-up={args.warm_up} beta={args.beta} | test -ELBO {terms['neg_elbo']:.2f} (rec {terms['reconstruction']:.2f}, "
        f"KL {terms['kl']:.2f}) | IW NLL k={args.k} on {min(args.iw_images, len(test))} images {iw:.2f} | "
        f"active units {variational.active_units(means)} | {fit.train_seconds / args.epochs:.1f} s/epoch "
        f"({'cached' if fit.from_cache else 'trained now'}), evaluation {evaluation:.0f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()
