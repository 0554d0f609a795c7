"""The generated test frames carry what real ID-card photos have: rounded corners, gloss, busy desks."""

import numpy as np

from devices.camera.synthetic import make_scene


def test_id_card_corners_are_rounded_and_the_truth_is_the_sharp_corner():
    scene = make_scene(np.random.default_rng(12), size=(4208, 3120), kind="id_card", background="dark")
    img = scene.image.astype(np.float32).mean(axis=2)
    centre = scene.corners.mean(axis=0)
    for corner in scene.corners:
        on_corner = img[int(round(corner[1])), int(round(corner[0]))]
        inside = corner + 0.1 * (centre - corner)
        card = img[int(inside[1]), int(inside[0])]
        desk_side = corner + 0.05 * (corner - centre)
        desk = img[int(desk_side[1]), int(desk_side[0])]
        assert abs(on_corner - desk) < abs(on_corner - card)  # the card's rounded edge is away from it


def test_same_seed_same_frame():
    a = make_scene(np.random.default_rng(3), background="cluttered")
    b = make_scene(np.random.default_rng(3), background="cluttered")
    assert np.array_equal(a.image, b.image) and np.array_equal(a.corners, b.corners)
