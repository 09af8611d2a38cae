"""One prepared wrong submission per exercise: the blank release with one task answered the way a student might
get it wrong. ``tests/test_exercise_grading.py`` grades them with nbgrader and expects less than full marks and
feedback that names the mistake. Each entry: {grade_id of the solution cell: the student's code}, the graded
test cell that must fail, and a phrase its feedback must contain."""

WRONG_SUBMISSIONS = {
    "ex1_transformations": {
        "answers": {
            "permute_images": '''def permute_images(images, seed):
    """Shuffle the pixels: roll them along by a seed-chosen offset."""
    n = len(images)
    flat = images.reshape(n, -1, *images.shape[3:])
    return np.roll(flat, 10 + seed, axis=1).reshape(images.shape)''',
        },
        "failing_test": "check_permutation",
        "feedback": "are still neighbours afterwards",
    },
    "ex2_number_generator": {
        "answers": {
            "encoder_and_decoder": '''course_utils.seed_everything(42)
encoder = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(500, activation="relu"),
                            layers.Dense(300, activation="relu"), layers.Dense(2, activation="relu")], name="encoder")
decoder = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(300, activation="relu"), layers.Dense(500, activation="relu"),
                            layers.Dense(784), layers.Reshape((28, 28))], name="decoder")''',
        },
        "failing_test": "check_encoder_decoder",
        "feedback": "leave it linear",
    },
    "ex3_denoising": {
        "answers": {
            "add_noise": '''def add_noise(images, sigma, seed):
    """Add one noise pattern, the same for every image."""
    pattern = np.random.default_rng(seed).normal(0.0, sigma, size=images.shape[1:])
    return np.clip(images + pattern, 0.0, 1.0).astype(images.dtype)''',
        },
        "failing_test": "check_add_noise",
        "feedback": "the images share their noise",
    },
    "ex4_pretraining": {
        "answers": {
            "build_classifier": '''def build_classifier(variant):
    """Frozen, fine-tuned or from scratch -- but all on the one trained encoder."""
    return encoder_classifier(encoder, trainable_encoder=(variant != "frozen"))''',
        },
        "failing_test": "check_classifiers",
        "feedback": "fine-tune a copy",
    },
    "ex5_vae": {
        "answers": {
            "vae_loss": '''def vae_loss(images, logits, mean, log_var, beta):
    """Keras' binary cross-entropy for the pixels, plus beta times the KL term."""
    flat_images, flat_logits = keras.ops.reshape(images, (-1, 784)), keras.ops.reshape(logits, (-1, 784))
    reconstruction = keras.losses.binary_crossentropy(flat_images, flat_logits, from_logits=True)  # a mean over pixels
    kl = -0.5 * keras.ops.sum(1.0 + log_var - keras.ops.square(mean) - keras.ops.exp(log_var), axis=-1)
    return keras.ops.mean(reconstruction + beta * kl)''',
        },
        "failing_test": "check_vae_loss",
        "feedback": "looks averaged over the 784 pixels instead of summed",
    },
}
