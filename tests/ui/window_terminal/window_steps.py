"""Steps a helper takes at the window terminal, shared by its tests."""


def sign_in(terminal, code: str = "1004", pin: str = "246810") -> None:
    """Code typed, PIN on the terminal's own keypad, then the serve screen."""
    terminal.command(f"type code {code}")
    terminal.command("focus pin")
    for digit in pin:
        terminal.command(f"pad {digit}")
    terminal.command("tap sign_in_button")
    terminal.wait_for(lambda s: s["screen"] == "serve", what="the serve screen")
