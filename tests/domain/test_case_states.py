from datetime import date, timedelta

import pytest

from kiosk.domain.case_states import (
    ACTION_NAMES, COMPLETED, FORM_STEPS, NEXT_STEPS, OPEN, REASONS, SIGNED_FORMS, STATE_NAMES, TRANSITIONS,
    IllegalCaseStep, Step, expired, mask_name, may_take, next_state, resumed_deadline,
)
from kiosk.domain.working_days import Calendar

TODAY = date(2026, 11, 23)


def walk(*steps):
    state = "entrusted"
    for step in steps:
        state = next_state(state, step, TODAY)
    return state


def test_a_case_from_entrustment_to_archive_with_a_suspension():
    assert walk(Step("accept"), Step("start"),
                Step("suspend", "materials_late", TODAY + timedelta(days=10)),
                Step("resume"), Step("complete"), Step("deliver", method="pickup"), Step("archive")) == "archived"


@pytest.mark.parametrize("state", OPEN)
def test_any_open_case_can_be_terminated_with_a_reason(state):
    assert next_state(state, Step("terminate", "applicant_request"), TODAY) == "terminated"
    with pytest.raises(IllegalCaseStep, match="须写明原因"):
        next_state(state, Step("terminate"), TODAY)


def test_a_suspension_needs_a_reason_and_a_future_resumption_deadline():
    with pytest.raises(IllegalCaseStep, match="续办期限"):
        next_state("in_progress", Step("suspend", "fees_unpaid", TODAY), TODAY)
    with pytest.raises(IllegalCaseStep, match="须写明原因"):
        next_state("in_progress", Step("suspend", "no such reason", TODAY + timedelta(days=3)), TODAY)


def test_illegal_steps_are_refused_in_chinese():
    for state in ("entrusted", "accepted", "completed", "terminated", "archived"):
        with pytest.raises(IllegalCaseStep, match="不能办结"):
            next_state(state, Step("complete"), TODAY)
    assert not [pair for pair in TRANSITIONS if pair[0] == "archived"]


def test_a_suspension_past_its_deadline_is_a_termination():
    assert not expired("suspended", TODAY, TODAY)
    assert expired("suspended", TODAY - timedelta(days=1), TODAY)
    assert next_state("suspended", Step("expire"), TODAY) == "terminated"
    assert not expired("in_progress", TODAY - timedelta(days=1), TODAY)


def test_the_seeds_reasons_are_all_there():
    assert len(REASONS) == 11 and "dishonest_enterprise" in REASONS
    assert "长期停滞" in REASONS["long_stalled"] and "拒不履行" in REASONS["refuses_duties"]  # seed 004 (6), (7)


def test_only_a_coordinator_or_chief_accepts_a_case():
    assert may_take("accept", "coordinator") and may_take("accept", "chief")
    assert not may_take("accept", "proxy_agent") and not may_take("accept", "helper")
    assert may_take("start", "proxy_agent") and may_take("complete", "helper")


def test_resuming_moves_the_deadline_on_by_the_working_days_the_suspension_took():
    plain = Calendar()
    deadline = date(2026, 11, 27)  # a Friday
    # suspended Monday 23rd, resumed Wednesday 25th: two working days stopped
    assert resumed_deadline(deadline, date(2026, 11, 23), date(2026, 11, 25), plain) == date(2026, 12, 1)
    assert resumed_deadline(deadline, TODAY, TODAY, plain) == deadline
    assert resumed_deadline(None, TODAY, TODAY + timedelta(days=3), plain) is None


@pytest.mark.parametrize("method,state,then,end", [
    ("pickup", "delivered", None, "delivered"),
    ("ems", "sent", "receive", "delivered"),
    ("electronic", "ready_online", "download", "delivered"),
])
def test_a_completed_case_is_delivered_before_it_is_archived(method, state, then, end):
    with pytest.raises(IllegalCaseStep, match="不能归档"):
        next_state("completed", Step("archive"), TODAY)
    assert next_state("completed", Step("deliver", method=method), TODAY) == state
    if then:
        with pytest.raises(IllegalCaseStep, match="不能归档"):
            next_state(state, Step("archive"), TODAY)  # a posted result is not delivered until received
        assert next_state(state, Step(then), TODAY) == end
    assert next_state(end, Step("archive"), TODAY) == "archived"
    assert set(COMPLETED) >= {state, end}


def test_delivery_needs_a_known_method_and_a_completed_case():
    with pytest.raises(IllegalCaseStep, match="交付须选择方式"):
        next_state("completed", Step("deliver", method="pigeon"), TODAY)
    with pytest.raises(IllegalCaseStep, match="不能交付结果"):
        next_state("in_progress", Step("deliver", method="pickup"), TODAY)


def test_every_state_says_what_comes_next_and_every_form_has_its_step():
    assert set(NEXT_STEPS) == set(STATE_NAMES)
    assert set(FORM_STEPS) == set(SIGNED_FORMS)
    assert {a for actions in FORM_STEPS.values() for a in actions} <= set(ACTION_NAMES) | {"entrust"}


@pytest.mark.parametrize("name,masked", [
    ("刘䶮", "刘*"), ("张三明", "张*明"), ("欧阳小明", "欧**明"), ("𠮷田 Yoshida", "𠮷田******da"),
    ("许昌示范科技有限公司", "许昌******公司"), ("李", "李"),
])
def test_names_are_masked_for_the_public_page(name, masked):
    assert mask_name(name) == masked
