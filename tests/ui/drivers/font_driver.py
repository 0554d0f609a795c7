"""Renders texts with Kivy's own text provider and reports, per character, whether the glyph
drawn differs from the font's .notdef box. Prints nothing; writes OUT/result.json."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver_io import DriverIO  # noqa: E402

NOT_A_CHARACTER = "\U0010FFFD"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("texts", nargs="+")
    args = p.parse_args()
    io = DriverIO(Path(args.out))

    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(os.environ["KIVY_HOME"], fullscreen=False, size=(400, 300))  # set by the test
    from kivy.core.text import Label as CoreLabel
    from kivy.core.window import Window  # noqa: F401  (a GL context for textures)

    from kiosk.ui.common.fonts import cjk_chain

    def pixels(text: str, font: str) -> bytes:
        label = CoreLabel(text=text, font_name=font, font_size=48)
        label.refresh()
        return bytes(label.texture.pixels)

    chain = cjk_chain()
    report = {}
    for text in args.texts:
        chosen = chain.font_for(text).name
        report[text] = {"chosen": chosen, "chars": {}}
        for ch in text:
            report[text]["chars"][ch] = {
                font.name: pixels(ch, font.name) != pixels(NOT_A_CHARACTER, font.name) for font in chain.fonts}
            report[text]["chars"][ch]["chosen_draws_it"] = report[text]["chars"][ch][chosen]
    io.result(report)


if __name__ == "__main__":
    main()
