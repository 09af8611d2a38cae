"""Checks of exercise 4 (pretraining): the labelled subset, the three classifiers, and how each accuracy was obtained."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from course_utils.checks._core import (
    CheckResult,
    TrainingSpy,
    architecture,
    as_array,
    call_student,
    check_callable,
    plural,
    predict,
    private_weight_cache,
    require,
    row_fingerprints,
    run,
)


def check_labelled_subset(
    labelled_subset: Callable[[np.ndarray, int, int], np.ndarray], seed: int = 5, labels: np.ndarray | None = None
) -> CheckResult:
    """Check ``labelled_subset(labels, n, seed)`` returns ``n`` distinct indices, ``n / n_classes`` of each class, chosen
    by the seed. ``seed`` varies the check's unbalanced made-up labels; ``labels`` (e.g. the notebook's) are used instead."""
    check_callable("check_labelled_subset", labelled_subset)

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(seed)
        given = labels is not None
        pool = np.asarray(labels) if given else rng.choice(10, size=3000, p=np.linspace(1, 3, 10) / np.linspace(1, 3, 10).sum())
        where = f"the notebook's {len(pool):,} labels" if given else "unbalanced labels"
        for n in (10, 100, 1000):
            what = f"labelled_subset(labels, {n}, 0)"
            picked = as_array(call_student(labelled_subset, pool, n, 0, what=what), what)
            require(picked.shape == (n,), f"{what} returned shape {picked.shape}; it should be ({n},): indices.")
            require(np.issubdtype(picked.dtype, np.integer), f"return integer indices into labels, got dtype {picked.dtype}.")
            require(picked.min() >= 0 and picked.max() < len(pool), "some indices fall outside the labels array.")
            require(len(np.unique(picked)) == n, f"the {n} indices are not all different; pick each image at most once.")
            counts = np.bincount(pool[picked], minlength=10)
            require(np.all(counts == n // 10), f"with n={n} every digit should appear {n // 10} times, got counts {counts.tolist()}.")
            first = np.concatenate([np.flatnonzero(pool == digit)[: n // 10] for digit in range(10)])
            require(
                n < 100 or not np.array_equal(np.sort(picked), np.sort(first)),
                f"{what} picks the first {n // 10} images of every digit; pick them at random with np.random.default_rng(seed).",
            )
        verified.append(f"n distinct valid indices with exactly n/10 images of every digit, for n = 10, 100, 1000 on {where}")
        first = as_array(call_student(labelled_subset, pool, 100, 0, what="a second call"), "a second call")
        other = as_array(
            call_student(labelled_subset, pool, 100, 1, what="labelled_subset(labels, 100, 1)"), "labelled_subset(labels, 100, 1)"
        )
        third = as_array(call_student(labelled_subset, pool, 100, 0, what="a third call"), "a third call")
        require(np.array_equal(first, third), "the same seed must give the same indices.")
        require(not np.array_equal(np.sort(first), np.sort(other)), "seeds 0 and 1 picked the same images; the seed should choose them.")
        verified.append("the same seed picks the same images, another seed others")

    return run("check_labelled_subset", steps)


def _informative(weights: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Return the arrays that say where they came from (constant arrays, e.g. untrained biases, do not)."""
    return [np.array(w) for w in weights if np.ptp(w) > 0]


def _positions(arrays: Sequence[np.ndarray], pretrained: Sequence[np.ndarray]) -> list[int]:
    """Return the positions in ``arrays`` that hold one of the ``pretrained`` arrays exactly."""
    return [i for i, w in enumerate(arrays) if any(w.shape == p.shape and np.array_equal(w, p) for p in pretrained)]


def check_classifiers(build_classifier: Callable[[str], object], encoder: object) -> CheckResult:
    """Check ``build_classifier(variant)`` for the variants "frozen" (the pretrained ``encoder``, not trained),
    "fine-tuned" (a trainable copy of it) and "scratch" (the same network with a new encoder that shares nothing with it)."""
    check_callable("check_classifiers", build_classifier)
    before = [np.array(w) for w in encoder.get_weights()]
    pretrained = _informative(before)
    pretrained_ids = {id(v) for v in encoder.weights}

    def encoder_arrays(variables: list) -> list[np.ndarray]:
        values = [v.numpy() for v in variables]
        return [values[i] for i in _positions(values, pretrained)]

    def steps(verified: list[str]) -> None:
        def build(variant: str) -> object:
            what = f'build_classifier("{variant}")'
            model = call_student(build_classifier, variant, what=what)
            require(hasattr(model, "trainable_weights"), f"{what} should return a Keras model, got {type(model).__name__}.")
            out = as_array(predict(model, np.zeros((2, 28, 28), np.float32)), f"{what} on 2 images")
            require(out.shape == (2, 10), f"{what} gives outputs shaped {out.shape} for 2 images; it should be (2, 10).")
            return model

        def frozen_holds_encoder(model: object) -> bool:
            return len(encoder_arrays(model.non_trainable_weights)) == len(pretrained) and not encoder_arrays(model.trainable_weights)

        frozen = build("frozen")
        require(
            frozen_holds_encoder(frozen),
            'the "frozen" classifier must hold the pretrained encoder\'s weights and not train them (trainable_encoder=False).',
        )
        require(frozen.trainable_weights, 'the "frozen" classifier has nothing to train; only its encoder should be frozen, not the head.')
        tuned, scratch = build("fine-tuned"), build("scratch")
        verified.append('"frozen": the pretrained encoder, not trainable, under a trainable head')
        require(
            len(encoder_arrays(tuned.trainable_weights)) == len(pretrained),
            'the "fine-tuned" classifier must start from the pretrained encoder\'s weights and train them.',
        )
        require(
            not pretrained_ids & {id(v) for v in tuned.weights},
            'the "fine-tuned" classifier trains the pretrained encoder itself, which would change it for the frozen runs too; '
            "fine-tune a copy (a new encoder of the same architecture with the pretrained weights set into it).",
        )
        verified.append('"fine-tuned": a trainable copy of the pretrained encoder (the original stays untouched)')
        require(
            not pretrained_ids & {id(v) for v in scratch.weights} and not encoder_arrays(scratch.weights),
            'the "scratch" classifier starts from the pretrained encoder\'s weights; from scratch means a newly built encoder.',
        )
        require(
            len(scratch.trainable_weights) == len(scratch.weights),
            'the "scratch" classifier has frozen weights; a network trained from scratch trains all of them.',
        )
        for name, model in (("scratch", scratch), ("fine-tuned", tuned)):
            found, wanted = architecture(model), architecture(frozen)
            require(
                found == wanted,
                f'the "{name}" classifier is not the same network as the "frozen" one ({found[0]:,} weights against {wanted[0]:,}): '
                "only where the encoder's weights start, and whether they train, may differ, or the comparison says nothing "
                "about pretraining.",
            )
        verified.append('"scratch": the same network with a new, fully trainable encoder that shares no weights with the pretrained one')
        require(
            all(np.array_equal(a, b) for a, b in zip(before, encoder.get_weights(), strict=True)),
            "building the classifiers changed the pretrained encoder's weights.",
        )
        require(
            frozen_holds_encoder(frozen),
            "building the other classifiers made the frozen classifier's encoder trainable again: they reuse the pretrained "
            "encoder object itself; give them their own encoder.",
        )

    return run("check_classifiers", steps)


def _accuracy(classifier: object, images: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(predict(classifier, images).argmax(axis=1) == labels))


def _crossentropy(classifier: object, images: np.ndarray, labels: np.ndarray) -> float:
    probabilities = np.clip(predict(classifier, images).astype(np.float64), 1e-7, 1.0)
    return float(-np.mean(np.log(probabilities[np.arange(len(labels)), labels])))


def _where_measured(reported: float, classifier: object, x_eval: np.ndarray, y_eval: np.ndarray, trained_on: tuple | None) -> str:
    """Return what a reported accuracy that is not the accuracy on ``x_eval`` seems to be."""
    if abs(reported - _crossentropy(classifier, x_eval, y_eval)) < 2e-3:
        return " That is the classifier's loss on x_eval: model.evaluate returns [loss, accuracy]; report the accuracy."
    if trained_on is not None and abs(reported - _accuracy(classifier, *trained_on)) < 2e-3:
        return " That is its accuracy on the labelled training images; measure it on the test images x_eval, y_eval."
    return " Measure the accuracy on x_eval, y_eval (not on x_test or the training images)."


def check_test_accuracy(
    test_accuracy: Callable[[int, str, int], tuple],
    labelled_subset: Callable[[np.ndarray, int, int], np.ndarray],
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_eval: np.ndarray,
    y_eval: np.ndarray,
    encoder: object,
    pretrained_weights: Sequence[np.ndarray],
    n_labels: int = 100,
    seed: int = 2,
) -> CheckResult:
    """Check ``test_accuracy(n_labels, variant, seed)`` by running it once per variant while watching its training: it
    must train the variant's classifier on exactly the images ``labelled_subset(y_train, n_labels, seed)`` picks, with
    their labels, leave a frozen encoder as pretrained, and return ``(accuracy on x_eval, y_eval; the classifier)``."""
    check_callable("check_test_accuracy", test_accuracy)
    pretrained = _informative(pretrained_weights)
    x_eval, y_eval = np.asarray(x_eval), np.asarray(y_eval)
    picked = np.asarray(labelled_subset(np.asarray(y_train), n_labels, seed))
    wanted = dict(zip(row_fingerprints(x_train[picked]).tolist(), np.asarray(y_train)[picked].tolist(), strict=True))

    def data_problem(x: object, y: object) -> str | None:
        try:
            x = np.asarray(x)
        except Exception:  # a dataset or a generator
            return "a dataset the check cannot read; pass the labelled images and their labels to fit as two arrays"
        if len(x) == len(x_train):
            return f"all {len(x_train):,} training images and their labels: only {n_labels} images are labelled"
        prints = row_fingerprints(x)
        if len(x) != n_labels:
            return f"{len(x):,} images instead of the {n_labels} labelled ones"
        if set(prints.tolist()) == set(row_fingerprints(x_train[:n_labels]).tolist()) != set(wanted):
            return f"the first {n_labels} training images instead of those labelled_subset(y_train, {n_labels}, seed) picks"
        if set(prints.tolist()) <= set(row_fingerprints(x_eval).tolist()):
            return "test images (x_eval): the test set only measures the accuracy"
        if set(prints.tolist()) != set(wanted):
            return f"images other than those labelled_subset(y_train, {n_labels}, seed) picks"
        labels = np.asarray(y).reshape(-1) if y is not None else None
        if labels is None or len(labels) != n_labels or [wanted[p] for p in prints.tolist()] != labels.tolist():
            return "labels that do not belong to the images (index x_train and y_train with the same indices)"
        return None

    def steps(verified: list[str]) -> None:
        frozen_architecture = None
        for variant in ("frozen", "fine-tuned", "scratch"):
            what = f'test_accuracy({n_labels}, "{variant}", {seed})'
            try:
                with private_weight_cache(), TrainingSpy() as spy:
                    answer = call_student(test_accuracy, n_labels, variant, seed, what=what)
            finally:
                encoder.set_weights([np.array(w) for w in pretrained_weights])  # whatever the function did to it
            require(
                isinstance(answer, tuple) and len(answer) == 2 and hasattr(answer[1], "predict"),
                f"{what} should return (accuracy, classifier); got {type(answer).__name__} {answer!r:.80}.",
            )
            reported, classifier = answer
            require(spy.calls, f"{what} never trained the classifier (no call of fit, directly or through fit_or_load).")
            call = spy.calls[-1]
            require(call.model is classifier, f"{what} returned a different classifier from the one it trained.")
            problem = data_problem(call.x, call.y)
            require(problem is None, f"{what} trained on {problem}.")
            at_start = _positions(call.before, pretrained)
            if variant == "scratch":
                require(
                    not at_start, f'{what} trained a classifier that starts from the pretrained encoder; "scratch" starts from a new one.'
                )
                require(
                    architecture(classifier) == frozen_architecture,
                    f'{what} trained a different network from the "frozen" one; build it with build_classifier("scratch").',
                )
            else:
                require(
                    len(at_start) == len(pretrained),
                    f"{what} trained a classifier that does not start from the pretrained encoder; build it with "
                    f'build_classifier("{variant}").',
                )
                changed = [not np.array_equal(call.before[i], call.after[i]) for i in at_start]
                if variant == "frozen":
                    require(
                        not any(changed),
                        f"{what} changed the frozen encoder's weights while training: the encoder must stay as pretrained "
                        "(trainable_encoder=False); only the head learns.",
                    )
                    frozen_architecture = architecture(classifier)
                else:
                    require(all(changed), f"{what} did not train the encoder: fine-tuning trains every layer.")
            require(np.ndim(reported) == 0, f"{what} returned {reported!r:.60} as the accuracy; return one number between 0 and 1.")
            actual = _accuracy(classifier, x_eval, y_eval)
            require(
                abs(float(reported) - actual) < 2e-3,
                f"{what} reports {float(reported):.4f}, but the classifier it returned classifies {actual:.4f} of the test images "
                f"x_eval correctly."
                + _where_measured(float(reported), classifier, x_eval, y_eval, (x_train[picked], np.asarray(y_train)[picked])),
            )
        verified.append(
            f"for each variant, with {n_labels} labels: trains the variant's classifier on the images labelled_subset picks, "
            "with their labels, keeps a frozen encoder unchanged, and reports the accuracy on x_eval"
        )

    return run("check_test_accuracy", steps)


def check_test_accuracies(
    runs: Mapping[object, list], x_eval: np.ndarray, y_eval: np.ndarray, pretrained_weights: Sequence[np.ndarray]
) -> CheckResult:
    """Check every ``(accuracy, classifier)`` in ``runs`` (lists of them, one per labelled subset): each reports its own
    classifier's accuracy on ``x_eval``, ``y_eval``, and every "frozen" classifier still holds the pretrained encoder."""
    x_eval, y_eval = np.asarray(x_eval), np.asarray(y_eval)
    pretrained = _informative(pretrained_weights)

    def steps(verified: list[str]) -> None:
        seen: set[int] = set()
        count = 0
        for key, results in runs.items():
            require(len(results) > 0, f"runs[{key!r}] is empty.")
            for reported, classifier in results:
                count += 1
                require(np.ndim(reported) == 0, f"the accuracy of {key!r} is {reported!r:.60}; return one number between 0 and 1.")
                require(
                    0 <= float(reported) <= 1,
                    f"the accuracy of {key!r} is {float(reported):.4f}; return one number between 0 and 1."
                    + (_where_measured(float(reported), classifier, x_eval, y_eval, None) if float(reported) > 1 else ""),
                )
                require(id(classifier) not in seen, f"runs[{key!r}] reuses a classifier of another run; train a new one for every run.")
                seen.add(id(classifier))
                actual = _accuracy(classifier, x_eval, y_eval)
                require(
                    abs(float(reported) - actual) < 2e-3,
                    f"for {key!r} you report an accuracy of {float(reported):.4f}, but the classifier classifies {actual:.4f} of "
                    "the test images x_eval correctly." + _where_measured(float(reported), classifier, x_eval, y_eval, None),
                )
                if isinstance(key, tuple) and "frozen" in key:
                    found = _positions([np.array(w) for w in classifier.get_weights()], pretrained)
                    require(
                        len(found) == len(pretrained),
                        f"the classifier of {key!r} no longer holds the pretrained encoder's weights: a frozen encoder must not "
                        "change during training.",
                    )
        verified.append(
            f"the {plural(count, 'accuracy')} of {plural(len(runs), 'setting')} are their own classifiers' accuracies on the "
            f"{len(x_eval):,} test images, and every frozen classifier still holds the pretrained encoder"
        )

    return run("check_test_accuracies", steps)
