"""Receipt data shared by the printer tests: realistic, with long names and rare characters."""

from __future__ import annotations

from datetime import date, datetime

from devices.printer import (
    AcceptanceSlip,
    CompletionSlip,
    EntrustmentLetter,
    ReceiptPrinter,
    ResumptionLetter,
    SuspensionSlip,
    TicketReceipt,
)
from devices.printer.simulator import PrinterSimulator

STATUS_URL = "https://zwfw.example.gov.cn/queue/status?hall=xc01&ticket=A012&k=7f3a9c"
LONG_MATTER = (
    "建设工程规划许可证核发（含 BIM 模型审查、Smart City 数据接口备案及临时建设工程规划许可的"
    "变更、延续、补证、注销）"
)
LONG_MATERIALS = [
    "建设工程规划许可证申请表（原件一份，须加盖建设单位公章并由法定代表人签字）",
    "建设项目用地预审与选址意见书或国有土地使用权出让合同复印件",
    "建设工程设计方案总平面图（CAD 电子版 DWG 格式，比例 1:500 或 1:1000）",
    "法定代表人䶮的身份证复印件；外籍股东𠮷田 Yoshida 的护照（Passport No. E12345678）复印件",
    "其他需要提交的材料：以窗口一次性告知书为准",
]

# Profiles by (paper mm, mode).
PROFILES = {
    (80, "native"): "generic-80-gb18030",
    (58, "native"): "generic-58-gb18030",
    (80, "raster"): "generic-80-raster",
    (58, "raster"): "generic-58-raster",
}


def make_ticket(**changes) -> TicketReceipt:
    data = dict(
        hall_name="许昌市政务服务中心",
        number="A012",
        service_type="帮办",
        matter_name="企业设立登记",
        waiting_ahead=3,
        estimated_wait_s=840,
        issued_at=datetime(2026, 11, 23, 9, 30),
        status_url=STATUS_URL,
        time_limit_days=3,
        id_number="410102199001011234",
        phone="138****5678",  # the kiosk masks it (kiosk.domain.identity.mask_phone)
    )
    data.update(changes)
    return TicketReceipt(**data)


def make_forms() -> dict[str, object]:
    day = date(2026, 11, 23)
    return {
        "受理单": AcceptanceSlip(
            number="XC-2026-000123", applicant="许昌䶮盛科技有限公司", id_number="91411000MA9XYZ1234",
            category="企业开办", matter_name=LONG_MATTER, service_type="代办", handler="王小明",
            phone="13812345678", handed_over_on=day, helper_name="李帮办", hall_name="许昌市政务服务中心",
        ),
        "办结单": CompletionSlip(
            acceptance_number="XC-2026-000123", applicant="许昌䶮盛科技有限公司", matter_name="企业设立登记",
            service_type="代办", terminated=False, closed_on=day, helper_name="李帮办",
            handed_over=["营业执照正本、副本各一份", "公章备案回执"], delivery="免费邮寄",
            result="已核发营业执照",
        ),
        "终止单": CompletionSlip(
            acceptance_number="XC-2026-000124", applicant="𠮷田 Yoshida", matter_name=LONG_MATTER,
            service_type="帮办", terminated=True, closed_on=day, helper_name="李帮办",
            handed_over=LONG_MATERIALS, termination_reason="申请材料不符合法定条件、标准且不能补正",
        ),
        "委托书": EntrustmentLetter(
            principal="许昌䶮盛科技有限公司", matter_name=LONG_MATTER, contact_name="王小明",
            contact_phone="13812345678", id_number="410102199001011234", agent_name="赵代办",
            agent_phone="0374-1234567", agency="魏都区政务服务中心", signed_on=day,
            materials=LONG_MATERIALS, acceptance_number="XC-2026-000123",
        ),
        "中止单": SuspensionSlip(
            acceptance_number="XC-2026-000123", principal="许昌䶮盛科技有限公司", matter_name=LONG_MATTER,
            reason="服务对象未在规定期限内提交审批材料", suspended_on=day, resume_by=date(2026, 12, 7),
            agent_name="赵代办", agent_phone="0374-1234567", outstanding=LONG_MATERIALS[:2],
            agency="魏都区政务服务中心",
        ),
        "续办委托书": ResumptionLetter(
            acceptance_number="XC-2026-000123", principal="许昌䶮盛科技有限公司", matter_name=LONG_MATTER,
            suspended_on=day, suspension_reason="服务对象未在规定期限内提交审批材料",
            resumed_on=date(2026, 12, 1), agent_name="赵代办", agent_phone="0374-1234567",
            new_deadline=date(2026, 12, 4), agency="魏都区政务服务中心",
        ),
    }



def printer_for(sim: PrinterSimulator, profile: str, **config) -> ReceiptPrinter:
    return ReceiptPrinter({"backend": "network", "host": "127.0.0.1", "port": sim.port,
                           "profile": profile, "timeout_s": 2.0, **config})
