"""Runs the window terminal against a live server and performs steps as a helper would.

Commands (one per line in commands.txt, performed in order on the UI thread):
  type FIELD TEXT     put TEXT in a field (code, pin, log_who, log_contact, log_asked, log_done)
  focus FIELD         give a field the focus (as a tap on it would)
  tap BUTTON          press a button by its id (sign_in_button, call_next, recall, ...)
  pad KEY             press the on-screen number pad (0-9, clear, back)
  key CODE            a key press as the keyboard or caller keypad sends it (282 = F1)
  choose TEXT         in the open dialog, press the choice whose label contains TEXT
  page N              in the documents panel, open page N (the viewer)
  press ID            in the open dialog, press the button with that id (take_button, keep_button, print_button)
  form KIND           in the print dialog, show that form (acceptance, completion, ...)
  fill FIELD TEXT     in the print dialog, type TEXT into a form field
  close               dismiss the open dialog
  shot NAME           screenshot to OUT/NAME.png
  stop
A command waits until the terminal is idle (no request under way). states.jsonl records
what the helper sees after every change."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver_io import DriverIO  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--size", default="1280x800")
    p.add_argument("--printer-port", type=int, help="a network printer (the simulator) on 127.0.0.1")
    p.add_argument("--camera", help="a video or image folder standing in for the document camera")
    p.add_argument("--hall-name", default="")
    p.add_argument("--helper-phone", default="")
    args = p.parse_args()
    io = DriverIO(Path(args.out))
    width, height = (int(x) for x in args.size.split("x"))

    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(os.environ["KIVY_HOME"], fullscreen=False, size=(width, height))  # set by the test
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
    settle = [0]  # frames to let pass after a command, so what it changed is drawn before the next

    def widget(name: str):
        screen = app.manager.current_screen
        return screen.ids[name]

    def open_dialog():
        return next((w for w in Window.children if isinstance(w, Popup)), None)

    def busy() -> bool:
        screen = app.manager.current_screen
        return bool(getattr(screen, "busy", False))

    def perform(command: str) -> None:
        verb, _, rest = command.partition(" ")
        if verb == "type":
            name, _, text = rest.partition(" ")
            widget(name).text = text
        elif verb == "focus":
            widget(rest).focus = True
        elif verb == "tap":
            widget(rest).dispatch("on_release")
        elif verb == "pad":
            app.manager.current_screen.pad_key(rest)
        elif verb == "key":
            Window.dispatch("on_key_down", int(rest), 0, None, [])
        elif verb == "choose":
            dialog = open_dialog()
            button = next(b for b in dialog.ids.choices.children if rest in b.text)
            button.dispatch("on_release")
        elif verb == "page":
            panel = widget("documents")
            panel.open_page(next(d for d in panel.documents if d["page"] == int(rest)))
        elif verb == "press":
            open_dialog().ids[rest].dispatch("on_release")
        elif verb == "form":
            open_dialog().choose(rest)
        elif verb == "fill":
            name, _, text = rest.partition(" ")
            open_dialog().inputs[name].text = text
        elif verb == "close":
            open_dialog().dismiss()
        elif verb == "note":
            open_dialog().ids.note.text = rest
        elif verb == "shot":
            io.screenshot(rest)
        elif verb == "stop":
            io.result({"screen": app.manager.current})
            app.stop()

    def dialog_state() -> dict:
        dialog = open_dialog()
        if dialog is None:
            return {}
        image = dialog.ids.get("image") or dialog.ids.get("preview")
        return {"dialog_message": getattr(dialog, "message", "") or getattr(dialog, "status_text", ""),
                "dialog_note": getattr(dialog, "note", ""), "dialog_live": getattr(dialog, "live", None),
                "dialog_reviewing": getattr(dialog, "reviewing", None), "dialog_sent": getattr(dialog, "sent", None),
                "dialog_working": getattr(dialog, "working", False) or getattr(dialog, "printing", False),
                "dialog_image": list(image.texture.size) if image is not None and image.texture else None,
                "dialog_values": dialog.values() if hasattr(dialog, "values") else None}

    def step(_dt) -> None:
        queue.extend(io.new_commands())
        serve = app.serve_screen
        io.record({"screen": app.manager.current, "busy": busy(), "queued": len(queue),
                   "message": serve.message if app.manager.current == "serve"
                   else app.manager.get_screen("sign_in").message,
                   "error": serve.message_is_error, "ticket": serve.ticket_number, "status": serve.status,
                   "line": serve.line_text, "current": serve.current_text, "details": serve.details_text,
                   "devices": serve.devices_text,
                   "log": {n: serve.ids[f"log_{n}"].text for n in ("who", "contact", "asked", "done")},
                   "dialog": open_dialog().title if open_dialog() else None,
                   "documents": serve.ids.documents.summary,
                   "pages": [d["page"] for d in serve.ids.documents.documents],
                   "capture_label": serve.capture_label, "print_label": serve.print_label, **dialog_state()})
        if settle[0]:
            settle[0] -= 1
        elif queue and not busy() and not dialog_state().get("dialog_working"):
            perform(queue.pop(0))
            settle[0] = 3

    Clock.schedule_interval(step, 0.03)
    app.run()


if __name__ == "__main__":
    main()
