"""Runs the window terminal against a live server and works proxy cases as a helper would.

Commands (one per line in commands.txt, performed in order on the UI thread, each once the
terminal is idle): those of window_driver.py that the case tests use, and
  cases               open the case panel (the 代办件 button)
  mode MODE           the list shown: mine, hall, referrals
  pick N              choose the list's N-th entry (0: the newest)
  open CASE_ID        show that case (as a tap on it in the list would)
  act KEY             press the case action KEY (step:accept, print:entrustment, sign:closing, ...)
  dfill NAME TEXT     in the open case dialog, type TEXT (or choose the value TEXT) for field NAME
  submit              press the open case dialog's submit button
  signin CODE         sign in with CODE and the demo PIN
  finish OUTCOME      finish the ticket in hand with OUTCOME (done, case_opened, referred)
  shot NAME / close / press ID / form KIND / fill FIELD TEXT / key CODE / type FIELD TEXT / tap ID / stop
states.jsonl records what the helper sees after every change."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver_io import DriverIO  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    for name in ("--out", "--url", "--token", "--data"):
        p.add_argument(name, required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--size", default="1920x1080")
    p.add_argument("--printer-port", type=int)
    p.add_argument("--camera")
    p.add_argument("--hall-name", default="")
    p.add_argument("--helper-phone", default="")
    args = p.parse_args()
    io = DriverIO(Path(args.out))
    width, height = (int(x) for x in args.size.split("x"))

    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(os.environ["KIVY_HOME"], fullscreen=False, size=(width, height))
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.popup import Popup

    from kiosk.client import ApiClient
    from kiosk.ui.window_terminal.app import WindowTerminalApp

    printer = {"backend": "network", "host": "127.0.0.1", "port": args.printer_port} if args.printer_port else None
    app = WindowTerminalApp(ApiClient(args.url, args.token), args.window, Path(args.data), printer_config=printer,
                            camera_config={"file": args.camera, "retry_s": 0.3} if args.camera else None,
                            hall_name=args.hall_name, helper_phone=args.helper_phone)
    queue: list[str] = []
    settle = [0]

    def dialog():
        return next((w for w in Window.children if isinstance(w, Popup)), None)

    def cases():
        return app.manager.get_screen("cases")

    def busy() -> bool:
        return bool(getattr(app.manager.current_screen, "busy", False))

    def perform(command: str) -> None:
        verb, _, rest = command.partition(" ")
        screen = app.manager.current_screen
        if verb == "signin":
            screen.ids.code.text, screen.ids.pin.text = rest, "246810"
            screen.ids.sign_in_button.dispatch("on_release")
        elif verb == "cases":
            app.serve_screen.ids.cases_button.dispatch("on_release")
        elif verb == "mode":
            cases().show_mode(rest)
        elif verb == "pick":
            cases().pick(cases().cases[int(rest)])
        elif verb == "open":
            cases().referral = None
            cases().load(int(rest))
        elif verb == "act":
            cases().action_buttons[rest].dispatch("on_release")
        elif verb == "dfill":
            name, _, text = rest.partition(" ")
            dialog().fill(name, text.replace("\\n", "\n"))
        elif verb == "submit":
            dialog().ids.submit_button.dispatch("on_release")
        elif verb == "finish":
            app.serve_screen._finish(rest, "")
        elif verb == "type":
            name, _, text = rest.partition(" ")
            screen.ids[name].text = text
        elif verb == "tap":
            screen.ids[rest].dispatch("on_release")
        elif verb == "key":
            Window.dispatch("on_key_down", int(rest), 0, None, [])
        elif verb == "press":
            dialog().ids[rest].dispatch("on_release")
        elif verb == "form":
            dialog().choose(rest)
        elif verb == "fill":
            name, _, text = rest.partition(" ")
            dialog().inputs[name].text = text
        elif verb == "close":
            dialog().dismiss()
        elif verb == "shot":
            io.screenshot(rest)
        elif verb == "stop":
            io.result({"screen": app.manager.current})
            app.stop()

    def dialog_state() -> dict:
        d = dialog()
        if d is None:
            return {}
        return {"dialog": d.title, "dialog_message": getattr(d, "message", "") or getattr(d, "status_text", ""),
                "dialog_live": getattr(d, "live", None), "dialog_reviewing": getattr(d, "reviewing", None),
                "dialog_working": bool(getattr(d, "working", False) or getattr(d, "printing", False)),
                "dialog_values": d.values() if hasattr(d, "values") else None}

    def step(_dt) -> None:
        queue.extend(io.new_commands())
        serve, panel = app.serve_screen, cases()
        io.record({"screen": app.manager.current, "busy": busy(), "queued": len(queue),
                   "message": panel.message if app.manager.current == "cases" else
                   (serve.message if app.manager.current == "serve" else app.manager.get_screen("sign_in").message),
                   "error": panel.message_is_error if app.manager.current == "cases" else serve.message_is_error,
                   "ticket": serve.ticket_number, "status": serve.status,
                   "mode": panel.mode, "list": panel.list_summary,
                   "list_ids": [(e.get("case") or e)["id"] for e in panel.cases],
                   "case_id": panel.case_id, "case": panel.case_text, "history": panel.history_text,
                   "state": (panel.case or {}).get("state"), "actions": list(panel.action_buttons),
                   "dialog": None, **dialog_state()})
        if settle[0]:
            settle[0] -= 1
        elif queue and not busy() and not dialog_state().get("dialog_working"):
            perform(queue.pop(0))
            settle[0] = 3

    Clock.schedule_interval(step, 0.03)
    app.run()


if __name__ == "__main__":
    main()
