"""Spoken calls for the hall display: "请 A012 号到 3 号窗口办理" in Mandarin.

    settings = SpeechSettings(volume=0.8, repeat=1)
    with Announcer.from_settings(settings) as announcer:
        announcer.announce("A012", 3)   # returns at once; said twice, never over another call

Plain data in, WAV files out; nothing here knows the kiosk.
"""

from .announcer import Announcement, Announcer
from .call_text import SpokenCall, spoken_call
from .engine import SpeechEngine, make_engine
from .players import CommandPlayer, PlayedClip, SilentPlayer, WavFilePlayer, find_player
from .settings import SpeechSettings

__all__ = [
    "Announcement", "Announcer", "CommandPlayer", "PlayedClip", "SilentPlayer",
    "SpeechEngine", "SpeechSettings", "SpokenCall", "WavFilePlayer", "find_player",
    "make_engine", "spoken_call",
]
