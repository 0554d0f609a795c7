"""Calls rendered to WAV files: valid, audible, the right length, cached, at the set volume."""

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from devices.speech import SpeechSettings, make_engine
from devices.speech.call_text import vocabulary
from devices.speech.errors import (
    BadAudioFile, BadSpeechSetting, EngineMissing, SegmentMissing, SynthesisFailed,
)
from devices.speech.pcm import Pcm, read_wav, write_wav
from devices.speech.settings import DEFAULT_SEGMENTS_DIR

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (apt-get install espeak-ng)")


def samples_of(path: Path) -> tuple[np.ndarray, int]:
    """Read with the standard wave module: what any player would see."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        rate = wav.getframerate()
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return data.astype(np.float64) / 32767, rate


def rms(signal: np.ndarray) -> float:
    return float(np.sqrt(np.mean(signal ** 2)))


def settings(tmp_path, **changes) -> SpeechSettings:
    return SpeechSettings(cache_dir=tmp_path / "cache", **changes)


@needs_espeak
@pytest.mark.parametrize("engine", ["espeak", "segments"])
def test_a_call_is_a_valid_audible_wav_of_plausible_length(tmp_path, engine):
    path = make_engine(settings(tmp_path, engine=engine, chime=False)).render_number("A012", 3)
    signal, rate = samples_of(path)
    duration = len(signal) / rate
    # 13 syllables and a pause: a person takes 3-4 s; allow for a slow voice.
    assert 3.0 < duration < 8.0, duration
    assert rms(signal) > 0.05, "the call is (nearly) silent"
    assert np.abs(signal).max() <= 0.9, "clipped"
    speaking = np.abs(signal) > 0.05
    assert speaking.mean() > 0.3, "mostly silence"


@needs_espeak
def test_a_longer_window_number_takes_longer_to_say(tmp_path):
    engine = make_engine(settings(tmp_path, chime=False))
    short = read_wav(engine.render_number("A012", 3)).duration_s
    longer = read_wav(engine.render_number("A012", 12)).duration_s
    assert longer > short + 0.1


@needs_espeak
def test_the_chime_rings_before_the_voice(tmp_path):
    engine = make_engine(settings(tmp_path, chime=True))
    call = engine.call("A012", 3)
    with_chime, rate = samples_of(engine.render(call))
    without, _ = samples_of(engine.render(call, chime=False))
    assert len(with_chime) / rate > len(without) / rate + 0.8
    head = with_chime[: int(0.4 * rate)]
    spectrum = np.abs(np.fft.rfft(head))
    loudest_hz = np.fft.rfftfreq(len(head), 1 / rate)[spectrum.argmax()]
    assert abs(loudest_hz - 659) < 10  # the E5 "ding"


@needs_espeak
def test_repeated_calls_cost_nothing(tmp_path):
    engine = make_engine(settings(tmp_path))
    first = engine.render_number("A012", 3)
    again = engine.render_number("A012", 3)
    assert again == first and engine.syntheses == 1
    restarted = make_engine(settings(tmp_path))  # a display restarted on the same disk
    assert restarted.render_number("A012", 3) == first
    assert restarted.syntheses == 0
    quieter = make_engine(settings(tmp_path, volume=0.5))
    assert quieter.render_number("A012", 3) != first
    assert quieter.syntheses == 0, "a volume change must not re-synthesise the voice"


@needs_espeak
@pytest.mark.parametrize("engine", ["espeak", "segments"])
def test_volume_scales_the_level(tmp_path, engine):
    def level(volume):
        path = make_engine(settings(tmp_path, engine=engine, volume=volume)).render_number("B100", 10)
        return rms(samples_of(path)[0])

    full, half, none = level(1.0), level(0.5), level(0.0)
    assert half / full == pytest.approx(0.5, abs=0.01)
    assert none == 0.0


@pytest.mark.parametrize("bad", [{"volume": 1.5}, {"volume": -0.1}, {"repeat": -1},
                                 {"engine": "cloud"}, {"speed_wpm": 20}])
def test_bad_settings_are_refused(tmp_path, bad):
    with pytest.raises(BadSpeechSetting) as caught:
        settings(tmp_path, **bad)
    assert "语音叫号设置" in caught.value.message


def test_settings_from_a_config_section(tmp_path):
    loaded = SpeechSettings.from_mapping({"volume": 0.7, "repeat": 2, "cache_dir": str(tmp_path)})
    assert (loaded.volume, loaded.repeat, loaded.cache_dir) == (0.7, 2, tmp_path)
    with pytest.raises(BadSpeechSetting):
        SpeechSettings.from_mapping({"volumn": 0.7})


def test_missing_engine_binary_is_a_clear_typed_error(tmp_path):
    with pytest.raises(EngineMissing) as caught:
        make_engine(settings(tmp_path, espeak_binary="espeak-ng-not-installed"))
    error = caught.value
    assert error.code == "speech_engine_missing"
    assert "找不到语音合成程序" in error.message and "apt-get install espeak-ng" in error.message
    assert "espeak-ng-not-installed" in str(error)


def test_an_engine_that_fails_is_a_typed_error(tmp_path):
    engine = make_engine(settings(tmp_path, espeak_binary="false"))  # runs, exits 1
    with pytest.raises(SynthesisFailed) as caught:
        engine.render_number("A012", 3)
    assert "语音合成失败" in caught.value.message


def test_shipped_segments_cover_every_word():
    missing = [n for n in vocabulary() if not (DEFAULT_SEGMENTS_DIR / f"{n}.wav").exists()]
    assert missing == [], "run: python -m kiosk.commands.speech_segments"
    total = sum(p.stat().st_size for p in DEFAULT_SEGMENTS_DIR.parent.rglob("*.wav"))
    assert total < 2 * 1024 * 1024


def test_missing_segments_are_all_named_at_once(tmp_path):
    folder = tmp_path / "segments"
    shutil.copytree(DEFAULT_SEGMENTS_DIR, folder)
    (folder / "jiu3.wav").unlink()
    (folder / "ei1.wav").unlink()
    engine = make_engine(settings(tmp_path, engine="segments", segments_dir=folder))
    engine.render_number("B100", 3)  # needs neither
    with pytest.raises(SegmentMissing) as caught:
        engine.render_number("A009", 3)
    assert "ei1" in str(caught.value) and "jiu3" in str(caught.value)
    assert "录音片段" in caught.value.message


def test_a_replaced_recording_is_used_not_the_cached_call(tmp_path):
    folder = tmp_path / "segments"
    shutil.copytree(DEFAULT_SEGMENTS_DIR, folder)
    engine = make_engine(settings(tmp_path, engine="segments", segments_dir=folder, chime=False))
    before = read_wav(engine.render_number("A012", 3)).duration_s
    # A hall re-records "请" (here: the same word said twice as long).
    shutil.copyfile(folder / "qing3.wav", tmp_path / "old.wav")
    old = read_wav(tmp_path / "old.wav")
    write_wav(folder / "qing3.wav", Pcm(np.concatenate([old.samples, old.samples]), old.rate))
    after = read_wav(engine.render_number("A012", 3)).duration_s
    assert after == pytest.approx(before + old.duration_s, abs=0.05)


def test_a_broken_wav_is_a_typed_error(tmp_path):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....not a wave file")
    with pytest.raises(BadAudioFile):
        read_wav(broken)
