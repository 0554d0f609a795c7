"""What every driver script shares: states written as JSON lines, commands read from a file,
screenshots saved under exact names."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path


class DriverIO:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._last: dict | None = None
        self._commands_read = 0

    def record(self, state: dict) -> None:
        """Append the state when it differs from the last one written."""
        if state == self._last:
            return
        self._last = dict(state)
        with open(self.folder / "states.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps({**state, "t": time.time()}, ensure_ascii=False) + "\n")

    def new_commands(self) -> list[str]:
        path = self.folder / "commands.txt"
        if not path.exists():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        fresh, self._commands_read = lines[self._commands_read:], len(lines)
        return [line.strip() for line in fresh if line.strip()]

    def screenshot(self, name: str) -> str:
        from kivy.core.window import Window

        wanted = self.folder / f"{name}.png"
        made = Window.screenshot(name=str(self.folder / f"{name}_.png"))
        os.replace(made, wanted)
        return str(wanted)

    def result(self, data: dict) -> None:
        (self.folder / "result.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
