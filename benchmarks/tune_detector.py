"""Choose a few of the hand-made detector's constants leave-one-folder-out on the real frames.

    .venv/bin/python benchmarks/tune_detector.py --real DIR [--generated 100] [--short]

DIR is a folder staged by ../shared/tools/stage_real_frames.py (MIDV-500 development folders 1-7,
never committed). Every setting of GRID (constants of devices/camera/page_detect.py, or of another
module of devices/camera when named module.CONSTANT) scores each
real frame, and GENERATED frames of seed TUNING_SEED, once. Then each real folder is scored with
the setting that does best on the other six folders among those keeping the generated frames at
GENERATED_FLOOR or above (ties keep the shipped setting): the mean over the folders so scored is
the leave-one-folder-out figure, since no folder is scored by a setting it helped choose. The
setting chosen the same way on all seven folders is printed last: it is the one to ship, and its
own figure on those folders is not a measure of anything.

Runs on one core (cv2.setNumThreads(1)). Without --real (as in --short), it only shows that the
grid runs, on a few generated frames.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
from pathlib import Path

import cv2
import numpy as np

from devices.camera import find_page, page_detect, quad_ranker
from devices.camera.geometry import ID_CARD_MM, smartdoc_iou
from kiosk.demo_camera.scenes import make_scene

GRID = {
    "NET_WEIGHT": (0.9, 0.7, 0.5, 0.3),
    "EDGE_ACCEPT": (False, True),
    "quad_score.FAR_REACH": (0, 6),
}
TUNING_SEED = 2015  # the seed the detector was always tuned on; docscan.py holds 7, 99 and 8080 out
GENERATED_FRAMES = 100
GENERATED_FLOOR = 0.99  # the generated set's aim: a setting below it is never chosen

cv2.setNumThreads(1)


def _owner(name: str) -> tuple[object, str]:
    """The module holding a GRID constant and the constant's own name: page_detect's unless qualified."""
    if "." not in name:
        return page_detect, name
    module, constant = name.rsplit(".", 1)
    return importlib.import_module(f"devices.camera.{module}"), constant


def shipped_setting() -> dict:
    """The value of each GRID constant as the code stands."""
    return {name: getattr(*_owner(name)) for name in GRID}


def apply(setting: dict) -> None:
    for name, value in setting.items():
        setattr(*_owner(name), value)


def settings() -> list[dict]:
    """Every combination of GRID, the shipped one first (it wins ties)."""
    shipped = shipped_setting()
    combos = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    return [shipped] + [c for c in combos if c != shipped]


def score_settings(items: list[dict], scenes: list) -> list[dict]:
    """Per setting: IoU of each real frame and each generated frame (ranker off, as shipped)."""
    shipped = shipped_setting()
    quad_ranker.set_enabled(False)
    runs = []
    try:
        for setting in settings():
            apply(setting)
            real = np.array([smartdoc_iou(find_page(it["image_data"]), it["truth"], ID_CARD_MM) for it in items])
            gen = np.array([smartdoc_iou(find_page(s.image), s.corners, s.doc_size_mm) for s in scenes])
            runs.append({"setting": setting, "real": real, "generated": gen})
    finally:
        apply(shipped)
        quad_ranker.set_enabled(True)
    return runs


def choose(runs: list[dict], use: np.ndarray) -> dict:
    """The run with the best mean on the real frames in `use`, among those at GENERATED_FLOOR or above."""
    allowed = [r for r in runs if r["generated"].mean() >= GENERATED_FLOOR] or runs[:1]
    best = allowed[0]
    for run in allowed[1:]:
        if run["real"][use].mean() > best["real"][use].mean() + 1e-9:
            best = run
    return best


def leave_one_folder_out(runs: list[dict], folders: np.ndarray) -> tuple[np.ndarray, dict]:
    """Each folder's frames scored by the setting chosen without it; and the choices made."""
    scores = np.zeros(len(folders))
    chosen = {}
    for folder in np.unique(folders):
        held = folders == folder
        run = choose(runs, ~held)
        scores[held] = run["real"][held]
        chosen[int(folder)] = run["setting"]
    return scores, chosen


def report(items: list[dict], generated: int) -> np.ndarray:
    """Print each setting's scores and each folder's choice; return the frames' held-out scores."""
    folders = np.array([it["folder"] for it in items])
    rng = np.random.default_rng(TUNING_SEED)
    runs = score_settings(items, [make_scene(rng) for _ in range(generated)])
    for run in runs:
        real = run["real"]
        print(f"  {_label(run['setting'])}: real (all folders) {real.mean():.4f}, "
              f"generated seed {TUNING_SEED} {run['generated'].mean():.4f}")
    scores, chosen = leave_one_folder_out(runs, folders)
    for folder, setting in chosen.items():
        print(f"  folder {folder}: scored with {_label(setting)}, chosen on the other folders: "
              f"{scores[folders == folder].mean():.3f}")
    final = choose(runs, np.ones(len(folders), bool))
    print(f"setting chosen on all folders (to ship; its own figure there, {final['real'].mean():.4f}, "
          f"is tuned on them): {_label(final['setting'])}")
    return scores


def _label(setting: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in setting.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, help="a folder of staged real frames (gt.json beside them)")
    parser.add_argument("--generated", type=int, default=GENERATED_FRAMES)
    parser.add_argument("--short", action="store_true", help="3 generated frames per setting: shows it still runs")
    args = parser.parse_args()
    if args.short:
        args.generated = 3
    if args.real is None:
        rng = np.random.default_rng(TUNING_SEED)
        runs = score_settings([], [make_scene(rng) for _ in range(args.generated)])
        print(f"no --real folder: {len(runs)} settings scored on {args.generated} generated frames only")
        return
    from benchmarks.docscan import load_real

    scores = report(load_real(args.real), args.generated)
    print(f"constants tuned leave-one-folder-out: mean {scores.mean():.4f}, share > 0.9 {np.mean(scores > 0.9):.3f}, "
          f"misses {int(np.sum(scores == 0))} of {len(scores)}")


if __name__ == "__main__":
    main()
