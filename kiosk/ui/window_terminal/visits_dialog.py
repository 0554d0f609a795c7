"""The home visits assigned to the signed-in helper (F10), of this hall or another: choose one,
upload the pages photographed at the visit (any camera's JPEG or PNG files, from a folder or a
card), and record what was done. A matter that goes on becomes a proxy case: opened here for the
visit (the entrust form, prefilled with the citizen and the matter), or one of the helper's open
cases chosen; the case is linked when the report is given."""
from __future__ import annotations

import hashlib
from pathlib import Path

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.popup import Popup

from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainButton

from .case_dialogs import CaseFormDialog
from .case_entrust import checked_entrustment, entrust_fields
from .dialog_parts import run_working

KEY = 291  # F10
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def photos_in(text: str) -> list[Path]:
    """The photos a path names: the file itself, or a folder's JPEG and PNG files in name order."""
    path = Path(text.strip()).expanduser()
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in PHOTO_TYPES)
    return [path] if path.is_file() and path.suffix.lower() in PHOTO_TYPES else []


def visit_line(v: dict) -> str:
    when = (v["scheduled_at"] or v["proposed_at"])[:16].replace("T", " ")
    late = "【已逾期】" if v["overdue"] else ""
    return f"{late}{when} {v['citizen']} · {v['reason_name']} · {v['state_name']}\n{v['address']}"


NO_CASE = "不关联代办件"


def case_line(c: dict) -> str:
    return f"{c['number'] or '待受理'} {c['applicant']} · {c['matter']} · {c['state_name']}"


class VisitsDialog(Popup):
    message = StringProperty("")
    detail = StringProperty("请在左边选择一次上门服务")
    working = BooleanProperty(False)

    def __init__(self, app, **kwargs):
        super().__init__(title="我的上门服务（含联合上门）", **kwargs)
        self.title_font = font_name_for(self.title)
        self.app_, self.visits, self.chosen = app, [], None
        self.cases: dict[str, int] = {}  # the helper's open cases, by their line in the choice
        self.inputs = {"photos": self.ids.photos, "report": self.ids.report, "case": self.ids.case}
        self.reload()
        self.load_cases()

    def values(self) -> dict:
        return {"visits": [visit_line(v) for v in self.visits], "chosen": self.chosen and self.chosen["id"],
                "cases": list(self.cases), "case": self.ids.case.text}

    def load_cases(self, chosen_id: int | None = None) -> None:
        """The helper's open cases to link; ``chosen_id``: the one to show as chosen (just opened)."""
        def shown(cases: list[dict]) -> None:
            self.cases = {case_line(c): c["id"] for c in cases}
            self.ids.case.values = [NO_CASE, *self.cases]
            line = next((k for k, v in self.cases.items() if v == chosen_id), None)
            if line is not None:
                self.ids.case.text = line
        self._run(lambda: self.app_.helper_api.list_cases(active=True, mine=True), shown)

    def new_case(self) -> None:
        """The entrust form for the chosen visit's citizen and matter; the case opened is chosen."""
        if self.chosen is None:
            self.message = "请先选择一次上门服务"
            return
        visit, api = self.chosen, self.app_.helper_api
        matter = next(iter(visit["matter_ids"]), None)
        fields = entrust_fields(list(self.app_.matters.values()), {"phone": visit["phone"], "matter_id": matter},
                                visit["citizen"])

        def submit(values: dict) -> list[str] | None:
            body, items, problems = checked_entrustment(values)
            if problems:
                return problems

            def work() -> dict:
                case = api.open_case(**body)
                for item in items:
                    api.add_case_item(case["id"], "received", item.name, copies=item.copies, original=item.original)
                return case

            def opened(case: dict) -> None:
                self.message = f"已为本次上门开代办件（{case['applicant']} · {case['matter']}），登记办理情况时一并关联"
                self.load_cases(chosen_id=case["id"])
            self._run(work, opened)
            return None

        dialog = CaseFormDialog("为本次上门开代办件（代办服务委托书）", fields, submit,
                                submit_text="登记委托", note=f"上门服务：{visit['citizen']}，{visit['address']}")
        dialog.open()

    def _run(self, work, done) -> None:
        run_working(self, work, done)

    def reload(self) -> None:
        def shown(visits: list[dict]) -> None:
            self.visits = visits
            grid = self.ids.choices
            grid.clear_widgets()
            for v in visits:
                button = ChainButton(text=visit_line(v), font_size=THEME.text_small, halign="center",
                                     background_normal="", background_color=THEME.button, color=THEME.button_ink)
                button.bind(on_release=lambda _b, v=v: self.choose(v))
                grid.add_widget(button)
            if self.chosen:
                self.choose(next((v for v in visits if v["id"] == self.chosen["id"]), None))
            elif not visits:
                self.detail = "没有安排给您的上门服务"
        self._run(self.app_.helper_api.my_visits, shown)

    def choose(self, visit: dict | None) -> None:
        self.chosen = visit
        if visit is None:
            return
        helpers = "、".join(f"{h['name']}（{h['hall']}）" for h in visit["helpers"])
        case = "\n已关联代办件" if visit.get("case_id") else ""
        self.detail = (f"{visit['citizen']}  {visit['phone']}\n{visit['address']}\n事项：{'、'.join(visit['matters'])}\n"
                       f"上门人员：{helpers}\n已上传照片 {visit['pages']} 张{case}\n{visit['report'] or visit['note']}")

    def upload(self) -> None:
        if self.chosen is None:
            self.message = "请先选择一次上门服务"
            return
        found, visit_id = photos_in(self.ids.photos.text), self.chosen["id"]
        if not found:
            self.message = "没有找到照片：请填写照片文件或所在文件夹（JPG、PNG）"
            return

        def send() -> int:
            for path in found:
                data = path.read_bytes()
                self.app_.helper_api.upload_visit_page(visit_id, data, PHOTO_TYPES[path.suffix.lower()],
                                                       hashlib.sha256(data).hexdigest()[:40])
            return len(found)

        def sent(count: int) -> None:
            self.message = f"已上传 {count} 张照片"
            self.reload()
        self._run(send, sent)

    def report(self) -> None:
        text = self.ids.report.text.strip()
        if self.chosen is None or not text:
            self.message = "请先选择一次上门服务，并填写办理情况"
            return
        visit_id, case_id = self.chosen["id"], self.cases.get(self.ids.case.text)

        def reported(visit: dict) -> None:
            linked = "，已关联代办件" if visit.get("case_id") else ""
            self.message = f"已登记：{visit['state_name']}{linked}"
            self.ids.report.text, self.ids.case.text = "", NO_CASE
            self.reload()
        self._run(lambda: self.app_.helper_api.report_visit(visit_id, text, case_id), reported)


def open_for_key(app, key: int) -> bool:
    """F9 and F10 on the serve screen open the bookings and the visits."""
    from .bookings_dialog import KEY as BOOKINGS_KEY, BookingsDialog

    dialogs = {BOOKINGS_KEY: BookingsDialog, KEY: VisitsDialog}
    if key not in dialogs or app.helper_api is None:
        return False
    dialog = dialogs[key](app)
    app.serve_screen.dialog_open = True
    dialog.bind(on_dismiss=lambda *_a: setattr(app.serve_screen, "dialog_open", False))
    dialog.open()
    return True
