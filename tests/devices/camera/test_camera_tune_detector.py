"""Tuning the detector's constants leave-one-folder-out (benchmarks/tune_detector.py): a folder is
never scored with a setting chosen because it helped that folder, a setting below the generated
set's floor is never chosen, and the shipped constants are in force again after the grid has run."""

import numpy as np

from benchmarks import tune_detector
from devices.camera import page_detect
from kiosk.demo_camera.scenes import make_scene


def _run(name, real, generated=0.995):
    return {"setting": {"name": name}, "real": np.array(real, float), "generated": np.array([generated])}


def test_a_setting_that_helps_only_the_held_out_folder_is_not_chosen_for_it():
    folders = np.array([1, 1, 2, 2, 3, 3])
    shipped = _run("shipped", [0.9, 0.9, 0.9, 0.9, 0.0, 0.0])
    fits_folder_3 = _run("fits 3", [0.8, 0.8, 0.8, 0.8, 1.0, 1.0])
    scores, chosen = tune_detector.leave_one_folder_out([shipped, fits_folder_3], folders)
    assert chosen[3] == {"name": "shipped"}  # folders 1 and 2 prefer the shipped setting
    assert list(scores[4:]) == [0.0, 0.0]  # so folder 3 is scored by it, not by the one that fits it
    assert chosen[1] == {"name": "fits 3"}  # 2 and 3 together: 0.9 against 0.45
    assert list(scores[:2]) == [0.8, 0.8]


def test_a_setting_below_the_generated_floor_is_never_chosen():
    folders = np.array([1, 2])
    shipped = _run("shipped", [0.5, 0.5])
    better_but_breaks_generated = _run("breaks", [1.0, 1.0], generated=0.98)
    _, chosen = tune_detector.leave_one_folder_out([shipped, better_but_breaks_generated], folders)
    assert all(setting == {"name": "shipped"} for setting in chosen.values())


def test_ties_keep_the_shipped_setting():
    folders = np.array([1, 2])
    runs = [_run("shipped", [0.7, 0.7]), _run("same", [0.7, 0.7])]
    _, chosen = tune_detector.leave_one_folder_out(runs, folders)
    assert all(setting == {"name": "shipped"} for setting in chosen.values())


def test_every_setting_is_scored_once_and_the_shipped_one_is_left_in_force():
    shipped = tune_detector.shipped_setting()
    assert set(shipped) == set(tune_detector.GRID)
    assert shipped["NET_WEIGHT"] == page_detect.NET_WEIGHT
    runs = tune_detector.score_settings([], [make_scene(np.random.default_rng(5))])
    assert runs[0]["setting"] == shipped  # first: it wins ties
    combos = int(np.prod([len(values) for values in tune_detector.GRID.values()]))
    assert len({tuple(r["setting"].values()) for r in runs}) == len(runs) == combos
    assert tune_detector.shipped_setting() == shipped


def test_with_a_net_per_folder_each_folder_is_scored_from_its_own_nets_runs():
    folders = np.array([1, 1, 2, 2])
    found_with_net_1 = [_run("shipped", [0.1, 0.1, 0.9, 0.9])]  # net_1 never saw folder 1
    found_with_net_2 = [_run("shipped", [0.8, 0.8, 0.3, 0.3])]
    scores, _ = tune_detector.leave_one_folder_out({1: found_with_net_1, 2: found_with_net_2}, folders)
    assert list(scores) == [0.1, 0.1, 0.3, 0.3]


def test_the_unseen_choice_reads_each_other_folder_as_its_own_fold_net_scores_it():
    folders = np.array([1, 2, 3])
    # with net_1, folders 2 and 3 (its training folders) favour trusting the net; as their own
    # nets score them (unseen), they favour the other setting
    net_1 = [_run("shipped", [0.5, 0.6, 0.6]), _run("trust", [0.1, 0.9, 0.9])]
    net_2 = [_run("shipped", [0.9, 0.7, 0.9]), _run("trust", [0.9, 0.2, 0.9])]
    net_3 = [_run("shipped", [0.9, 0.9, 0.7]), _run("trust", [0.9, 0.9, 0.2])]
    runs = {1: net_1, 2: net_2, 3: net_3}
    scores, chosen = tune_detector.leave_one_folder_out(runs, folders)
    assert chosen[1] == {"name": "trust"} and scores[0] == 0.1
    scores, chosen = tune_detector.leave_one_folder_out(tune_detector.unseen_runs(runs, folders), folders)
    assert chosen[1] == {"name": "shipped"} and scores[0] == 0.5
