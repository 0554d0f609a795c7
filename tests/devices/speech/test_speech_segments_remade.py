"""The shipped segments are exactly what the build script makes: anyone can remake them."""

import shutil

import pytest

from devices.speech.call_text import vocabulary
from devices.speech.pcm import read_wav
from kiosk.commands.speech_segments import main
from devices.speech.settings import DEFAULT_SEGMENTS_DIR


@pytest.mark.skipif(shutil.which("espeak-ng") is None,
                    reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_build_remakes_the_shipped_set(tmp_path, capsys):
    main([str(tmp_path / "speech")])
    assert f"{len(vocabulary())} segments" in capsys.readouterr().out
    for name in vocabulary():
        made = tmp_path / "speech" / f"{name}.wav"
        clip = read_wav(made)
        assert 0.1 < clip.duration_s < 2.0, name
        # Same words, same length; not byte-equal, so another espeak-ng release still passes.
        shipped = read_wav(DEFAULT_SEGMENTS_DIR / f"{name}.wav")
        assert clip.duration_s == pytest.approx(shipped.duration_s, rel=0.05), (
            f"{name}.wav differs from the shipped one: rerun kiosk.commands.speech_segments")
    assert (tmp_path / "chime.wav").exists()
