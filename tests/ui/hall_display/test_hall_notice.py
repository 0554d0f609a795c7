"""The hall display's scrolling notice moves as often as the screen can afford: every move
redraws the whole screen, which a display box without a GPU draws in software."""
from __future__ import annotations

import pytest

from kiosk.ui.hall_display.screen import NOTICE_FPS, NOTICE_SLOWEST_S, notice_step_s


@pytest.mark.parametrize("frame_s", [0.0, 0.004, 0.017])
def test_where_frames_are_cheap_the_notice_moves_every_frame(frame_s):
    assert notice_step_s(frame_s) == 1 / NOTICE_FPS


@pytest.mark.parametrize("frame_s, step_s", [(0.05, 0.2), (0.1, 0.4), (0.13, NOTICE_SLOWEST_S), (2.0, NOTICE_SLOWEST_S)])
def test_where_a_frame_takes_long_the_notice_takes_a_quarter_of_the_time_at_most(frame_s, step_s):
    assert notice_step_s(frame_s) == pytest.approx(step_s)
    assert frame_s / notice_step_s(frame_s) <= 0.25 or notice_step_s(frame_s) == NOTICE_SLOWEST_S
