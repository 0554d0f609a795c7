"""At the window, through the terminals' client: a coordinator puts a waiting ticket in the green
channel, and the helper gets the written list of missing materials, printable as a slip."""
from datetime import datetime

import pytest

from devices.printer.receipts import MissingMaterialsNotice
from devices.printer.templates import missing_materials_document
from kiosk.client.api import ApiClient
from kiosk.client.errors import ApiError
from tests.server.api import Api

MATERIALS = ["公司登记（备案）申请书", "公司章程", "股东主体资格证明", "法定代表人、董事、监事任职文件", "住所使用证明"]


def test_a_coordinator_grants_the_green_channel_and_it_is_called_first(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    first = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    urgent = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    helper = ApiClient(live_server.url, live_server.helper_session(2, "1006"))
    with pytest.raises(ApiError) as refused:
        helper.grant_green_channel(urgent["id"], "危重病人")
    assert refused.value.status == 403 and "协调员" in refused.value.message
    coordinator = ApiClient(live_server.url, live_server.helper_session(3, "1002"))
    granted = coordinator.grant_green_channel(urgent["id"], "危重病人，特事特办")
    assert granted == {"ticket_id": urgent["id"], "number": urgent["number"], "priority_group": "green_channel",
                       "ahead": 0}
    called = helper.call_next(2)
    assert called["id"] == urgent["id"] and called["id"] != first["id"]
    with pytest.raises(ApiError) as again:
        coordinator.grant_green_channel(urgent["id"], "再开一次")
    assert again.value.status == 409
    with pytest.raises(ApiError) as missing:
        coordinator.grant_green_channel(999999, "没有这张号")
    assert missing.value.status == 404


def test_the_missing_materials_slip_from_the_matters_list(live_server):
    helper = ApiClient(live_server.url, live_server.helper_session(3, "1004"))
    slip = helper.missing_materials(1, ["公司登记（备案）申请书", "法定代表人、董事、监事任职文件"], note="章程需全体股东签字")
    assert slip["matter"] == "企业设立登记" and slip["missing"] == ["公司章程", "股东主体资格证明", "住所使用证明"]
    assert slip["helper"] == "周𠮷" and slip["window"] == 3 and slip["time_limit_days"] == 1
    with pytest.raises(ApiError) as unknown:
        helper.missing_materials(1, ["不在清单上的材料"])
    assert unknown.value.status == 422 and "不在该事项的材料清单中" in unknown.value.message
    with pytest.raises(ApiError) as nowhere:
        helper.missing_materials(99999, [])
    assert nowhere.value.status == 404
    # the window prints it with its own printer: the slip's data is the template's
    notice = MissingMaterialsNotice(
        hall_name=slip["hall"], matter_name=slip["matter"], department=slip["department"], missing=slip["missing"],
        have=slip["have"], issued_at=datetime.fromisoformat(slip["issued_at"]), time_limit_days=slip["time_limit_days"],
        address=slip["address"], phone=slip["phone"], helper_name=slip["helper"], window=slip["window"],
        note=slip["note"])
    texts = [getattr(b, "value", getattr(b, "text", "")) for b in missing_materials_document(notice, 576).blocks]
    assert texts.count("公司章程") == 1 and "章程需全体股东签字" in texts
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    assert kiosk.post("/api/v1/missing-materials", {"matter_id": 1, "have": []}).status_code == 403
    bad = Api(live_server.url, helper.token).post("/api/v1/missing-materials", {"matter_id": "1", "have": "x"})
    assert bad.status_code == 422


def test_the_register_through_the_client(sqlite_server):
    chief = ApiClient(sqlite_server.url, sqlite_server.helper_session(1, "1001"))
    made = chief.register_complaint(source="window", kind="request", subject="希望增加周末服务", window=1)
    assert made["source_name"] == "窗口反映" and made["window"] == 1 and made["status"] == "open"
    assert [c["id"] for c in chief.complaints("open")] == [made["id"]] and chief.complaints("handled") == []
    assert chief.return_visits() == []
    with pytest.raises(ValueError):  # the client checks the body before sending it
        chief.register_complaint(source="fax", subject="x")
