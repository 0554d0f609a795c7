"""Runs the citizen kiosk against a live server and printer simulator, and taps as a visitor would.

Commands (one per line in commands.txt, performed in order on the UI thread, each once the
kiosk is not busy):
  tap TEXT            a real touch (down, up) on the visible button whose text contains TEXT
  tapid ID            the same, on the current screen's widget with that kv id
  hold SECONDS        press and hold the top-left corner (the admin corner)
  size WxH            resize the window (portrait 1080x1920, landscape 1280x800)
  await camera        hold the next command until the camera preview shows the page outline
  idle SECONDS        change the idle timeout
  key CODE            a key press (27 = Escape)
  elder on|off        switch elder mode as the welcome screen's button does (state: the labels
                      rendered in the frame of the switch, renders_at_switch)
  shot NAME           screenshot to OUT/NAME.png, and a report of clipped or unrenderable text
  stop
states.jsonl records what the visitor sees after every change."""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver_io import DriverIO  # noqa: E402  (the window terminal's driver plumbing, shared)

MARKUP = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")


def plain(text: str) -> str:
    return MARKUP.sub("", text or "")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--printer-port", type=int, default=0)
    p.add_argument("--camera", default="")
    p.add_argument("--size", default="1080x1920")
    p.add_argument("--elder", action="store_true")
    p.add_argument("--idle", type=float, default=60.0)
    p.add_argument("--pin", default="2468")
    p.add_argument("--speech-out", default="")
    p.add_argument("--language", default="zh")
    args = p.parse_args()
    io = DriverIO(Path(args.out))
    import logging
    handler = logging.StreamHandler(sys.stderr)  # the kiosk's own log lines, into driver.log
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.getLogger("bangban").addHandler(handler)
    logging.getLogger("bangban").setLevel(logging.INFO)
    logging.getLogger("bangban").propagate = False
    width, height = (int(x) for x in args.size.split("x"))
    started = time.perf_counter()

    from kiosk.ui.kiosk_app import KioskConfig, make_app

    player = None
    if args.speech_out:
        from devices.speech import WavFilePlayer
        player = WavFilePlayer(Path(args.speech_out), pace=0)
    config = KioskConfig(
        args.url, args.token, Path(args.data),
        printer_config={"host": "127.0.0.1", "port": args.printer_port, "timeout_s": 2.0} if args.printer_port else None,
        camera_config={"file": args.camera, "retry_s": 0.3} if args.camera else None,
        fullscreen=False, size=(width, height), elder_mode=args.elder, admin_pin=args.pin,
        idle_timeout_s=args.idle, printer_check_s=1.0, hall_name="示范县政务服务中心", speech=bool(args.speech_out), speech_player=player,
        language=args.language)
    app = make_app(config)

    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch
    from kivy.uix.label import Label
    from kivy.uix.modalview import ModalView
    from kivy.uix.scrollview import ScrollView

    renders = {"all": 0, "at_switch": None}  # label textures rendered: in all, and in the frame of a mode switch
    render_label = Label.texture_update

    def texture_update(self, *args):  # Kivy's name: a label's render trigger finds the method by it
        renders["all"] += 1
        return render_label(self, *args)

    Label.texture_update = texture_update  # before the app builds its labels
    from kivy.uix.widget import Widget

    from kiosk.ui.common.fonts import cjk_chain

    queue: list[str] = []
    ready: dict = {}

    def overlay():
        return next((w for w in Window.children if isinstance(w, ModalView)), None)

    def tree(root):
        yield root
        for child in root.children:
            yield from tree(child)

    def visible(w: Widget) -> bool:
        node = w
        while node is not None and node is not Window:
            if getattr(node, "opacity", 1) == 0:
                return False
            node = node.parent
        x, y = w.to_window(*w.center)
        return w.get_root_window() is not None and w.width > 0 and 0 <= x < Window.width and 0 <= y < Window.height

    def top() -> Widget:
        return overlay() or app.manager.current_screen

    def buttons():
        from kivy.uix.button import Button
        return [w for w in tree(top()) if isinstance(w, Button) and visible(w)]

    def touch(widget: Widget) -> None:
        x, y = widget.to_window(*widget.center)
        t = UnitTestTouch(x, y)
        t.touch_down()
        t.touch_up()

    def hold(seconds: float) -> None:
        t = UnitTestTouch(dpx(20), Window.height - dpx(20))
        t.touch_down()
        Clock.schedule_once(lambda _dt: t.touch_up(), seconds)

    def dpx(v):
        from kivy.metrics import dp
        return dp(v)

    def text_report() -> dict:
        """Labels whose text does not fit their box (clipped), and characters no font has (boxes)."""
        clipped, missing = [], set()
        chain = cjk_chain()
        for w in tree(top()):
            if not isinstance(w, Label) or not w.text or not visible(w):
                continue
            missing.update(chain.missing(plain(w.text)))
            w.texture_update()
            tw, th = w.texture_size
            in_scroll = any(isinstance(a, ScrollView) for a in ancestors(w))
            if not in_scroll and (tw > w.width + 2 or th > w.height + 2):
                clipped.append({"text": plain(w.text)[:40], "texture": [tw, th], "box": [round(w.width), round(w.height)]})
            elif not in_scroll and outside(w):
                clipped.append({"text": plain(w.text)[:40], "outside": [round(v) for v in (*w.pos, *w.size)]})
        return {"clipped": clipped, "missing": "".join(sorted(missing)), "mongolian_spill": mongolian_spill()}

    def mongolian_spill() -> list:
        """Labels whose Mongolian column (kiosk/ui/common/bilingual_label.py) reaches past their box."""
        spill = []
        for w in tree(top()):
            beside = getattr(w, "_mongolian_beside", None)
            if beside is None or beside.texture is None or not visible(w):
                continue
            (x, y), (width, height) = beside.rect.pos, beside.rect.size
            if y < w.y - 2 or y + height > w.top + 2 or x < w.x - 2 or x + width > w.right + 2:
                spill.append({"text": plain(w.text)[:40], "column": [round(v) for v in (x, y, width, height)],
                              "box": [round(v) for v in (*w.pos, *w.size)]})
        return spill

    def outside(w) -> bool:
        """A label spilling out of its panel or off the window (covered, or drawn over another)."""
        x, y = w.to_window(w.x, w.y)
        if y < -2 or x < -2 or y + w.height > Window.height + 2 or x + w.width > Window.width + 2:
            return True
        parent = w.parent
        if parent is None or parent is Window or not hasattr(parent, "to_window") or parent.height <= 0:
            return False
        return w.y < parent.y - 2 or w.top > parent.top + 2

    def ancestors(w):
        node = w.parent
        while node is not None and node is not Window:
            yield node
            node = node.parent

    def perform(command: str) -> None:
        verb, _, rest = command.partition(" ")
        if verb == "tap":
            choices = [b for b in buttons() if rest in plain(b.text) and not b.disabled]
            if not choices:
                raise LookupError(f"no button with {rest!r} on {app.manager.current}: "
                                  f"{[plain(b.text)[:20] for b in buttons()]}")
            touch(choices[0])
        elif verb == "tapid":
            touch(top().ids[rest])
        elif verb == "hold":
            hold(float(rest))
        elif verb == "size":
            Window.size = tuple(int(x) for x in rest.split("x"))
        elif verb == "await":  # await camera: hold the next command until the page outline shows
            ready["await"] = time.perf_counter() + 15
        elif verb == "idle":  # the staff's setting, changed while running
            app.config_.idle_timeout_s = float(rest)
        elif verb == "key":
            Window.dispatch("on_keyboard", int(rest), 0, None, [])
        elif verb == "elder":
            before = renders["all"]

            def drawn(*_args) -> None:
                renders["at_switch"] = renders["all"] - before
                Window.unbind(on_flip=drawn)

            renders["at_switch"] = None
            Window.bind(on_flip=drawn)
            app.set_elder(rest == "on")
        elif verb == "shot":
            Clock.schedule_once(lambda _dt: shot(rest), 0.25)  # let the layout settle after a change
            ready["wait"] = True
        elif verb == "stop":
            io.result({"screen": app.manager.current})
            app.admin_exit()

    def shot(name: str) -> None:
        path = io.screenshot(name)
        report = {"name": name, "path": path, "screen": app.manager.current, "size": list(Window.size),
                  "elder": app.elder, **text_report()}
        with open(io.folder / "shots.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
        ready["wait"] = False

    def state() -> dict:
        s = app.manager.current_screen
        ticket = app.screen("ticket")
        matter = app.screen("matter")
        pad = overlay()
        return {"screen": app.manager.current, "message": s.message, "banner": app.banner, "busy": app.busy,
                "elder": app.elder, "size": list(Window.size), "number": ticket.number,
                "print_line": ticket.print_line, "print_failed": ticket.print_failed,
                "wait_line": ticket.wait_line, "where_line": ticket.where_line, "reprint_offered": ticket.reprint_offered,
                "good_news": s.good_news, "font_sizes": font_sizes(), "prints": [dict(p) for p in app.prints],
                "search": matter.search_text, "keyboard": matter.keyboard_open,
                "choices": [plain(b.text) for b in app.screen(s.name).ids.grid.children[::-1]
                            if hasattr(b, "text")] if "grid" in s.ids else [],
                "summary": plain(app.screen("confirm").summary), "phone": app.screen("phone").digits,
                "camera": app.screen("capture").status_text, "pages": len(app.flow.pages),
                "catalog": bool(app.catalog), "admin": pad.message if pad else None,
                "ticket_id": app.last_ticket[0]["id"] if app.last_ticket else None,
                "status_url": app.last_ticket[0]["status_url"] if app.last_ticket else None,
                "renders": renders["all"], "renders_at_switch": renders["at_switch"],
                "outbox": len(app.outbox.pending()), "queued": len(queue), "performed": ready.get("performed", 0), "started_s": ready.get("started_s")}

    def font_sizes() -> dict:
        """The font size of each visible button on screen, by its text (to see sizes follow the mode)."""
        return {plain(b.text)[:12]: round(b.font_size, 1) for b in buttons()}

    def step(_dt) -> None:
        queue.extend(io.new_commands())
        if app.catalog and "started_s" not in ready:
            ready["started_s"] = round(time.perf_counter() - started, 3)
        io.record(state())
        if ready.get("screen") != app.manager.current:
            ready["screen"], ready["until"] = app.manager.current, time.perf_counter() + 0.4  # let it lay itself out
        if ready.get("await") and ("绿框已框住" in app.screen("capture").status_text or time.perf_counter() > ready["await"]):
            ready["await"] = None
        settled = not ready.get("await") and ("started_s" in ready or time.perf_counter() - started > 8)  # laid out, catalogue in (or the server is down)
        if queue and settled and not app.busy and not ready.get("wait") and time.perf_counter() > ready.get("until", 0):
            command = queue.pop(0)
            ready["until"] = time.perf_counter() + 0.12  # a few frames: a new screen lays itself out
            ready["performed"] = ready.get("performed", 0) + 1
            try:
                perform(command)
            except Exception as exc:  # reported, so the test fails with the reason
                io.record({**state(), "error": f"{command}: {exc!r}"})

    Clock.schedule_interval(step, 0.03)
    app.run()


if __name__ == "__main__":
    main()
