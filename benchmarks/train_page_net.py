"""Train the page segmentation net shipped as devices/camera/page_net.onnx.

Two steps, each on one core. The shipped net was made by exactly these (about 50 min of
frames and 40 min of training on one core of the 2-core machine), fine-tuning the net
shipped before it (commit f2c61cb, made as that commit's copy of this docstring says):

    for k in 0 1 2 3 4; do nice -n 15 taskset -c 1 .venv/bin/python benchmarks/train_page_net.py data \
        --count 1000 --start $((k*1000)) --out /tmp/pagenet/gen_$k.npz; done
    for k in 0 1 2 3 4 5 6; do nice -n 15 taskset -c 1 .venv/bin/python benchmarks/train_page_net.py data \
        --count 1000 --start $((100000+k*1000)) --kind id_card --out /tmp/pagenet/id_$k.npz; done
    git show f2c61cb:devices/camera/page_net.onnx > /tmp/pagenet/previous.onnx
    nice -n 15 taskset -c 1 /tmp/trainenv/bin/python benchmarks/train_page_net.py train \
        --data /tmp/pagenet/{gen_0,id_0,gen_1,id_1,gen_2,id_2}.npz --epochs 12 --max-lr 1e-3 \
        --init-onnx /tmp/pagenet/previous.onnx --out /tmp/pagenet/run1/page_net.onnx
    nice -n 15 taskset -c 1 /tmp/trainenv/bin/python benchmarks/train_page_net.py train \
        --data /tmp/pagenet/{gen_0,id_0,gen_1,id_1,gen_2,id_2,gen_3,id_3,gen_4,id_4,id_5,id_6}.npz \
        --epochs 8 --max-lr 1e-3 --init-onnx /tmp/pagenet/run1/page_net.onnx --out devices/camera/page_net.onnx

The first step needs only the project's venv; the second needs PyTorch and onnx in a
venv of their own (`python3 -m venv /tmp/trainenv && /tmp/trainenv/bin/pip install
torch==2.13.0 onnx numpy opencv-python-headless pillow`), never in the project's.

The frames come from kiosk/demo_camera/scenes.py with seeds [777, k], disjoint from the
benchmark's integer seeds (2015, 1 to 4 for tuning; 7, 99 and later ones held out);
7000 of the 12000 are ID cards, as the real frames the detector is measured on are.
The target is the true page's area: the net tells the detector where the page is, the
classical edge fit where exactly its sides run. The loss weighs the cells along the
page's outline up (BOUNDARY_WEIGHT): an ID card is a dozen cells across, and where its
outline runs decides which of the edges around it the detector takes for its sides.
Validation IoU on the first 600 frames of gen_0: 0.969 for the previous net, 0.980 for this one
(a little flattering: frames 300 to 599 were among the first fine-tuning's training frames).

Real frames, read from a staged folder (../shared/tools/stage_real_frames.py; never committed), can
be mixed in: the `real` step draws each frame COPIES times, turned, tilted, zoomed, relit, blurred
(benchmarks/page_net_data.py), leaving out the folders named, and `train --real-data` adds them.
Nets trained so, one per folder left out, are measured by `benchmarks/docscan.py --real DIR
--fold-nets DIR2`. None is shipped: leave-one-folder-out they raised the real frames' mean IoU
from 0.922 to 0.942, but the net trained the same way on all seven folders lost up to 0.011 on the
generated sets (white desks, ID cards). They were made with the project's venv for the data and
the training venv for the rest:

    train_page_net.py data --count 800 --start 0 --out /tmp/pagenet/gen_a.npz
    train_page_net.py data --count 800 --start 100000 --kind id_card --out /tmp/pagenet/id_a.npz
    for k in 1 2 3 4 5 6 7; do train_page_net.py real --real DIR --leave-out $k --copies 40 \
        --out /tmp/pagenet/real_not$k.npz; done
    train_page_net.py real --real DIR --copies 40 --out /tmp/pagenet/real_all.npz
    git show 617d5e6:devices/camera/page_net.onnx > /tmp/pagenet/previous.onnx
    for k in 1 2 3 4 5 6 7 all; do train_page_net.py train --data /tmp/pagenet/{gen_a,id_a}.npz \
        --real-data /tmp/pagenet/real_not$k.npz --epochs 3 --max-lr 3e-4 \
        --init-onnx /tmp/pagenet/previous.onnx --out DIR2/net_$k.onnx; done   # real_all.npz for `all`

`data --background on_paper` draws the real failure those nets left (02_1, 02_2, 05_3: a card on a
printed sheet or held over a white box, the net's map running on into the paper): the document on a
printed sheet, a stack or a box's lid larger than it (scenes.ON_PAPER). Draft, not shipped either:
nets made from the shipped one with them scored generated on-paper frames better (60 landscape
frames, seeds 5000 to 5059: 0.55 against the shipped net's 0.35) but lost on the generated sets
(seeds 2015/7/99, 200 frames: 0.9932/0.9864/0.9861 against 0.9947/0.9915/0.9893; white desks, ID
cards); leave-one-folder-out, at the shipped constants rather than docscan's per-fold tuning, they
scored 0.950 with one miss (02_1) where the shipped net scores 0.940: 05_3 mended in part (0.00 to
0.45), 02_1 not at all. The same nets blended halfway with the shipped net's weights (not scripted)
kept seeds 2015 and 7 (0.9938/0.9916) but not 99 (0.9844); `docscan.py --fold-nets` scored their fold
nets 0.9156 leave-one-folder-out with the constants chosen with each (the shipped net: 0.9217) and
0.9534 with the constants chosen as the other folders' own fold nets score them, folder 2 alone moving
from 0.44 to 0.80 between the two: a gain that rests on which constants are taken is none to ship.
Made so, on one core:

    train_page_net.py data --count 2000 --start 0 --out /tmp/pagenet/gen_b.npz
    train_page_net.py data --count 2000 --start 100000 --kind id_card --out /tmp/pagenet/id_b.npz
    train_page_net.py data --count 800 --start 400000 --background white --out /tmp/pagenet/white_c.npz
    train_page_net.py data --count 1000 --start 200000 --kind id_card --background on_paper \
        --out /tmp/pagenet/paper_id.npz
    (real_not$k.npz and real_all.npz as above; previous.onnx here is the shipped net)
    for k in 1 2 3 4 5 6 7 all; do train_page_net.py train --data /tmp/pagenet/{gen_b,id_b,white_c,paper_id}.npz \
        --real-data /tmp/pagenet/real_not$k.npz --real-weight 0.5 --epochs 3 --max-lr 2e-4 \
        --init-onnx /tmp/pagenet/previous.onnx --out DIR2/net_$k.onnx; done   # real_all.npz for `all`
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.page_net_data import make_real_data, page_mask  # noqa: E402
from devices.camera.page_net import INPUT_SIZE, OUTPUT_STRIDE, prepare_input  # noqa: E402
from kiosk.demo_camera.scenes import make_scene  # noqa: E402

TRAIN_SEED = 777
BOUNDARY_WEIGHT = 3.0  # extra loss weight of the cells on the page's outline


def make_data(count: int, out: Path, start: int = 0, kind: str | None = None,
              background: str | None = None) -> None:
    cv2.setNumThreads(1)
    w, h = INPUT_SIZE
    images = np.empty((count, h, w, 3), np.uint8)
    masks = np.empty((count, h // OUTPUT_STRIDE, w // OUTPUT_STRIDE), np.uint8)
    started = time.time()
    for i in range(count):
        scene = make_scene(np.random.default_rng([TRAIN_SEED, start + i]), kind=kind, background=background)
        images[i] = prepare_input(scene.image)
        masks[i] = page_mask(scene.corners, scene.image.shape[:2], masks.shape[1:])
        if i % 500 == 499:
            print(f"{i + 1} frames, {time.time() - started:.0f} s", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, images=images, masks=masks)


def train(data: list[Path], out: Path, epochs: int, threads: int, init: Path | None = None,
          max_lr: float = 3e-3, init_onnx: Path | None = None, real_data: list[Path] = (),
          real_weight: float = 1.0) -> None:
    """Fit on the generated frames of `data` and the real ones of `real_data` (page_net_data.make_real_data),
    each real frame's loss counting `real_weight` times a generated one's. The held-out frames that
    validation reads are the first generated ones."""
    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from page_net_model import PageNet, export_onnx, freeze_batch_norms, load_folded_onnx  # beside this script

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    arrays = [np.load(path) for path in data]
    real = [np.load(path) for path in real_data]
    images = torch.from_numpy(np.concatenate([a["images"] for a in arrays + real])).permute(0, 3, 1, 2).contiguous()
    masks = torch.from_numpy(np.concatenate([a["masks"] for a in arrays + real])).float().div(255).unsqueeze(1)
    generated = sum(len(a["images"]) for a in arrays)
    weights = torch.ones(len(images))
    weights[generated:] = real_weight
    held = min(max(100, generated // 20), generated)
    train_x, train_y, train_w = images[held:], masks[held:], weights[held:]
    val_x, val_y = images[:held], masks[:held]
    net = PageNet()
    if init:  # go on from an earlier run's weights (saved beside its .onnx)
        net.load_state_dict(torch.load(init))
    if init_onnx:  # go on from a shipped net, whose batch norms are folded away: they stay fixed
        load_folded_onnx(net, init_onnx)
    print(f"{sum(p.numel() for p in net.parameters())} parameters, {len(train_x)} frames to train on")
    optimiser = torch.optim.AdamW(net.parameters(), lr=max_lr, weight_decay=1e-4)
    batch = 32
    steps = epochs * (len(train_x) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=max_lr, total_steps=steps)
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    started = time.time()
    for epoch in range(epochs):
        net.train()
        if init_onnx:
            freeze_batch_norms(net)
        order = torch.randperm(len(train_x))
        total = 0.0
        for k in range(len(train_x) // batch):
            idx = order[k * batch:(k + 1) * batch]
            x, y = _augment(train_x[idx].float().div(255), train_y[idx])
            w = train_w[idx] / train_w[idx].mean()
            logits = net(x)
            per_frame = (loss_fn(logits, y) * _boundary_weight(y)).mean(dim=(1, 2, 3)) + _dice_loss(logits, y)
            loss = (per_frame * w).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item()
        val = _validate(net, val_x, val_y)
        print(f"epoch {epoch + 1}/{epochs}: train loss {total / (k + 1):.4f}, val IoU {val:.4f}, "
              f"{time.time() - started:.0f} s", flush=True)
    torch.save(net.state_dict(), out.with_suffix(".pt"))
    export_onnx(net, out, INPUT_SIZE)
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB)")


def _augment(x, y):
    """Flips and half turns (a page lies any way up), and a lamp's brightness, contrast and tint."""
    import torch

    if torch.rand(1) < 0.5:
        x, y = x.flip(3), y.flip(3)
    if torch.rand(1) < 0.5:
        x, y = x.flip(2), y.flip(2)
    n = len(x)
    gain = 1 + 0.25 * (torch.rand(n, 1, 1, 1) - 0.5)
    tint = 1 + 0.08 * (torch.rand(n, 3, 1, 1) - 0.5)
    offset = 0.1 * (torch.rand(n, 1, 1, 1) - 0.5)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    contrast = 1 + 0.4 * (torch.rand(n, 1, 1, 1) - 0.5)
    x = ((x - mean) * contrast + mean) * gain * tint + offset
    grey = torch.rand(n, 1, 1, 1) < 0.1
    x = torch.where(grey, x.mean(dim=1, keepdim=True).expand_as(x), x)
    return x.clamp(0, 1), y


def _boundary_weight(y):
    """BOUNDARY_WEIGHT more on the cells along the page's outline, 1 elsewhere.

    The detector fits the sides to edges near the map's outline, and an ID card is only
    a dozen cells across: where the outline runs matters more than the card's middle.
    """
    import torch

    high = torch.nn.functional.max_pool2d(y, 3, 1, 1)
    low = -torch.nn.functional.max_pool2d(-y, 3, 1, 1)
    return 1 + BOUNDARY_WEIGHT * ((high > 0.5) & (low < 0.5)).float()


def _dice_loss(logits, y):
    """Per frame."""
    import torch

    p = torch.sigmoid(logits)
    inter = (p * y).sum(dim=(1, 2, 3))
    return 1 - (2 * inter + 1) / (p.sum(dim=(1, 2, 3)) + y.sum(dim=(1, 2, 3)) + 1)


def _validate(net, x, y) -> float:
    import torch

    net.eval()
    with torch.no_grad():
        p = torch.cat([net(x[k:k + 64].float().div(255)) for k in range(0, len(x), 64)]) > 0
    t = y > 0.5
    inter = (p & t).sum(dim=(1, 2, 3)).float()
    union = (p | t).sum(dim=(1, 2, 3)).float().clamp(min=1)
    return float((inter / union).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true",
                        help="make two training frames in a scratch folder: shows the data step still runs "
                             "(training needs torch, which the project does not install)")
    sub = parser.add_subparsers(dest="step")
    data = sub.add_parser("data")
    data.add_argument("--count", type=int, default=6000)
    data.add_argument("--start", type=int, default=0)
    data.add_argument("--out", type=Path, required=True)
    data.add_argument("--kind", help="only this kind of document (the real test set is all ID cards)")
    data.add_argument("--background", help="only this background, e.g. on_paper (scenes.ON_PAPER: the document "
                                           "on a printed sheet or a white box's lid, as in real frames 02_1, 05_3)")
    real = sub.add_parser("real", help="training frames from staged real photographs, augmented (page_net_data.py)")
    real.add_argument("--real", type=Path, required=True, help="a staged folder: NN_k.jpg and gt.json")
    real.add_argument("--leave-out", type=int, nargs="*", default=[], help="folders not to read (e.g. 2)")
    real.add_argument("--copies", type=int, default=40, help="augmented copies of each frame")
    real.add_argument("--seed", type=int, default=0)
    real.add_argument("--out", type=Path, required=True)
    fit = sub.add_parser("train")
    fit.add_argument("--data", type=Path, nargs="+", required=True)
    fit.add_argument("--out", type=Path, default=Path("devices/camera/page_net.onnx"))
    fit.add_argument("--epochs", type=int, default=12)
    fit.add_argument("--threads", type=int, default=1)
    fit.add_argument("--init", type=Path, help="weights (.pt) to start from")
    fit.add_argument("--max-lr", type=float, default=3e-3)
    fit.add_argument("--init-onnx", type=Path, help="a shipped page_net.onnx to start from")
    fit.add_argument("--real-data", type=Path, nargs="*", default=[], help="files made by the real step")
    fit.add_argument("--real-weight", type=float, default=1.0, help="a real frame's loss over a generated one's")
    args = parser.parse_args()
    if args.short:
        import tempfile

        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "frames.npz"
            make_data(2, out, 0, None)
            print(f"made {len(np.load(out)['images'])} frames of training data")
        return
    if args.step is None:
        parser.error("name a step: data or train")
    if args.step == "data":
        make_data(args.count, args.out, args.start, args.kind, args.background)
    elif args.step == "real":
        count = make_real_data(args.real, args.out, tuple(args.leave_out), args.copies, args.seed)
        print(f"wrote {count} frames to {args.out}")
    else:
        train(args.data, args.out, args.epochs, args.threads, args.init, args.max_lr, args.init_onnx,
              args.real_data, args.real_weight)


if __name__ == "__main__":
    main()
