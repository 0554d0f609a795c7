"""The window terminal's plain parts: the service-log draft store and the key map."""
from __future__ import annotations

import subprocess
import sys

from kiosk.ui.window_terminal.log_drafts import LogDrafts, ServiceLog
from kiosk.ui.window_terminal.shortcuts import action_for_key


def test_a_draft_is_saved_on_each_change_and_comes_back(tmp_path):
    drafts = LogDrafts(tmp_path / "drafts.sqlite3")
    drafts.save(7, "A007", ServiceLog(who="刘䶮"))
    drafts.save(7, "A007", ServiceLog(who="刘䶮", contact="139", asked="营业执照变更"))
    assert drafts.load(7) == ServiceLog(who="刘䶮", contact="139", asked="营业执照变更")
    assert drafts.load(8) is None
    drafts.discard(7)
    assert drafts.load(7) is None


def test_a_draft_survives_the_process_being_killed(tmp_path):
    path = tmp_path / "drafts.sqlite3"
    script = ("import os, signal, sys; from kiosk.ui.window_terminal.log_drafts import LogDrafts, ServiceLog;"
              f"d = LogDrafts({str(path)!r}); d.save(3, 'C003', ServiceLog(done='已告知所需材料'));"
              "os.kill(os.getpid(), signal.SIGKILL)")
    subprocess.run([sys.executable, "-c", script], check=False)
    assert LogDrafts(path).load(3) == ServiceLog(done="已告知所需材料")


def test_the_log_text_sent_with_finish_labels_each_field():
    log = ServiceLog(who="周𠮷", contact="", asked="公积金提取", done="已受理")
    assert log.as_text() == "来人：周𠮷\n咨询或申办事项：公积金提取\n办理情况：已受理"
    assert ServiceLog(who="  ").is_empty()


def test_f_keys_always_act_and_keypad_digits_only_when_not_typing():
    assert action_for_key(282, typing=True) == "call_next"
    assert action_for_key(286, typing=False) == "finish"
    assert action_for_key(257, typing=False) == "call_next"
    assert action_for_key(258, typing=True) is None  # a digit typed into the log
    assert action_for_key(97, typing=False) is None
