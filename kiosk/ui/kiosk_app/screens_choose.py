"""The first half of a visit: the service, the category, the matter (grid or search), the
one-time notice and the priority group. Each screen fills itself from app.flow and
app.catalog, and tells the app what was chosen; the app decides where to go next."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.domain.hall_setup import CATEGORY_HINTS, CATEGORY_NAMES, SERVICE_TYPE_HINTS, SERVICE_TYPE_NAMES
from kiosk.domain.queue_policy import PRIORITY_GROUPS_SAID

from .flow import PRIORITY_GROUPS, matters_for
from .screen_base import KioskScreen, PagedChoices

# words people look for, offered as keys next to the letters (only those in the catalogue are shown)
SEARCH_WORDS = ("企业", "登记", "许可", "备案", "变更", "注销", "社保", "医保", "养老", "退休", "户口",
                "纳税", "发票", "施工", "证明", "公积")  # two characters: eight fit a landscape row
KEY_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


def two_lines(title: str, hint: str, size: float) -> str:
    return f"[size={int(size)}][b]{title}[/b][/size]\n{hint}"


class WelcomeScreen(KioskScreen):
    prompt = "您好，请选择帮办、代办，还是咨询。"

    def choose(self, service_type: str) -> None:
        self.app.choose_service(service_type)

    def labels(self, title_size: float) -> dict[str, str]:
        return {k: two_lines(v, SERVICE_TYPE_HINTS[k], title_size * 1.6) for k, v in SERVICE_TYPE_NAMES.items()}


class CategoryScreen(PagedChoices):
    prompt = "请选择事项的类别。"

    def per_page(self) -> int:
        return 3

    def choices(self):
        sz = self.app.sz
        return [(two_lines(name, CATEGORY_HINTS[key], sz.title), lambda k=key: self.app.choose_category(k))
                for key, name in CATEGORY_NAMES.items()]


class SearchKeyboard(BoxLayout):
    """The on-screen keyboard. Closed, it takes no touch: its keys keep their size in a box of no
    height and lie over the page buttons, and a disabled widget swallows the touches it covers."""

    shown = BooleanProperty(False)

    def on_touch_down(self, touch):
        return super().on_touch_down(touch) if self.shown else False


class MatterScreen(PagedChoices):
    prompt = "请点选您要办的事项，也可以点搜索，按拼音首字母查找。"
    search_text = StringProperty("")
    keyboard_open = BooleanProperty(False)

    def per_page(self) -> int:
        if self.keyboard_open:
            return 4 if self.app.portrait else (1 if self.app.elder else 2)
        return super().per_page()

    def matters(self) -> list[dict]:
        found = self.app.search_results if self.search_text else None
        allowed = matters_for(self.app.catalog.get("matters", []), self.app.flow)
        if found is None:
            return allowed
        ids = {m["id"] for m in found}
        return [m for m in allowed if m["id"] in ids]

    def choices(self):
        return [(m["name"] + (f"  [size={int(self.app.sz.text_small)}]★高频[/size]" if m.get("high_frequency") else ""),
                 lambda m=m: self.app.choose_matter(m)) for m in self.matters()]

    def refresh(self) -> None:
        super().refresh()
        if not self.matters():
            self.message = ("没有找到“" + self.search_text + "”相关的事项，请换个字或清空再试；也可以点“不清楚事项，直接排队”。"
                            if self.search_text else "这一类暂无可选事项，请返回选择其他类别，或点“不清楚事项，直接排队”。")
        elif self.message.startswith("没有找到") or self.message.startswith("这一类"):
            self.message = ""
        words = self.ids.get("words")
        if words is not None and not words.children:
            self.fill_keyboard()

    def fill_keyboard(self) -> None:
        from kivy.factory import Factory

        names = "".join(m["name"] for m in self.app.catalog.get("matters", []))
        for word in [w for w in SEARCH_WORDS if w in names][:8]:
            key = Factory.KeyButton(text=word)
            key.bind(on_release=lambda _k, w=word: self.key(w))
            self.ids.words.add_widget(key)
        for row_id, row in zip(("row1", "row2", "row3"), KEY_ROWS):
            for letter in row:
                key = Factory.KeyButton(text=letter)
                key.bind(on_release=lambda _k, ch=letter: self.key(ch.lower()))
                self.ids[row_id].add_widget(key)

    def toggle_keyboard(self) -> None:
        self.keyboard_open = not self.keyboard_open
        self.page = 0
        self.refresh()

    def key(self, text: str) -> None:
        if text == "back":
            self.search_text = self.search_text[:-1]
        elif text == "clear":
            self.search_text = ""
        elif len(self.search_text) < 12:
            self.search_text += text
        self.page = 0
        self.app.search(self.search_text)

    def not_sure(self) -> None:
        self.app.choose_general_queue()

    def reset(self) -> None:
        super().reset()
        self.search_text = ""
        self.keyboard_open = False


class NoticeScreen(KioskScreen):
    prompt = "这是办理这个事项需要的材料和流程，请看清楚。需要的话，可以把材料清单打印出来。"
    notice_text = StringProperty("")
    print_list = BooleanProperty(False)

    def refresh(self) -> None:
        matter = self.app.flow.matter or {}
        self.print_list = self.app.flow.print_materials
        self.notice_text = notice_markup(matter, self.app.sz.text_large) if matter else ""
        Clock.schedule_once(lambda _dt: setattr(self.ids.scroll, "scroll_y", 1), 0)

    def set_print_list(self, value: bool) -> None:
        self.app.flow.print_materials = value
        self.print_list = value


def notice_markup(matter: dict, heading: float) -> str:
    """一次性告知: everything at once, in the order the seed lists it."""
    h = int(heading)
    materials = matter.get("materials") or []
    steps = matter.get("steps") or []
    lines = [f"[size={h}][b]{matter['name']}[/b][/size]",
             f"办理部门：{matter.get('department') or '—'}",
             f"承诺时限：{matter.get('time_limit_days')} 个工作日",
             "", f"[b]需要带齐的材料（共 {len(materials)} 项）[/b]"]
    lines += [f"  {i}. {item}" for i, item in enumerate(materials, 1)]
    lines += ["", "[b]办理流程[/b]", "  " + " → ".join(steps)]
    lines += ["", f"[b]办理地点[/b]：{matter.get('address') or '本中心'}",
              f"[b]咨询电话[/b]：{matter.get('phone') or '—'}"]
    if matter.get("proxy_allowed"):
        lines.append("本事项可以代办：工作人员可替您跑腿，全程免费。")
    return "\n".join(lines)


class PriorityScreen(PagedChoices):
    prompt = f"您是{PRIORITY_GROUPS_SAID}吗？是的话可以优先办理。都不是，请点“都不是”。"

    def choices(self):
        none = [("都不是，正常排队", lambda: self.app.choose_priority(None))]
        return none + [(f"我是{name}" if key not in ("key_project",) else "重点项目", lambda k=key: self.app.choose_priority(k))
                       for key, name in PRIORITY_GROUPS.items()]
