"""The demo's document camera: a folder of stills the size a real 高拍仪 takes (8 MP), so the
page a helper opens at the window is as readable as a real one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from .scenes import make_scene

DEMO_STILL_SIZE = (3264, 2448)  # width, height: an 8 MP document camera, the smallest common kind
DEMO_PAGES = (("a4_text", "wood"), ("certificate", "dark"), ("a4_form", "light_grey"))


def write_demo_stills(folder: Path) -> list[Path]:
    """The demo's stills in `folder` (made once; stills of another size left by an older demo are replaced).

    Each appears whole or not at all (written aside, then renamed): the camera simulator
    reading the folder meanwhile sees no camera, or fewer stills, never half a JPEG.
    """
    folder.mkdir(parents=True, exist_ok=True)
    w, h = DEMO_STILL_SIZE
    paths = [folder / f"page{n}-{w}x{h}.jpg" for n in range(len(DEMO_PAGES))]
    for old in folder.glob("page*.jpg"):
        if old not in paths:
            old.unlink()
    for n, (path, (kind, background)) in enumerate(zip(paths, DEMO_PAGES)):
        if not path.exists():
            scene = make_scene(np.random.default_rng(n), size=DEMO_STILL_SIZE, kind=kind, background=background)
            ok, data = cv2.imencode(".jpg", scene.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
            aside = path.with_name(path.name + ".part")
            aside.write_bytes(data.tobytes())
            os.replace(aside, path)
    return paths


def prepare_demo_stills(folder: Path) -> subprocess.Popen:
    """write_demo_stills in a process of its own: drawing 8 MP scenes takes seconds the first
    time, and the demo's windows need not wait for them (the camera shows as connecting until
    then). A process, not a thread: the demo may end mid-drawing, and ending it is then clean."""
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "kiosk.demo_camera.stills", str(folder)])


if __name__ == "__main__":
    write_demo_stills(Path(sys.argv[1]))
