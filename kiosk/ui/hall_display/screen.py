"""The hall display's one screen: draws a HallBoard. Layout in layouts/display_hall.kv."""
from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainLabel

from kiosk.domain.roles import role_name

from .board import Call, HallBoard

DEFAULT_NOTICE = "帮办代办服务全程免费 · 老弱病残孕、军人等特殊群体优先办理 · 请留意叫号，过号请到引导台重新取号"


POSTED_SHOWN = 12
NOTICE_SPEED = 0.075  # the notice moves this share of the screen's height a second (81 px/s at 1080)
NOTICE_FPS = 30  # its moves a second where frames are cheap
CHEAP_FRAME_S = 0.02  # a frame drawn by a GPU, with the loop's own wait for the next frame (up to 1/60 s)
NOTICE_SHARE = 0.25  # elsewhere, of the display's time its moves may take
NOTICE_SLOWEST_S = 0.5


def notice_step_s(frame_s: float) -> float:
    """Seconds between two moves of the scrolling notice, for frames that take ``frame_s`` to draw.

    Every move redraws the whole screen. A display box drawing in software (no GPU) takes 30 to
    130 ms a 1080p frame (measured under Xvfb): 30 moves a second kept a core busy all day, and a
    call waited behind the notice's frames, longest when the box had other work. There the
    notice moves in fewer, longer steps at the same speed."""
    if frame_s <= CHEAP_FRAME_S:
        return 1 / NOTICE_FPS
    return min(NOTICE_SLOWEST_S, frame_s / NOTICE_SHARE)


def with_posted_staff(notice: str, staff: list[dict]) -> str:
    """The scrolling notice with the hall's staff posted after it (公示, seed 004: 人员名单、所在单位
    及联系方式)."""
    if not staff:
        return notice
    shown = staff[:POSTED_SHOWN]  # one line of text: its texture must stay within what a display's GPU takes
    people = "；".join(f"{s['name']}（{role_name(s['role'])}，{s['unit']}，{s['phone'] or '—'}）" for s in shown)
    more = f"等 {len(staff)} 人，详见帮办代办专区公示栏" if len(staff) > len(shown) else ""
    return f"{notice} · 帮办代办人员公示：{people}{more}"


def text_units(text: str) -> float:
    """A line's width in font sizes: a Chinese character is one, a Latin one or a space about half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text) or 1.0


class HallScreen(BoxLayout):
    connected = BooleanProperty(False)
    hall_title = StringProperty("帮办代办 · 叫号信息")
    clock_text = StringProperty("")
    latest_caption = StringProperty("正在叫号")
    latest_number = StringProperty("")
    latest_window_text = StringProperty("")
    notice = StringProperty(DEFAULT_NOTICE)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hall_zone = None  # unknown until the server has said the hall's
        self._blink = None  # the Clock event of a blink under way
        self._staff_shown: tuple = ()
        self._frame_s = 0.0  # what a frame with the notice moved took, smoothed
        self._moved_at: float | None = None
        Clock.schedule_interval(self._tick, 1.0)
        Clock.schedule_once(self._scroll_notice, 1 / NOTICE_FPS)
        from kivy.core.window import Window  # made by the app before any screen

        Window.fbind("on_flip", self._drawn)
        self._tick(0)

    def show(self, board: HallBoard, *, new_call: Call | None = None) -> None:
        self.connected = board.connected
        latest = board.latest
        if latest is None:
            self.latest_caption = "正在叫号" if board.connected else "系统连接中，请稍候"
            self.latest_number, self.latest_window_text = "", ""
        else:
            # while the server is away the last call is shown greyed and said to be the last one,
            # never as the call being made now
            self.latest_caption = ("正在叫号" if board.connected else "上次叫号（系统连接中）")
            self.latest_number = latest.number
            self.latest_window_text = f"请到 {latest.window} 号窗口"
        self._fill_recent(board)
        self._fill_queues(board)
        self._fill_staff(board)
        if new_call is not None and new_call == latest:
            self._highlight()

    # --- parts: labels are made once and then only get new text, so a call redraws little ---
    def _fill_recent(self, board: HallBoard) -> None:
        rows = self.ids.recent_rows
        if not rows.children:
            for _ in range(board.max_recent * 2):
                rows.add_widget(self._sized(ChainLabel(), 0.045))
        cells = list(reversed(rows.children))  # children are kept last-added first
        calls = board.recent()
        for i in range(board.max_recent):
            number, window = cells[2 * i], cells[2 * i + 1]
            call = calls[i] if i < len(calls) else None
            colour = THEME.stale if not board.connected else (
                THEME.accent if call is not None and call == board.latest else THEME.ink)
            number.text = call.number if call else ""
            window.text = f"{call.window} 号窗口" if call else ""
            number.color = window.color = colour

    def _fill_queues(self, board: HallBoard) -> None:
        cells = self.ids.queue_cells
        texts = [f"{q.prefix} {q.name}\n{q.waiting} 人" for q in board.queues.values()]
        if len(cells.children) != len(texts):
            cells.clear_widgets()
            for _ in texts:
                cells.add_widget(self._sized(ChainLabel(halign="center", color=THEME.ink), 0.026))
        for label, text in zip(reversed(cells.children), texts):
            label.text = text

    def _fill_staff(self, board: HallBoard) -> None:
        shown = tuple(board.staffing)
        if shown == self._staff_shown:
            return
        self._staff_shown = shown
        cells = self.ids.staff_cells
        cells.clear_widgets()
        for s in board.staffing:
            # one line, its font made smaller when a long role (首席帮办代办员) would not fit: a
            # wrapped role stood on a line of its own, touching the row below
            who = f"{s.helper_name} · {s.role_name}" if s.helper_name else "暂无人员"
            label = ChainLabel(text=f"{s.window} 号窗口  {who}", halign="left", valign="middle", shorten=True,
                               color=THEME.ink if s.helper_name else THEME.ink_muted)
            label.bind(size=self._fit_staff_cell)
            cells.add_widget(label)

    def _fit_staff_cell(self, label: ChainLabel, size) -> None:
        label.text_size = size
        label.font_size = min(self.height * 0.026, size[0] * 0.95 / text_units(label.text))

    def _sized(self, label: ChainLabel, share_of_height: float) -> ChainLabel:
        """Text sized as a share of the screen's height, following it."""
        label.font_size = self.height * share_of_height
        self.bind(height=lambda _s, height: setattr(label, "font_size", height * share_of_height))
        return label

    def _highlight(self) -> None:
        """The latest call blinks three times, so eyes find it. Stepped, not animated: six
        redraws instead of one per frame, which matters on a display box without a GPU."""
        if self._blink is not None:
            self._blink.cancel()
        steps = iter([0.45, 1.0] * 3)
        self.ids.latest_number.opacity = 1.0
        self._blink = Clock.schedule_interval(lambda dt: self._blink_step(steps), 0.4)

    def _blink_step(self, steps) -> bool | None:
        value = next(steps, None)
        if value is None:
            self.ids.latest_number.opacity = 1.0
            return False  # unschedules
        self.ids.latest_number.opacity = value
        return None

    def _tick(self, _dt) -> None:
        # no clock until the server has said the hall's zone: the machine's may be hours off
        self.clock_text = datetime.now(self.hall_zone).strftime("%Y-%m-%d  %H:%M") if self.hall_zone else ""

    def set_hall_zone(self, name: str) -> None:
        """The server's `timezone` setting: receipts and the ledger say hall time, so the clock does."""
        try:
            self.hall_zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return
        self._tick(0)

    def _scroll_notice(self, dt: float) -> None:
        box, label = self.ids.notice_box, self.ids.notice
        Clock.schedule_once(self._scroll_notice, notice_step_s(self._frame_s))
        if label.width <= box.width:
            label.x = box.x + (box.width - label.width) / 2
            return
        label.x -= max(1.0, self.height * NOTICE_SPEED * min(dt, 2 * NOTICE_SLOWEST_S))
        if label.right < box.x:
            label.x = box.right
        self._moved_at = time.perf_counter()

    def _drawn(self, *_args) -> None:
        """The frame is being put on screen (the buffer swap follows): the next one times it."""
        if self._moved_at is not None:
            moved_at, self._moved_at = self._moved_at, None
            Clock.schedule_once(lambda _dt: self._time_frame(time.perf_counter() - moved_at))

    def _time_frame(self, took: float) -> None:
        self._frame_s = took if not self._frame_s else 0.7 * self._frame_s + 0.3 * took
