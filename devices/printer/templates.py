"""Every receipt's layout, in one place: receipt data in, a Document of blocks out.

Templates know the paper width (to size the ticket number) and nothing of the
printer language or the transport.
"""

from __future__ import annotations

from datetime import date, datetime

from .document import Document, Feed, Field, QRCode, Rule, Text
from .profiles import HALF_WIDTH_DOTS
from .wrap import native_columns
from .mongolian_raster import with_mongolian
from .receipts import (
    CATEGORIES,
    AcceptanceSlip,
    CompletionSlip,
    EntrustmentLetter,
    Form,
    MissingMaterialsNotice,
    ResumptionLetter,
    SuspensionSlip,
    TicketReceipt,
    mask_id,
)

MAX_NUMBER_SCALE = 6
SIGNATURE_BLANK = "________________"
DATE_BLANK = "______年____月____日"


UNSTAFFED_WAIT = "暂无窗口办理，请到引导台咨询"


def format_wait(seconds: int) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "不到 1 分钟"
    if minutes < 60:
        return f"约 {minutes} 分钟"
    return f"约 {minutes // 60} 小时 {minutes % 60} 分钟"


def format_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def checkboxes(options: tuple[str, ...] | list[str], chosen: str) -> str:
    return "  ".join(("■" if option == chosen else "□") + option for option in options)


def numbered(items: list[str]) -> list[Field]:
    return [Field(f"{i}.", item, separator=" ") for i, item in enumerate(items, 1)]


def number_scale(number: str, width_dots: int) -> int:
    fit = width_dots // (max(1, len(number)) * HALF_WIDTH_DOTS)
    return max(1, min(MAX_NUMBER_SCALE, fit))


def fit_scale(text: str, width_dots: int, largest: int = 2) -> int:
    """The largest scale up to `largest` at which `text` fits on one line."""
    for scale in range(largest, 1, -1):
        if native_columns(text) * HALF_WIDTH_DOTS * scale <= width_dots:
            return scale
    return 1


def ticket_document(ticket: TicketReceipt, width_dots: int) -> Document:
    doc = Document(f"ticket-{ticket.number}")
    doc.add(
        Text(ticket.hall_name, scale=fit_scale(ticket.hall_name, width_dots), bold=True, align="center"),
        Text("排队凭条", align="center"),
        Rule(),
        Text(ticket.number, scale=number_scale(ticket.number, width_dots), bold=True, align="center"),
        Text(ticket.service_type, scale=2, bold=True, align="center"),
        Rule(),
        Field("办理事项", ticket.matter_name),
        Field("前面等候", f"{ticket.waiting_ahead} 人"),
        Field("预计等候", UNSTAFFED_WAIT if ticket.staffed_windows == 0 else format_wait(ticket.estimated_wait_s)),
        Field("取号时间", format_time(ticket.issued_at)),
    )
    if ticket.time_limit_days:
        doc.add(Field("承诺时限", f"{ticket.time_limit_days} 个工作日"))
    if ticket.id_number:
        doc.add(Field("证件号码", mask_id(ticket.id_number)))
    if ticket.phone:
        doc.add(Field("联系电话", ticket.phone))
    if ticket.priority_note:
        doc.add(Text(ticket.priority_note, bold=True, align="center"))
    doc.add(
        Feed(1),
        QRCode(ticket.status_url),
        Text("扫码查看叫号进度", align="center"),
        Text(ticket.status_url, align="center"),
    )
    if ticket.materials:
        doc.add(
            Rule(),
            Text("一次性告知", scale=fit_scale("一次性告知", width_dots), bold=True, align="center"),
            Text(f"办理“{ticket.matter_name}”需要以下材料："),
            *numbered(ticket.materials),
        )
    doc.add(
        Rule(),
        Text(ticket.free_notice, bold=True),
        Text(f"监督投诉电话：{ticket.complaint_phone}"),
        Text("请留意大厅屏幕和语音叫号。"),
    )
    return with_mongolian(doc, ticket.mongolian, width_dots) if ticket.mongolian else doc


def _form_header(doc: Document, title: str, hall_name: str, number: str, width_dots: int) -> None:
    if hall_name:
        doc.add(Text(hall_name, align="center"))
    doc.add(Text(title, scale=fit_scale(title, width_dots), bold=True, align="center"))
    if number:
        doc.add(Text(f"编号：{number}", align="right"))
    doc.add(Rule())


def _signatures(doc: Document, *signers: str) -> None:
    doc.add(Rule())
    for signer in signers:
        doc.add(Field(signer, SIGNATURE_BLANK), Field("日期", DATE_BLANK), Feed(1))


def acceptance_document(slip: AcceptanceSlip, width_dots: int) -> Document:
    doc = Document(f"acceptance-{slip.number}")
    _form_header(doc, "帮办代办受理单", slip.hall_name, slip.number, width_dots)
    doc.add(
        Field("申请单位（人）", slip.applicant),
        Field("申请人证件号码", slip.id_number),
        Text("（自然人填身份证号、法人填法人姓名及统一社会信用代码）"),
        Field("帮办代办类别", checkboxes(CATEGORIES, slip.category)),
        Field("事项名称", slip.matter_name),
        Field("服务类型", checkboxes(("帮办", "代办"), slip.service_type)),
        Field("经办人", slip.handler),
        Field("联系电话", slip.phone),
        Field("交办日期", format_date(slip.handed_over_on)),
        Field("帮办代办员", slip.helper_name),
    )
    _signatures(doc, "帮办代办员签名")
    doc.add(Field("备注", slip.remarks))
    if slip.status_url:
        doc.add(Feed(1), QRCode(slip.status_url), Text("扫码查看代办进度、评价", align="center"))
        if slip.query_code:
            doc.add(Text(f"查询码：{slip.query_code}", bold=True, align="center"))
    return doc


def completion_document(slip: CompletionSlip, width_dots: int) -> Document:
    outcome = "终止" if slip.terminated else "办结"
    doc = Document(f"completion-{slip.acceptance_number}")
    _form_header(doc, f"帮办代办{outcome}单", slip.hall_name, slip.acceptance_number, width_dots)
    doc.add(
        Field("服务对象", slip.applicant),
        Field("事项名称", slip.matter_name),
        Field("服务类型", checkboxes(("帮办", "代办"), slip.service_type)),
        Field("办理结果", checkboxes(("办结", "终止"), outcome)),
    )
    if slip.result:
        doc.add(Field("办理结果说明", slip.result))
    if slip.terminated:
        doc.add(Field("终止原因", slip.termination_reason or "（未填写）"))
    doc.add(
        Field("结果送达", slip.delivery),
        Field("日期", format_date(slip.closed_on)),
        Field("帮办代办员", slip.helper_name),
        Text("移交资料和审批文件：", bold=True),
        *numbered(slip.handed_over or ["无"]),
        Text(f"以上资料已全部移交服务对象，帮办代办工作{outcome}。"),
    )
    _signatures(doc, "服务对象签字", "帮办代办员签字")
    return doc


def entrustment_document(letter: EntrustmentLetter, width_dots: int) -> Document:
    doc = Document(f"entrustment-{letter.acceptance_number or letter.principal}")
    _form_header(doc, "代办服务委托书", "", letter.acceptance_number, width_dots)
    doc.add(
        Text(f"受{letter.principal}委托，{letter.agency}开展{letter.matter_name}代办服务，现对服务约定如下："),
        Text("一、代办服务事项", bold=True),
        Text(letter.matter_name),
        Text("二、双方职责", bold=True),
        Text("1. 委托方职责：负责配合代办员及时提供完善的申报材料，并对资料的真实性做出书面承诺。"),
        Text(
            "2. 代办机构职责：负责一次性告知委托人代办事项需准备的材料；负责委托人申报材料的收集、"
            "保管和转递；负责跟踪督促审批窗口在承诺时限办结审批服务事项；负责将办理结果及时通知委托方。"
        ),
        Text("三、双方联系人", bold=True),
        Field("委托方联系人", letter.contact_name),
        Field("联系电话", letter.contact_phone),
        Field("身份证号", letter.id_number),
        Field("代办人员", f"{letter.agency} {letter.agent_name}"),
        Field("代办人员电话", letter.agent_phone),
        Text("四、代办人员仅负责约定服务事项的代办，相关法律责任由委托方承担。有下列情形之一的，代办服务终止：", bold=True),
        *numbered(TERMINATION_CASES),
        Text("代办服务全程免费。本委托书自签发之日起生效，一式两份，委托方一份，代办中心一份。"),
        Text("附件：申报材料移交清单", bold=True),
        *numbered(letter.materials or ["（无）"]),
        Field("签发日期", format_date(letter.signed_on)),
    )
    _signatures(doc, "委托人", "代办人员")
    return doc


TERMINATION_CASES = [
    "委托代办事项办结后，代办自行终止。",
    "申请人请求终止的，代办机构将已办理的审批文件、证照和相关资料移交申请人。",
    "经核实申请人为失信企业的，不予办理，代办终止。",
    "代办事项与现行法律、法规相冲突、不再具备办结条件的，说明理由后代办终止。",
    "申请人弄虚作假、提交虚假材料或隐瞒重要事实的，代办终止，并做退件处理。",
    "申请人不按规定申报审批材料、拒不履行代办协议约定职责的，终止代办服务。",
    "因服务对象自身原因造成事项办理长期停滞、难以完成的，双方沟通后终止。",
]


def suspension_document(slip: SuspensionSlip, width_dots: int) -> Document:
    doc = Document(f"suspension-{slip.acceptance_number}")
    _form_header(doc, "代办服务中止单", slip.agency, slip.acceptance_number, width_dots)
    doc.add(
        Field("委托方", slip.principal),
        Field("事项名称", slip.matter_name),
        Field("中止原因", slip.reason),
        Field("中止日期", format_date(slip.suspended_on)),
        Field("续办期限", format_date(slip.resume_by)),
    )
    if slip.outstanding:
        doc.add(Text("需要服务对象完成：", bold=True), *numbered(slip.outstanding))
    doc.add(
        Text(
            "中止原因消除后，双方签订《代办服务续办委托书》继续办理。超过续办期限的，视为服务终止，"
            "需重新提出代办委托。"
        ),
        Field("代办员", slip.agent_name),
        Field("联系电话", slip.agent_phone),
    )
    _signatures(doc, "服务对象签字", "代办员签字")
    return doc


def resumption_document(letter: ResumptionLetter, width_dots: int) -> Document:
    doc = Document(f"resumption-{letter.acceptance_number}")
    _form_header(doc, "代办服务续办委托书", letter.agency, letter.acceptance_number, width_dots)
    doc.add(
        Field("委托方", letter.principal),
        Field("事项名称", letter.matter_name),
        Field("原中止日期", format_date(letter.suspended_on)),
        Field("原中止原因", letter.suspension_reason),
        Field("续办日期", format_date(letter.resumed_on)),
    )
    if letter.new_deadline:
        doc.add(Field("预计办结日期", format_date(letter.new_deadline)))
    doc.add(
        Text("中止原因已消除，委托方委托继续开展上述事项的代办服务，原《代办服务委托书》约定继续有效。"),
        Field("代办员", letter.agent_name),
        Field("联系电话", letter.agent_phone),
    )
    _signatures(doc, "委托人", "代办员")
    return doc


FORM_TEMPLATES = {
    AcceptanceSlip: acceptance_document,
    CompletionSlip: completion_document,
    EntrustmentLetter: entrustment_document,
    SuspensionSlip: suspension_document,
    ResumptionLetter: resumption_document,
}


def form_document(form: Form, width_dots: int) -> Document:
    try:
        template = FORM_TEMPLATES[type(form)]
    except KeyError:
        raise TypeError(f"no template for {type(form).__name__}") from None
    return template(form, width_dots)


def missing_materials_document(notice: MissingMaterialsNotice, width_dots: int) -> Document:
    """补正材料告知单: every missing material numbered, what was brought, where and whom to ask."""
    doc = Document(f"missing-{notice.ticket_number or notice.issued_at.strftime('%Y%m%d%H%M')}")
    _form_header(doc, "补正材料一次性告知单", notice.hall_name, notice.ticket_number, width_dots)
    doc.add(Field("办理事项", notice.matter_name), Field("办理部门", notice.department))
    if notice.missing:
        doc.add(Text(f"还需补充以下 {len(notice.missing)} 项材料，请备齐后一次提交：", bold=True),
                *numbered(notice.missing))
    else:
        doc.add(Text("材料已齐全，无需补充。", bold=True))
    if notice.have:
        doc.add(Feed(1), Text("已收到的材料："), *numbered(notice.have))
    if notice.note:
        doc.add(Field("说明", notice.note))
    doc.add(Rule())
    if notice.time_limit_days:
        doc.add(Field("承诺时限", f"材料齐全后 {notice.time_limit_days} 个工作日"))
    if notice.address:
        doc.add(Field("办理地点", notice.address))
    if notice.phone:
        doc.add(Field("咨询电话", notice.phone))
    helper = notice.helper_name + (f"（{notice.window} 号窗口）" if notice.window else "")
    if helper:
        doc.add(Field("告知人", helper))
    doc.add(Field("告知时间", format_time(notice.issued_at)), Rule(),
            Text("以上为需补充的全部材料，一次告知，不再另行增加。", bold=True),
            Text(f"监督投诉电话：{notice.complaint_phone}"), Feed(1))
    return doc
