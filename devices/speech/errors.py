"""Typed speech errors: a Chinese message a person can act on, plus an English code."""

from __future__ import annotations

from devices.errors import DeviceError


class SpeechError(DeviceError):
    """Base of every speech error. `code` is stable English, `message` is for people."""

    code = "speech_error"
    message = "语音叫号出错，请联系工作人员。"


class BadTicketNumber(SpeechError):
    code = "bad_ticket_number"
    message = "票号格式不对，应为字母加数字（例如 A012），无法语音叫号。"


class BadWindowNumber(SpeechError):
    code = "bad_window_number"
    message = "窗口号不对，应为 1 到 9999 之间的整数，无法语音叫号。"


class BadSpeechSetting(SpeechError):
    code = "bad_speech_setting"
    message = "语音叫号设置有误（音量、重复次数或语音引擎），请检查叫号配置。"


class EngineMissing(SpeechError):
    """The synthesis program is not installed (or not on PATH)."""

    code = "speech_engine_missing"
    message = "找不到语音合成程序 espeak-ng，请工作人员安装（apt-get install espeak-ng）或改用录音片段模式。"


class SynthesisFailed(SpeechError):
    code = "speech_synthesis_failed"
    message = "语音合成失败，本次叫号没有声音，请检查语音合成程序。"


class SegmentMissing(SpeechError):
    """A recorded segment the sentence needs is not in the segments folder."""

    code = "speech_segment_missing"
    message = "缺少叫号录音片段，请重新生成或补录语音片段（assets/sounds/speech）。"


class BadAudioFile(SpeechError):
    code = "bad_audio_file"
    message = "语音文件格式不对（需要 16 位单声道 WAV），请重新生成语音片段。"


class PlaybackFailed(SpeechError):
    code = "speech_playback_failed"
    message = "播放叫号语音失败，请检查音箱电源、音量和音频线。"


class NoAudioOutput(SpeechError):
    """No player program or no sound device on this machine."""

    code = "no_audio_output"
    message = "本机没有可用的放音程序或声卡，叫号将只显示不播报，请工作人员检查音箱和声卡。"


class AnnouncerClosed(SpeechError):
    code = "announcer_closed"
    message = "语音叫号已停止，请重新启动叫号屏。"
