"""Which of a frame's candidate outlines is the page: boosted stumps over their cues.

The hand-made score (quad_score.py) multiplies its cues with weights picked by eye on
generated frames; on real photographs the page's outline was often among the candidates
but ranked below a sheet of paper beside the card, a card's printed panel or a cable's
bend. The ranker weighs the same cues, and a few the score leaves out (how many of the
independent cue maps found the outline, whether it lies inside or around another fair
outline), by a sum of one-split rules learnt on real and generated frames together
(benchmarks/train_quad_ranker.py writes quad_ranker.json; the frames are never shipped).

It picks among the refined outlines (it also sees how straight and sharp their sides run);
which coarse candidates are refined stays with the hand-made order, taking more of them
(a ranker over the coarse candidates, tried, found the page no more often). One-split
rules, not a weighted sum: a cue may count only past a point (a refinement that failed, an
outline the size of a sticker), which a linear ranker could not learn from ~50 real frames
(real frames leave-one-folder-out, end to end: hand-made order 0.901, linear 0.905, the rules
0.924 with 5 leaders, 0.929 with 8). Without the weights file the detector keeps its hand-made
order; the file is not shipped yet, as the rules cost 0.007 to 0.011 of mean IoU on generated
frames (seed 7: 0.985 against 0.992), below the 0.99 the generated set must keep.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .geometry import rectified_aspects, signed_areas
from .nesting import contains
from .quad_score import QuadScores

WEIGHTS_PATH = Path(__file__).with_name("quad_ranker.json")
FEATURES = (
    "log_score", "edge", "paper", "step", "sharp", "shape", "log_area", "on_border",
    "agree", "agree_relative", "net_seen", "id_card_aspect", "a4_aspect", "skew",
    "log_support", "inside_fair", "around_fair", "fit", "agree_x_edge", "agree_x_fit", "edge_x_fit",
)
FAIR_SHARE = 0.5  # an outline "fair" beside another scores at least this share of it
SAME_OUTLINE = 0.03  # share of the diagonal within which two candidates are the same outline
NEST_LIMIT = 64  # candidates compared pairwise for nesting (the rest score too low to matter)


def features(quads: np.ndarray, scored: QuadScores, totals: np.ndarray, agree: np.ndarray | None,
             frame_hw: tuple[int, int], raw: np.ndarray | None = None, fit: np.ndarray | None = None) -> np.ndarray:
    """(N, len(FEATURES)) float32 for ordered quads (N, 4, 2) in detector pixels.

    `totals` are the hand-made scores (placement and net factors included), `raw` every
    candidate before duplicates were dropped, `fit` the refined sides' fit (refined quads only).
    """
    n = len(quads)
    h, w = frame_hw
    area = np.abs(signed_areas(quads))
    x, y = quads[..., 0], quads[..., 1]
    on_border = (((x < 2) | (y < 2) | (x > w - 3) | (y > h - 3)).sum(axis=1) >= 2)
    aspect = rectified_aspects(quads, (w, h))
    aspect = np.nan_to_num(np.maximum(aspect, 1 / aspect), nan=3.0)
    sides = quads[:, [1, 2, 3, 0]] - quads
    prev = -sides[:, [3, 0, 1, 2]]
    cos = (prev * sides).sum(2) / (np.linalg.norm(prev, axis=2) * np.linalg.norm(sides, axis=2) + 1e-9)
    skew = np.abs(np.degrees(np.arccos(np.clip(cos, -1, 1))) - 90).max(axis=1) / 90
    if agree is None:
        agree_abs = agree_rel = np.zeros(n, np.float32)
    else:
        agree_abs, agree_rel = agree, agree / max(float(agree.max()), 1e-6)
    inside, around = _nesting(quads, totals, area)
    fit_or_0 = np.zeros(n, np.float32) if fit is None else fit
    cols = [
        np.log(np.maximum(totals, 1e-3)), scored.edge, scored.paper, scored.step, scored.sharp, scored.shape,
        np.log(area / float(h * w)), on_border, agree_abs, agree_rel, np.full(n, agree is not None),
        np.abs(np.log(aspect / 1.586)), np.abs(np.log(aspect / 1.414)), skew,
        np.log1p(_support(quads, quads if raw is None else raw)), inside, around,
        fit_or_0, agree_abs * scored.edge, agree_abs * fit_or_0, scored.edge * fit_or_0,
    ]
    return np.stack([np.asarray(c, np.float32) for c in cols], axis=1)


def _support(quads: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """How many raw candidates (from all the cue maps) give each outline again."""
    tol = SAME_OUTLINE * np.linalg.norm(quads[:, 2] - quads[:, 0], axis=1)
    out = np.zeros(len(quads), np.float32)
    for start in range(0, len(raw), 256):  # bounded memory on busy frames
        chunk = raw[start:start + 256]
        dist = np.abs(quads[:, None] - chunk[None]).max(axis=(2, 3))
        out += (dist < tol[:, None]).sum(axis=1)
    return out


def _nesting(quads: np.ndarray, totals: np.ndarray, area: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each quad lies inside, and whether it lies around, a fair outline clearly bigger or smaller."""
    n = len(quads)
    inside, around = np.zeros(n, np.float32), np.zeros(n, np.float32)
    top = np.argsort(-totals)[:NEST_LIMIT]
    q, t, a = quads[top], totals[top], area[top]
    if len(top) < 2:
        return inside, around
    holds = contains(q, q)  # (outer, inner)
    bigger = a[:, None] >= 1.3 * a[None, :]
    fair = t[:, None] >= FAIR_SHARE * t[None, :]  # outer fair beside inner
    inside[top] = (holds & bigger & fair).any(axis=0)
    around[top] = (holds & bigger & fair.T).any(axis=1)
    return inside, around


@lru_cache(maxsize=1)
def _shipped() -> dict | None:
    return json.loads(WEIGHTS_PATH.read_text()) if WEIGHTS_PATH.exists() else None


_override: dict | None = None
_enabled = True


def use_weights(weights: dict | None) -> None:
    """Rank with these weights in this process (training and leave-one-folder-out scoring)."""
    global _override
    _override = weights


def set_enabled(enabled: bool) -> None:
    """Switch the ranker off (or back on) for this process: to measure what it adds."""
    global _enabled
    _enabled = enabled


def weights() -> dict | None:
    if not _enabled:
        return None
    return _override if _override is not None else _shipped()


def rank(feats: np.ndarray, stage: str = "final") -> np.ndarray | None:
    """(N,) ranking scores of refined outlines, higher is better; None without weights."""
    model = weights()
    if model is None:
        return None
    stumps = np.asarray(model[stage]["stumps"], np.float32)  # rows: feature, threshold, score below, above
    feature = stumps[:, 0].astype(int)
    return np.where(feats[:, feature] <= stumps[:, 1], stumps[:, 2], stumps[:, 3]).sum(axis=1)
