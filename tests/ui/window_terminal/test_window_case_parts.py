"""The case panel's plain parts: the entrust form's checks and 移交清单 lines, what each state
offers to whom, deadlines said in words, and the forms filled from a case's own record."""
from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.case_states import REASONS
from kiosk.domain.identity import uscc_check_char
from kiosk.ui.window_terminal.case_entrust import Item, checked_entrustment, entrust_fields, parse_items
from kiosk.ui.window_terminal.case_texts import actions_for, history, list_line, summary
from kiosk.ui.window_terminal.form_fill import Facts, build_form, fields_for

MATTERS = [{"id": 11, "name": "建筑工程施工许可证核发", "proxy_allowed": True},
           {"id": 40, "name": "政策咨询", "proxy_allowed": False}]
GOOD = {"applicant_kind": "person", "applicant": "刘䶮", "id_number": "11010519491231002x", "phone": "139 1234 5678",
        "matter_id": "11", "delivery": "ems", "items": "施工合同 2 原件\n施工图审查合格书"}
CASE = {"id": 5, "number": "DB-20261207-001", "state": "in_progress", "state_name": "办理中", "matter_id": 11,
        "matter": "建筑工程施工许可证核发", "applicant": "刘䶮", "applicant_kind": "person",
        "id_number": "11010519491231002X", "phone": "13912345678", "delivery": "pickup",
        "helper": {"code": "1003", "name": "刘䶮"}, "deadline": "2026-12-01", "due": "overdue",
        "public_code": "123456", "status_url": "http://hall/c/abc", "unsigned": [],
        "steps": [{"action": "entrust", "at": "2026-11-20T09:00:00+08:00", "to": "entrusted", "note": ""},
                  {"action": "accept", "at": "2026-11-21T09:00:00+08:00", "to": "accepted", "note": ""}],
        "items": [{"direction": "received", "name": "施工合同", "copies": 2, "original": True},
                  {"direction": "returned", "name": "施工许可证", "copies": 1, "original": True}],
        "problems": [{"id": 1, "summary": "缺盖章", "status": "open", "status_name": "待解决", "handling": ""}]}


def test_the_entrust_form_is_prefilled_from_the_ticket_and_offers_only_proxy_matters():
    fields = {f.name: f for f in entrust_fields(MATTERS, {"phone": "13912345678", "matter_id": 11}, "刘䶮")}
    assert (fields["phone"].value, fields["matter_id"].value, fields["applicant"].value) == ("13912345678", "11", "刘䶮")
    assert [v for v, _ in fields["matter_id"].choices] == ["11"]
    unoffered = {f.name: f for f in entrust_fields(MATTERS, {"matter_id": 40})}
    assert unoffered["matter_id"].value == ""  # not offered for proxy: the helper chooses


def test_an_entrustment_is_normalised_and_every_mistake_is_named_at_once():
    body, items, problems = checked_entrustment(GOOD)
    assert problems == []
    assert (body["id_number"], body["phone"], body["matter_id"]) == ("11010519491231002X", "13912345678", 11)
    assert items == [Item("施工合同", 2, True), Item("施工图审查合格书", 1, False)]
    _, _, problems = checked_entrustment({**GOOD, "id_number": "110105194912310021", "phone": "1234",
                                          "matter_id": "", "applicant": " "})
    assert len(problems) == 4 and any("校验位" in p for p in problems)
    code = "91411000MA44PQRT1" + uscc_check_char("91411000MA44PQRT1")
    body, _, problems = checked_entrustment({**GOOD, "applicant_kind": "organisation", "id_number": code.lower()})
    assert problems == [] and body["id_number"] == code
    _, _, problems = checked_entrustment({**GOOD, "applicant_kind": "organisation"})  # an ID number as a code
    assert any("统一社会信用代码" in p for p in problems)


def test_handover_lines_are_read_with_copies_and_originals():
    items, problems = parse_items("营业执照 1 原件\n\n公章，复印件\n 3 ")
    assert items[:2] == [Item("营业执照", 1, True), Item("公章", 1, False)]
    assert items[2] == Item("3", 1, False) and problems == []  # a bare number is a name, not lost


@pytest.mark.parametrize("state,role,present,absent", [
    ("entrusted", "proxy_agent", ["print:entrustment", "step:terminate", "item", "refer"], ["step:accept"]),
    ("entrusted", "coordinator", ["step:accept"], []),
    ("in_progress", "proxy_agent", ["step:suspend", "step:complete", "problem", "problem_update"], ["step:archive"]),
    ("suspended", "proxy_agent", ["step:resume", "print:suspension"], ["step:complete"]),
    ("completed", "proxy_agent", ["deliver:pickup", "deliver:ems", "deliver:electronic", "print:completion"],
     ["refer"]),
    ("sent", "proxy_agent", ["receipt"], ["step:archive"]),
    ("delivered", "proxy_agent", ["step:archive"], ["problem"]),
    ("archived", "proxy_agent", [], ["item", "step:archive"]),
])
def test_each_state_offers_what_may_be_done_and_by_whom(state, role, present, absent):
    keys = [k for k, _ in actions_for({**CASE, "state": state}, role, has_camera=True, has_printer=True)]
    assert set(present) <= set(keys) and not set(absent) & set(keys)


def test_without_camera_or_printer_nothing_is_offered_that_needs_them():
    case = {**CASE, "state": "completed", "unsigned": [{"form": "closing", "form_name": "办结（终止）单", "step_id": 9}]}
    keys = [k for k, _ in actions_for(case, "proxy_agent", has_camera=False, has_printer=False)]
    assert not [k for k in keys if k.startswith(("print:", "sign:", "deliver:electronic"))]
    keys = [k for k, _ in actions_for(case, "proxy_agent", has_camera=True, has_printer=True)]
    assert "sign:closing" in keys


def test_a_late_case_is_said_in_words_with_a_mark_not_by_colour():
    assert list_line(CASE).startswith("▲已逾期  DB-20261207-001")
    assert "▲已逾期" in summary(CASE) and "负责人：刘䶮（首问负责）" in summary(CASE)
    assert "▲" not in list_line({**CASE, "due": "on_time"})
    assert "收取 施工合同 × 2 份（原件）" in history(CASE) and "【待解决】" in history(CASE)


def test_the_forms_are_filled_from_the_cases_own_record():
    facts = Facts(ticket={}, helper={"name": "王芳", "phone": "13905381002"}, today=date(2026, 12, 7), case=CASE,
                  hall_name="示范县政务服务中心")
    values = {f.name: f.value for f in fields_for("acceptance", facts)}
    assert (values["helper_name"], values["handed_over_on"]) == ("刘䶮", "2026-11-21")  # the helper in charge
    assert (values["query_code"], values["status_url"]) == ("123456", "http://hall/c/abc")
    slip = build_form("acceptance", {**values, "category": "投资建设"})
    assert (slip.query_code, slip.status_url) == ("123456", "http://hall/c/abc")
    letter = build_form("entrustment", {f.name: f.value for f in fields_for("entrustment", facts)})
    assert letter.materials == ["施工合同（原件）×2"] and letter.signed_on == date(2026, 11, 20)
    terminated = {**CASE, "state": "terminated", "reason_name": REASONS["long_stalled"], "number": None}
    closing = {f.name: f.value for f in fields_for("completion", Facts(ticket={}, helper={}, today=date(2026, 12, 7),
                                                                         case=terminated))}
    assert (closing["acceptance_number"], closing["termination_reason"], closing["terminated"]) == \
        ("未受理", REASONS["long_stalled"], "是")
    suspended = {f.name: f.value for f in fields_for("suspension", facts)}
    assert suspended["outstanding"] == "缺盖章"  # the problems still open are what the person must do
