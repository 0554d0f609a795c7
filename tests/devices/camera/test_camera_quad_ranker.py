"""The candidate ranker: its features, its one-split rules, their training, and find_page with them."""

import numpy as np
import pytest

from benchmarks import train_quad_ranker
from devices.camera import find_page, quad_ranker
from devices.camera.geometry import smartdoc_iou
from devices.camera.quad_score import QuadScores
from kiosk.demo_camera.scenes import make_scene

FIT = quad_ranker.FEATURES.index("fit")
EDGE = quad_ranker.FEATURES.index("edge")


@pytest.fixture
def own_weights():
    yield quad_ranker.use_weights
    quad_ranker.use_weights(None)


def _square(x, y, side):
    return np.float32([[x, y], [x + side, y], [x + side, y + side], [x, y + side]])


def _scores(n, edge=0.5):
    ones = np.ones(n, np.float32)
    return QuadScores(ones * 0.5, ones * edge, ones, ones, ones, ones)


def test_rules_add_up_per_candidate(own_weights):
    own_weights({"final": {"stumps": [[FIT, 0.5, -1.0, 2.0], [EDGE, 0.3, 0.0, 0.5]]}})
    feats = np.zeros((3, len(quad_ranker.FEATURES)), np.float32)
    feats[1, FIT] = 0.9
    feats[2, [FIT, EDGE]] = 0.9
    assert quad_ranker.rank(feats, "final").tolist() == [-1.0, 2.0, 2.5]


def test_an_outline_inside_a_fair_one_is_marked_so_and_the_outer_one_as_around_it():
    quads = np.stack([_square(10, 10, 100), _square(40, 40, 30), _square(200, 10, 40)])
    feats = quad_ranker.features(quads, _scores(3), np.float32([0.5, 0.6, 0.5]), None, (300, 400))
    inside, around = (feats[:, quad_ranker.FEATURES.index(n)] for n in ("inside_fair", "around_fair"))
    assert inside.tolist() == [0, 1, 0] and around.tolist() == [1, 0, 0]


def test_support_counts_the_cue_maps_that_found_an_outline_again():
    quads = np.stack([_square(10, 10, 100), _square(200, 10, 40)])
    raw = np.stack([_square(10, 10, 100), _square(11, 10, 100), _square(10, 11, 99), _square(200, 10, 40)])
    feats = quad_ranker.features(quads, _scores(2), np.float32([0.5, 0.5]), None, (300, 400), raw)
    support = np.expm1(feats[:, quad_ranker.FEATURES.index("log_support")])
    assert np.round(support).tolist() == [3, 1]


def test_training_puts_the_candidate_nearest_the_truth_first():
    rng = np.random.default_rng(5)
    samples = []
    for k in range(30):
        feats = rng.uniform(0, 1, (12, len(quad_ranker.FEATURES))).astype(np.float32)
        iou = np.clip(feats[:, FIT] + 0.05 * rng.normal(size=12), 0, 1)  # the truth follows the fit
        samples.append({"final": (feats, iou), "folder": "generated" if k % 2 else "1"})
    rules = train_quad_ranker.fit_stage(samples, "final", rounds=40)
    quad_ranker.use_weights({"final": rules})
    try:
        picked = [s["final"][1][np.argmax(quad_ranker.rank(s["final"][0], "final"))] for s in samples]
        best = [s["final"][1].max() for s in samples]
    finally:
        quad_ranker.use_weights(None)
    assert np.mean(best) - np.mean(picked) < 0.05


@pytest.fixture(scope="module")
def generated_rules():
    """Rules learnt from a few generated frames (the real ones are not in the repository)."""
    quad_ranker.set_enabled(False)
    try:
        samples = train_quad_ranker.generated_samples(8, seed=31)
    finally:
        quad_ranker.set_enabled(True)
    return train_quad_ranker.fit(samples, rounds=30)


def test_find_page_ranked_by_rules_trained_on_generated_frames_still_finds_the_page(own_weights, generated_rules):
    own_weights(generated_rules)
    rng = np.random.default_rng(2015)
    scenes = [make_scene(rng, kind="a4_text", background=desk) for desk in ("wood", "white")]
    ious = [smartdoc_iou(find_page(s.image), s.corners, s.doc_size_mm) for s in scenes]
    assert min(ious) > 0.9, ious
