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

With a page net per folder (benchmarks/docscan.py --fold-nets: net_k trained without folder k),
the grid runs once per net: folder k is scored with net_k and with the setting that net_k does best
with on the other six folders, so neither the net nor the constants that score it have seen it.

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

from devices.camera import find_page, page_detect, page_net, quad_ranker
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


def score_settings(items: list[dict], scenes: list, net: page_net.Net | None = None) -> list[dict]:
    """Per setting: IoU of each real frame and each generated frame (ranker off, as shipped), found
    with `net` (the shipped page net unless another is given)."""
    shipped = shipped_setting()
    quad_ranker.set_enabled(False)
    runs = []
    try:
        for setting in settings():
            apply(setting)
            real = np.array([smartdoc_iou(find_page(it["image_data"], net), it["truth"], ID_CARD_MM) for it in items])
            gen = np.array([smartdoc_iou(find_page(s.image, net), s.corners, s.doc_size_mm) for s in scenes])
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


def leave_one_folder_out(runs: list[dict] | dict[int, list[dict]], folders: np.ndarray) -> tuple[np.ndarray, dict]:
    """Each folder's frames scored by the setting chosen without it; and the choices made.

    `runs` serve every folder, or (a dict) each folder has its own: those found with its fold net.
    """
    scores = np.zeros(len(folders))
    chosen = {}
    for folder in np.unique(folders):
        held = folders == folder
        run = choose(runs[int(folder)] if isinstance(runs, dict) else runs, ~held)
        scores[held] = run["real"][held]
        chosen[int(folder)] = run["setting"]
    return scores, chosen


def unseen_runs(runs_by_folder: dict[int, list[dict]], folders: np.ndarray) -> dict[int, list[dict]]:
    """Each folder's runs with the other folders' frames scored as their own fold nets score them.

    Folder k's net was trained on the other folders, so on them it scores as on its training
    frames, and a setting that trusts the net looks better there than it is on an unseen folder.
    """
    out = {}
    for k, own in runs_by_folder.items():
        runs = []
        for i, run in enumerate(own):
            real = run["real"].copy()
            for f, theirs in runs_by_folder.items():
                real[folders == f] = theirs[i]["real"][folders == f]
            runs.append({**run, "real": np.where(folders == k, run["real"], real)})
        out[k] = runs
    return out


def report(items: list[dict], generated: int, fold_nets: dict[int, page_net.Net] | None = None) -> np.ndarray:
    """Print each setting's scores and each folder's choice; return the frames' held-out scores.

    With `fold_nets` (folder: the net trained without it), each folder is found with its own net.
    """
    folders = np.array([it["folder"] for it in items])
    rng = np.random.default_rng(TUNING_SEED)
    scenes = [make_scene(rng) for _ in range(generated)]
    if fold_nets is not None:
        runs_by_folder = {int(f): score_settings(items, scenes, fold_nets[int(f)]) for f in np.unique(folders)}
        scores, chosen = leave_one_folder_out(runs_by_folder, folders)
        for folder, setting in chosen.items():
            print(f"  folder {folder}: scored with its fold net and {_label(setting)}, chosen on the other "
                  f"folders: {scores[folders == folder].mean():.3f}")
        unseen = leave_one_folder_out(unseen_runs(runs_by_folder, folders), folders)[0]
        print(f"  (constants chosen instead on the other folders as their own fold nets score them, no net's "
              f"training frames among them: mean {unseen.mean():.4f}, per folder "
              + " ".join(f"{f}: {unseen[folders == f].mean():.3f}" for f in np.unique(folders)) + ")")
        return scores
    runs = score_settings(items, scenes)
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
    from benchmarks import staged_frames

    scores = report(staged_frames.read(args.real), args.generated)
    print(f"constants tuned leave-one-folder-out: mean {scores.mean():.4f}, share > 0.9 {np.mean(scores > 0.9):.3f}, "
          f"misses {int(np.sum(scores == 0))} of {len(scores)}")


if __name__ == "__main__":
    main()
