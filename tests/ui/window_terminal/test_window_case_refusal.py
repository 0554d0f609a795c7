"""The entrust form when the server cannot take it (restarting mid-service): the helper is told
in plain Chinese, and everything typed is still there for the next try, which succeeds."""
from __future__ import annotations

from tests.conftest import LiveServer
from tests.ui.window_terminal.test_window_case_lifecycle import ID_NUMBER, do, signed_in, terminal


def test_what_was_typed_survives_a_server_that_went_away(start_driver, tmp_path):
    (tmp_path / "server").mkdir()
    server = LiveServer(tmp_path / "server", None)
    server.start()
    try:
        t = terminal(start_driver, server, tmp_path / "agent", 1)
        signed_in(t, "1003")
        do(t, "cases", until=lambda s: s["screen"] == "cases", what="the case panel")
        do(t, "tap new_case", until=lambda s: (s["dialog"] or "").startswith("新建代办委托"), what="the entrust form")
        typed = do(t, "dfill applicant 刘䶮", f"dfill id_number {ID_NUMBER}", "dfill phone 13912345678",
                   "dfill matter_id 11", "dfill delivery pickup",
                   until=lambda s: (s.get("dialog_values") or {}).get("applicant") == "刘䶮", what="typed")
        server.stop()
        refused = do(t, "submit", until=lambda s: "没有登记" in (s.get("dialog_message") or ""),
                     what="told the server is away")
        assert refused["dialog"].startswith("新建代办委托")
        assert refused["dialog_values"] == typed["dialog_values"], "nothing typed is lost"
        server.start()
        entrusted = do(t, "submit", until=lambda s: s.get("state") == "entrusted", what="entrusted on the next try",
                       timeout=40)
        assert "已登记委托" in entrusted["message"]
    finally:
        server.close()
