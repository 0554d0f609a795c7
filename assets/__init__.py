"""Sounds the terminals ship with. A package, so that bangban finds them through its own
installation, editable or not."""
from importlib.resources import files
from pathlib import Path

FOLDER = Path(str(files(__name__)))
SPEECH_SEGMENTS = FOLDER / "sounds" / "speech"  # one WAV per word of a call (kiosk/commands/speech_segments.py)
