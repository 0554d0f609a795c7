"""The day's bookings at the window (F9), and a booking made for a citizen on the telephone or at
the counter: a matter, one of its free slots, a name and a phone number, and the priority group
(老弱病残孕…) when the citizen says so, which the ticket at check-in carries. A booking of the day
chosen from the list is cancelled, or moved to the slot chosen on the right (every change is
audited by the server). Network calls run on the app's background worker; results come back on
the UI thread."""
from __future__ import annotations

import uuid

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.popup import Popup

from kiosk.domain.booking_rules import BOOKING_STATES
from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES
from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainButton, ChainToggleButton

from .dialog_parts import run_working

KEY = 290  # F9


NO_PRIORITY = "不属优先人群"
PRIORITY_CHOICES = {f"优先：{name}": key for key, name in PRIORITY_GROUP_NAMES.items()}


def booking_line(b: dict) -> str:
    ticket = f" · {b['ticket_number']}" if b.get("ticket_number") else ""
    group = f" ★{PRIORITY_GROUP_NAMES[b['priority_group']]}" if b.get("priority_group") in PRIORITY_GROUP_NAMES else ""
    return (f"{b['start']}–{b['end']}  {b['matter']}  {b['name']} {b['phone']}{group}  "
            f"【{BOOKING_STATES[b['state']]}】 预约码 {b.get('code') or '—'}{ticket}")


class BookingsDialog(Popup):
    message = StringProperty("")
    listing = StringProperty("")
    working = BooleanProperty(False)
    chosen_id = NumericProperty(0)  # the booking of the list chosen to cancel or move

    def __init__(self, app, **kwargs):
        super().__init__(title="今日预约 · 为群众登记预约（电话或窗口）", **kwargs)
        self.title_font = font_name_for(self.title)
        self.app_, self.slot, self.key = app, None, uuid.uuid4().hex
        self.names = {m["name"]: m["id"] for m in app.matters.values()}
        self.inputs = {"matter": self.ids.matter, "name": self.ids.name, "phone": self.ids.phone,
                       "priority": self.ids.priority}
        self.ids.matter.values = list(self.names)
        self.ids.priority.values = [NO_PRIORITY, *PRIORITY_CHOICES]
        self.ids.matter.bind(text=lambda _s, text: self.load_slots(text))
        self.bookings: list[dict] = []
        self.reload()

    def values(self) -> dict:
        return {"bookings": [booking_line(b) for b in self.bookings], "slot": self.slot, "chosen": self.chosen_id,
                "slots": [b.text for b in self.ids.choices.children[::-1]]}

    def _run(self, work, done) -> None:
        run_working(self, work, done)

    def reload(self) -> None:
        def shown(listing: dict) -> None:
            self.bookings, self.chosen_id = listing["bookings"], 0
            self.listing = f"今日预约 {len(self.bookings)} 个（点选一个可取消或改约）" if self.bookings else "今天没有预约"
            box = self.ids.day_list
            box.clear_widgets()
            for index, b in enumerate(self.bookings):
                button = ChainToggleButton(text=booking_line(b), group=f"day-{id(self)}", font_size=THEME.text_small,
                                           halign="left", size_hint_y=None, height=THEME.touch * 1.3)
                button.bind(width=lambda w, width: setattr(w, "text_size", (width - THEME.gap, None)))
                button.bind(on_release=lambda btn, b=b: self.choose_booking(b, btn))
                self.ids[f"booking_{index}"] = button
                box.add_widget(button)
        self._run(lambda: self.app_.helper_api.day_bookings(), shown)

    def choose_booking(self, booking: dict, button) -> None:
        self.chosen_id, button.state = booking["id"], "down"
        for other in self.ids.day_list.children:  # the chosen one marked in words too, not by its shade alone
            other.text = ("● " if other is button else "") + other.text.removeprefix("● ")
        self.message = f"已选：{booking['name']} {booking['start']}（可取消，或在右边选时段后改约）"

    def cancel(self) -> None:
        booking_id = self.chosen_id

        def cancelled(b: dict) -> None:
            self.message = f"已取消：{b['name']} {b['day']} {b['start']}"
            self.reload()
        if booking_id:
            self._run(lambda: self.app_.helper_api.cancel_booking(booking_id), cancelled)

    def move(self) -> None:
        booking_id, slot = self.chosen_id, self.slot
        if not booking_id or slot is None:
            self.message = "请先在左边选一个预约，在右边选新的时段"
            return

        def moved(b: dict) -> None:
            self.message = f"已改约：{b['name']} 改到 {b['day']} {b['start']}"
            self.load_slots(self.ids.matter.text)
            self.reload()
        self._run(lambda: self.app_.helper_api.move_booking(booking_id, slot["day"], slot["start"]), moved)

    def load_slots(self, matter_name: str) -> None:
        matter_id = self.names.get(matter_name)
        self.slot, grid = None, self.ids.choices
        grid.clear_widgets()
        if matter_id is None:
            return

        def shown(slots: list[dict]) -> None:
            for s in [s for s in slots if s["free"]][:40]:
                button = ChainButton(text=f"{s['day'][5:]} {s['start']}–{s['end']} {s['kind_name']} 余{s['free']}",
                                     font_size=THEME.text_small, background_normal="",
                                     background_color=THEME.button, color=THEME.button_ink)
                button.bind(on_release=lambda _b, s=s: self.choose_slot(s))
                grid.add_widget(button)
            if not grid.children:
                self.message = "该事项近期没有可预约的时段（请在监督页面设置预约时段）"
        self._run(lambda: self.app_.helper_api.booking_slots(matter_id), shown)

    def choose_slot(self, slot: dict) -> None:
        self.slot = slot
        self.message = f"已选时段：{slot['day']} {slot['start']}–{slot['end']}"

    def book(self) -> None:
        matter_id = self.names.get(self.ids.matter.text)
        if matter_id is None or self.slot is None:
            self.message = "请先选择事项和时段"
            return
        slot, name, phone, key = self.slot, self.ids.name.text.strip(), self.ids.phone.text.strip(), self.key
        group = PRIORITY_CHOICES.get(self.ids.priority.text)

        def booked(b: dict) -> None:
            self.message = f"已预约：{b['name']} {b['day']} {b['start']}，预约码 {b['code']}（请告诉群众）"
            self.key, self.ids.name.text, self.ids.phone.text = uuid.uuid4().hex, "", ""
            self.ids.priority.text = NO_PRIORITY
            self.load_slots(self.ids.matter.text)
            self.reload()
        self._run(lambda: self.app_.helper_api.book(matter_id=matter_id, day=slot["day"], start=slot["start"],
                                                    name=name, phone=phone, priority_group=group,
                                                    idempotency_key=key), booked)
