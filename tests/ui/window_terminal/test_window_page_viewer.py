"""The window terminal's page viewer: a captured page opens fitted to the window, and a helper
zooms in (放大, the + key) to read small print, drags around it, and zooms back out to the whole
page. A real Kivy window under Xvfb at 1920x1080, with the window terminal's own layouts."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from tests.ui.ui_harness import REPO

DRIVER = textwrap.dedent('''
    import json, os, sys
    from pathlib import Path
    out = Path(sys.argv[1]); page = Path(sys.argv[2]).read_bytes()
    from kiosk.ui.common.app_base import prepare_kivy, load_layouts
    prepare_kivy(os.environ["KIVY_HOME"], fullscreen=False, size=(1920, 1080))
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.widget import Widget
    from kiosk.ui.window_terminal.documents_panel import PageViewer

    class ViewerApp(App):
        def build(self):
            load_layouts("window_documents.kv")
            return Widget()

        def on_start(self):
            viewer = PageViewer(title="第 1 页")
            viewer.open()
            viewer.show(page, "image/jpeg", None)
            report, steps = {}, []

            def look(name):
                image = viewer.ids.image
                report[name] = {"zoom": viewer.zoom, "shown": [image.norm_image_size[0], image.norm_image_size[1]]
                                if viewer.zoom == 0 else list(image.size), "texture": list(image.texture.size),
                                "scroll": [viewer.ids.scroller.scroll_x, viewer.ids.scroller.scroll_y]}
                report[name]["shot"] = Window.screenshot(name=str(out / f"{name}.png"))

            def press(widget_id):
                viewer.ids[widget_id].trigger_action(0)

            steps = [lambda: None, lambda: look("fit"), lambda: press("zoom_in"), lambda: press("zoom_in"),
                     lambda: press("zoom_in"), lambda: look("zoomed"),
                     lambda: Window.dispatch("on_key_down", 0, 0, "+", []), lambda: look("zoomed_more"),
                     lambda: setattr(viewer.ids.scroller, "scroll_x", 0.0), lambda: setattr(viewer.ids.scroller, "scroll_y", 1.0),
                     lambda: look("top_left"), lambda: press("zoom_fit"), lambda: look("fit_again")]

            def step(_dt):
                if steps:
                    steps.pop(0)()
                    return
                (out / "result.json").write_text(json.dumps(report))
                self.stop()

            Clock.schedule_interval(step, 0.3)

    ViewerApp().run()
''')


def small_print_page() -> np.ndarray:
    """A page as captured (1700x2400), with a line of 6 px print that no one reads at the fit size."""
    page = np.full((2400, 1700, 3), 250, np.uint8)
    cv2.putText(page, "NOTICE", (200, 300), cv2.FONT_HERSHEY_SIMPLEX, 6, (20, 20, 20), 12)
    for y in range(500, 2300, 40):
        cv2.putText(page, "small print 0123456789 " * 3, (100, y), cv2.FONT_HERSHEY_PLAIN, 0.6, (30, 30, 30), 1)
    return page


def test_helper_zooms_in_to_read_small_print_and_back_to_the_whole_page(xvfb, tmp_path):
    page = tmp_path / "page.jpg"
    cv2.imwrite(str(page), small_print_page(), [cv2.IMWRITE_JPEG_QUALITY, 90])
    script = tmp_path / "viewer_driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(tmp_path), str(page)], env=xvfb, cwd=str(REPO),
                         capture_output=True, text=True, timeout=120)
    assert (tmp_path / "result.json").exists(), run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((tmp_path / "result.json").read_text())

    fit, zoomed, more = report["fit"], report["zoomed"], report["zoomed_more"]
    fit_scale = fit["shown"][1] / fit["texture"][1]
    assert fit["zoom"] == 0 and fit_scale < 0.5  # the whole 2400 px page in a 1080 px screen
    assert zoomed["zoom"] >= 1.0  # three steps of 放大: every page pixel on at least one screen pixel
    assert zoomed["shown"] == [zoomed["texture"][0] * zoomed["zoom"], zoomed["texture"][1] * zoomed["zoom"]]
    assert more["zoom"] > zoomed["zoom"]  # the + key zooms too
    assert report["fit_again"]["zoom"] == 0

    # what the helper sees: zoomed, the page fills the viewer (the print is large); fitted, the
    # whole page stands in the middle with the dark popup on either side
    def page_share(shot: str) -> float:
        grey = np.asarray(Image.open(shot).convert("L"))
        return float((grey[150:900, 100:1800] > 200).mean())

    assert page_share(report["top_left"]["shot"]) > 0.6
    assert page_share(report["fit_again"]["shot"]) < 0.45
