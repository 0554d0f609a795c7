"""The home visits assigned to the signed-in helper (F10), of this hall or another: choose one,
upload the pages photographed at the visit (any camera's JPEG or PNG files, from a folder or a
card), and record what was done. A matter that goes on becomes a proxy case through the case
screens; its number is linked when the report is given."""
from __future__ import annotations

import hashlib
from pathlib import Path

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.popup import Popup

from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainButton

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


class VisitsDialog(Popup):
    message = StringProperty("")
    detail = StringProperty("请在左边选择一次上门服务")
    working = BooleanProperty(False)

    def __init__(self, app, **kwargs):
        super().__init__(title="我的上门服务（含联合上门）", **kwargs)
        self.title_font = font_name_for(self.title)
        self.app_, self.visits, self.chosen = app, [], None
        self.inputs = {"photos": self.ids.photos, "report": self.ids.report}
        self.reload()

    def values(self) -> dict:
        return {"visits": [visit_line(v) for v in self.visits], "chosen": self.chosen and self.chosen["id"]}

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
        self.detail = (f"{visit['citizen']}  {visit['phone']}\n{visit['address']}\n事项：{'、'.join(visit['matters'])}\n"
                       f"上门人员：{helpers}\n已上传照片 {visit['pages']} 张\n{visit['report'] or visit['note']}")

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
        visit_id = self.chosen["id"]

        def reported(visit: dict) -> None:
            self.message = f"已登记：{visit['state_name']}"
            self.ids.report.text = ""
            self.reload()
        self._run(lambda: self.app_.helper_api.report_visit(visit_id, text), reported)


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
