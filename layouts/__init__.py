"""Every Kivy screen's layout, one .kv file per screen (README.md). A package, so that bangban finds
them through its own installation, editable or not."""
from importlib.resources import files
from pathlib import Path

FOLDER = Path(str(files(__name__)))
