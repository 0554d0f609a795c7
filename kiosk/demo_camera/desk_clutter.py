"""Things that lie on a real service-hall desk next to the document, for synthetic frames.

Phones, keyboards, loose sheets, other cards, pens and cables: rectangles and lines
with sharp edges, the distractors a real ID-card photo is full of. Drawn into a
float32 BGR image in place.
"""

from __future__ import annotations

import cv2
import numpy as np

from devices.camera.geometry import rotation


def _box(rng: np.random.Generator, w: int, h: int, size: tuple[float, float]) -> np.ndarray:
    centre = (float(rng.uniform(0, w)), float(rng.uniform(0, h)))
    return cv2.boxPoints((centre, size, float(rng.uniform(0, 180)))).astype(np.float32)


def add_phone(img: np.ndarray, rng: np.random.Generator) -> None:
    """A dark slab with a lit or dark screen inset: an ID card's size and shape, nearly."""
    h, w = img.shape[:2]
    long_side = rng.uniform(0.12, 0.3) * w
    box = _box(rng, w, h, (long_side, long_side * rng.uniform(0.45, 0.52)))
    cv2.fillPoly(img, [np.rint(box).astype(np.int32)], tuple(float(c) for c in rng.integers(10, 60, 3)), cv2.LINE_AA)
    screen = box.mean(axis=0) + (box - box.mean(axis=0)) * 0.88
    lit = rng.random() < 0.5
    colour = rng.integers(150, 255, 3) if lit else rng.integers(0, 30, 3)
    cv2.fillPoly(img, [np.rint(screen).astype(np.int32)], tuple(float(c) for c in colour), cv2.LINE_AA)


def add_keyboard(img: np.ndarray, rng: np.random.Generator) -> None:
    """A grey plate covered with a grid of keys: many small strong rectangles."""
    h, w = img.shape[:2]
    kw, kh = rng.uniform(0.4, 0.8) * w, rng.uniform(0.12, 0.25) * h
    centre = np.float32([rng.uniform(0, w), rng.choice([rng.uniform(-0.05, 0.15), rng.uniform(0.85, 1.05)]) * h])
    angle = np.radians(rng.uniform(-12, 12))
    rot = rotation(angle)
    base = float(rng.integers(30, 200))
    plate = np.float32([[-kw, -kh], [kw, -kh], [kw, kh], [-kw, kh]]) / 2 @ rot.T + centre
    cv2.fillPoly(img, [np.rint(plate).astype(np.int32)], (base, base, base), cv2.LINE_AA)
    rows, cols = 5, int(rng.integers(12, 18))
    key = base + rng.choice([-25.0, 35.0])
    for r in range(rows):
        for c in range(cols):
            x0, y0 = -kw / 2 + (c + 0.1) * kw / cols, -kh / 2 + (r + 0.1) * kh / rows
            k = np.float32([[x0, y0], [x0 + 0.8 * kw / cols, y0], [x0 + 0.8 * kw / cols, y0 + 0.8 * kh / rows],
                            [x0, y0 + 0.8 * kh / rows]]) @ rot.T + centre
            cv2.fillPoly(img, [np.rint(k).astype(np.int32)], (key, key, key), cv2.LINE_AA)


def add_loose_paper(img: np.ndarray, rng: np.random.Generator) -> None:
    """A white sheet running off the frame's edge, with lines of 'text' on it.

    Off the edge so that the frame still holds exactly one whole document, as in the
    SmartDoc set; its three visible sides are still strong page-like edges.
    """
    h, w = img.shape[:2]
    side = rng.uniform(0.3, 0.6) * h
    edge = int(rng.integers(4))
    centre = [(rng.uniform(0, w), -0.1 * h), (w * 1.1, rng.uniform(0, h)),
              (rng.uniform(0, w), h * 1.1), (-0.1 * w, rng.uniform(0, h))][edge]
    box = cv2.boxPoints((tuple(float(c) for c in centre), (side, side * 1.41), float(rng.uniform(0, 180))))
    white = float(rng.integers(225, 256))
    cv2.fillPoly(img, [np.rint(box).astype(np.int32)], (white - 5, white - 2, white), cv2.LINE_AA)
    a, b, d = box[0], box[1], box[3] - box[0]
    for t in np.linspace(0.15, 0.85, 8):
        p, q = a + d * t + (b - a) * 0.12, a + d * t + (b - a) * rng.uniform(0.5, 0.88)
        cv2.line(img, tuple(int(v) for v in p), tuple(int(v) for v in q), (60.0, 60.0, 60.0), 2, cv2.LINE_AA)


def add_other_card(img: np.ndarray, rng: np.random.Generator) -> None:
    """A bank or membership card: the ID card's own size and rounded shape, saturated, with a chip."""
    h, w = img.shape[:2]
    long_side = rng.uniform(0.1, 0.3) * w
    size = (long_side, long_side / 1.586)
    centre = (float(rng.uniform(0, w)), float(rng.uniform(0, h)))
    angle = float(rng.uniform(0, 180))
    mask = np.zeros((h, w), np.uint8)
    box = cv2.boxPoints((centre, size, angle)).astype(np.float32)
    radius = max(1, int(0.04 * long_side))
    cv2.fillPoly(mask, [np.rint(box).astype(np.int32)], 255, cv2.LINE_AA)
    cv2.polylines(mask, [np.rint(box).astype(np.int32)], True, 0, 2 * radius, cv2.LINE_AA)
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius - 1, 2 * radius - 1)))
    a, b = rng.integers(0, 256, 3).astype(np.float32), rng.integers(0, 256, 3).astype(np.float32)
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    face = a + (b - a) * t
    alpha = (mask.astype(np.float32) / 255)[..., None]
    img[:] = img * (1 - alpha) + face * alpha
    chip = box.mean(axis=0) + (box[0] - box.mean(axis=0)) * 0.55
    cv2.circle(img, (int(chip[0]), int(chip[1])), max(2, int(0.06 * long_side)), (60.0, 170.0, 200.0), -1, cv2.LINE_AA)


def add_pen(img: np.ndarray, rng: np.random.Generator) -> None:
    h, w = img.shape[:2]
    p = rng.uniform(0, 1, 2) * (w, h)
    angle = rng.uniform(0, np.pi)
    length = rng.uniform(0.1, 0.25) * w
    q = p + length * np.array([np.cos(angle), np.sin(angle)])
    colour = tuple(float(c) for c in rng.integers(0, 256, 3))
    cv2.line(img, tuple(int(v) for v in p), tuple(int(v) for v in q), colour, max(3, int(0.008 * w)), cv2.LINE_AA)


def add_cable(img: np.ndarray, rng: np.random.Generator) -> None:
    """A cable across the desk: a long smooth curve, dark or white, often over the document's side."""
    h, w = img.shape[:2]
    ctrl = rng.uniform(-0.1, 1.1, (4, 2)) * (w, h)
    t = np.linspace(0, 1, 60)[:, None]
    curve = ((1 - t) ** 3 * ctrl[0] + 3 * (1 - t) ** 2 * t * ctrl[1] + 3 * (1 - t) * t ** 2 * ctrl[2]
             + t ** 3 * ctrl[3])
    grey = float(rng.choice([rng.uniform(10, 50), rng.uniform(200, 245)]))
    cv2.polylines(img, [np.rint(curve).astype(np.int32)], False, (grey, grey, grey),
                  max(2, int(rng.uniform(0.004, 0.01) * w)), cv2.LINE_AA)


def add_sticky_note(img: np.ndarray, rng: np.random.Generator) -> None:
    h, w = img.shape[:2]
    side = rng.uniform(0.05, 0.1) * w
    box = _box(rng, w, h, (side, side))
    colour = [(120.0, 230.0, 250.0), (200.0, 160.0, 250.0), (150.0, 240.0, 170.0)][int(rng.integers(3))]
    cv2.fillPoly(img, [np.rint(box).astype(np.int32)], colour, cv2.LINE_AA)


def add_mug(img: np.ndarray, rng: np.random.Generator) -> None:
    """A cup seen from above: a rim ring and dark coffee."""
    h, w = img.shape[:2]
    centre = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
    r = int(rng.uniform(0.04, 0.08) * w)
    rim = tuple(float(c) for c in rng.integers(150, 256, 3))
    cv2.circle(img, centre, r, rim, -1, cv2.LINE_AA)
    cv2.circle(img, centre, int(r * 0.8), (20.0, 40.0, 70.0), -1, cv2.LINE_AA)


DESK_THINGS = (add_phone, add_keyboard, add_loose_paper, add_other_card, add_pen, add_cable,
               add_sticky_note, add_mug)


def add_desk_things(img: np.ndarray, rng: np.random.Generator, n: int) -> None:
    for _ in range(n):
        DESK_THINGS[int(rng.integers(len(DESK_THINGS)))](img, rng)


INKS = ((190.0, 120.0, 40.0), (30.0, 30.0, 35.0), (40.0, 40.0, 190.0), (60.0, 140.0, 40.0))  # BGR: blue, black, red, green
SHEET_DRAWN_LONG_SIDE = 1200  # a sheet is printed at most this size, then scaled onto the frame


def add_sheet_under(img: np.ndarray, quad: np.ndarray, rng: np.random.Generator) -> None:
    """A printed sheet, a stack of sheets or a white box's lid, larger than the document at `quad`, under it.

    The real failure it reproduces (MIDV frames 02_1, 02_2, 05_3): a card lying on a printed page or
    held over a white box, where the page net's map ran on into the paper. A printed sheet runs well
    off the frame (two of its corners out of view: whole, it would be a page in its own right), a
    box's lid less or not at all; the document may hang over the sheet's edge. Drawn before the document, into the desk.
    """
    doc_long = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0]))
    is_card = doc_long < 0.4 * max(img.shape[:2])
    box_lid = rng.random() < 0.4
    long_side = doc_long * (rng.uniform(1.4, 4.5) if is_card else rng.uniform(1.1, 2.0))
    aspect = rng.uniform(1.0, 1.6) if box_lid else 1.414
    size = np.float64([long_side, long_side / aspect])
    side = quad[1] - quad[0]
    angle = np.arctan2(side[1], side[0]) + np.pi / 2 * int(rng.integers(2)) + np.radians(rng.uniform(-20, 20))
    # the document's centre in the sheet's own frame: mostly well inside it, now and then over its edge
    reach = 0.35 if rng.random() < 0.75 else 0.75
    on_sheet = rng.uniform(-reach, reach, 2) * size / 2
    rot = rotation(angle, np.float64)
    # a printed page in full view, or nearly, is a document of its own: the sheet runs well off the frame
    corners_off = 2 if not box_lid else int(rng.integers(3))
    for _ in range(40):
        corners = quad.mean(axis=0) + (np.float64([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * size / 2 - on_sheet) @ rot.T
        if _outside(corners, img.shape) >= corners_off:
            break
        size, on_sheet = size * 1.1, on_sheet * 1.1
    centre = quad.mean(axis=0) - rot @ on_sheet
    sheets = 1 if box_lid or rng.random() < 0.6 else int(rng.integers(2, 4))
    for k in range(sheets - 1, -1, -1):  # the bottom sheet of a stack first
        stray = rot @ (rng.normal(0, 0.03, 2) * size) if k else np.zeros(2)
        turn = np.radians(rng.normal(0, 3)) if k else 0.0
        _lay_sheet(img, _print_sheet(size, box_lid, rng), size, centre + stray, angle + turn, rng)


def _outside(corners: np.ndarray, shape: tuple[int, ...]) -> int:
    """How many of `corners` lie outside a frame of `shape`."""
    inside = (corners >= 0).all(axis=1) & (corners[:, 0] < shape[1]) & (corners[:, 1] < shape[0])
    return int((~inside).sum())


def _print_sheet(size: np.ndarray, box_lid: bool, rng: np.random.Generator) -> np.ndarray:
    """The sheet's face, flat, at most SHEET_DRAWN_LONG_SIDE px long: text lines, or a box's printed panels."""
    scale = min(1.0, SHEET_DRAWN_LONG_SIDE / size[0])
    w, h = max(8, int(size[0] * scale)), max(8, int(size[1] * scale))
    white = rng.uniform(205, 250) if box_lid else rng.uniform(220, 252)
    face = np.empty((h, w, 3), np.uint8)
    face[:] = np.clip(white + rng.uniform(-5, 5, 3), 0, 255)
    ink = INKS[int(rng.integers(len(INKS)))] if box_lid else (float(rng.uniform(20, 80)),) * 3
    if box_lid:
        for _ in range(int(rng.integers(1, 4))):  # panels ruled in one thick ink
            x0, y0 = rng.uniform(0, 0.6) * w, rng.uniform(0, 0.6) * h
            x1, y1 = x0 + rng.uniform(0.2, 0.6) * w, y0 + rng.uniform(0.2, 0.6) * h
            cv2.rectangle(face, (int(x0), int(y0)), (int(x1), int(y1)), ink, max(2, int(rng.uniform(0.004, 0.012) * w)),
                          cv2.LINE_AA)
        for _ in range(int(rng.integers(1, 4))):  # a brand or model name in large letters
            text = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(3, 8))))
            scale_text = rng.uniform(0.002, 0.006) * w
            cv2.putText(face, text, (int(rng.uniform(0, 0.7) * w), int(rng.uniform(0.1, 1.0) * h)),
                        cv2.FONT_HERSHEY_DUPLEX, scale_text, ink, max(1, int(scale_text * rng.uniform(1, 3))), cv2.LINE_AA)
    pitch = rng.uniform(0.02, 0.045) * w
    margin = rng.uniform(0.05, 0.12) * w
    y = margin + pitch * (2 if not box_lid else rng.uniform(2, 12))
    lines = 0 if box_lid and rng.random() < 0.4 else int(rng.integers(3, 40))
    for _ in range(lines):
        if y > h - margin:
            break
        if rng.random() > 0.15:  # a blank line between paragraphs now and then
            text = "".join(chr(int(c)) for c in rng.integers(97, 123, 60))
            text = " ".join(text[i:i + int(rng.integers(2, 9))] for i in range(0, 60, 8))
            cv2.putText(face, text[:int(rng.integers(10, 60))], (int(margin), int(y)), cv2.FONT_HERSHEY_SIMPLEX,
                        pitch / 40, ink, max(1, int(pitch / 18)), cv2.LINE_AA)
        y += pitch
    return face


def _lay_sheet(img: np.ndarray, face: np.ndarray, size: np.ndarray, centre: np.ndarray, angle: float,
               rng: np.random.Generator) -> None:
    """`face` laid on `img`, `size` pixels large, turned by `angle` about `centre`; a faint shadow at its rim."""
    h, w = img.shape[:2]
    fh, fw = face.shape[:2]
    rot = rotation(angle, np.float64)
    zoom = np.diag([size[0] / fw, size[1] / fh])
    affine = np.hstack([rot @ zoom, (centre - rot @ zoom @ np.float64([fw / 2, fh / 2]))[:, None]])
    mask = cv2.warpAffine(np.ones((fh, fw), np.float32), affine, (w, h))  # where the sheet lies: its shadow's shape too
    shifted = np.float32([[1, 0, rng.normal(0, 3)], [0, 1, rng.normal(0, 3)]])
    shadow = cv2.GaussianBlur(cv2.warpAffine(mask, shifted, (w, h)), (0, 0), rng.uniform(1.5, 5))
    img *= (1 - rng.uniform(0.05, 0.3) * shadow)[..., None]
    sheet = cv2.warpAffine(face, affine, (w, h), borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    img[:] = img * (1 - mask[..., None]) + sheet * mask[..., None]
