"""PageTracker on generated video: a still page must not jitter, a moved page must be followed."""

import cv2
import numpy as np

from devices.camera import PageTracker, find_page
from devices.camera.synthetic import make_scene

FRAME = (1280, 720)


def still_page_video(frames: int, seed: int = 9):
    """The same page and desk, each frame with fresh sensor noise and JPEG artefacts."""
    rng = np.random.default_rng(seed)
    scene = make_scene(rng, kind="a4_text", background="wood")
    base = scene.image.astype(np.float32)
    for _ in range(frames):
        noisy = np.clip(base + rng.normal(0, 4, base.shape), 0, 255).astype(np.uint8)
        ok, buf = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 80])
        yield cv2.imdecode(buf, cv2.IMREAD_COLOR), scene.corners


def test_still_page_outline_does_not_jitter():
    tracker = PageTracker()
    raw, shown = [], []
    for frame, _ in still_page_video(30):
        found = find_page(frame)
        raw.append(found)
        shown.append(tracker.update(found, FRAME))
    raw, shown = np.array(raw[10:]), np.array(shown[10:])  # after the tracker has settled
    raw_jitter = np.abs(np.diff(raw, axis=0)).max()
    shown_jitter = np.abs(np.diff(shown, axis=0)).max()
    print(f"frame-to-frame corner motion: detector {raw_jitter:.2f} px, tracker {shown_jitter:.2f} px")
    assert shown_jitter < 0.5
    assert shown_jitter <= raw_jitter
    assert tracker.steady


CORNERS = np.float32([[300, 100], [900, 120], [880, 650], [320, 640]])


def test_moved_page_is_followed_as_soon_as_the_next_frame_confirms_it():
    tracker = PageTracker()
    for _ in range(10):
        tracker.update(CORNERS, FRAME)
    assert tracker.steady
    moved = CORNERS + np.float32([150, 40])
    tracker.update(moved, FRAME)
    shown = tracker.update(moved + 0.5, FRAME)
    assert np.abs(shown - moved).max() < 1.5
    assert not tracker.steady


def test_one_wrong_frame_does_not_move_the_outline():
    tracker = PageTracker()
    for _ in range(10):
        tracker.update(CORNERS, FRAME)
    wrong = CORNERS.copy()
    wrong[1] += np.float32([60, 80])  # a finger pulled one corner away for one frame
    assert np.abs(tracker.update(wrong, FRAME) - CORNERS).max() < 0.01
    assert np.abs(tracker.update(CORNERS, FRAME) - CORNERS).max() < 0.01


def test_outline_held_through_a_few_missed_frames_then_dropped():
    tracker = PageTracker(max_missed=3)
    tracker.update(CORNERS, FRAME)
    for _ in range(3):
        assert tracker.update(None, FRAME) is not None
    assert tracker.update(None, FRAME) is None
