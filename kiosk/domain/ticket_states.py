"""A ticket's life at the windows: which action is allowed in which state.

waiting -call-> called -start-> serving -finish-> finished
called -recall-> called;  called -no_show-> no_show
called|serving -transfer-> waiting (head of the target's line)
called -finish-> finished (a short consultation needs no separate start)
"""
from __future__ import annotations

TRANSITIONS: dict[tuple[str, str], str] = {
    ("waiting", "call"): "called",
    ("called", "recall"): "called",
    ("called", "no_show"): "no_show",
    ("called", "start"): "serving",
    ("called", "transfer"): "waiting",
    ("serving", "transfer"): "waiting",
    ("called", "finish"): "finished",
    ("serving", "finish"): "finished",
}

STATUS_NAMES = {
    "waiting": "等候中", "called": "已叫号", "serving": "办理中",
    "finished": "服务结束", "no_show": "已过号",
}
ACTION_NAMES = {
    "call": "叫号", "recall": "重呼", "no_show": "过号", "start": "开始办理",
    "transfer": "转办", "finish": "结束服务",
}
# How a service ended. 办结 is the matter completed (here, at the window: 按时办结率 counts it);
# a ticket's own end is only 服务结束, whatever the outcome.
OUTCOMES = {"done": "办结", "case_opened": "已立代办件", "referred": "已转介"}


class IllegalTransition(ValueError):
    def __init__(self, status: str, action: str):
        self.status, self.action = status, action
        super().__init__(
            f"号码当前状态为“{STATUS_NAMES.get(status, status)}”，不能{ACTION_NAMES.get(action, action)}")


def next_status(status: str, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action) from None
