from datetime import date, timedelta

import pytest

from kiosk.domain.case_states import (
    OPEN, REASONS, TRANSITIONS, IllegalCaseStep, Step, expired, may_take, next_state, resumed_deadline,
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
                Step("resume"), Step("complete"), Step("archive")) == "archived"


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
