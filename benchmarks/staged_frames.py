"""The real frames staged by ../shared/tools/stage_real_frames.py, read once for every benchmark and
training script: NN_k.jpg and gt.json, whose items name their `image`, `folder`, `size` and true
corners `quad_tl_tr_br_bl`. Never committed: their licence is not cleared."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np


def read(folder: Path, leave_out: tuple[int, ...] = ()) -> list[dict]:
    """The staged items without the folders left out, each with its image (`image_data`), its true
    corners (`truth`) and whether the whole card is in view (`whole`)."""
    items = json.loads((folder / "gt.json").read_text())["items"]
    kept = [item for item in items if int(item["folder"]) not in leave_out]
    for item in kept:
        item["image_data"] = cv2.imread(str(folder / item["image"]))
        w, h = item["size"]
        quad = np.float32(item["quad_tl_tr_br_bl"])
        item["truth"] = quad
        item["whole"] = bool((quad[:, 0] >= 0).all() and (quad[:, 0] <= w - 1).all()
                             and (quad[:, 1] >= 0).all() and (quad[:, 1] <= h - 1).all())
    return kept
