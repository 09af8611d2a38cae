"""Submissions that tests/test_exercise_grading.py grades end to end with nbgrader (quick mode), besides each solution
and each blank release.

WRONG_SUBMISSIONS: per exercise, one submission that answers several tasks wrongly, each in its own way, so that each
of those tasks' tests fails with feedback naming its mistake (``expect``: test grade_id -> phrase). Tasks left out
stay as released (their placeholders raise), which keeps the expensive trainings out of these runs; unit tests in
tests/test_checks.py try many more wrong answers against the checks directly.

HOSTILE_SUBMISSIONS: students who want the points without the work (exercise 3). ``answers`` replace task cells,
``added`` are cells the student inserted; ``{placeholders}`` are filled in by the test (paths of its temporary course,
a port it listens on). Each must score below full marks or be refused by the sandbox, and show up in the tamper
report with the phrases in ``flags``.
"""

WRONG_SUBMISSIONS = {
    "ex1_transformations": {
        "answers": {
            "flip_images": '''def flip_images(images):
    """Mirror the images."""
    return images[:, ::-1].copy()''',
            "permute_images": '''def permute_images(images, seed):
    """Shuffle the rows, then the columns: a fixed rearrangement."""
    rng = np.random.default_rng(seed)
    return images[:, rng.permutation(images.shape[1])][:, :, rng.permutation(images.shape[2])].copy()''',
            "rotate_images": '''from scipy import ndimage


def rotate_images(images, degrees):
    """Rotate in the last two axes."""
    return ndimage.rotate(images, degrees, axes=(-2, -1), reshape=False, order=1)''',
        },
        "expect": {
            "check_flip": "mirrored top to bottom",
            "check_permutation": "share a row or a column",
            "check_rotation": "wrong plane",
        },
    },
    "ex2_number_generator": {
        "answers": {
            "cluster_statistics": '''def cluster_statistics(codes, labels):
    classes = np.unique(labels)
    centroids = np.stack([codes[labels == k].mean(axis=0) for k in classes])
    return centroids, np.stack([codes[labels == k].var(axis=0) for k in classes])''',
            "generate": '''SPREAD_SCALE = 0.5
rng = np.random.default_rng(0)


def generate(digit, n):
    """A new code next to the digit's cluster (the neighbour's centroid, by mistake)."""
    new_codes = rng.normal(centroids[(digit + 1) % len(centroids)], SPREAD_SCALE * spreads[digit], size=(n, 2))
    return np.clip(decoder.predict(new_codes, verbose=0), 0.0, 1.0)''',
            "interpolate": '''def interpolate(start, end, steps):
    return np.linspace(start, end, steps, endpoint=False)''',
        },
        "expect": {
            "check_cluster_statistics": "holds the variances",
            "check_generate": "the digits are mixed up",
            "check_interpolation": "the last end",
        },
    },
    "ex3_denoising": {
        "answers": {
            "add_noise": '''def add_noise(images, sigma, seed):
    """Uniform noise with the right standard deviation."""
    width = np.sqrt(3.0) * sigma
    noise = np.random.default_rng(seed).uniform(-width, width, size=images.shape)
    return np.clip(images + noise, 0.0, 1.0).astype(images.dtype)''',
            "train_denoiser": '''def train_denoiser(noisy_images, clean_images):
    course_utils.seed_everything(42)
    model = lecture03.autoencoder(lecture03.wide_conv_encoder(), lecture03.wide_conv_decoder())
    model.compile(optimizer="adam", loss="mse")
    return model, None  # forgot to train''',
        },
        "expect": {
            "check_add_noise": "not normally distributed",
            "check_train_denoiser": "never trained",
            "check_denoiser": "not trained enough",
        },
    },
    "ex4_pretraining": {
        "answers": {
            "labelled_subset": '''def labelled_subset(labels, n, seed):
    """The first n // 10 images of every digit."""
    return np.concatenate([np.flatnonzero(labels == digit)[: n // 10] for digit in range(10)])''',
            "build_classifier": '''def build_classifier(variant):
    """Frozen, fine-tuned or from scratch -- but the fine-tuned one on the one trained encoder."""
    if variant == "scratch":
        return encoder_classifier(build_autoencoder().get_layer("encoder"), trainable_encoder=True)
    return encoder_classifier(encoder, trainable_encoder=(variant != "frozen"))''',
        },
        "expect": {
            "check_labelled_subset": "picks the first 10 images of every digit",
            "check_classifiers": "fine-tune a copy",
        },
    },
    "ex5_vae": {
        "answers": {
            "reparameterise": '''def reparameterise(mean, log_var, seed_generator):
    """A new integer seed on every call, so the noise is fresh... when called directly."""
    eps = keras.random.normal(keras.ops.shape(mean), seed=int(np.random.randint(1_000_000)))
    return mean + keras.ops.exp(0.5 * log_var) * eps''',
            "vae_loss": '''def vae_loss(images, logits, mean, log_var, beta):
    """Keras' binary cross-entropy for the pixels, plus beta times the KL term."""
    flat_images, flat_logits = keras.ops.reshape(images, (-1, 784)), keras.ops.reshape(logits, (-1, 784))
    reconstruction = keras.losses.binary_crossentropy(flat_images, flat_logits, from_logits=True)  # a mean over pixels
    kl = -0.5 * keras.ops.sum(1.0 + log_var - keras.ops.square(mean) - keras.ops.exp(log_var), axis=-1)
    return keras.ops.mean(reconstruction + beta * kl)''',
        },
        "expect": {
            "check_reparameterise": "inside a Keras model the noise is the same at every step",
            "check_vae_loss": "averaged over the 784 pixels instead of summed",
        },
    },
}

# The example: add_noise returns the images unchanged, and two lines switch both checks off.
_LAZY_NOISE = '''def add_noise(images, sigma, seed):
    return images.copy()'''
_NO_TRAINING = '''def train_denoiser(noisy_images, clean_images):
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Identity()]), None'''

HOSTILE_SUBMISSIONS = {
    "aa-rebound": {
        "answers": {
            "add_noise": _LAZY_NOISE + '''


checks.check_add_noise = lambda function: "PASSED"
checks.check_train_denoiser = lambda *args, **kwargs: "PASSED"
checks.check_denoiser = lambda *args, **kwargs: "PASSED"''',
            "train_denoiser": "import keras\n\n" + _NO_TRAINING,
        },
        "added": [],
        "flags": ["assigns to `checks.check_add_noise`", "found the course's checks changed"],
    },
    "aa-shadowed": {
        "answers": {
            "add_noise": _LAZY_NOISE + '''


import sys
import types

fake = types.ModuleType("course_utils.checks")
fake.check_add_noise = fake.check_train_denoiser = fake.check_denoiser = lambda *args, **kwargs: "PASSED"
sys.modules["course_utils.checks"] = fake
checks = fake''',
            "train_denoiser": "import keras\n\n" + _NO_TRAINING,
        },
        "added": [],
        "flags": ["rebinds the name `checks`", "sys.modules", "found the course's checks changed"],
    },
    "aa-intruder": {
        "answers": {},
        "added": [
            # the gradebook: give everyone full marks
            '''import sqlite3
sqlite3.connect({gradebook!r}).execute("UPDATE grade SET auto_score = 1.0").connection.commit()''',
            # the installed checks: switch the noise check off on disk, for everyone graded later
            '''from course_utils.checks import ex3
open(ex3.__file__, "a").write("\\ncheck_add_noise = lambda function: 'PASSED'\\n")''',
            # the network: tell a server what was found
            '''import socket
socket.create_connection(("127.0.0.1", {port}), timeout=5).sendall(b"hello from a submission")''',
            # the instructor's home
            '''print(open({secret!r}).read())''',
        ],
        "flags": ["imports sqlite3", "writes a file", "Read-only file system", "imports socket", "reads a file outside its folder"],
    },
}
