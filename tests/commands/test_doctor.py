"""bangban doctor against a real server and the printer and pad simulators."""
import json
import subprocess
import sys

from devices.printer.simulator import PrinterSimulator
from devices.ratepad.simulator import VirtualPad


def doctor(*args):
    return subprocess.run([sys.executable, "-m", "kiosk.commands.cli", "doctor", *args], capture_output=True,
                          text=True, timeout=60)


def test_a_healthy_machine_then_each_fault_named(sqlite_server, tmp_path):
    token = sqlite_server.device_token("kiosk")
    printer = PrinterSimulator(port=0, out_dir=tmp_path / "prints").start()
    config = json.dumps({"backend": "network", "host": "127.0.0.1", "port": printer.port,
                         "profile": "generic-80-gb18030"})
    try:
        with VirtualPad(str(tmp_path / "pad")) as pad:
            healthy = doctor("--server", sqlite_server.url, "--token", token, "--printer", config,
                             "--pad", pad.path)
            assert healthy.returncode == 0, healthy.stdout
            for line in ("[正常] 服务器：正常", "[正常] 设备令牌：有效", "[正常] 中文字体", "[正常] 小票打印机：正常",
                         "[正常] 评价器：有心跳", "[跳过] 高拍仪：未配置"):
                assert line in healthy.stdout, healthy.stdout
        printer.set_fault("paper_out")
        faulty = doctor("--server", sqlite_server.url, "--token", "bbd_" + "w" * 43, "--printer", config,
                        "--camera", str(tmp_path / "no-such-video.mp4"))
        assert faulty.returncode == 1
        assert "[故障] 设备令牌：无效" in faulty.stdout and "缺纸" in faulty.stdout
        assert "[故障] 高拍仪" in faulty.stdout
        malformed = doctor("--server", sqlite_server.url, "--token", "bbd_wrong")
        assert malformed.returncode == 1 and "[正常] 服务器：正常" in malformed.stdout
        assert '[故障] 命令行与环境变量：--token = "bbd_wrong"（本机的设备令牌）：不是设备令牌' in malformed.stdout
    finally:
        printer.stop()
    sqlite_server.stop()
    down = doctor("--server", sqlite_server.url)
    assert down.returncode == 1 and "[故障] 服务器：连不上" in down.stdout


def test_doctor_reads_the_machines_config_and_checks_it(sqlite_server, tmp_path):
    token = sqlite_server.device_token("window")
    printer = PrinterSimulator(port=0, out_dir=tmp_path / "prints").start()
    config = tmp_path / "window.toml"
    config.write_text(f'[client]\nserver = "{sqlite_server.url}"\ntoken = "{token}"\n'
                      f'[printer]\nbackend = "network"\nhost = "127.0.0.1"\nport = {printer.port}\n', encoding="utf-8")
    try:
        checked = doctor("--config", str(config))  # the role is the file's name
        assert checked.returncode == 0, checked.stdout
        for line in (f"[正常] 配置文件：{config} 正确（窗口终端）", "[正常] 设备令牌：有效", "[正常] 小票打印机：正常"):
            assert line in checked.stdout, checked.stdout
        config.write_text('[client]\nserver = "http://127.0.0.1:9"\n[printer]\nhots = "x"\n', encoding="utf-8")
        broken = doctor("--config", str(config), "--role", "window")
        assert broken.returncode == 1
        assert "[故障] 配置文件：[printer] 中没有配置项 hots（是不是 host？）" in broken.stdout
    finally:
        printer.stop()
    unnamed = doctor("--config", str(tmp_path / "hall.toml"))
    assert unnamed.returncode == 2 and "请用 --role 说明" in unnamed.stderr


def test_doctor_says_when_a_deadline_falls_past_the_years_the_calendar_knows(tmp_path):
    from datetime import date

    from kiosk.commands.doctor import check_working_days
    from kiosk.domain.working_days import Calendar
    from kiosk.server.admin import seed_demo
    from kiosk.server.db import Database, migrate
    from kiosk.config.server import load_settings

    config = tmp_path / "server.toml"
    config.write_text(f'[server]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    settings = load_settings(config)
    migrate(settings.database_url)
    database = Database(settings.database_url)
    seed_demo(database)
    database.dispose()
    last = Calendar().last_known_year
    spring = check_working_days(settings, today=date(last, 3, 2))
    assert spring.ok is True and f"已收录到 {last} 年" in spring.message
    december = check_working_days(settings, today=date(last, 12, 21))
    assert december.ok is False
    assert f"落在 {last} 年以后" in december.message and "[calendar] holidays" in december.message
    # the whole command shows it too, for the server's own file
    run = doctor("--config", str(config))
    assert "工作日历" in run.stdout, run.stdout + run.stderr
