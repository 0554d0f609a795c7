import pytest

from kiosk.domain.ticket_states import TRANSITIONS, IllegalTransition, next_status

STATES = ("waiting", "called", "serving", "finished", "no_show")
ACTIONS = ("call", "recall", "no_show", "start", "transfer", "finish")


def test_a_full_service():
    status = "waiting"
    for action in ("call", "recall", "start", "finish"):
        status = next_status(status, action)
    assert status == "finished"


def test_transfer_puts_the_ticket_back_in_line():
    assert next_status("serving", "transfer") == "waiting"


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_other_pair_is_refused_in_chinese(status, action):
    if (status, action) in TRANSITIONS:
        return
    with pytest.raises(IllegalTransition) as info:
        next_status(status, action)
    assert "不能" in str(info.value)


def test_finished_and_no_show_are_final():
    assert not [pair for pair in TRANSITIONS if pair[0] in ("finished", "no_show")]
