"""The generated test frames carry what real ID-card photos have: rounded corners, gloss, busy desks."""

import cv2
import numpy as np
import pytest

from kiosk.demo_camera.scenes import ON_PAPER, make_scene, render_document


def test_id_card_corners_are_rounded_and_the_truth_is_the_sharp_corner():
    scene = make_scene(np.random.default_rng(13), size=(4208, 3120), kind="id_card", background="dark")  # no hand on it
    img = scene.image.astype(np.float32).mean(axis=2)
    inside = np.zeros(img.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.rint(scene.corners).astype(np.int32), 1)
    around = cv2.dilate(inside, np.ones((41, 41), np.uint8)) - inside
    card = np.median(img[cv2.erode(inside, np.ones((41, 41), np.uint8)) > 0])  # the face's typical tone
    desk = np.median(img[around > 0])
    for corner in scene.corners:
        on_corner = img[int(round(corner[1])), int(round(corner[0]))]
        assert abs(on_corner - desk) < abs(on_corner - card)  # the card's rounded edge is away from it


def test_id_card_face_is_a_real_cards_light_guilloche_not_a_flat_tint():
    card = render_document("id_card", np.random.default_rng(8), px_per_mm=6).astype(np.float32)
    grey = card.mean(axis=2)
    assert 170 < np.median(grey) < 250  # light, close to a white desk's tone
    plain = grey[grey > np.percentile(grey, 40)]
    assert plain.std() > 2  # fine coloured lines everywhere, up to the edge


def test_clutter_puts_other_cards_and_cables_on_the_desk():
    from kiosk.demo_camera.desk_clutter import DESK_THINGS

    names = {thing.__name__ for thing in DESK_THINGS}
    assert {"add_other_card", "add_cable", "add_keyboard", "add_phone"} <= names


def test_same_seed_same_frame():
    a = make_scene(np.random.default_rng(3), background="cluttered")
    b = make_scene(np.random.default_rng(3), background="cluttered")
    assert np.array_equal(a.image, b.image) and np.array_equal(a.corners, b.corners)


@pytest.mark.parametrize("seed", range(4))
def test_on_paper_lays_the_card_on_white_paper(seed):
    """The real failure it draws (MIDV frames 02_1, 05_3): what lies right around the card is white paper."""
    scene = make_scene(np.random.default_rng(seed), kind="id_card", background=ON_PAPER)
    card = np.zeros(scene.image.shape[:2], np.uint8)
    cv2.fillConvexPoly(card, np.rint(scene.corners).astype(np.int32), 1)
    reach = int(0.15 * np.linalg.norm(scene.corners[1] - scene.corners[0]))
    around = (cv2.dilate(card, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) - card) > 0
    hsv = cv2.cvtColor(scene.image, cv2.COLOR_BGR2HSV)
    white = (hsv[..., 2] > 150) & (hsv[..., 1] < 50)
    assert white[around].mean() > 0.5


def test_on_paper_is_only_drawn_when_asked_for():
    backgrounds = {make_scene(np.random.default_rng(seed), size=(320, 180)).background for seed in range(40)}
    assert ON_PAPER not in backgrounds and len(backgrounds) > 3
