"""One TOML per machine role, checked whole before anything starts; the shipped examples are valid
and document every key."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config.roles import ROLES, ConfigError, check_file, declared_keys, load

EXAMPLES = Path(__file__).parents[2] / "systemd" / "config"
TOKEN = "bbd_" + "x" * 43


def bangban(*args, env=None, timeout=30):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BANGBAN_")}
    environment.pop("DISPLAY", None)  # a terminal that got past its checks would fail here, not open a window
    return subprocess.run([sys.executable, "-m", "kiosk.commands.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**environment, **(env or {})})


def write(tmp_path, text, name="machine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_example_is_valid_and_documents_every_key(role):
    example = EXAMPLES / f"{role}.toml"
    assert check_file(role, example) is not None
    documented, section = set(), ""
    for line in example.read_text(encoding="utf-8").splitlines():
        line = line.lstrip("# ").strip()
        if m := re.fullmatch(r"\[(\w+)\]", line):
            section = m.group(1)
        elif m := re.match(r"(\w+) =", line):
            documented.add((section, m.group(1)))
    assert documented == {(where, key) for where, key, _ in declared_keys(ROLES[role])}


def test_every_mistake_in_a_file_is_named_at_once(tmp_path):
    path = write(tmp_path, """
[client]
server = "htp://192.168.1.10"
tokn = "bbd_abc"
[printer]
backend = "serial"
port = 99999
hots = "a"
timeout_s = "soon"
[camera]
file = "frames"
device = 0
[kiosk]
admin_pin = "2468"
""")
    with pytest.raises(ConfigError) as caught:
        check_file("window", path)
    problems = caught.value.problems
    assert problems == [
        '[client] server = "htp://192.168.1.10"（服务器地址）：应为 http:// 或 https:// 开头的网址，如 http://192.168.1.10:8080',
        "[client] 中没有配置项 tokn（是不是 token？）",
        "[printer] port = 99999（网络打印机端口）：应在 1–65535 之间",
        "[printer] 中没有配置项 hots（是不是 host？）",
        '[printer] timeout_s = "soon"（连接与等待应答的秒数）：应为数字',
        "窗口终端不读配置段 [kiosk]（它读的是 [client]、[hall]、[window]、[printer]、[camera]）",
        '[printer] backend = "serial" 时必须写 device',  # what depends on two keys last, in file order
        "[camera] 中 file 与 device 只能写一个：file 用于模拟器，device 用于真实高拍仪",
    ]
    assert f"{path} 有 8 处错误" in str(caught.value)


@pytest.mark.parametrize("text, words", [
    ('[client]\ntoken = "12345"\n', "不是设备令牌"),
    ("[kiosk]\nadmin_pin = 2468\n", "应为带引号的 4–12 位数字"),
    ("[kiosk]\nelder_mode = \"yes please\"\n", "应为 true 或 false"),
    ('[kiosk]\nsize = "big"\n', "应为 \"宽x高\""),
    ("[camera]\ndevice = 99\n", "应为摄像头编号"),
    ("[printer]\nbaudrate = 12345\n", "应为 9600、19200、38400、57600、115200 之一"),
    ("client = 3\n", "client 应写成配置段 [client]"),
])
def test_one_mistake_says_which_value_and_why(tmp_path, text, words):
    with pytest.raises(ConfigError) as caught:
        check_file("kiosk", write(tmp_path, text))
    problems = caught.value.problems
    assert len(problems) == 1 and words in problems[0], problems


def test_values_are_typed_for_the_program(tmp_path):
    config = check_file("kiosk", write(tmp_path, '[kiosk]\nsize = "1080x1920"\nidle_timeout_s = 90\n'
                                                 "[printer]\nusb_vendor = 0x0416\nbackend = \"usb\"\n"))
    assert (config.kiosk.size, config.kiosk.idle_timeout_s, config.kiosk.printer_check_s) == ((1080, 1920), 90.0, 10.0)
    # a device's section goes on as written: what is left out keeps the device's own default
    assert config.printer.model_dump(exclude_unset=True) == {"usb_vendor": 0x0416, "backend": "usb"}
    assert config.camera is None  # no section: no camera


def test_the_command_line_wins_over_the_environment_which_wins_over_the_file(tmp_path):
    path = write(tmp_path, '[client]\nserver = "http://10.0.0.1:8080"\ntoken = "bbd_file_file_file_file_file"\n'
                           "[pad]\nwindow = 3\ntimeout_s = 30\n")
    environ = {"BANGBAN_TOKEN": "bbd_environment_environment", "BANGBAN_DATA": "/var/lib/x"}
    config = load(path, "pad", {"pad.timeout_s": "45", "pad.port": "loop://", "pad.window": None}, environ=environ)
    assert (config.client.server, config.client.token) == ("http://10.0.0.1:8080", "bbd_environment_environment")
    assert (config.pad.window, config.pad.timeout_s, config.pad.port) == (3, 45.0, "loop://")
    assert config.data_dir == Path("/var/lib/x")
    assert config.pad.rating_window_s == 600  # the server's default, declared once
    assert load(path, "pad", {"client.token": "bbd_option_option_option_opt"}, environ=environ).client.token \
        == "bbd_option_option_option_opt"


def test_where_a_wrong_value_came_from_is_named(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load(None, "pad", {"pad.timeout_s": "1", "pad.window": 3}, environ={"BANGBAN_TOKEN": "secret"})
    assert caught.value.problems == [
        '环境变量 BANGBAN_TOKEN = "secret"（本机的设备令牌）：不是设备令牌：令牌以 bbd_ 开头，由 bangban device add 生成',
        '--timeout = "1"（等待评价的秒数）：应在 5–600 之间',
    ]


def test_a_file_that_is_missing_or_not_toml_is_named(tmp_path):
    with pytest.raises(ConfigError, match="找不到这个配置文件"):
        check_file("pad", tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="格式错误"):
        check_file("pad", write(tmp_path, "[pad\nwindow = 3\n"))
    (tmp_path / "gbk.toml").write_bytes("[hall]\nname = \"大厅\"\n".encode("gbk"))
    with pytest.raises(ConfigError, match="不是 UTF-8"):
        check_file("display", tmp_path / "gbk.toml")


@pytest.mark.parametrize("command", [["kiosk", "--windowed"], ["window", "--window", "3"], ["display", "--windowed"]])
def test_a_terminal_without_a_token_says_so_and_does_not_start(tmp_path, command):
    config = write(tmp_path, '[client]\nserver = "http://127.0.0.1:9"\n')
    run = bangban(*command, "--config", str(config), "--data", str(tmp_path))
    assert run.returncode == 2, run.stderr
    assert "缺少本机的设备令牌（--token、BANGBAN_TOKEN、[client] token" in run.stderr and "bangban device add" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_terminal_with_a_bad_file_lists_its_mistakes_and_does_not_start(tmp_path):
    config = write(tmp_path, '[client]\nserver = "http://127.0.0.1:9"\n[display]\nnotise = "x"\n[speech]\nvolume = 3\n')
    run = bangban("display", "--windowed", "--config", str(config), "--data", str(tmp_path),
                  env={"BANGBAN_TOKEN": TOKEN})
    assert run.returncode == 2
    assert "[display] 中没有配置项 notise（是不是 notice？）" in run.stderr
    assert "[speech] volume = 3（音量（0–1））：应在 0–1 之间" in run.stderr
    bad_token = bangban("kiosk", "--windowed", "--data", str(tmp_path), env={"BANGBAN_TOKEN": "secret"})
    assert bad_token.returncode == 2 and '环境变量 BANGBAN_TOKEN = "secret"（本机的设备令牌）：不是设备令牌' in bad_token.stderr


def test_the_server_refuses_a_bad_file_and_a_bad_variable(tmp_path):
    config = write(tmp_path, "[server]\nport = 0\nhost = \"\"\n")
    run = bangban("server", "--config", str(config), "--data", str(tmp_path))
    assert run.returncode == 2
    assert "port = 0（监听端口）：应在 1–65535 之间" in run.stderr and "host = \"\"（监听地址）：不能为空" in run.stderr
    env = bangban("migrate", "--data", str(tmp_path), env={"BANGBAN_PORT": "eighty"})
    assert env.returncode == 2 and '环境变量 BANGBAN_PORT = "eighty"（监听端口）：应为数字' in env.stderr


def test_the_pad_bridge_reads_its_file_and_names_what_is_missing(tmp_path):
    config = write(tmp_path, '[client]\nserver = "http://127.0.0.1:9"\n[pad]\nwindow = 3\n')
    run = bangban("pad", "--config", str(config), "--data", str(tmp_path))
    assert run.returncode == 2
    assert "缺少评价器串口，如 /dev/bangban-pad3（--port、[pad] port" in run.stderr
    assert "缺少本机的设备令牌（--token、BANGBAN_TOKEN、[client] token" in run.stderr
    assert "窗口号" not in run.stderr  # the file gave it
    assert "Traceback" not in run.stderr
    wrong = bangban("pad", "--config", str(write(tmp_path, "[pad]\nwindow = 0\n", "bad.toml")))
    assert wrong.returncode == 2 and "[pad] window = 0（评价器所在的窗口号）：应在 1–999 之间" in wrong.stderr


def test_check_config_command(tmp_path):
    good = bangban("check-config", "display", str(EXAMPLES / "display.toml"))
    assert good.returncode == 0 and "正确" in good.stdout
    bad = bangban("check-config", "pad", str(EXAMPLES / "display.toml"))
    assert bad.returncode == 2 and "评价器桥不读配置段 [display]" in bad.stderr


@pytest.mark.parametrize("role", ROLES)
def test_every_declared_option_is_one_the_roles_command_takes(role):
    from kiosk.commands.cli import build_parser
    from kiosk.config.roles import options_of
    from kiosk.padbridge.__main__ import _options

    declared = {(f"{where}.{key}" if where else key): extra["option"]
                for where, key, extra in declared_keys(ROLES[role]) if extra.get("option")}
    assert declared, role
    for key, option in declared.items():
        args = _options([option, "3"]) if role == "pad" else build_parser().parse_args([role, option, "3"])
        assert key in options_of(args, role), (role, option)
