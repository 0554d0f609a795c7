"""Keys to actions: F-keys on the keyboard, and the USB caller keypad (呼叫器), which types
the digits of a number pad. Kivy key codes; no Kivy import needed."""
from __future__ import annotations

F_KEYS = {282: "call_next", 283: "recall", 284: "no_show", 285: "start", 286: "finish", 287: "transfer",
          288: "capture", 289: "print"}
# the caller keypad's keys 1..6 arrive as number-pad digits (Kivy: numpad1 = 257 ...)
KEYPAD = {257: "call_next", 258: "recall", 259: "no_show", 260: "start", 261: "finish", 262: "transfer"}
HELP = "F1 叫号 · F2 重呼 · F3 过号 · F4 开始办理 · F5 结束服务 · F6 转办（呼叫器 1–6 同）· F7 拍摄材料 · F8 打印表单 · F9 预约 · F10 上门 · F11 缺件告知 · F12 绿色通道"


def action_for_key(key: int, *, typing: bool) -> str | None:
    """F-keys act always; keypad digits only when no text field has the focus (then they are digits)."""
    if key in F_KEYS:
        return F_KEYS[key]
    if not typing and key in KEYPAD:
        return KEYPAD[key]
    return None
