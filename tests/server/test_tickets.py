"""A visit through the API: issue, call, serve, transfer, finish; on SQLite and PostgreSQL."""
import re

from tests.server.api import Api


def kiosk(server) -> Api:
    return Api(server.url, server.device_token("kiosk"))


def window(server, number: int, code: str) -> Api:
    return Api(server.url, server.helper_session(number, code))


def test_a_whole_visit(live_server):
    k = kiosk(live_server)
    issued = k.post("/api/v1/tickets", {"matter_id": 1, "service_type": "help", "phone": "13912345678"})
    assert issued.status_code == 201, issued.text
    t = issued.json()
    assert re.fullmatch(r"C\d{3}", t["number"]) and t["status"] == "waiting"
    assert t["waiting_ahead"] == 0 and t["phone"] == "139****5678"
    assert t["issued_at"].endswith("+08:00")

    w3 = window(live_server, 3, "1008")
    called = w3.post("/api/v1/windows/3/call-next")
    assert called.status_code == 200 and called.json()["number"] == t["number"]
    assert called.json()["phone"] == "13912345678"  # the helper needs it

    public = Api(live_server.url).get(f"/api/v1/public/tickets/{t['public_token']}").json()
    assert public == {"number": t["number"], "status": "called", "issued_at": t["issued_at"],
                      "waiting_ahead": None, "window": 3}

    assert w3.post(f"/api/v1/tickets/{t['id']}/recall").json()["recall_count"] == 1
    assert w3.post(f"/api/v1/tickets/{t['id']}/start").json()["status"] == "serving"
    done = w3.post(f"/api/v1/tickets/{t['id']}/finish", {"outcome": "done", "log": "咨询营业执照办理，已当场办结"})
    assert done.status_code == 200 and done.json()["status"] == "finished"

    staff = w3.get(f"/api/v1/tickets/{t['id']}").json()
    assert [h["action"] for h in staff["history"]] == [
        "ticket.issue", "ticket.call", "ticket.recall", "ticket.start", "ticket.finish"]
    assert staff["services"][0]["log"] == "咨询营业执照办理，已当场办结"


def test_numbers_count_up_per_queue(sqlite_server):
    k = kiosk(sqlite_server)
    numbers = [k.post("/api/v1/tickets", {"queue_id": q, "service_type": "help"}).json()["number"]
               for q in (1, 1, 2, 1)]
    assert numbers == ["A001", "A002", "B001", "A003"]


def test_a_retry_with_the_same_key_returns_the_same_ticket(live_server):
    k = kiosk(live_server)
    headers = {"Idempotency-Key": "kiosk-7-000123"}
    first = k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}, headers=headers)
    again = k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other = k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}, headers={"Idempotency-Key": "x"})
    assert other.json()["number"] == "A002"


def test_call_order_transfer_green_priority_then_first_come(live_server):
    k = kiosk(live_server)
    ordinary = k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    elderly = k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help", "priority_group": "elderly"}).json()
    green = k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help", "priority_group": "green_channel"}).json()
    assert green["waiting_ahead"] == 0 and ordinary["waiting_ahead"] == 0

    w2 = window(live_server, 2, "1006")
    assert w2.post("/api/v1/windows/2/call-next").json()["id"] == green["id"]
    # the green-channel case needs another department: transfer it to window 8
    moved = w2.post(f"/api/v1/tickets/{green['id']}/transfer", {"to_window": 8, "note": "需综合窗口协助"})
    assert moved.status_code == 200 and moved.json()["status"] == "waiting"
    assert w2.post("/api/v1/windows/2/call-next").json()["id"] == elderly["id"]
    w8 = window(live_server, 8, "1010")
    assert w8.post("/api/v1/windows/8/call-next").json()["id"] == green["id"]  # head of window 8's line
    w2.post(f"/api/v1/tickets/{elderly['id']}/finish", {"outcome": "done"})
    assert w2.post("/api/v1/windows/2/call-next").json()["id"] == ordinary["id"]
    assert w2.post(f"/api/v1/tickets/{ordinary['id']}/no-show").json()["status"] == "no_show"
    assert w2.post("/api/v1/windows/2/call-next").status_code == 204


def test_waiting_ahead_and_window_line(sqlite_server):
    k = kiosk(sqlite_server)
    tickets = [k.post("/api/v1/tickets", {"queue_id": 3, "service_type": "help"}).json() for _ in range(3)]
    assert [t["waiting_ahead"] for t in tickets] == [0, 1, 2]
    w3 = window(sqlite_server, 3, "1008")
    line = w3.get("/api/v1/windows/3/line").json()
    assert line["waiting"] == 3 and [n["number"] for n in line["next"]] == ["C001", "C002", "C003"]
    waiting = {q["prefix"]: q["waiting"] for q in k.get("/api/v1/queues/waiting").json()}
    assert waiting["C"] == 3 and waiting["A"] == 0


def test_a_window_holds_one_ticket_at_a_time(sqlite_server):
    k = kiosk(sqlite_server)
    for _ in range(2):
        k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})
    w1 = window(sqlite_server, 1, "1003")
    first = w1.post("/api/v1/windows/1/call-next").json()
    busy = w1.post("/api/v1/windows/1/call-next")
    assert busy.status_code == 409 and first["number"] in busy.json()["error"]["message"]


def test_windows_show_who_staffs_them(sqlite_server):
    window(sqlite_server, 5, "1006")
    k = kiosk(sqlite_server)
    windows = {w["number"]: w for w in k.get("/api/v1/windows").json()}
    assert windows[5]["helper"] == {"code": "1006", "name": "陈静", "role": "helper"}
    assert windows[6]["helper"] is None and windows[5]["area"] == "人社医保分区"


def test_catalogue_search_by_characters_and_pinyin_initials(sqlite_server):
    k = kiosk(sqlite_server)
    catalog = k.get("/api/v1/catalog").json()
    assert len(catalog["matters"]) >= 30 and len(catalog["queues"]) >= 6
    by_chars = [m["name"] for m in k.get("/api/v1/catalog", params={"q": "公积金"}).json()["matters"]]
    assert by_chars and all("公积金" in n for n in by_chars)
    by_initials = [m["name"] for m in k.get("/api/v1/catalog", params={"q": "QYSL"}).json()["matters"]]
    assert by_initials == ["企业设立登记"]


def test_proxy_only_for_matters_on_the_proxy_list(sqlite_server):
    k = kiosk(sqlite_server)
    catalog = k.get("/api/v1/catalog").json()["matters"]
    id_card = next(m for m in catalog if not m["proxy_allowed"] and m["name"].startswith("居民身份证"))
    refused = k.post("/api/v1/tickets", {"matter_id": id_card["id"], "service_type": "proxy"})
    assert refused.status_code == 422 and "代办" in refused.json()["error"]["message"]


def test_halls_are_separate(sqlite_server):
    village_kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk", hall="village"))
    assert village_kiosk.get("/api/v1/windows").json() == []
    assert village_kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).status_code == 404
    county = kiosk(sqlite_server).post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    other_hall_staff = Api(sqlite_server.url, sqlite_server.device_token("admin", hall="village"))
    assert other_hall_staff.get(f"/api/v1/tickets/{county['id']}").status_code == 404
    city_admin = Api(sqlite_server.url, sqlite_server.device_token("admin", hall="city"))
    assert city_admin.get(f"/api/v1/tickets/{county['id']}").status_code == 200  # the hall below it


def test_the_receipt_qr_page_says_where_the_ticket_stands(sqlite_server):
    import requests

    k = kiosk(sqlite_server)
    k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})
    mine = k.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help", "phone": "13800001111"}).json()
    assert mine["status_url"] == f"{sqlite_server.url}/t/{mine['public_token']}"
    page = requests.get(mine["status_url"], timeout=5)
    assert page.status_code == 200 and "A002" in page.text and "前面还有 <b>1</b> 人" in page.text
    assert "1111" not in page.text  # no personal data on a public page
    w1 = window(sqlite_server, 1, "1003")
    w1.post("/api/v1/windows/1/call-next")
    w1.post("/api/v1/tickets/1/finish", {"outcome": "done"})
    w1.post("/api/v1/windows/1/call-next")
    assert "请到 <b>1 号窗口</b>办理" in requests.get(f"{sqlite_server.url}/t/{mine['public_token']}", timeout=5).text
    assert requests.get(f"{sqlite_server.url}/t/nope", timeout=5).status_code == 404
