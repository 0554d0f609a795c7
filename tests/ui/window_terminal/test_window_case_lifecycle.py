"""A proxy case worked through the window terminal's case panel, as helpers do it: a real server,
the printer simulator on a real socket (each printed form read back), a folder of camera frames
standing in for the 高拍仪 (each signed page captured). One server for the module; each app in
its own process (drivers/window_case_driver.py)."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from kiosk.client import ApiClient
from kiosk.domain.case_states import REASONS
from kiosk.ui.window_terminal.form_fill import Facts, fields_for
from tests.conftest import LiveServer
from tests.conftest import hall_today

F1, F4 = 282, 285
ID_NUMBER = "11010519491231002X"
SHOTS = os.environ.get("BANGBAN_CASE_SHOTS")  # a folder to keep the screenshots in, for the issue's note


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("case_server"), None)
    live.start()
    yield live
    live.close()


@pytest.fixture(scope="module")
def printer(tmp_path_factory):
    from devices.printer.simulator import PrinterSimulator

    sim = PrinterSimulator(port=0, out_dir=tmp_path_factory.mktemp("paper")).start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def camera(tmp_path_factory) -> Path:
    """Frames of a page on a desk, as the document camera sees a signed form."""
    from kiosk.demo_camera.scenes import make_scene

    folder = tmp_path_factory.mktemp("camera")
    scene = make_scene(np.random.default_rng(7), (1280, 720), kind="a4_form", background="dark")
    for i in range(2):
        cv2.imwrite(str(folder / f"frame{i}.jpg"), scene.image)
    return folder


@pytest.fixture(autouse=True)
def kept_shots(tmp_path):
    """Each terminal's screenshots, copied where BANGBAN_CASE_SHOTS says once the test is over."""
    yield
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*/*.png"):
            shutil.copy(png, Path(SHOTS) / png.name)


def terminal(start_driver, server, folder: Path, window: int, *extra: str, hall: str | None = None):
    token = server.device_token("window", window, hall=hall)
    return start_driver("window_case_driver.py", folder, "--url", server.url, "--window", str(window),
                        "--token", token, "--data", str(folder / "data"), *extra)


def signed_in(t, code: str) -> None:
    t.command(f"signin {code}")
    t.wait_for(lambda s: s["screen"] == "serve", what=f"{code} signed in")


def do(t, *commands: str, until, what: str, timeout: float = 30.0) -> dict:
    """Commands, then the first state after them in which ``until`` holds."""
    before = t.states()[-1]
    for c in commands:
        t.command(c)
    return t.wait_for(lambda s: not s["queued"] and not s["busy"] and until(s), timeout=timeout, what=what,
                      after=before)


def printed(t, printer, kind: str, keep: str = "") -> str:
    """Print ``kind`` from the case panel and read the job back from the printer simulator."""
    count = len(printer.jobs)
    do(t, f"act print:{kind}", until=lambda s: (s["dialog"] or "").startswith("打印表单"), what="the print dialog")
    do(t, *([f"shot case_print_{keep.removeprefix('form_')}"] if keep else []), "press print_button", until=lambda s: "已打印" in (s.get("dialog_message") or ""),
       what=f"{kind} printed")
    job = printer.wait_for_jobs(count + 1)[-1]
    if SHOTS and keep and job.png_path:  # the form as printed, for the issue's note
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(job.png_path, Path(SHOTS) / f"{keep}.png")
    do(t, "close", until=lambda s: s["dialog"] is None, what="the dialog closed")
    return "".join(line.strip() for line in job.text)  # a long line wraps (indented) on paper: read it whole


def sign(t, form: str) -> dict:
    """The signed page taken with the camera and recorded."""
    do(t, f"act sign:{form}", until=lambda s: s.get("dialog_live"), what="the live camera")
    do(t, f"shot case_sign_{form}", "press take_button", until=lambda s: s.get("dialog_reviewing"), what="the page taken")
    return do(t, "press keep_button", until=lambda s: "签字页已登记" in s["message"] and f"sign:{form}" not in s["actions"],
              what=f"the {form} signature recorded")


def day(text: str) -> str:
    """A date as the forms print it."""
    from devices.printer.templates import format_date

    return format_date(date.fromisoformat(text))


def chief(server) -> ApiClient:
    """A supervisor's session: sees every case in full (steps, public code, documents)."""
    return ApiClient(server.url, server.helper_session(3, "1001"))


def overdue_case(server) -> int:
    """One of 刘䶮's cases, accepted, whose deadline passed a week ago."""
    from datetime import timedelta

    from sqlalchemy import update

    from kiosk.server.models import Case

    agent = ApiClient(server.url, server.helper_session(1, "1003"))
    case = agent.open_case(matter_id=12, applicant="赵䶮", applicant_kind="person", id_number=ID_NUMBER,
                           phone="13800138000")
    chief(server).case_step(case["id"], "accept")
    with server.database.write() as db:
        db.execute(update(Case).where(Case.id == case["id"]).values(deadline=hall_today() - timedelta(days=7)))
    return case["id"]


def test_a_case_from_the_ticket_to_the_archive_through_the_screens(server, printer, camera, start_driver, tmp_path):
    late = overdue_case(server)
    kiosk = ApiClient(server.url, server.device_token("kiosk"))
    ticket = kiosk.issue_ticket(matter_id=11, service_type="proxy", phone="13912345678")
    t = terminal(start_driver, server, tmp_path / "agent", 1, "--printer-port", str(printer.port),
                 "--camera", str(camera), "--hall-name", "示范县政务服务中心", "--helper-phone", "13905381003")
    signed_in(t, "1003")
    t.command("shot serve_with_cases_button")
    do(t, f"key {F1}", until=lambda s: s["ticket"] == ticket["number"], what="the ticket called")
    do(t, f"key {F4}", "type log_who 刘䶮", until=lambda s: s["status"] == "serving", what="serving")
    t.command("shot serve_serving")

    # 已立代办件: the entrust form opens, prefilled from the ticket
    form = do(t, "finish case_opened", until=lambda s: s["screen"] == "cases" and (s["dialog"] or "").startswith("新建代办委托"),
              what="the entrust form")
    assert (form["dialog_values"]["phone"], form["dialog_values"]["matter_id"], form["dialog_values"]["applicant"]) == \
        ("13912345678", "11", "刘䶮")
    wrong = do(t, "dfill id_number 110105194912310021", "submit",
               until=lambda s: "校验位" in (s.get("dialog_message") or ""), what="the check digit refused")
    assert wrong["dialog"].startswith("新建代办委托")  # nothing sent, the form stays
    do(t, f"dfill id_number {ID_NUMBER}", "dfill items 施工合同 2 原件\\n施工图设计文件审查合格书 1 复印件",
       "dfill delivery pickup", "shot case_entrust_form", until=lambda s: True, what="filled")
    entrusted = do(t, "submit", until=lambda s: s["state"] == "entrusted" and "2 件" in s["list"],
                   what="the case entrusted")
    assert "▲已逾期 1 件" in entrusted["list"] and late in entrusted["list_ids"]  # said in words and a mark
    t.command("shot case_entrusted")
    assert "已登记委托" in entrusted["message"] and "sign:entrustment" in entrusted["actions"]
    assert "step:accept" not in entrusted["actions"]  # a proxy agent does not accept: the coordinator reviews
    case_id = entrusted["case_id"]
    assert chief(server).list_cases(ticket_id=ticket["id"])[0]["id"] == case_id  # opened from the ticket

    letter = printed(t, printer, "entrustment", keep="form_entrustment")
    assert "刘䶮" in letter and "建筑工程施工许可证核发" in letter and "施工合同（原件）×2" in letter
    assert "施工图设计文件审查合格书（复印件）×1" in letter and "13905381003" in letter
    sign(t, "entrustment")

    # the coordinator reviews and accepts at their own window
    c = terminal(start_driver, server, tmp_path / "coordinator", 6)
    signed_in(c, "1002")
    do(c, "cases", "mode hall", until=lambda s: case_id in s["list_ids"], what="the case in the hall's list")
    accepted = do(c, f"open {case_id}", until=lambda s: "step:accept" in s["actions"], what="accept offered")
    do(c, "shot case_coordinator_accept", "act step:accept", until=lambda s: s["state"] == "accepted", what="accepted")
    assert accepted["case_id"] == case_id
    c.stop()

    do(t, f"open {case_id}", until=lambda s: s["state"] == "accepted", what="the accepted case")
    case = chief(server).get_case(case_id)
    slip = printed(t, printer, "acceptance", keep="form_acceptance")
    assert case["number"] in slip and case["public_code"] in slip and printer.jobs[-1].qr_codes
    do(t, "act step:start", until=lambda s: s["state"] == "in_progress", what="started")

    # the problem log, with a status for each problem
    do(t, "act problem", "dfill summary 施工图审查合格书缺盖章", "shot case_problem_form", "submit",
       until=lambda s: "【待解决】" in s["history"], what="the problem logged")
    do(t, "act problem_update", "dfill status solved", "dfill handling 已联系设计院补盖章", "shot case_problem_update",
       "submit",
       until=lambda s: "【已解决】" in s["history"], what="the problem solved")

    # suspend with a resumption deadline, then resume with the deadline moved on
    do(t, "act step:suspend", "dfill reason materials_late", "dfill note 补交规划许可证",
       until=lambda s: (s["dialog"] or "").startswith("中止"), what="the suspend form")
    resume_by = t.states()[-1]["dialog_values"]["resume_by"]
    t.command("shot case_suspend_form")
    suspended = do(t, "submit", until=lambda s: s["state"] == "suspended", what="suspended")
    assert resume_by in suspended["message"] and f"续办期限：{resume_by}" in suspended["case"]
    slip = printed(t, printer, "suspension", keep="form_suspension")
    assert REASONS["materials_late"] in slip and day(resume_by) in slip and "补交规划许可证" in slip
    t.command("shot case_suspended")
    sign(t, "suspension")
    resumed = do(t, "act step:resume", until=lambda s: s["state"] == "in_progress", what="resumed")
    t.command("shot case_resumed")
    deadline = chief(server).get_case(case_id)["deadline"]
    assert f"新的办结期限 {deadline}" in resumed["message"] and "▲已逾期" not in resumed["case"]
    slip = printed(t, printer, "resumption", keep="form_resumption")
    assert day(deadline) in slip and "续办" in slip
    sign(t, "resumption")

    # complete, hand back the documents, sign the 办结单, deliver at the counter
    do(t, "act item", "dfill direction returned", "dfill name 建筑工程施工许可证", "dfill original original",
       "shot case_item_form", "submit",
       until=lambda s: "退还 建筑工程施工许可证 × 1 份（原件）" in s["history"], what="the handback listed")
    do(t, "act step:complete", "dfill note 已取得施工许可证", "shot case_complete_form", "submit",
       until=lambda s: s["state"] == "completed", what="completed")
    slip = printed(t, printer, "completion", keep="form_completion")
    assert "建筑工程施工许可证（原件）×1" in slip and "已取得施工许可证" in slip
    sign(t, "closing")
    do(t, "act deliver:ems", "dfill tracking_number 1190012345678", "shot case_deliver_post_form", "close",
       until=lambda s: s["dialog"] is None, what="the post form seen")
    delivered = do(t, "act deliver:pickup", until=lambda s: s["state"] == "delivered", what="delivered")
    assert "交付：当面领取　已签收" in delivered["case"]

    # the applicant rates the matter on the case's public page, with the code on the 受理单
    ApiClient(server.url).rate_case_online(case["public_token"], case["public_code"], 5)
    rated = do(t, f"open {case_id}", until=lambda s: "评价：5 分" in s["case"], what="the rating shown")
    archived = do(t, "act step:archive", "dfill note 材料已归档", "submit", until=lambda s: s["state"] == "archived",
                  what="archived")
    assert rated["case_id"] == archived["case_id"] == case_id
    assert not any(a.startswith("step:") for a in archived["actions"])
    t.command("shot case_archived")
    documents = chief(server).case_documents(case_id)
    assert [d["kind"] for d in documents] == ["entrustment", "suspension", "resumption", "closing"]


def test_every_termination_reason_is_recorded_and_printed(server, printer, start_driver, tmp_path):
    from kiosk.domain.identity import uscc_check_char

    agent = ApiClient(server.url, server.helper_session(2, "1005"))
    body = {"matter_id": 11, "applicant": "许昌𠮷祥建材有限公司", "applicant_kind": "organisation",
            "id_number": "91411000MA44PQRT1" + uscc_check_char("91411000MA44PQRT1"), "phone": "13912345678"}
    ids = [agent.open_case(**body)["id"] for _ in REASONS]
    t = terminal(start_driver, server, tmp_path / "terminations", 2, "--printer-port", str(printer.port))
    signed_in(t, "1005")
    do(t, "cases", until=lambda s: set(ids) <= set(s["list_ids"]), what="the cases listed")
    for reason, case_id in zip(REASONS, ids):
        do(t, f"open {case_id}", until=lambda s: s["case_id"] == case_id and "step:terminate" in s["actions"],
           what="the case shown")
        done = do(t, "act step:terminate", f"dfill reason {reason}", *(["shot case_terminate_form"] * (reason == "other")),
                  "submit",
                  until=lambda s: s["case_id"] == case_id and s["state"] == "terminated", what=f"terminated: {reason}")
        assert f"原因：{REASONS[reason]}" in done["case"]
        if reason in ("refuses_duties", "long_stalled"):  # seed 004's own two, read back from the paper
            slip = printed(t, printer, "completion", keep=f"form_termination_{reason}")
            assert REASONS[reason] in slip and "■终止" in slip
        else:  # the others: the slip's fields as the print dialog fills them from the case
            case = chief(server).get_case(case_id)
            fields = {f.name: f.value for f in fields_for("completion", Facts(ticket={}, helper={}, today=hall_today(),
                                                                               case=case))}
            assert (fields["terminated"], fields["termination_reason"]) == ("是", REASONS[reason])
    states = {c["id"]: c["reason"] for c in chief(server).list_cases(state="terminated")}
    assert [states[i] for i in ids] == list(REASONS)


def _township_window(server) -> str:
    from kiosk.server.admin import add_helper
    from kiosk.server.models import Hall, Window

    add_helper(server.database, "2001", "孙街道", "246810", "coordinator", "township")
    with server.database.write() as db:
        hall = db.scalar(select(Hall).where(Hall.code == "township"))
        db.add(Window(hall_id=hall.id, number=1, name="街道帮办代办窗"))
    return "township"


def test_a_case_is_referred_to_the_township_which_accepts_it(server, start_driver, tmp_path):
    agent = ApiClient(server.url, server.helper_session(2, "1004"))
    case = agent.open_case(matter_id=11, applicant="王𠮷", applicant_kind="person", id_number=ID_NUMBER,
                           phone="13912345678")
    county = terminal(start_driver, server, tmp_path / "county", 2)
    signed_in(county, "1004")
    do(county, "cases", until=lambda s: case["id"] in s["list_ids"], what="listed")
    do(county, f"open {case['id']}", until=lambda s: "refer" in s["actions"],
       what="refer offered")
    do(county, "act refer", until=lambda s: (s["dialog"] or "").startswith("转上下级"), what="the referral form")
    do(county, "dfill to_hall township", "dfill note 需街道核实宅基地", "shot case_refer_form", "submit",
       until=lambda s: "已提出转办" in s["message"], what="offered")

    hall = _township_window(server)
    town = terminal(start_driver, server, tmp_path / "township", 1, hall=hall)
    signed_in(town, "2001")
    do(town, "cases", "mode referrals", until=lambda s: case["id"] in s["list_ids"], what="the offer listed")
    offer = do(town, "pick 0", until=lambda s: "referral:accept" in s["actions"], what="the offer shown")
    assert "139****5678" in offer["case"]  # read before it is accepted: masked
    do(town, "shot case_referral_incoming", "act referral:accept", "submit",
       until=lambda s: "已接收转办" in s["message"], what="accepted")
    do(town, "mode hall", f"open {case['id']}", until=lambda s: s["case_id"] == case["id"] and "办理过程：" in s["history"],
       what="in the township's hands")
    town.command("shot case_referral_accepted")

    followed = chief(server).get_case(case["id"])
    assert followed["handling_hall"]["code"] == "township" and followed["helper"]["code"] == "1004"  # 首问负责
    do(county, "mode hall", "mode mine", until=lambda s: s["mode"] == "mine" and case["id"] in s["list_ids"],
       what="still in the agent's list")
    shown = do(county, f"open {case['id']}", until=lambda s: "现由城关街道便民服务中心办理" in s["case"],
               what="the county follows it")
    assert "负责人：周𠮷" in shown["case"] and "本厅跟踪进度" in shown["case"] and shown["actions"] == []
    county.command("shot case_referred_followed")
