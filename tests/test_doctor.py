"""bangban doctor against a real server and the printer and pad simulators."""
import json
import subprocess
import sys

from devices.printer.simulator import PrinterSimulator
from devices.ratepad.simulator import VirtualPad


def doctor(*args):
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "doctor", *args], capture_output=True,
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
        faulty = doctor("--server", sqlite_server.url, "--token", "bbd_wrong", "--printer", config,
                        "--camera", str(tmp_path / "no-such-video.mp4"))
        assert faulty.returncode == 1
        assert "[故障] 设备令牌：无效" in faulty.stdout and "缺纸" in faulty.stdout
        assert "[故障] 高拍仪" in faulty.stdout
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
