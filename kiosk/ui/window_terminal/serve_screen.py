"""Step 2 at the window: the line, the ticket in hand, the actions and the service log."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.domain.hall_setup import SERVICE_TYPE_NAMES
from kiosk.domain.identity import mask_phone
from kiosk.client import BadCredentials, ClientError
from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES as PRIORITY_NAMES
from kiosk.domain.ticket_states import STATUS_NAMES, TRANSITIONS
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainLabel

from .dialogs import finish_dialog, transfer_dialog
from .log_drafts import ServiceLog
from .serve_extras import ServeExtras

ACTION_STEPS = {"call_next": "call", "recall": "recall", "no_show": "no_show", "start": "start",
                "finish": "finish", "transfer": "transfer"}
LOG_FIELDS = ("who", "contact", "asked", "done")


def minutes(seconds: int) -> str:
    return "不到 1 分钟" if seconds < 60 else f"{seconds // 60} 分钟"


def short_wait(seconds: int) -> str:
    return "刚到" if seconds < 60 else f"等 {seconds // 60} 分"


NO_MATTER = "未选具体事项"  # the kiosk's "不清楚是哪个事项": the helper asks


def matter_name(ticket: dict, matters: dict[int, dict]) -> str:
    if ticket.get("matter_id") is None:
        return NO_MATTER
    matter = matters.get(ticket["matter_id"])
    return matter["name"] if matter else f"事项 {ticket['matter_id']}（事项清单未读到）"


def ticket_details(ticket: dict, matters: dict[int, dict]) -> str:
    """What the citizen chose at the kiosk, so the helper need not ask again. The phone masked:
    the full number is for the service log's contact, typed or read back with the citizen."""
    group = PRIORITY_NAMES.get(ticket.get("priority_group") or "", "无")
    phone = mask_phone(ticket["phone"]) if ticket.get("phone") else "未留"
    return (f"事项：{matter_name(ticket, matters)}　类型：{SERVICE_TYPE_NAMES.get(ticket.get('service_type') or '', '')}"
            f"　优先：{group}　手机：{phone}")


def asked_prefill(ticket: dict, matters: dict[int, dict]) -> str:
    """"咨询或申办事项" as the kiosk's choice gives it; the helper edits it."""
    service = SERVICE_TYPE_NAMES.get(ticket.get("service_type") or "", "")
    name = matter_name(ticket, matters) if ticket.get("matter_id") is not None else ""
    return f"{service}：{name}" if name else ""


def next_line(item: dict) -> str:
    marks = []
    if item.get("priority_group"):
        marks.append("★" + PRIORITY_NAMES.get(item["priority_group"], item["priority_group"]))
    if item.get("transferred"):
        marks.append("转办")
    if item.get("held_until"):
        marks.append(f"预约 {item['held_until'][11:16]} 起叫")
    return "  ".join([item["number"], *marks, short_wait(item["waited_s"])])


class ServeScreen(ServeExtras, Screen):
    who_text = StringProperty("")
    message = StringProperty("")
    message_is_error = BooleanProperty(False)
    line_text = StringProperty("正在读取本窗口的等候情况…")
    current_text = StringProperty("当前没有号码")
    details_text = StringProperty("")  # the ticket's matter, service type, priority group, phone
    devices_text = StringProperty("")  # hall devices needing staff: "自助取号机1：凭条纸将用完…"
    ticket: dict | None = None  # the ticket in hand, as the server last gave it
    line: dict = {}  # this window's line, as the server last gave it
    ticket_id = NumericProperty(0)
    ticket_number = StringProperty("")
    status = StringProperty("")  # of the ticket in hand: "", "called" or "serving"
    busy = BooleanProperty(False)
    dialog_open = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._loading_log = False

    @property
    def app(self):
        return App.get_running_app()

    # --- what may be done now ---------------------------------------------
    def can(self, action: str, status: str) -> bool:
        if action == "call_next":
            return not status
        return bool(status) and (status, ACTION_STEPS[action]) in TRANSITIONS

    def typing(self) -> bool:
        return any(self.ids[f"log_{name}"].focus for name in LOG_FIELDS)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    # --- the line -----------------------------------------------------------
    def refresh(self) -> None:
        app = self.app
        if app.helper_api is None:
            return
        app.background.run(lambda: app.helper_api.window_line(app.window_number), self.show_line,
                           self.failed_quietly)
        app.background.run(app.helper_api.device_health, self.show_devices, self.failed_quietly)

    def show_devices(self, reports: list[dict]) -> None:
        """Devices of the hall that need a hand (a kiosk's paper running out), for every helper."""
        self.devices_text = "；".join(f"{r['device']}：{r['message'] or '有故障'}" for r in reports if not r["ok"])

    def show_line(self, line: dict) -> None:
        self.line = line
        longest = f"\n最长已等 {minutes(line['longest_wait_s'])}" if line["waiting"] else ""
        self.line_text = f"本窗口等候 {line['waiting']} 人{longest}"
        box = self.ids.next_list
        box.clear_widgets()
        for item in line["next"][:8]:
            box.add_widget(ChainLabel(text=next_line(item), font_size=THEME.text_small, halign="left",
                                      color=THEME.priority if item.get("priority_group") else THEME.ink,
                                      size_hint_y=None, height=THEME.text * 1.5,
                                      text_size=(box.width, None)))
        self.show_ticket(line.get("current"))

    def show_ticket(self, ticket: dict | None) -> None:
        held = ticket is not None and ticket.get("status") in ("called", "serving")
        self.ticket = ticket if held else None  # as the server last gave it
        if not held:
            if self.ticket_id:
                self.ids.documents.show(0)
            self.ticket_id, self.ticket_number, self.status = 0, "", ""
            self.current_text = "当前没有号码，按 F1 叫号"
            self.details_text = ""
            self._fill_log(ServiceLog())
            return
        changed = ticket["id"] != self.ticket_id
        self.ticket_id, self.ticket_number, self.status = ticket["id"], ticket["number"], ticket["status"]
        recalls = f" · 已重呼 {ticket['recall_count']} 次" if ticket.get("recall_count") else ""
        priority = f" · ★{PRIORITY_NAMES[ticket['priority_group']]}" if ticket.get("priority_group") else ""
        self.current_text = f"{ticket['number']}  {STATUS_NAMES.get(ticket['status'], '')}{recalls}{priority}"
        self.details_text = ticket_details(ticket, self.app.matters)
        if changed:  # a draft typed before a crash or restart comes back
            self._fill_log(self.app.drafts.load(ticket["id"]) or ServiceLog(asked=asked_prefill(ticket, self.app.matters)))
            self.ids.documents.show(ticket["id"])

    # --- the service log --------------------------------------------------
    def current_log(self) -> ServiceLog:
        return ServiceLog(**{name: self.ids[f"log_{name}"].text for name in LOG_FIELDS})

    def _fill_log(self, log: ServiceLog) -> None:
        self._loading_log = True
        try:
            for name in LOG_FIELDS:
                self.ids[f"log_{name}"].text = getattr(log, name)
        finally:
            self._loading_log = False

    def log_changed(self) -> None:
        if self._loading_log or not self.ticket_id:
            return
        self.app.drafts.save(self.ticket_id, self.ticket_number, self.current_log())

    # --- actions --------------------------------------------------------------
    def do(self, action: str) -> None:
        if action in ("capture", "print"):
            if not self.busy:
                self.open_capture() if action == "capture" else self.open_print()
            return
        if self.busy or not self.can(action, self.status):
            return
        if action == "finish":
            self._open(finish_dialog(self._finish))
        elif action == "transfer":
            self._choose_transfer()
        else:
            self._send(action)

    def _send(self, action: str) -> None:
        app, ticket_id = self.app, self.ticket_id
        api = app.helper_api
        work = {
            "call_next": lambda: api.call_next(app.window_number),
            "recall": lambda: api.recall(ticket_id),
            "no_show": lambda: api.no_show(ticket_id),
            "start": lambda: api.start(ticket_id),
        }[action]

        def done(ticket):
            if action == "call_next" and ticket is None:
                self.say("目前没有人等候本窗口")
            else:
                self.say({"call_next": "已叫号：{n}", "recall": "已重呼：{n}", "no_show": "{n} 已过号",
                          "start": "{n} 开始办理"}[action].format(n=ticket["number"]))
                if action == "no_show":
                    app.drafts.discard(ticket_id)
            self._after_action(ticket if action != "no_show" else None)

        self._run(work, done)

    def _finish(self, outcome: object, _note: str) -> None:
        app, ticket_id, log = self.app, self.ticket_id, self.current_log()
        app.drafts.save(ticket_id, self.ticket_number, log)  # kept until the server has it

        def done(ticket):
            app.drafts.discard(ticket_id)
            self.say(f"{ticket['number']} {STATUS_NAMES['finished']}，请提醒办事人在评价器上评价")
            self._after_action(None)
            if outcome == "case_opened":  # 已立代办件: the entrustment is taken now, from this ticket
                app.open_cases(ticket, log.who)

        self._run(lambda: app.helper_api.finish(ticket_id, str(outcome), log.as_text()), done)

    def _choose_transfer(self) -> None:
        app = self.app

        api = app.helper_api

        def show(result):
            windows, catalog, halls = result
            self.busy = False
            self._open(transfer_dialog(windows, catalog["queues"], app.window_number, self._transfer, halls))

        self._run(lambda: (api.windows(), api.catalog(), api.hall_neighbours()), show)

    def _transfer(self, target: object, note: str) -> None:
        app, ticket_id, log = self.app, self.ticket_id, self.current_log()
        kind, value = target
        text = "\n".join(part for part in (note, log.as_text()) if part)

        if kind == "hall":
            self._refer(value, note, text)
            return

        def done(ticket):
            app.drafts.discard(ticket_id)
            where = f"{value} 号窗口" if kind == "window" else "所选队列"
            self.say(f"{ticket['number']} 已转办到{where}，排在队首")
            self._after_action(None)

        self._run(lambda: app.helper_api.transfer(
            ticket_id, **({"to_window": value} if kind == "window" else {"to_queue": value}), note=text), done)

    def _refer(self, hall_code: str, note: str, text: str) -> None:
        """To the hall one level up or down: the ticket ends here as referred; the helper stays responsible."""
        app, ticket_id, number = self.app, self.ticket_id, self.ticket_number
        app.drafts.save(ticket_id, number, self.current_log())  # kept until the server has the referral

        def done(_referral):
            app.drafts.discard(ticket_id)
            self.say(f"{number} 已转至其他层级大厅，仍由您跟踪负责（首问负责制）")
            self._after_action(None)

        self._run(lambda: app.helper_api.refer(ticket_id, hall_code, text or note), done)

    def _open(self, dialog) -> None:
        self.dialog_open = True
        dialog.bind(on_dismiss=lambda *_a: setattr(self, "dialog_open", False))
        dialog.open()

    def _run(self, work, done) -> None:
        self.busy = True

        def ok(result):
            self.busy = False
            done(result)

        self.app.background.run(work, ok, self.failed)

    def _after_action(self, ticket: dict | None) -> None:
        self.show_ticket(ticket)
        self.refresh()

    def failed(self, exc: Exception) -> None:
        self.busy = False
        if isinstance(exc, BadCredentials):  # the session ended (signed in elsewhere, or signed out)
            self.app.signed_out("登录已失效（可能已在其他窗口登录），请重新登录")
            return
        self.say(exc.message if isinstance(exc, ClientError) else "操作未完成，请重试或联系引导台", error=True)
        self.refresh()

    def failed_quietly(self, exc: Exception) -> None:
        if isinstance(exc, BadCredentials):
            self.app.signed_out("登录已失效（可能已在其他窗口登录），请重新登录")
        elif isinstance(exc, ClientError):
            self.say(exc.message, error=True)

    def sign_out(self) -> None:
        app = self.app
        api = app.helper_api

        def done(_result):
            self.say("")
            app.signed_out()

        self._run(lambda: api.sign_out() if api else None, done)
