"""Learn the candidate ranker's weights (devices/camera/quad_ranker.json) from real and generated frames.

    .venv/bin/python benchmarks/train_quad_ranker.py --real DIR [--generated 120] [--out PATH] [--short]

DIR is a folder staged by ../shared/tools/stage_real_frames.py (MIDV-500 development folders
1-7; never committed, their licence is not cleared). Generated frames (kiosk/demo_camera/scenes.py,
seed GENERATED_SEED, disjoint from the seeds the benchmark scores) are added so the ranker does not
learn that every page is an ID card. The file written holds only the ranker's rules: 200 rows
of (feature, threshold, score below, score above), about 10 KB, nothing of any frame.

Per frame, the refined outlines (the hand-made order's leaders, and, for training only, the coarse
candidates nearest the truth) are scored against the truth's corners; the
weights minimise a listwise loss: the softmax of the ranking scores over a frame's candidates
should match a softmax of their IoU with the truth (so the best outline comes first, a near one
second). benchmarks/docscan.py --real uses the same functions to report each real folder scored by
weights trained without it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import cv2
import numpy as np

from benchmarks import staged_frames
from devices.camera import page_detect, quad_ranker
from devices.camera.corner_refine import refine_scale
from devices.camera.geometry import polygon_iou
from kiosk.demo_camera.scenes import make_scene

GENERATED_FRAMES = 120
GENERATED_SEED = 4242  # the page net trained on [777, k]; the benchmark scores 2015, 7, 99, 8080
TARGET_SHARPNESS = 0.03  # IoU difference by which the target prefers one candidate e-fold
L2 = 1.0  # ridge on each split's two scores (in frames' worth of the loss)
ROUNDS = 200  # one-split rules per stage (400 scored worse leave-one-folder-out: they learn the folders)
LEARNING_RATE = 0.3
CUTS = 16  # thresholds tried per feature, at its quantiles
TRUTH_LEADERS = 3  # coarse candidates nearest the truth refined beside the detector's own leaders
                   # (training only: the ranker must see good ones)
REAL_WEIGHT = 10.0  # a real frame's weight in the loss against a generated one's
MIN_BEST_IOU = 0.5  # frames where no candidate comes this close teach nothing about ranking

cv2.setNumThreads(1)


def frame_samples(image: np.ndarray, truth: np.ndarray) -> dict | None:
    """The ranker's features of one frame's refined outlines, and each one's IoU with the truth."""
    work_scale = refine_scale(image.shape)
    work = page_detect.shrink(image, work_scale)
    frame = page_detect.prepare(work)
    coarse = page_detect.coarse_candidates(frame, every=True)
    if coarse is None:
        return None
    to_image = 1 / (frame.scale * work_scale)
    coarse_iou = np.array([polygon_iou(q * to_image, truth) for q in coarse.quads])
    leaders = page_detect.ranked_leaders(coarse, frame)
    leaders += [coarse.quads[i] for i in np.argsort(-coarse_iou)[:TRUTH_LEADERS]
                if not page_detect.near_any(coarse.quads[i], leaders)]
    _, refined, feats = page_detect.refine_and_rank(work, frame, coarse, leaders, want_features=True)
    if refined is None:
        return None
    return {"final": (feats, np.array([polygon_iou(q * to_image, truth) for q in refined]))}


def real_samples(folder: Path) -> list[dict]:
    """Samples of each staged real frame, tagged with its folder."""
    out = []
    for item in staged_frames.read(folder):
        sample = frame_samples(item["image_data"], item["truth"])
        if sample is not None:
            out.append({**sample, "folder": item["folder"]})
    return out


def generated_samples(count: int = GENERATED_FRAMES, seed: int = GENERATED_SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        # a third portrait, as the real frames (a phone held upright)
        scene = make_scene(rng, size=(720, 1280) if k % 3 == 0 else (1280, 720))
        sample = frame_samples(scene.image, scene.corners)
        if sample is not None:
            out.append({**sample, "folder": "generated"})
    return out


def fit_stage(samples: list[dict], stage: str, rounds: int = ROUNDS) -> dict:
    """Boosted stumps for one stage: each round adds the one-split rule that most lowers the
    listwise softmax loss (a Newton step on each side of the split, shrunk by LEARNING_RATE)."""
    kept = [s for s in samples if stage in s and s[stage][1].max() >= MIN_BEST_IOU]
    # the real frames count more: the generated ones are many, and the page net knows them too well
    share = np.array([REAL_WEIGHT if s["folder"] != "generated" else 1.0 for s in kept])
    share /= share.sum()
    x = np.concatenate([s[stage][0] for s in kept]).astype(np.float64)
    bounds = np.cumsum([0] + [len(s[stage][0]) for s in kept])
    targets = [_softmax(s[stage][1] / TARGET_SHARPNESS) for s in kept]
    row_share = np.repeat(share, np.diff(bounds))
    cuts = [np.unique(np.quantile(x[:, j], np.linspace(0.03, 0.97, CUTS))) for j in range(x.shape[1])]
    below = [[x[:, j] <= c for c in cuts[j]] for j in range(x.shape[1])]
    z, stumps, ridge = np.zeros(len(x)), [], L2 / len(kept)
    for _ in range(rounds):
        grad, hess = np.empty(len(x)), np.empty(len(x))
        for a, b, t in zip(bounds[:-1], bounds[1:], targets):
            p = _softmax(z[a:b])
            grad[a:b], hess[a:b] = p - t, np.maximum(p * (1 - p), 1e-6)
        grad, hess = grad * row_share, hess * row_share
        total_g, total_h = grad.sum(), hess.sum()
        best, rule = 0.0, None
        for j in range(x.shape[1]):
            for c, m in zip(cuts[j], below[j]):
                gl, hl = grad[m].sum(), hess[m].sum()
                gr, hr = total_g - gl, total_h - hl
                gain = gl * gl / (hl + ridge) + gr * gr / (hr + ridge)
                if gain > best:
                    best, rule = gain, (j, c, -gl / (hl + ridge), -gr / (hr + ridge))
        if rule is None:
            break
        j, c, left, right = rule
        left, right = LEARNING_RATE * left, LEARNING_RATE * right
        z += np.where(x[:, j] <= c, left, right)
        stumps.append([int(j), float(c), float(left), float(right)])
    return {"stumps": stumps}


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def fit(samples: list[dict], rounds: int = ROUNDS) -> dict:
    return {"features": list(quad_ranker.FEATURES), "final": fit_stage(samples, "final", rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, help="staged real frames (gt.json beside them); required but with --short")
    parser.add_argument("--generated", type=int, default=GENERATED_FRAMES, help="generated frames added to the real ones")
    parser.add_argument("--out", type=Path, default=quad_ranker.WEIGHTS_PATH)
    parser.add_argument("--short", action="store_true", help="6 generated frames, 5 rules, written to a temporary "
                                                             "file: shows it still runs, the shipped file untouched")
    args = parser.parse_args()
    if args.short:
        args.generated, args.out = 6, Path(tempfile.mkdtemp()) / "quad_ranker.json"
    elif args.real is None:
        parser.error("--real DIR is required (stage the frames with stage_real_frames.py)")
    quad_ranker.set_enabled(False)  # the hand-made order picks the training leaders
    samples = (real_samples(args.real) if args.real and not args.short else []) + generated_samples(args.generated)
    weights = fit(samples, rounds=5 if args.short else ROUNDS)
    real_count = sum(s["folder"] != "generated" for s in samples)
    weights["trained_on"] = (f"{real_count} real development frames (MIDV-500 folders 1-7 as staged) and "
                             f"{args.generated} generated frames (seed {GENERATED_SEED}), by benchmarks/train_quad_ranker.py")
    args.out.write_text(json.dumps(weights) + "\n")
    print(f"wrote {args.out}: {real_count} real and {args.generated} generated frames")


if __name__ == "__main__":
    main()
