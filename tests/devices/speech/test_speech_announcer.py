"""The call queue, checked on the clips a WavFilePlayer keeps: order, repeats, gaps, no overlap."""

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from devices.speech import (
    Announcer, CommandPlayer, SilentPlayer, SpeechSettings, WavFilePlayer, find_player, make_engine,
)
from devices.speech.errors import (
    AnnouncerClosed, BadSpeechSetting, BadTicketNumber, NoAudioOutput, PlaybackFailed,
    SegmentMissing,
)
from devices.speech.pcm import read_wav
from devices.speech.settings import DEFAULT_SEGMENTS_DIR

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is not installed (apt-get install espeak-ng)")

PACE = 0.02  # a 5 s call "plays" in 0.1 s
GAP = 0.05


@pytest.fixture
def engine(tmp_path):
    return make_engine(SpeechSettings(cache_dir=tmp_path / "cache"))


@pytest.fixture
def player(tmp_path):
    return WavFilePlayer(tmp_path / "played", pace=PACE)


def assert_no_overlap(played, gap_s):
    for before, after in zip(played, played[1:]):
        assert after.started >= before.ended + gap_s * 0.9, (before, after)


def test_each_call_is_said_twice_in_order_with_the_chime_first(engine, player):
    with Announcer(engine, player, repeat=1, gap_s=GAP) as announcer:
        announcer.announce("A012", 3)
        announcer.announce("B100", 12)
        assert announcer.wait_idle(10)
    assert [c.label for c in player.played] == [
        "A012-w3-say1", "A012-w3-say2", "B100-w12-say1", "B100-w12-say2"]
    assert_no_overlap(player.played, GAP)
    first, repeat = (read_wav(c.saved_as).duration_s for c in player.played[:2])
    assert 3.0 < repeat < 8.0
    assert first > repeat + 0.8, "the first saying carries the chime, the repeat does not"
    lines = (player.folder / "played.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["label"] for line in lines] == [c.label for c in player.played]
    assert all(Path(c.saved_as).exists() for c in player.played)


@pytest.mark.parametrize("repeat", [0, 2])
def test_repetition_is_configurable(engine, player, repeat):
    with Announcer(engine, player, repeat=repeat, gap_s=GAP) as announcer:
        announcer.announce("A012", 3)
        assert announcer.wait_idle(10)
    assert len(player.played) == 1 + repeat


def test_announce_returns_at_once_while_a_call_is_playing(engine, tmp_path):
    slow = WavFilePlayer(tmp_path / "slow", pace=0.2)  # about 1 s per call
    with Announcer(engine, slow, repeat=0, gap_s=0) as announcer:
        announcer.announce("A001", 1)
        time.sleep(0.3)  # the first call is now playing
        started = time.perf_counter()
        announcer.announce("A002", 2)
        took = time.perf_counter() - started
        assert announcer.pending() == 2
        assert announcer.wait_idle(10)
    assert took < 0.05


def test_concurrent_calls_never_overlap_and_keep_queue_order(engine, player):
    announcements, lock = [], threading.Lock()

    def helper_at_window(window):
        for n in range(2):
            made = announcer.announce(f"A{window}{n}", window)
            with lock:
                announcements.append(made)

    with Announcer(engine, player, repeat=1, gap_s=GAP) as announcer:
        threads = [threading.Thread(target=helper_at_window, args=(w,)) for w in range(1, 7)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert announcer.wait_idle(30)
    assert len(player.played) == 2 * len(announcements) == 24
    assert_no_overlap(player.played, GAP)
    said = [c.label.rsplit("-say", 1)[0] for c in player.played]
    assert said[0::2] == said[1::2], "a repeat follows its own call at once"
    queued = [a.call.label for a in sorted(announcements, key=lambda a: a.id)]
    assert said[0::2] == queued


def test_the_same_call_waiting_twice_is_said_once(engine, tmp_path):
    player = WavFilePlayer(tmp_path / "played", pace=0.1)
    with Announcer(engine, player, repeat=0, gap_s=0) as announcer:
        announcer.announce("A001", 1)
        time.sleep(0.1)
        first = announcer.announce("A002", 2)
        second = announcer.announce("a002", 2)  # "recall" pressed again
        assert second is first
        assert announcer.wait_idle(10)
    assert [c.label for c in player.played] == ["A001-w1-say1", "A002-w2-say1"]


def test_a_bad_number_fails_on_the_callers_thread(engine, player):
    with Announcer(engine, player) as announcer:
        with pytest.raises(BadTicketNumber):
            announcer.announce("A-12", 3)
        assert announcer.pending() == 0


def test_a_call_that_cannot_be_said_is_reported_and_the_next_goes_on(tmp_path, player):
    folder = tmp_path / "segments"
    shutil.copytree(DEFAULT_SEGMENTS_DIR, folder)
    (folder / "jiu3.wav").unlink()
    engine = make_engine(SpeechSettings(engine="segments", segments_dir=folder,
                                        cache_dir=tmp_path / "cache"))
    reported = []
    with Announcer(engine, player, repeat=0, gap_s=0,
                   on_error=lambda a, e: reported.append((a.call.label, e.code))) as announcer:
        announcer.announce("A009", 3)
        announcer.announce("A012", 3)
        assert announcer.wait_idle(10)
    assert reported == [("A009-w3", SegmentMissing.code)]
    assert [c.label for c in player.played] == ["A012-w3-say1"]


def test_closed_announcer_refuses_calls(engine, player):
    announcer = Announcer(engine, player)
    announcer.close()
    with pytest.raises(AnnouncerClosed) as caught:
        announcer.announce("A012", 3)
    assert "已停止" in caught.value.message


def test_bad_repeat_is_refused(engine, player):
    with pytest.raises(BadSpeechSetting):
        Announcer(engine, player, repeat=-1)


def test_a_player_command_runs_for_real(engine):
    clip = engine.render_number("A012", 3)
    CommandPlayer(["sox", "-q", "{path}", "-n"]).play(clip)  # sox "plays" to its null device
    with pytest.raises(PlaybackFailed):
        CommandPlayer(["sox", "-q", "{path}", "-t", "no-such-audio-type", "-"]).play(clip)
    with pytest.raises(NoAudioOutput) as caught:
        CommandPlayer(["no-such-player", "{path}"]).play(clip)
    assert "声卡" in caught.value.message


@pytest.mark.skipif(os.path.exists("/dev/snd") or "PULSE_SERVER" in os.environ,
                    reason="this machine has a sound device; the fallback is not reachable")
def test_without_a_sound_device_calls_go_on_silently(tmp_path):
    player = find_player()
    assert isinstance(player, SilentPlayer)
    assert player.reason  # says which programs were tried and why each failed
    settings = SpeechSettings(cache_dir=tmp_path / "cache", gap_s=0)
    with Announcer.from_settings(settings) as announcer:
        announcer.announce("A012", 3)
        assert announcer.wait_idle(10)
        assert announcer.errors == []
        assert announcer.player.skipped == 2
