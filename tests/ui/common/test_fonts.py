"""The CJK font chain: common text in WenQuanYi Micro Hei, rare name characters in Noto Sans CJK,
and what Kivy draws for them is a glyph, not the .notdef box."""
from __future__ import annotations

import json
import subprocess
import sys

from kiosk.ui.common.fonts import FontChain, FontMissing, NOTO_SANS_CJK, WQY_MICROHEI, cjk_chain

import pytest

from tests.ui.ui_harness import DRIVERS, REPO


def test_common_text_keeps_the_first_font():
    chain = cjk_chain()
    assert chain.font_for("请 A012 号到 3 号窗口办理").name == "wqy-microhei"
    assert chain.font_for("陈静（帮办员）").name == "wqy-microhei"


def test_a_name_with_a_rare_character_moves_to_the_font_that_has_it():
    chain = cjk_chain()
    assert chain.font_for("刘䶮").name == "noto-sans-cjk"
    assert chain.font_for("3 号窗口  周𠮷（代办员）").name == "noto-sans-cjk"
    assert not chain.default.covers("䶮") and not chain.default.covers("𠮷")
    assert chain.missing("刘䶮周𠮷") == ""


def test_characters_no_font_has_are_named():
    assert cjk_chain().missing("A\U00013000号") == "\U00013000"  # an Egyptian hieroglyph


def test_missing_fonts_are_one_clear_error(tmp_path):
    with pytest.raises(FontMissing) as missing:
        FontChain([("gone", tmp_path / "nothing.ttc")])
    assert "fonts-wqy-microhei" in str(missing.value)


def test_kivy_draws_rare_names_as_glyphs_not_boxes(xvfb, tmp_path):
    subprocess.run([sys.executable, str(DRIVERS / "font_driver.py"), "--out", str(tmp_path), "刘䶮", "周𠮷"],
                   env=xvfb, cwd=str(REPO), check=True, timeout=60)
    report = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    for name in ("刘䶮", "周𠮷"):
        assert report[name]["chosen"] == "noto-sans-cjk"
        assert all(c["chosen_draws_it"] for c in report[name]["chars"].values()), report[name]
    # the comparison does see boxes: the first font alone draws these two as .notdef
    assert report["刘䶮"]["chars"]["䶮"]["wqy-microhei"] is False
    assert report["周𠮷"]["chars"]["𠮷"]["wqy-microhei"] is False
    assert report["刘䶮"]["chars"]["刘"]["wqy-microhei"] is True
    assert WQY_MICROHEI.exists() and NOTO_SANS_CJK.exists()
