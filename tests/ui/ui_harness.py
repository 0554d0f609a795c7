"""The UI tests' harness: each Kivy app in its own process (Kivy makes one window per process),
driven by a script in drivers/ that writes what it shows as JSON lines."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DRIVERS = Path(__file__).resolve().parent / "drivers"


class Driver:
    """One app process running a driver script (a name in drivers/, or a path); talks through files
    in ``folder``."""

    def __init__(self, script: str, args: list[str], env: dict, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.log = open(folder / "driver.log", "ab")
        self.proc = subprocess.Popen([sys.executable, str(DRIVERS / script), "--out", str(folder), *args],
                                     env=env, cwd=str(REPO), stdout=self.log, stderr=subprocess.STDOUT)

    def states(self) -> list[dict]:
        path = self.folder / "states.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def wait_for(self, test, timeout: float = 20.0, what: str = "", after: dict | None = None) -> dict:
        """The first state (a dict the app wrote), later than ``after`` if given, for which ``test`` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for state in self.states():
                if (after is None or state["t"] > after["t"]) and test(state):
                    return state
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"driver never showed {what or test}; log:\n{self.log_text()[-3000:]}")

    def command(self, text: str) -> None:
        """A line for the driver to act on (it polls for them)."""
        with open(self.folder / "commands.txt", "a", encoding="utf-8") as out:
            out.write(text + "\n")

    def result(self, timeout: float = 30.0) -> dict:
        self.proc.wait(timeout)
        path = self.folder / "result.json"
        assert path.exists(), self.log_text()[-3000:]
        return json.loads(path.read_text(encoding="utf-8"))

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            self.command("stop")
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def kill(self) -> None:
        """A crash: no chance to save anything."""
        self.proc.kill()
        self.proc.wait()

    def log_text(self) -> str:
        self.log.flush()
        return (self.folder / "driver.log").read_text(errors="replace")


def played(folder: Path) -> list[dict]:
    """What the display's WavFilePlayer was asked to say, in order."""
    path = folder / "speech" / "played.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wait_until(test, timeout: float = 20.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = test()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or test}")
