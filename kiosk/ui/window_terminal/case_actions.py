"""What the case panel's buttons do: entrust, register the 移交清单, print and sign the forms,
take steps, log problems, deliver, refer. A mixin of CaseScreen, kept apart to keep each short;
every call goes through ``self.run`` (off the UI thread)."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

from kiosk.client import BadCredentials, ClientError

from kiosk.domain.case_states import ACTION_NAMES, SIGNED_FORMS

from .capture_dialog import CaptureDialog
from .case_dialogs import CaseFormDialog
from .case_entrust import Field, checked_entrustment, entrust_fields
from .case_texts import problem_status_choices, reason_choices
from .form_fill import Facts
from .print_dialog import PrintDialog

SUSPEND_DAYS = 10  # the usual time given to bring what is missing; the helper changes it
STEP_SAID = {"accept": "已受理，受理单编号 {number}，办结期限 {deadline}", "start": "已开始办理",
             "resume": "已续办，新的办结期限 {deadline}（中止的工作日已顺延）",
             "suspend": "已中止，续办期限 {resume_by}。请打印中止单请服务对象签字",
             "complete": "已办结。请打印办结单签字，并请服务对象评价", "terminate": "已终止。请打印终止单签字",
             "archive": "已归档"}


class CaseActions:
    def act(self, key: str) -> None:
        if self.busy or self.case is None:
            return
        verb, _, what = key.partition(":")
        handler = {"step": self._step, "print": self._print, "sign": self._sign, "deliver": self._deliver,
                   "referral": self._answer_referral}.get(verb)
        if handler is not None:
            handler(what)
        else:
            {"item": self._item, "problem": self._problem, "problem_update": self._problem_update,
             "refer": self._refer, "receipt": self._receipt, "capture": self._capture}[verb]()

    # --- entrust ----------------------------------------------------------------------
    def open_entrust(self, ticket: dict | None = None, who: str = "", *, typed: dict | None = None,
                     refusal: str = "") -> None:
        """The entrust form; from a ticket (outcome 已立代办件) its matter, phone and name come prefilled.
        A refusal by the server opens it again with what was typed and the server's words."""
        app = self.app
        ticket_id = (ticket or {}).get("id")

        def submit(values: dict) -> list[str] | None:
            body, items, problems = checked_entrustment(values)
            if problems:
                return problems
            api = app.helper_api

            def work():
                case = api.open_case(**body, ticket_id=ticket_id)
                for item in items:
                    api.add_case_item(case["id"], "received", item.name, copies=item.copies, original=item.original)
                return api.get_case(case["id"])

            def refused(exc: Exception) -> None:
                if not isinstance(exc, ClientError) or isinstance(exc, BadCredentials):
                    self.failed(exc)
                    return
                self.busy = False
                self.open_entrust(ticket, who, typed=values, refusal=exc.message)

            def opened(case: dict) -> None:
                self.busy = False
                self.reshow(case, "已登记委托。请打印委托书，签字后拍摄签字页登记")

            self.referral = None
            self.busy = True
            app.background.run(work, opened, refused)
            return None

        note = f"来自号码 {ticket['number']}" if ticket else "请逐项填写，证件号码会当场校验"
        fields = entrust_fields(list(app.matters.values()), ticket, who)
        if typed:
            fields = [replace(f, value=typed.get(f.name, f.value)) for f in fields]
        dialog = CaseFormDialog("新建代办委托（代办服务委托书）", fields, submit, submit_text="登记委托", note=note)
        if refusal:
            dialog.say(f"没有登记：{refusal}（已填的内容都还在）", error=True)
        self.open_dialog(dialog)

    # --- steps ----------------------------------------------------------------------------
    def _step(self, action: str) -> None:
        if action == "suspend":
            fields = [Field("reason", "中止原因", "materials_late", tuple(reason_choices())),
                      Field("resume_by", "续办期限（年-月-日）", (date.today() + timedelta(days=SUSPEND_DAYS)).isoformat()),
                      Field("note", "需补办的事项", required=False)]
        elif action == "terminate":
            fields = [Field("reason", "终止原因", "", tuple(reason_choices())), Field("note", "说明", required=False)]
        elif action in ("complete", "archive"):
            fields = [Field("note", "办理结果" if action == "complete" else "归档说明", required=False)]
        else:
            self._send_step(action, {})
            return

        def submit(values: dict) -> list[str] | None:
            if action in ("suspend", "terminate") and not values.get("reason"):
                return [f"请选择{ACTION_NAMES[action]}原因"]
            if action == "suspend":
                try:
                    date.fromisoformat(values["resume_by"].strip())
                except ValueError:
                    return ["续办期限请写成 2026-03-01 这样的日期"]
            self._send_step(action, {k: v.strip() for k, v in values.items() if v.strip()})
            return None

        self.open_dialog(CaseFormDialog(f"{ACTION_NAMES[action]} · {self.case.get('number') or self.case['applicant']}",
                                        fields, submit, submit_text=ACTION_NAMES[action]))

    def _send_step(self, action: str, values: dict) -> None:
        api, case_id = self.app.helper_api, self.case_id
        self.run(lambda: api.case_step(case_id, action, **values),
                 lambda case: self.reshow(case, STEP_SAID[action].format(
                     number=case.get("number"), deadline=case.get("deadline"), resume_by=case.get("resume_by"))))

    # --- forms: print, then the signed page ------------------------------------------------
    def _print(self, kind: str) -> None:
        app, case = self.app, self.case
        ticket = {"number": case.get("number") or f"{case['applicant']}（待受理）", "service_type": "proxy"}
        matter = app.matters.get(case["matter_id"])
        facts = Facts(ticket=ticket, matter=matter, case=case, helper=dict(app.helper or {}, **app.helper_extra),
                      today=date.today(), hall_name=app.hall_name, agency=app.hall_name)
        self.open_dialog(PrintDialog(facts, app.printer_config, kind=kind))

    def _sign(self, form: str) -> None:
        """The signed page, taken with the document camera, recorded as the signature."""
        api, case_id, name = self.app.helper_api, self.case_id, SIGNED_FORMS[form]

        def page(_case_id: int, jpeg: bytes) -> None:
            dialog.dismiss()
            self.run(lambda: api.sign_case_form(case_id, form, jpeg, "image/jpeg", uuid.uuid4().hex),
                     lambda signed: self.reshow(signed["case"], f"{name}的签字页已登记"))

        dialog = CaptureDialog(case_id, f"{name}签字页", self.app.camera_config, page)
        self.open_dialog(dialog)

    def _capture(self) -> None:
        """More pages of the applicant's materials, kept with the ticket the case came from."""
        app, ticket_id = self.app, self.case["ticket_id"]
        self.open_dialog(CaptureDialog(ticket_id, f"移交材料 · {self.case['applicant']}", app.camera_config,
                                       lambda tid, jpeg: app.outbox.add(tid, jpeg)))

    # --- the 移交清单 and the problem log --------------------------------------------------
    def _item(self) -> None:
        fields = [Field("direction", "方向", "received", (("received", "收取（委托方交来）"), ("returned", "退还（交还委托方）"))),
                  Field("name", "材料名称"), Field("copies", "份数", "1"),
                  Field("original", "原件或复印件", "copy", (("original", "原件"), ("copy", "复印件")))]
        api, case_id = self.app.helper_api, self.case_id

        def submit(values: dict) -> list[str] | None:
            if not values["name"].strip():
                return ["请填写材料名称"]
            if not values["copies"].strip().isdigit() or not 1 <= int(values["copies"]) <= 999:
                return ["份数请填 1 到 999 的数字"]
            self.run(lambda: (api.add_case_item(case_id, values["direction"], values["name"].strip(),
                                                copies=int(values["copies"]), original=values["original"] == "original"),
                              api.get_case(case_id))[1],
                     lambda case: self.reshow(case, f"已登记：{values['name'].strip()}"))
            return None

        self.open_dialog(CaseFormDialog("登记移交清单", fields, submit, submit_text="登记"))

    def _problem(self) -> None:
        api, case_id = self.app.helper_api, self.case_id

        def submit(values: dict) -> list[str] | None:
            if not values["summary"].strip():
                return ["请写下遇到的问题"]
            self.run(lambda: (api.raise_case_problem(case_id, values["summary"].strip()), api.get_case(case_id))[1],
                     lambda case: self.reshow(case, "问题已记录，状态：待解决"))
            return None

        self.open_dialog(CaseFormDialog("记录问题", [Field("summary", "问题", multiline=True)], submit,
                                        submit_text="记录"))

    def _problem_update(self) -> None:
        api, case_id = self.app.helper_api, self.case_id
        open_ones = [p for p in self.case.get("problems") or [] if p["status"] not in ("solved", "unsolvable")]
        fields = [Field("problem", "问题", str(open_ones[0]["id"]),
                        tuple((str(p["id"]), f"#{p['id']} {p['summary'][:16]}") for p in open_ones)),
                  Field("status", "状态", "solved", tuple(problem_status_choices())),
                  Field("handling", "处理结果", multiline=True)]

        def submit(values: dict) -> list[str] | None:
            if not values["handling"].strip():
                return ["请写下处理结果"]
            self.run(lambda: (api.update_case_problem(case_id, int(values["problem"]), values["status"],
                                                      values["handling"].strip()), api.get_case(case_id))[1],
                     lambda case: self.reshow(case, "问题状态已更新"))
            return None

        self.open_dialog(CaseFormDialog("更新问题状态", fields, submit, submit_text="更新"))

    # --- delivery -----------------------------------------------------------------------------
    def _deliver(self, method: str) -> None:
        api, case_id = self.app.helper_api, self.case_id
        if method == "pickup":
            self.run(lambda: api.deliver_case(case_id, "pickup"),
                     lambda case: self.reshow(case, "已当面交付，服务对象已在办结单上签字"))
        elif method == "ems":
            def submit(values: dict) -> list[str] | None:
                if not values["carrier"].strip() or not values["tracking_number"].strip():
                    return ["邮寄送达须填写快递公司和运单号"]
                self.run(lambda: api.deliver_case(case_id, "ems", carrier=values["carrier"].strip(),
                                                  tracking_number=values["tracking_number"].strip()),
                         lambda case: self.reshow(case, "已登记寄出，收到后请服务对象确认签收"))
                return None

            self.open_dialog(CaseFormDialog("邮寄送达", [Field("carrier", "快递公司", "中国邮政EMS"),
                                                      Field("tracking_number", "运单号")], submit, submit_text="登记寄出"))
        else:
            def page(_case_id: int, jpeg: bytes) -> None:
                dialog.dismiss()
                self.run(lambda: api.upload_case_result(case_id, jpeg, "image/jpeg", uuid.uuid4().hex),
                         lambda done: self.reshow(done["case"], "办理结果已上传，服务对象凭查询码下载"))

            dialog = CaptureDialog(case_id, "办理结果（电子送达）", self.app.camera_config, page)
            self.open_dialog(dialog)

    def _receipt(self) -> None:
        api, case_id = self.app.helper_api, self.case_id

        def submit(values: dict) -> list[str] | None:
            self.run(lambda: api.confirm_case_receipt(case_id, values["note"].strip() or "电话确认已签收"),
                     lambda case: self.reshow(case, "已确认签收"))
            return None

        self.open_dialog(CaseFormDialog("确认签收", [Field("note", "说明", "电话确认已签收")], submit,
                                        submit_text="确认签收"))

    # --- between halls --------------------------------------------------------------------------
    def _refer(self) -> None:
        api, case_id = self.app.helper_api, self.case_id

        def ask(halls: list[dict]) -> None:
            choices = tuple((h["code"], f"{'上' if h['relation'] == 'parent' else '下'}级 · {h['name']}") for h in halls)

            def submit(values: dict) -> list[str] | None:
                if not values["to_hall"] or not values["note"].strip():
                    return ["请选择大厅并写明转办说明"]
                self.run(lambda: (api.refer_case(case_id, values["to_hall"], values["note"].strip()),
                                  api.get_case(case_id))[1],
                         lambda case: self.reshow(case, "已提出转办，等待对方大厅接收；您仍负责跟踪（首问负责）"))
                return None

            self.open_dialog(CaseFormDialog("转上下级大厅", [Field("to_hall", "转到", "", choices),
                                                        Field("note", "转办说明", multiline=True)], submit,
                                            submit_text="提出转办"))

        self.run(api.hall_neighbours, ask)

    def _answer_referral(self, answer: str) -> None:
        api, referral = self.app.helper_api, self.referral

        def submit(values: dict) -> list[str] | None:
            if answer == "decline" and not values["answer"].strip():
                return ["退回转办须说明理由"]

            def done(_r):
                self.referral = None
                if answer == "accept":
                    self.load(referral["case_id"])
                self.say("已接收转办，本厅接手办理；原经办人仍跟踪负责" if answer == "accept" else "已退回转办")
                self.refresh_list()

            self.run(lambda: api.answer_case_referral(referral["id"], answer == "accept", values["answer"].strip()), done)
            return None

        self.open_dialog(CaseFormDialog("接收转办" if answer == "accept" else "退回转办",
                                        [Field("answer", "答复", "接收" if answer == "accept" else "",
                                               required=answer == "decline")], submit,
                                        submit_text="接收" if answer == "accept" else "退回"))
