"""The fixed Mongolian texts: one file, each with its source and review mark; lookups by the Chinese."""
import re

from kiosk.domain import words_mn
from kiosk.domain.words_mn import matter_name_mn, mongolian_for, needing_review, receipt_words

MONGOLIAN_TEXT = re.compile("[\u1800-\u18af\u202f ]+")


def every_entry():
    return {**words_mn.HALL_NAMES, **words_mn.RECEIPT, **words_mn.SCREENS, **words_mn.MATTER_NAMES,
            "欢迎来到": words_mn.WELCOME, "人": words_mn.PERSONS}


def test_every_text_is_traditional_mongolian_with_its_source_and_review_mark():
    for chinese, entry in every_entry().items():
        assert MONGOLIAN_TEXT.fullmatch(entry.mongolian), chinese
        assert entry.latin and entry.source, chinese
        assert "  " not in entry.mongolian and " \u202f" not in entry.mongolian, chinese  # a suffix follows its word
    assert set(needing_review()) == {c for c, e in every_entry().items() if e.review}


def test_a_screen_text_finds_its_mongolian_and_an_unknown_one_none():
    assert mongolian_for("[size=64][b]帮办[/b][/size]\n工作人员陪您办") == words_mn.SCREENS["帮办"].mongolian
    assert mongolian_for("请到 3 号窗口") == "3\u00a0" + words_mn.SCREENS["窗口"].mongolian
    assert mongolian_for("欢迎来到示范县政务服务中心").endswith(words_mn.HALL_NAMES["示范县政务服务中心"].mongolian)
    assert mongolian_for("欢迎来到某某中心") == words_mn.WELCOME.mongolian  # a hall with no Mongolian name
    assert mongolian_for("打印材料清单") == "" and mongolian_for("") == ""
    assert mongolian_for("帮办\n第二行\n第三行") == ""  # a paragraph is not a button's title


def test_the_receipt_words_and_matter_names():
    words = receipt_words("示范县政务服务中心", "监督投诉电话：12345")
    assert set(words) == {"示范县政务服务中心", "排队凭条", "一次性告知", "本厅帮办代办服务全程免费，不收取任何费用。",
                          "监督投诉电话：12345"}
    assert "某某中心" not in receipt_words("某某中心", "监督投诉电话：12345")  # no name: the Chinese alone
    assert matter_name_mn("企业设立登记") and matter_name_mn("公章刻制备案") is None
