"""Synthetic document-camera frames with known page corners.

Used by the simulator (a camera with nothing plugged in still shows pages) and by the
accuracy tests. Seeded and deterministic: `make_scene(np.random.default_rng(7))` is
the same frame on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .camera_effects import photograph
from .desk_clutter import add_cable, add_desk_things, add_sheet_under
from devices.camera.geometry import TYPICAL_FOCAL, rotation
from .id_card_faces import render_id_card
from .font import font as _font

# physical size in mm (width, height) of each kind of document
DOC_KINDS = {
    "a4_text": (210.0, 297.0),
    "a4_form": (210.0, 297.0),
    "id_card": (85.6, 54.0),
    "receipt": (80.0, 200.0),
    "certificate": (297.0, 210.0),
}
BACKGROUNDS = ("dark", "light_grey", "white", "wood", "pattern", "cloth", "cluttered")
# asked for by name only, never drawn at random: the document lies on a printed sheet, a stack of
# them or a white box's lid larger than it (desk_clutter.add_sheet_under), on one of BACKGROUNDS
ON_PAPER = "on_paper"

PHRASES = (
    "帮办代办服务委托书", "申请人姓名", "身份证号码", "联系电话", "办理事项", "承诺时限",
    "材料清单", "营业执照", "不动产登记", "社会保障卡", "医疗保险", "住房公积金提取",
    "经办人签字", "受理单编号", "一次性告知", "办结日期", "中华人民共和国", "居民身份证",
    "便民服务中心", "统一社会信用代码", "企业开办", "综合一窗", "年 月 日", "备注",
)


@dataclass
class Scene:
    image: np.ndarray  # BGR uint8
    corners: np.ndarray  # 4x2 float32, TL TR BR BL
    doc_size_mm: tuple[float, float]
    kind: str
    background: str


def _text(rng: np.random.Generator, n: int) -> str:
    return "".join(PHRASES[i] for i in rng.integers(0, len(PHRASES), n))


def render_document(kind: str, rng: np.random.Generator, px_per_mm: float = 3.0) -> np.ndarray:
    """A flat document of the given kind, BGR, at `px_per_mm` resolution."""
    w_mm, h_mm = DOC_KINDS[kind]
    w, h = int(w_mm * px_per_mm), int(h_mm * px_per_mm)
    if kind == "id_card":
        return render_id_card(w, h, rng)
    tint = rng.integers(238, 256, 3)
    page = Image.new("RGB", (w, h), tuple(int(t) for t in tint))
    draw = ImageDraw.Draw(page)
    _draw_content(kind, draw, w, h, px_per_mm, rng)
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def _draw_content(kind, draw, w, h, s, rng):
    ink = (20, 20, 25)
    margin = int(15 * s) if kind.startswith("a4") or kind == "certificate" else int(5 * s)
    size = max(8, int((3.0 if kind == "receipt" else 4.2) * s))
    y = margin
    title = {"a4_text": "一次性告知书", "a4_form": "受理单", "receipt": "排队凭条",
             "certificate": "荣誉证书"}[kind]
    draw.text((w / 2 - size * len(title), y), title, font=_font(size * 2), fill=ink)
    y += size * 4
    if kind == "a4_form":
        rows, cols = 10, 2
        row_h = (h - y - margin) / rows
        for r in range(rows + 1):
            draw.line([margin, y + r * row_h, w - margin, y + r * row_h], fill=ink, width=2)
        for c in range(cols + 1):
            x = margin + c * (w - 2 * margin) / cols
            draw.line([x, y, x, y + rows * row_h], fill=ink, width=2)
        for r in range(rows):
            draw.text((margin + 6, y + r * row_h + row_h / 3), _text(rng, 1), font=_font(size), fill=ink)
    else:
        chars_per_line = max(4, int((w - 2 * margin) / size) - 1)
        while y < h - margin - size * 3:
            line = _text(rng, 4)[: int(chars_per_line * rng.uniform(0.5, 1.0))]
            draw.text((margin, y), line, font=_font(size), fill=ink)
            y += int(size * 1.6)
    if kind in ("certificate", "a4_form"):
        cx, cy, r = w * 0.72, h * 0.78, int(min(w, h) * 0.11)
        red = (210, 30, 35)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=max(2, r // 12))
        draw.text((cx - r * 0.6, cy - r * 0.2), "专用章", font=_font(max(8, r // 3)), fill=red)


def _background(kind: str, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "dark":
        base = rng.integers(20, 90, 3)
    elif kind == "light_grey":
        base = np.full(3, rng.integers(185, 225)) + rng.integers(-6, 7, 3)
    elif kind == "white":
        base = np.full(3, rng.integers(215, 240)) + rng.integers(-4, 5, 3)
    else:
        base = rng.integers(60, 200, 3)
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    if kind == "wood":
        y = np.arange(h, dtype=np.float32)[:, None]
        x = np.arange(w, dtype=np.float32)[None, :]
        grain = np.sin(y / rng.uniform(3, 9) + 4 * np.sin(x / rng.uniform(60, 200)))
        img += (grain * rng.uniform(10, 25))[..., None] * np.float32([0.6, 0.8, 1.0])
    elif kind == "pattern":
        step = int(rng.integers(12, 40))
        yy, xx = np.mgrid[0:h, 0:w]
        checker = ((yy // step + xx // step) % 2).astype(np.float32)
        img += (checker * rng.uniform(15, 45))[..., None]
    elif kind == "cloth":
        img += _cloth(w, h, rng)
    elif kind == "cluttered":
        _add_clutter(img, rng, int(rng.integers(4, 9)))
        add_desk_things(img, rng, int(rng.integers(1, 4)))
    if kind != "cluttered" and rng.random() < 0.3:  # a real desk is rarely bare
        add_desk_things(img, rng, int(rng.integers(1, 3)))
    texture = rng.normal(0, 1, (h // 2, w // 2)).astype(np.float32)
    texture = cv2.resize(cv2.GaussianBlur(texture, (0, 0), 1.0), (w, h), interpolation=cv2.INTER_LINEAR)
    img += texture[..., None] * rng.uniform(2, 6)
    return img


def _cloth(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A tablecloth: plaid or stripes in two colours, at an angle, with a woven fine texture."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    u = xx * np.cos(angle) + yy * np.sin(angle)
    v = -xx * np.sin(angle) + yy * np.cos(angle)
    period = rng.uniform(15, 80)
    bands = (np.sin(u / period * 6.283) > rng.uniform(-0.3, 0.5)).astype(np.float32)
    if rng.random() < 0.6:  # plaid
        bands = 0.5 * (bands + (np.sin(v / period * 6.283) > 0.2))
    colour = rng.uniform(-60, 60, 3).astype(np.float32)
    weave = np.sin(u * 1.7) * np.sin(v * 1.7) * rng.uniform(2, 8)
    return bands[..., None] * colour + weave[..., None]


def _add_clutter(img: np.ndarray, rng: np.random.Generator, n: int) -> None:
    h, w = img.shape[:2]
    for _ in range(n):
        colour = tuple(float(c) for c in rng.integers(0, 256, 3))
        centre = (float(rng.uniform(0, w)), float(rng.uniform(0, h)))
        size = (float(rng.uniform(0.05, 0.4) * w), float(rng.uniform(0.02, 0.3) * h))
        if rng.random() < 0.6:
            box = cv2.boxPoints((centre, size, float(rng.uniform(0, 180))))
            cv2.fillPoly(img, [box.astype(np.int32)], colour, cv2.LINE_AA)
        else:
            cv2.ellipse(img, (centre, size, float(rng.uniform(0, 180))), colour, -1, cv2.LINE_AA)


def _placement(doc_mm, kind, w, h, rng) -> np.ndarray:
    """Where the document's own corners (its TL, TR, BR, BL) land in the frame."""
    aspect = doc_mm[1] / doc_mm[0]
    if kind == "id_card":
        doc_w = w * rng.uniform(0.10, 0.35)  # held up to a camera fixed for A4: small
    elif kind == "receipt":
        doc_w = h * rng.uniform(0.5, 0.9) / aspect
    else:
        doc_w = min(w * 0.9, h * rng.uniform(0.45, 0.92) / max(aspect, 1.0))
    angle = np.radians(rng.uniform(-25, 25) + 90 * int(rng.integers(4)))
    rot = rotation(angle)
    tilt = (rng.uniform(0, 2 * np.pi), np.radians(rng.uniform(0, 30)))  # axis direction, angle
    for _ in range(60):
        doc_h = doc_w * aspect
        rect = np.float32([[-doc_w, -doc_h], [doc_w, -doc_h], [doc_w, doc_h], [-doc_w, doc_h]]) / 2
        centre = np.array([rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h], np.float32)
        # a sheet never lies quite flat: its corners stray a little from the plane's
        jitter = rng.normal(0, 0.004 * min(doc_w, doc_h), (4, 2))
        quad = (_project(rect @ rot.T, centre, (w, h), tilt) + jitter).astype(np.float32)
        if (quad[:, 0].min() > 3 and quad[:, 1].min() > 3 and quad[:, 0].max() < w - 4
                and quad[:, 1].max() < h - 4):
            break
        doc_w *= 0.95
    return quad


def _project(flat: np.ndarray, centre: np.ndarray, frame: tuple[int, int], tilt: tuple[float, float]) -> np.ndarray:
    """The document's corners (pixels, about its centre) seen by a pinhole camera, tilted.

    The plane turns by tilt[1] about an axis at angle tilt[0] through the document's
    centre, which lies on the camera's axis at depth f; the camera then looks off-centre
    to place it at `centre`. A physical view, so the page's true proportions can be
    recovered from its corners as from a real photo (geometry.true_aspect).
    """
    w, h = frame
    f = TYPICAL_FOCAL * w
    axis = np.array([np.cos(tilt[0]), np.sin(tilt[0]), 0.0])
    pts = np.column_stack([flat, np.zeros(len(flat))])
    cos, sin = np.cos(tilt[1]), np.sin(tilt[1])
    turned = pts * cos + np.cross(axis, pts) * sin + np.outer(pts @ axis, axis) * (1 - cos)  # Rodrigues
    offset = np.array([centre[0] - w / 2, centre[1] - h / 2, 0.0])
    world = turned + offset + np.array([0.0, 0.0, f])
    return f * world[:, :2] / world[:, 2:3] + np.array([w / 2, h / 2])


def make_scene(rng: np.random.Generator, size: tuple[int, int] = (1280, 720),
               kind: str | None = None, background: str | None = None) -> Scene:
    """One frame: a document on a background, with lighting, shadow, hand, blur, noise, JPEG.

    `background=ON_PAPER` lays the document on a printed sheet or a box's lid on a desk drawn at random;
    only asked for by name, so the frames drawn for any other background stay as they were.
    """
    from devices.camera.geometry import order_corners

    w, h = size
    kind = kind or list(DOC_KINDS)[int(rng.integers(len(DOC_KINDS)))]
    background = background or BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    on_paper = background == ON_PAPER
    desk = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))] if on_paper else background
    doc_mm = DOC_KINDS[kind]
    scene = _background(desk, w, h, rng)
    placed = _placement(doc_mm, kind, w, h, rng)  # the document's TL, TR, BR, BL
    doc = render_document(kind, rng, px_per_mm=max(2.0, 1.1 * np.linalg.norm(placed[1] - placed[0]) / doc_mm[0]))
    dh, dw = doc.shape[:2]
    # OpenCV puts pixel i's centre at i, so the document's own outline runs along -0.5 and
    # dw - 0.5: mapping 0 and dw instead drew the page half a pixel off its true corners
    edge = np.float32([[0, 0], [dw, 0], [dw, dh], [0, dh]]) - 0.5
    m = cv2.getPerspectiveTransform(edge, placed)
    quad = order_corners(placed)
    shift = int(np.argmin(np.abs(placed - quad[0]).sum(axis=1)))
    if shift % 2:  # the document lies across the frame: its width runs down the image
        doc_mm = (doc_mm[1], doc_mm[0])
    if on_paper:
        add_sheet_under(scene, quad, rng)
    held = kind == "id_card" and rng.random() < 0.35
    if held:  # fingers behind the card, seen past its edge
        _add_hand(scene, quad, rng, behind=True)
    _drop_shadow(scene, quad, rng)
    # replicated border: the mask below sets the outline, so the page's own colour must
    # reach its edge (a black border blended in twice drew a dark rim and shrank the page)
    warped = cv2.warpPerspective(doc, m, (w, h), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    mask = cv2.warpPerspective(_outline_mask(kind, dw, dh), m, (w, h)).astype(np.float32)[..., None] / 255
    scene = scene * (1 - mask) + warped * mask
    if kind == "id_card" or rng.random() < 0.15:
        _add_gloss(scene, mask[..., 0], quad, rng)
    if held or rng.random() < 0.35:
        _add_hand(scene, quad, rng)
    if rng.random() < 0.12:  # a cable lying across the document
        add_cable(scene, rng)
    img = photograph(scene, rng)
    return Scene(img, quad.astype(np.float32), doc_mm, kind, background)


def _outline_mask(kind: str, dw: int, dh: int) -> np.ndarray:
    """The document's own shape: an ID card (ISO 7810 ID-1) has 3.18 mm rounded corners."""
    mask = np.full((dh, dw), 255, np.uint8)
    if kind != "id_card":
        return mask
    r = int(round(3.18 / DOC_KINDS["id_card"][0] * dw))
    for cx, cy in ((r, r), (dw - 1 - r, r), (dw - 1 - r, dh - 1 - r), (r, dh - 1 - r)):
        x0, y0 = (0 if cx == r else cx), (0 if cy == r else cy)
        mask[y0:y0 + r + 1, x0:x0 + r + 1] = 0
        cv2.circle(mask, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return mask


def _add_gloss(scene, mask, quad, rng):
    """A specular highlight off the laminate: a soft blown-out patch, on the document only."""
    h, w = scene.shape[:2]
    t = rng.uniform(0.1, 0.9, 2)
    centre = quad[0] + (quad[1] - quad[0]) * t[0] + (quad[3] - quad[0]) * t[1]
    size = rng.uniform(0.1, 0.5) * np.linalg.norm(quad[2] - quad[0])
    spot = np.zeros((h, w), np.float32)
    cv2.ellipse(spot, ((float(centre[0]), float(centre[1])), (float(size), float(size * rng.uniform(0.2, 0.6))),
                       float(rng.uniform(0, 180))), 1.0, -1)
    spot = cv2.GaussianBlur(spot, (0, 0), max(1.0, size * 0.15)) * mask * rng.uniform(0.4, 1.0)
    scene += (255.0 - scene) * spot[..., None]


def _drop_shadow(scene, quad, rng):
    strength = rng.uniform(0.0, 0.25)
    offset = rng.normal(0, 3, 2)
    mask = np.zeros(scene.shape[:2], np.float32)
    cv2.fillPoly(mask, [(quad + offset).astype(np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(2, 6))
    scene *= (1 - strength * mask)[..., None]


def _add_hand(scene, quad, rng, behind=False):
    """Fingers from outside over one side (a thumb pinning the page), or behind it when held up."""
    h, w = scene.shape[:2]
    i = int(rng.integers(4))
    t = rng.uniform(0.25, 0.75)
    point = quad[i] * (1 - t) + quad[(i + 1) % 4] * t
    outward = point - quad.mean(axis=0)
    outward /= np.linalg.norm(outward) + 1e-6
    skin = np.float32([rng.uniform(120, 170), rng.uniform(150, 190), rng.uniform(200, 235)])
    length = rng.uniform(0.08, 0.2) * max(w, h)
    angle = float(np.degrees(np.arctan2(outward[1], outward[0])))
    reach = (0.05, 0.3) if behind else (0.25, 0.4)  # behind the card the fingertips lie under it
    for k in range(int(rng.integers(1, 5 if behind else 4))):
        shift = np.array([-outward[1], outward[0]]) * (k - 1.5 * behind) * length * 0.18
        centre = point + outward * length * rng.uniform(*reach) + shift
        cv2.ellipse(scene, ((float(centre[0]), float(centre[1])), (length, length * 0.16), angle),
                    tuple(float(c) for c in skin * rng.uniform(0.9, 1.05)), -1, cv2.LINE_AA)
