"""The case panel (代办件): the helper's and the hall's open cases and the offers from other halls
on the left, the chosen case with what may be done now on the right. Every call runs off the UI
thread (app.background); the answers come back with Clock.schedule_once."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.client import BadCredentials, ClientError
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainButton

from .case_actions import CaseActions
from .case_texts import actions_for, history, list_line, summary

MODES = {"mine": "我的代办件", "hall": "本厅在办", "referrals": "转来待接收"}
EMPTY = {"mine": "您名下没有在办的代办件", "hall": "本厅没有在办的代办件", "referrals": "没有其他大厅转来的代办件"}


class CaseScreen(CaseActions, Screen):
    mode = StringProperty("mine")
    message = StringProperty("")
    message_is_error = BooleanProperty(False)
    busy = BooleanProperty(False)
    dialog_open = BooleanProperty(False)
    list_summary = StringProperty("")
    case_id = NumericProperty(0)
    case_text = StringProperty("请在左侧选择代办件，或点“新建委托”")
    history_text = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cases: list[dict] = []  # the list shown; for referrals: the offers
        self.case: dict | None = None
        self.referral: dict | None = None  # the offer being looked at, in "referrals" mode
        self.action_buttons: dict[str, ChainButton] = {}
        self.neighbours: set[str] | None = None  # the codes of the halls one level up and down

    @property
    def app(self):
        return App.get_running_app()

    def say(self, text: str, *, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    # --- the list ---------------------------------------------------------------
    def show_mode(self, mode: str) -> None:
        self.mode = mode
        self.refresh_list()

    def refresh_list(self) -> None:
        api, mode = self.app.helper_api, self.mode
        if api is None:
            return
        if mode == "referrals":
            work = lambda: [r for r in api.case_referrals("in") if r["status"] == "offered"]  # noqa: E731
        else:
            work = lambda: api.list_cases(active=True, mine=mode == "mine")  # noqa: E731
        self.list_summary = "正在读取…"
        self.app.background.run(work, lambda found: self.show_list(mode, found), self.failed)

    def show_list(self, mode: str, found: list[dict]) -> None:
        if mode != self.mode:
            return  # the helper switched lists meanwhile
        self.cases = found
        box = self.ids.case_list
        box.clear_widgets()
        for entry in found:
            case = entry["case"] if mode == "referrals" else entry
            text = list_line(case)
            if mode == "referrals":
                text = f"{entry['from_hall']['name']} 转来：{entry['note']}\n{text}"
            button = ChainButton(text=text, font_size=THEME.text_small, halign="left", valign="middle",
                                 size_hint_y=None, height=THEME.touch * 1.3,
                                 background_normal="", color=THEME.ink,
                                 background_color=THEME.button if case["id"] == self.case_id else THEME.panel)
            button.bind(width=lambda b, w: setattr(b, "text_size", (w - THEME.gap, None)))
            # as tall as its lines: a long matter name wraps instead of spilling over the next entry
            button.bind(texture_size=lambda b, ts: setattr(b, "height", max(THEME.touch * 1.3, ts[1] + THEME.gap)))
            button.bind(on_release=lambda _b, e=entry: self.pick(e))
            box.add_widget(button)
        late = sum(1 for e in found if (e["case"] if mode == "referrals" else e).get("due") == "overdue")
        self.list_summary = (f"{MODES[mode]}：共 {len(found)} 件" + (f"，其中 ▲已逾期 {late} 件" if late else "")
                             if found else EMPTY[mode])

    def pick(self, entry: dict) -> None:
        if self.mode == "referrals":
            self.referral = entry
            self.show_case(entry["case"])
        else:
            self.referral = None
            self.load(entry["id"])

    # --- one case -----------------------------------------------------------------
    def load(self, case_id: int) -> None:
        api = self.app.helper_api
        self.app.background.run(lambda: api.get_case(case_id), self.show_case, self.failed)

    def show_case(self, case: dict) -> None:
        self.case, self.case_id = case, case["id"]
        self.case_text = summary(case)
        self.history_text = history(case)
        app = self.app
        if self.referral is not None:
            actions = [("referral:accept", "接收转办"), ("referral:decline", "退回转办")]
        elif self.referred_away(case):  # the other hall works it; this one follows (首问负责)
            actions = []
            self.case_text += "\n已转由其他大厅办理：本厅跟踪进度，不能再办理"
        else:
            actions = actions_for(case, (app.helper or {}).get("role", ""), has_camera=app.camera_config is not None,
                                  has_printer=app.printer_config is not None)
            if case.get("ticket_id") and app.camera_config is not None and case["state"] != "archived":
                actions.append(("capture", "拍摄材料\n(存入号码)"))
        grid = self.ids.actions
        grid.clear_widgets()
        self.action_buttons = {}
        for key, label in actions:
            button = ChainButton(text=label, font_size=THEME.text_small, halign="center", valign="middle",
                                 background_normal="", background_color=THEME.button, color=THEME.button_ink,
                                 size_hint_y=None, height=THEME.touch * 1.25)
            button.bind(size=lambda b, s: setattr(b, "text_size", (s[0] - THEME.gap * 0.5, None)))
            button.bind(on_release=lambda _b, k=key: self.act(k))
            self.action_buttons[key] = button
            grid.add_widget(button)

    def referred_away(self, case: dict) -> bool:
        """Handled by a neighbouring hall: seen from the hall that referred it (the handling hall
        is one of its neighbours; it is never its own)."""
        handling = (case.get("handling_hall") or {}).get("code")
        return bool(handling) and handling in (self.neighbours or ())

    def reshow(self, case: dict, said: str) -> None:
        """After a change: the case as the server now has it, the list refreshed, what happened said."""
        self.show_case(case)
        self.say(said)
        self.refresh_list()

    # --- plumbing --------------------------------------------------------------------
    def run(self, work, done) -> None:
        self.busy = True

        def ok(result):
            self.busy = False
            done(result)

        self.app.background.run(work, ok, self.failed)

    def failed(self, exc: Exception) -> None:
        self.busy = False
        if isinstance(exc, BadCredentials):
            self.app.signed_out("登录已失效（可能已在其他窗口登录），请重新登录")
            return
        self.say(exc.message if isinstance(exc, ClientError) else "操作未完成，请重试或联系引导台", error=True)

    def open_dialog(self, dialog) -> None:
        self.dialog_open = True
        dialog.bind(on_dismiss=lambda *_a: setattr(self, "dialog_open", False))
        dialog.open()

    def back(self) -> None:
        self.app.manager.current = "serve"
        self.app.serve_screen.refresh()

    def on_pre_enter(self, *_args) -> None:
        api = self.app.helper_api
        if self.neighbours is None and api is not None:
            self.app.background.run(api.hall_neighbours,
                                    lambda halls: setattr(self, "neighbours", {h["code"] for h in halls}),
                                    self.failed)
        self.refresh_list()
        if self.case_id and self.referral is None:
            self.load(self.case_id)
