"""The two faces of a 居民身份证 for synthetic frames, drawn as a real card looks.

A real card is not a flat tint with a grey box: its face is a pale guilloche of fine
coloured lines (which a detector sees as texture right up to the edge), the portrait
is printed straight onto it with no frame of its own, and the emblem face carries a
red-and-gold emblem and a large title. Both are light and close to a white desk's tone.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .font import font

_NAMES = ("王建国", "李秀英", "张伟", "刘芳", "陈明", "杨丽", "赵磊", "黄静", "周强", "吴敏")
_PLACES = ("浙江省杭州市西湖区文三路", "四川省成都市武侯区人民南路", "河南省郑州市金水区花园路",
           "广东省广州市天河区体育西路", "湖北省武汉市洪山区珞喻路", "山东省济南市历下区泉城路")
_ETHNIC = ("汉", "回", "满", "壮", "苗")
_AUTHORITY = ("杭州市公安局西湖分局", "成都市公安局武侯分局", "郑州市公安局金水分局")


def _guilloche(w: int, h: int, rng: np.random.Generator, base: np.ndarray) -> np.ndarray:
    """Pale base colour with interfering fine waves in two or three colours (float32 BGR)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    for _ in range(int(rng.integers(2, 4))):
        period = rng.uniform(0.012, 0.03) * w
        wave = np.sin((yy + rng.uniform(2, 6) * np.sin(xx / rng.uniform(0.05, 0.2) / w * 6.3)) / period * 6.283)
        lines = np.clip((wave - 0.6) / 0.4, 0, 1)  # thin bright-to-dark lines, not a smooth ramp
        colour = rng.uniform(-28, 6, 3).astype(np.float32)
        img += lines[..., None] * colour
    # a faint radial rosette, as in the card's centre
    cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    r = np.hypot(xx - cx, yy - cy)
    img += (np.cos(r / (0.01 * w) * 6.283) > 0.7)[..., None] * rng.uniform(-12, 0, 3).astype(np.float32)
    return img


def _portrait(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A head-and-shoulders photo on a pale backdrop, as BGR float32 with soft edges faded into the card."""
    photo = np.empty((h, w, 3), np.float32)
    photo[:] = rng.uniform(215, 250, 3) if rng.random() < 0.7 else rng.uniform(180, 235, 3) * [1.0, 0.95, 0.85]
    skin = np.float32([rng.uniform(110, 170), rng.uniform(140, 185), rng.uniform(185, 235)])
    clothes = rng.uniform(20, 90, 3)
    hair = rng.uniform(10, 40)
    cv2.ellipse(photo, (int(w * 0.5), int(h * 1.05)), (int(w * 0.55), int(h * 0.35)), 0, 0, 360,
                tuple(float(c) for c in clothes), -1, cv2.LINE_AA)
    cv2.rectangle(photo, (int(w * 0.42), int(h * 0.55)), (int(w * 0.58), int(h * 0.75)),
                  tuple(float(c) for c in skin * 0.92), -1)
    cv2.ellipse(photo, (int(w * 0.5), int(h * 0.42)), (int(w * 0.24), int(h * 0.24)), 0, 0, 360,
                (hair, hair, hair), -1, cv2.LINE_AA)
    cv2.ellipse(photo, (int(w * 0.5), int(h * 0.47)), (int(w * 0.2), int(h * 0.22)), 0, 0, 360,
                tuple(float(c) for c in skin), -1, cv2.LINE_AA)
    for ex in (0.42, 0.58):
        cv2.circle(photo, (int(w * ex), int(h * 0.45)), max(1, int(w * 0.025)), (30, 30, 30), -1, cv2.LINE_AA)
    cv2.line(photo, (int(w * 0.44), int(h * 0.58)), (int(w * 0.56), int(h * 0.58)), (60, 60, 120),
             max(1, int(w * 0.02)), cv2.LINE_AA)
    return cv2.GaussianBlur(photo, (0, 0), max(0.6, w * 0.01))


def _paste_soft(card: np.ndarray, photo: np.ndarray, x: int, y: int) -> None:
    h, w = photo.shape[:2]
    fade = np.ones((h, w), np.float32)
    edge = max(2, w // 14)
    cv2.rectangle(fade, (0, 0), (w - 1, h - 1), 0.0, edge)
    fade = cv2.GaussianBlur(fade, (0, 0), edge / 2)[..., None]
    region = card[y:y + h, x:x + w]
    region[:] = region * (1 - fade) + photo * fade


def _emblem(card: np.ndarray, cx: int, cy: int, r: int, rng: np.random.Generator) -> None:
    red = (float(rng.uniform(20, 50)), float(rng.uniform(20, 50)), float(rng.uniform(180, 220)))
    gold = (40.0, float(rng.uniform(150, 190)), float(rng.uniform(200, 235)))
    cv2.circle(card, (cx, cy), r, gold, -1, cv2.LINE_AA)
    cv2.circle(card, (cx, cy), int(r * 0.82), red, -1, cv2.LINE_AA)
    cv2.rectangle(card, (cx - r // 2, cy + r // 6), (cx + r // 2, cy + r // 3), gold, -1)
    for k in range(5):
        angle = np.pi * (0.7 + 0.15 * k)
        p = (int(cx + 0.45 * r * np.cos(angle) + 0.2 * r), int(cy - 0.45 * r * abs(np.sin(angle))))
        cv2.circle(card, p, max(1, r // (5 if k == 0 else 9)), gold, -1, cv2.LINE_AA)


def _draw_text(card: np.ndarray, items: list[tuple[float, float, str, int, tuple[int, int, int]]]) -> np.ndarray:
    page = Image.fromarray(cv2.cvtColor(np.clip(card, 0, 255).astype(np.uint8), cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(page)
    for x, y, text, size, rgb in items:
        draw.text((x, y), text, font=font(max(6, size)), fill=rgb)
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def render_id_card(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """One face of the card, chosen at random, BGR uint8 of size w x h (landscape)."""
    base = np.float32([rng.uniform(215, 245), rng.uniform(222, 248), rng.uniform(225, 250)])
    card = _guilloche(w, h, rng, base)
    label = (int(rng.integers(40, 90)), int(rng.integers(70, 120)), int(rng.integers(120, 170)))
    ink = (15, 15, 20)
    s = w / 85.6  # pixels per mm
    if rng.random() < 0.6:  # portrait face
        pw, ph = int(0.3 * w), int(0.62 * h)
        _paste_soft(card, _portrait(pw, ph, rng), int(0.62 * w), int(0.12 * h))
        born = f"{rng.integers(1950, 2005)} 年 {rng.integers(1, 13)} 月 {rng.integers(1, 29)} 日"
        address = _PLACES[int(rng.integers(len(_PLACES)))] + f"{rng.integers(1, 400)}号"
        number = "".join(str(d) for d in rng.integers(0, 10, 17)) + str(rng.choice(list("0123456789X")))
        rows = [("姓 名", _NAMES[int(rng.integers(len(_NAMES)))]),
                ("性 别", ("男" if rng.random() < 0.5 else "女") + "    民 族  " + _ETHNIC[int(rng.integers(5))]),
                ("出 生", born), ("住 址", address[:11]), ("", address[11:])]
        items = []
        for i, (key, value) in enumerate(rows):
            y = h * (0.1 + 0.135 * i)
            items.append((6 * s, y, key, int(3.0 * s), label))
            items.append((17 * s, y, value, int(3.2 * s), ink))
        items.append((6 * s, h * 0.8, "公民身份号码", int(3.0 * s), label))
        items.append((30 * s, h * 0.79, number, int(3.8 * s), ink))
        return _draw_text(card, items)
    _emblem(card, int(0.16 * w), int(0.26 * h), int(0.11 * w), rng)
    items = [(0.32 * w, 0.12 * h, "中华人民共和国", int(6.2 * s), ink),
             (0.3 * w, 0.3 * h, "居民身份证", int(8.5 * s), ink),
             (0.18 * w, 0.68 * h, "签发机关", int(3.0 * s), label),
             (0.36 * w, 0.68 * h, _AUTHORITY[int(rng.integers(len(_AUTHORITY)))], int(3.2 * s), ink),
             (0.18 * w, 0.82 * h, "有效期限", int(3.0 * s), label),
             (0.36 * w, 0.82 * h, _validity(rng), int(3.2 * s), ink)]
    return _draw_text(card, items)


def _validity(rng) -> str:
    """有效期限 as printed (the four draws in the order the generator has always made them)."""
    start = f"2016.0{rng.integers(1, 10)}.1{rng.integers(0, 10)}"
    return f"{start}-2036.0{rng.integers(1, 10)}.1{rng.integers(0, 10)}"
