"""The fixed Mongolian texts shown beside the Chinese ones, when a hall's language is "mn-zh".

Each entry is keyed by the Chinese text it stands beside, exactly as the screen or the receipt
says it, and gives the traditional Mongolian (Unicode U+1800–U+18AF, with U+202F before suffixes
and U+180E before a detached final vowel, as the standard spells them), its transliteration
(for a reviewer who reads Latin letters), where it came from, and whether it still needs review.

Source: drafted by the bangban developers from standard dictionary forms (Classical Mongolian as
written in Inner Mongolia); NOT yet checked by a native writer. Every entry is marked
review=True until a hall's Mongolian-language office (蒙古语言文字工作部门) has read it: a hall
corrects a text here, sets review=False and notes who checked it in `source`.
A Chinese text with no entry is shown in Chinese alone, never with a blank or a box.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LANGUAGES = {"zh": "仅中文", "mn-zh": "蒙古文与中文"}
DRAFT = "开发者据词典草拟，待审校 (developer's draft from dictionary forms, to be reviewed)"


@dataclass(frozen=True)
class MongolianText:
    mongolian: str
    latin: str  # transliteration, for review
    source: str = DRAFT
    review: bool = True  # True: not yet checked by a native writer


def _t(mongolian: str, latin: str) -> MongolianText:
    return MongolianText(mongolian, latin)


SERVICE = _t("ᠦᠶᠢᠯᠡᠴᠢᠯᠡᠭᠡ", "üyilečilege")
HALL_GENERIC = _t("ᠵᠠᠰᠠᠭ ᠤᠨ ᠠᠯᠪᠠᠨ ᠤ ᠦᠶᠢᠯᠡᠴᠢᠯᠡᠭᠡᠨ ᠦ ᠲᠥᠪ", "ǰasaγ-un alban-u üyilečilegen-ü töb")

# Hall names, for the receipt's and the screens' headings.
HALL_NAMES: dict[str, MongolianText] = {
    "政务服务中心": HALL_GENERIC,
    "示范县政务服务中心": _t("ᠵᠢᠱᠢᠶ᠎ᠡ ᠰᠢᠶᠠᠨ ᠤ ᠵᠠᠰᠠᠭ ᠤᠨ ᠠᠯᠪᠠᠨ ᠤ ᠦᠶᠢᠯᠡᠴᠢᠯᠡᠭᠡᠨ ᠦ ᠲᠥᠪ",
                           "ǰišiy-e siyan-u ǰasaγ-un alban-u üyilečilegen-ü töb"),
}

# The receipt's fixed texts (devices/printer/templates.py says the Chinese).
RECEIPT: dict[str, MongolianText] = {
    "排队凭条": _t("ᠵᠢᠭᠰᠠᠬᠤ ᠲᠠᠰᠤᠯᠪᠤᠷ", "ǰiγsaqu tasulbur"),
    "本厅帮办代办服务全程免费，不收取任何费用。": _t(
        "ᠲᠤᠰᠠᠯᠠᠮᠵᠢ ᠶᠢᠨ ᠦᠶᠢᠯᠡᠴᠢᠯᠡᠭᠡ ᠪᠦᠬᠦ ᠳᠠᠶᠠᠭᠠᠷ ᠦᠨᠡ ᠲᠥᠯᠥᠪᠦᠷᠢ ᠦᠭᠡᠢ",
        "tusalamǰi-yin üyilečilege bükü dayaγar üne tölöbüri ügei"),
    "一次性告知": _t("ᠮᠡᠳᠡᠭᠳᠡᠯ", "medegdel"),
    "监督投诉电话": _t("ᠭᠣᠮᠳᠠᠯ ᠮᠡᠳᠡᠭᠦᠯᠬᠦ ᠤᠲᠠᠰᠤ", "gomdal medegülkü utasu"),
}

# The kiosk's screens and buttons, and the hall display.
SCREENS: dict[str, MongolianText] = {
    "帮办": _t("ᠲᠤᠰᠠᠯᠠᠮᠵᠢ", "tusalamǰi"),
    "代办": _t("ᠣᠷᠣᠯᠠᠨ ᠪᠠᠷᠢᠬᠤ", "orolan bariqu"),
    "咨询": _t("ᠯᠠᠪᠯᠠᠬᠤ", "lablaqu"),
    "您要办的事属于哪一类？": _t("ᠬᠡᠷᠡᠭ ᠦᠨ ᠲᠥᠷᠥᠯ", "kereg-ün töröl"),
    "请选择要办理的事项": _t("ᠠᠯᠪᠠᠨ ᠬᠡᠷᠡᠭ", "alban kereg"),
    "办理须知（一次性告知）": _t("ᠮᠡᠳᠡᠭᠳᠡᠯ", "medegdel"),
    "我知道了，下一步": _t("ᠳᠠᠷᠠᠭᠠᠴᠢ ᠠᠯᠬᠤᠮ", "daraγači alqum"),
    "确认取号": _t("ᠳ᠋ᠤᠭᠠᠷ ᠠᠪᠬᠤ", "d(FVS1)uγar abqu"),
    "取号成功": _t("ᠳ᠋ᠤᠭᠠᠷ ᠠᠪᠤᠯ᠎ᠠ", "d(FVS1)uγar abul-a"),
    "完成，回到首页": _t("ᠲᠡᠷᠢᠭᠦᠨ ᠨᠢᠭᠤᠷ", "terigün niγur"),
    "返回上一步": _t("ᠪᠤᠴᠠᠬᠤ", "bučaqu"),
    "回到首页": _t("ᠲᠡᠷᠢᠭᠦᠨ ᠨᠢᠭᠤᠷ", "terigün niγur"),
    "正在叫号": _t("ᠳᠠᠭᠤᠳᠠᠵᠤ ᠪᠠᠶᠢᠨ᠎ᠠ", "daγudaǰu bayin-a"),
    "号码": _t("ᠳ᠋ᠤᠭᠠᠷ", "d(FVS1)uγar"),
    "窗口": _t("ᠴᠣᠩᠬᠣ", "čongqo"),
    "等候人数": _t("ᠬᠦᠯᠢᠶᠡᠵᠦ ᠪᠠᠶᠢᠭ᠎ᠠ", "küliyeǰü bayiγ-a"),
}
# Matters' Mongolian names, by their Chinese names: the catalogue answers them as a matter's name_mn
# (a few of the demo hall's; a hall adds its own here).
MATTER_NAMES: dict[str, MongolianText] = {
    "企业设立登记": _t("ᠠᠵᠤ ᠠᠬᠤᠢ ᠶᠢᠨ ᠪᠠᠶᠢᠭᠤᠯᠤᠯᠲᠠ ᠶᠢᠨ ᠪᠦᠷᠢᠳᠭᠡᠯ", "aǰu aqui-yin bayiγululta-yin büridgel"),
    "企业名称自主申报": _t("ᠠᠵᠤ ᠠᠬᠤᠢ ᠶᠢᠨ ᠨᠡᠷᠡ ᠶᠢ ᠥᠪᠡᠷ ᠢᠶᠡᠨ ᠮᠡᠳᠡᠭᠦᠯᠬᠦ", "aǰu aqui-yin nere-yi öber-iyen medegülkü"),
    "城镇职工养老保险参保登记": _t("ᠬᠣᠲᠠ ᠪᠠᠯᠭᠠᠰᠤᠨ ᠤ ᠠᠵᠢᠯᠴᠢᠳ ᠤᠨ ᠲᠡᠳᠬᠦᠪᠦᠷᠢ ᠶᠢᠨ ᠳᠠᠭᠠᠲᠬᠠᠯ ᠤᠨ ᠪᠦᠷᠢᠳᠭᠡᠯ",
                               "qota balγasun-u aǰilčid-un tedkübüri-yin daγatqal-un büridgel"),
}
WELCOME = _t("ᠲᠠᠪᠲᠠᠢ ᠮᠣᠷᠢᠯᠠᠨ᠎ᠠ ᠤᠤ", "tabtai morilan-a uu")
PERSONS = _t("ᠬᠦᠮᠦᠨ", "kümün")

# Texts that carry a number or a name: (pattern on the Chinese, how the Mongolian is made).
_PATTERNS: list[tuple[re.Pattern, callable]] = [
    # U+00A0: the number and its word stay in one column
    (re.compile(r"请到 (\d+) 号窗口"), lambda m: f"{m[1]}\u00a0{SCREENS['窗口'].mongolian}"),
    (re.compile(r"(\d+) 号窗口"), lambda m: f"{m[1]}\u00a0{SCREENS['窗口'].mongolian}"),
    (re.compile(r"欢迎来到(.+)"), lambda m: " ".join(filter(None, (WELCOME.mongolian, hall_name_mn(m[1]))))),
]
_MARKUP = re.compile(r"\[/?(?:size|b|i|color|font)[^\]]*\]")


def hall_name_mn(hall_name: str) -> str:
    entry = HALL_NAMES.get(hall_name.strip())
    return entry.mongolian if entry else ""


def matter_name_mn(name: str) -> str | None:
    entry = MATTER_NAMES.get(name.strip())
    return entry.mongolian if entry else None


def receipt_words(hall_name: str, complaint_line: str) -> dict[str, str]:
    """The receipt's Chinese lines -> their Mongolian, for the lines that have one."""
    words = {chinese: entry.mongolian for chinese, entry in RECEIPT.items() if chinese != "监督投诉电话"}
    if hall_name_mn(hall_name):
        words[hall_name] = hall_name_mn(hall_name)
    words[complaint_line] = RECEIPT["监督投诉电话"].mongolian
    return words


def mongolian_for(chinese: str) -> str:
    """The Mongolian shown beside a screen's Chinese text; "" when there is none (Chinese alone).
    A button's first line (its title) is what is looked up, without Kivy markup."""
    plain = _MARKUP.sub("", chinese or "").strip()
    titled = plain.count("\n") <= 1  # a button's title over its hint; not a paragraph's first line
    for text in (plain, plain.split("\n")[0].strip()) if titled else (plain,):
        entry = SCREENS.get(text) or HALL_NAMES.get(text)
        if entry:
            return entry.mongolian
    for pattern, make in _PATTERNS:
        if m := pattern.fullmatch(plain):
            return make(m)
    return ""


def needing_review() -> list[str]:
    """The Chinese texts whose Mongolian has not been checked yet (doctor lists how many)."""
    every = {**HALL_NAMES, **RECEIPT, **SCREENS, **MATTER_NAMES, "欢迎来到": WELCOME, "人": PERSONS}
    return [chinese for chinese, entry in every.items() if entry.review]
