"""Hall servers keep their halls serving while the link to the centre is cut, and the centre then
holds each hall's day exactly as the hall does (#21). Real processes: the central server, two
hall servers behind links we cut (tests/linkcut.py), a pad bridge on a virtual pad."""
from __future__ import annotations

import hashlib
import time
from datetime import date, datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from devices.ratepad import VirtualPad
from kiosk.server.models import Document, Helper, Matter, Rating, Referral, Ticket
from kiosk.commands import doctor
from kiosk.server.admin import add_helper
from kiosk.server.sync import status, tables
from kiosk.server.timeutil import utcnow
from kiosk.config.server import load_settings
from tests.conftest import LiveServer, auth
from tests.server.hall_servers import Desk, HallServer, add_township_catalogue, start_pad_bridge, until
from tests.supervisor.web import Web


def links(url: str, token: str) -> dict:
    r = requests.get(url + "/api/v1/sync/links", headers=auth(token), timeout=10)
    assert r.status_code == 200, r.text
    return {k["hall"]: k for k in r.json()}


def drained(hall: HallServer, admin: str, centre_admin: str) -> bool:
    own = links(hall.url, admin)[hall.code]
    at_centre = links(hall.centre.url, centre_admin).get(hall.code)
    return own["state"] == "up" and own["backlog_records"] == 0 and at_centre and at_centre["backlog_records"] == 0


def _plain(value):
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000).isoformat()  # SQLite keeps µs, PG too
    if isinstance(value, date):
        return value.isoformat()
    return value


def rows_of(database, name: str, keys=None) -> dict:
    """A table's rows by key, comparable across SQLite and PostgreSQL."""
    table = tables.table(name)
    with database.read() as db:
        found = {}
        for row in db.execute(select(table)):
            key = tuple(getattr(row, k) for k in tables.key_columns(name))
            if keys is None or key in keys:
                found[key] = {k: _plain(v) for k, v in row._mapping.items()}
        return found


def assert_centre_holds_the_hall(centre: LiveServer, hall: HallServer) -> int:
    """Every record the hall made is at the centre once, field for field, and the centre holds no
    other record in the hall's identifiers; returns how many."""
    total = 0
    for name in tables.UP:
        if tables.id_column(name) is None:  # ticket counters: by hall
            made = rows_of(hall.server.database, name)
            hall_ids = {row["hall_id"] for row in made.values()}
            at_centre = {k: v for k, v in rows_of(centre.database, name).items() if v["hall_id"] in hall_ids}
        else:
            block = tables.id_range(name, hall.node)
            made = {k: v for k, v in rows_of(hall.server.database, name).items() if block.first <= k[0] <= block.last}
            at_centre = {k: v for k, v in rows_of(centre.database, name).items() if block.first <= k[0] <= block.last}
        assert at_centre == made, f"{name}: the centre differs from {hall.code}"
        total += len(made)
    return total


@pytest.fixture
def region(tmp_path, database_url):
    """The centre (on the parametrised database) and two hall servers: the county (node 1) and
    the township below it (node 2)."""
    (tmp_path / "centre").mkdir()
    centre = LiveServer(tmp_path / "centre", database_url)
    add_township_catalogue(centre.database)
    centre.start()
    halls = [HallServer(tmp_path, centre, "county", 1), HallServer(tmp_path, centre, "township", 2)]
    try:
        for hall in halls:
            hall.start()
        yield centre, halls
    finally:
        for hall in halls:
            hall.close()
        centre.close()


def test_a_busy_day_across_a_cut_reaches_the_centre_once_and_whole(region, tmp_path):
    centre, (county, township) = region
    centre_admin = centre.device_token("admin", hall="county")
    county_admin, township_admin = county.token("admin"), township.token("admin")
    desk, town_desk = Desk(county.url, county.token("kiosk")), Desk(township.url, township.token("kiosk"))
    county.wait_for_token(desk.kiosk)
    township.wait_for_token(town_desk.kiosk)
    first, second = county.sign_in(1, "1006"), county.sign_in(2, "1007")
    town_helper = township.sign_in(1, "3001")
    queue_a, queue_t = desk.queue_id("A"), town_desk.queue_id("T")
    pad_token = county.token("pad", 1)
    county.wait_for_token(pad_token)

    with VirtualPad(str(tmp_path / "pad1"), heartbeat_s=0.2) as pad:
        bridge = start_pad_bridge(tmp_path, county.url, pad_token, 1, str(tmp_path / "pad1"))
        try:
            until(lambda: _pad_ready(county, first), 20, "the pad bridge up")

            def serve_and_rate(score: int) -> dict:
                desk.issue(queue_a)
                ticket = desk.call(first, 1)
                desk.upload(ticket["id"])
                desk.finish(first, ticket["id"])
                assert pad.wait_until(lambda: pad.lit, timeout=10), "the pad was not asked for a rating"
                pad.press(score)
                assert pad.wait_until(lambda: not pad.unacked(), timeout=10)
                until(lambda: _rated(county, ticket["id"]), what="the rating stored at the hall")
                return ticket

            serve_and_rate(5)  # with the link up
            for link in (county.link, township.link):
                link.cut()
            cut_at = time.monotonic()

            # the day goes on at both halls, with nothing reaching the centre
            rated = [serve_and_rate(score) for score in (4, 2, 5)]
            waiting = [desk.issue(queue_a) for _ in range(3)]
            desk.issue(queue_a)
            to_township = desk.call(second, 2)
            referral_down = desk.refer(second, to_township["id"], "township")
            desk.issue(queue_a)
            to_city = desk.call(second, 2)
            desk.refer(second, to_city["id"], "city")
            for _ in range(3):
                town_desk.issue(queue_t)
            served = town_desk.call(town_helper, 1)
            town_desk.finish(town_helper, served["id"])

            # the centre changes the catalogue and disables a helper meanwhile
            with centre.database.write() as db:
                matter = db.scalar(select(Matter).order_by(Matter.id).limit(1))
                renamed = matter.name = matter.name + "（含自主申报）"
                db.scalar(select(Helper).where(Helper.code == "1007", Helper.hall_id == matter.hall_id)).active = False
            add_helper(centre.database, "3003", "新来的帮办员", "246810", hall_code="township")

            with centre.database.read() as db:
                assert db.scalar(select(Ticket).where(Ticket.id == rated[0]["id"])) is None  # not there yet
            until(lambda: links(county.url, county_admin)["county"]["state"] == "down", 20, "the hall seeing the cut")
            own = links(county.url, county_admin)["county"]
            assert own["backlog_records"] > 20 and own["backlog_s"] >= time.monotonic() - cut_at - 2
            at_centre = until(lambda: _down(centre.url, centre_admin, "county"), 20, "the centre seeing the cut")
            assert at_centre["last_contact_at"] is not None
            # operators see it: the overview, /metrics
            supervisor = Web(centre)
            assert supervisor.login().status_code == 303
            live = supervisor.get("/supervisor/overview/live").text
            assert "厅内服务器连接" in live and "✕ 已断开" in live and "城关街道便民服务中心" in live
            assert 'bangban_hall_link_up{hall="county"} 0.0' in requests.get(centre.url + "/metrics", timeout=10).text
            # a hall server leaves the catalogue to the centre, and says so
            refused = Web(county.server)
            refused.login()
            assert "由中心服务器设置" in refused.post("/supervisor/setup/matters", {}).text
            # the pad's press and the hall's own screens never needed the centre
            assert requests.get(county.url + f"/api/v1/tickets/{waiting[-1]['id']}", headers=auth(first),
                                timeout=10).json()["status"] == "waiting"
            public = requests.get(county.url + f"/api/v1/public/tickets/{_public_token(county, to_township['id'])}",
                                  timeout=10).json()
            assert public["referral"] == "已转办至城关街道便民服务中心，转办信息正在送达"

            for link in (county.link, township.link):
                link.restore()
            until(lambda: drained(county, county_admin, centre_admin) and drained(township, township_admin,
                                                                                    centre_admin),
                  60, "the backlog drained")
        finally:
            bridge.terminate()
            bridge.wait(10)

    assert "✓ 连接正常" in supervisor.get("/supervisor/overview/live").text
    assert 'bangban_hall_link_up{hall="county"} 1.0' in requests.get(centre.url + "/metrics", timeout=10).text
    made = assert_centre_holds_the_hall(centre, county)
    assert made > 60
    assert_centre_holds_the_hall(centre, township)
    # ratings keep their true times; pages their bytes
    with county.server.database.read() as db:
        ratings = {r.id: r.rated_at for r in db.scalars(select(Rating))}
        pages = [(d.path, d.sha256) for d in db.scalars(select(Document))]
    with centre.database.read() as db:
        assert {r.id: r.rated_at for r in db.scalars(select(Rating).where(Rating.id.in_(ratings)))} == ratings
    assert len(pages) == 4
    for path, digest in pages:
        assert hashlib.sha256((centre.data_dir / path).read_bytes()).hexdigest() == digest
    # the hall's figures are the same at the centre as at the hall
    for path in ("/api/v1/figures", "/api/v1/figures/services?group=window"):
        at_hall = requests.get(county.url + path, headers=auth(county_admin), timeout=10)
        assert at_hall.status_code == 200, at_hall.text
        assert requests.get(centre.url + path, headers=auth(centre_admin), timeout=10).json() == at_hall.json()
    # the catalogue change and the disabled helper reached the hall
    names = [m["name"] for m in requests.get(county.url + "/api/v1/catalog", headers=auth(desk.kiosk),
                                             timeout=10).json()["matters"]]
    assert renamed in names
    assert requests.post(county.url + "/api/v1/windows/2/call-next", headers=auth(second),
                         timeout=10).status_code == 401  # the session ended as the change arrived
    refused = requests.post(county.url + "/api/v1/sessions", headers=auth(county.token("window", 2)), timeout=10,
                            json={"helper_code": "1007", "pin": "246810", "window": 2})
    assert refused.status_code in (401, 403)
    assert township.sign_in(2, "3003")  # added at the centre during the cut
    # the referral reached the township's own server, and its citizen is told
    incoming = until(lambda: requests.get(township.url + "/api/v1/referrals", params={"direction": "in"},
                                          headers=auth(town_helper), timeout=10).json(), 10, "the referral")
    assert [(r["id"], r["number"]) for r in incoming] == [(referral_down["id"], to_township["number"])]
    public = requests.get(county.url + f"/api/v1/public/tickets/{_public_token(county, to_township['id'])}",
                          timeout=10).json()
    assert public["referral"] == "已转办至城关街道便民服务中心，转办信息已送达"
    with centre.database.read() as db:
        assert db.scalar(select(Referral).where(Referral.ticket_id == to_city["id"])).to_hall_id == 1
    # answered at the township, the answer reaches the county that sent it
    accepted = requests.post(township.url + f"/api/v1/referrals/{referral_down['id']}/accept",
                             headers=auth(town_helper), timeout=10)
    assert accepted.status_code == 200, accepted.text
    until(lambda: requests.get(county.url + "/api/v1/referrals", params={"direction": "out"}, headers=auth(first),
                               timeout=10).json()[-1]["status"] == "accepted", 20, "the answer back at the county")


def _rated(hall: HallServer, ticket_id: int) -> bool:
    from kiosk.server.models import Service

    with hall.server.database.read() as db:
        service = db.scalar(select(Service.id).where(Service.ticket_id == ticket_id))
        return db.scalar(select(Rating.id).where(Rating.service_id == service)) is not None


def _pad_ready(hall: HallServer, session: str) -> bool:
    r = requests.get(hall.url + "/api/v1/devices/health", headers=auth(session), timeout=10)
    return [h["ok"] for h in r.json() if h["component"] == "ratepad"] == [True]


def _down(url: str, token: str, code: str):
    found = links(url, token).get(code)
    return found if found and found["state"] == "down" else None


def _public_token(hall: HallServer, ticket_id: int) -> str:
    with hall.server.database.read() as db:
        return db.get(Ticket, ticket_id).public_token


def _tickets_at_centre(centre: LiveServer, node: int) -> int:
    block = tables.id_range("tickets", node)
    with centre.database.read() as db:
        return len(db.scalars(select(Ticket.id).where(Ticket.id.between(block.first, block.last))).all())


def _a_backlog(hall: HallServer, tickets: int) -> None:
    """An outage's worth of work at the hall, with the link cut: tickets issued, half served."""
    desk = Desk(hall.url, hall.token("kiosk"))
    hall.wait_for_token(desk.kiosk)
    session = hall.sign_in(1, "1006")
    queue = desk.queue_id("A")
    hall.link.cut()
    for k in range(tickets):
        desk.issue(queue)
        if k % 2:
            desk.finish(session, desk.call(session, 1)["id"])


def test_a_drain_survives_a_kill_a_restart_and_clocks_minutes_apart(tmp_path):
    """The hall server killed (kill -9) and the centre restarted, each in the middle of a drain,
    with the hall's clock seven minutes slow: every record arrives once, with the hall's times,
    and neither side's backlog is off by the clocks' difference."""
    (tmp_path / "centre").mkdir()
    centre = LiveServer(tmp_path / "centre", None)
    centre.start()
    county = HallServer(tmp_path, centre, "county", 1, clock_offset="-7m",
                        env={"BANGBAN_HALL_LINK_BATCH_RECORDS": "20"})
    try:
        county.start()
        admin, centre_admin = county.token("admin"), centre.device_token("admin", hall="county")
        _a_backlog(county, 80)
        own = links(county.url, admin)["county"]
        assert 0 < own["backlog_s"] < 300 and own["backlog_records"] > 200  # by its own clock: not 7 minutes
        county.link.restore()
        got = until(lambda: 0 < _tickets_at_centre(centre, 1) < 80 and _tickets_at_centre(centre, 1), 30,
                    "the drain under way", every=0.01)
        county.server.kill()  # kill -9 in the middle of the drain
        assert _tickets_at_centre(centre, 1) < 80
        county.server.start()
        until(lambda: _tickets_at_centre(centre, 1) > got, 30, "the drain going on after the restart", every=0.01)
        centre.kill()  # and the centre, in the middle of it too
        assert _tickets_at_centre(centre, 1) < 80
        centre.start()
        until(lambda: drained(county, admin, centre_admin), 60, "the backlog drained")
        assert assert_centre_holds_the_hall(centre, county) > 200
        assert _tickets_at_centre(centre, 1) == 80
        with centre.database.read() as db:
            issued = db.scalars(select(Ticket.issued_at).where(Ticket.hall_id == 2)).all()
        assert all(abs((datetime.utcnow() - at).total_seconds() - 420) < 200 for at in issued)  # the hall's times
        at_centre = links(centre.url, centre_admin)["county"]
        assert at_centre["state"] == "up" and at_centre["backlog_s"] == 0
        for path in ("/api/v1/figures", "/api/v1/figures/services?group=window"):
            assert (requests.get(centre.url + path, headers=auth(centre_admin), timeout=10).json()
                    == requests.get(county.url + path, headers=auth(admin), timeout=10).json())
        # doctor at the centre says the same, and flags a link silent past the setting
        settings = load_settings(data_dir=centre.data_dir)
        (finding,) = doctor.check_hall_links(settings)
        assert finding.ok and "连接正常" in finding.message and "示范县" in finding.check
        with centre.database.read() as db:
            (later,) = status.hall_links(db, settings.hall_link_down_minutes, now=utcnow() + timedelta(minutes=11))
        assert later.state == "down" and later.flagged and "超过设定时间" in doctor.link_words(later)
    finally:
        county.close()
        centre.close()


def test_a_batch_that_does_not_fit_is_refused_whole_in_chinese(sqlite_server):
    """A hall server of another version, or a damaged body: 422 with the reason, nothing written,
    the link's position unmoved; and only a hall server's token may send one."""
    token = sqlite_server.device_token("hall_server", hall="township")
    url = sqlite_server.url + "/api/v1/sync/up"
    good = {"seq": 1, "tbl": "audit_log", "op": "u", "at": "2026-12-07T02:00:00",
            "row": {"id": 2 * 2**40 + 1, "hall_id": 3, "at": "2026-12-07T02:00:00", "action": "x", "detail": {}}}
    missing = {"seq": 2, "tbl": "tickets", "op": "u", "at": "2026-12-07T02:00:01", "row": {"id": 2 * 2**40 + 1}}
    unknown = {"seq": 2, "tbl": "web_sessions", "op": "u", "at": "2026-12-07T02:00:01", "row": {"id": 1}}
    for bad in (missing, unknown):
        r = requests.post(url, headers=auth(token), timeout=10,
                          json={"node": 2, "entries": [good, bad], "backlog_records": 0, "backlog_s": 0})
        assert r.status_code == 422 and "无法" in r.json()["error"]["message"], r.text
    with sqlite_server.database.read() as db:
        from kiosk.server.models import AuditEntry, SyncPeer
        assert db.get(AuditEntry, 2 * 2**40 + 1) is None
        assert db.get(SyncPeer, 2) is None or db.get(SyncPeer, 2).applied_seq == 0
    kiosk = sqlite_server.device_token("kiosk", hall="township")
    r = requests.post(url, headers=auth(kiosk), timeout=10,
                      json={"node": 2, "entries": [good], "backlog_records": 0, "backlog_s": 0})
    assert r.status_code == 403
    r = requests.post(url, headers=auth(token), timeout=10,
                      json={"node": 2, "entries": [good], "backlog_records": 0, "backlog_s": 0})
    assert r.status_code == 200 and r.json() == {"applied_seq": 1}
    again = requests.post(url, headers=auth(token), timeout=10,
                          json={"node": 2, "entries": [good], "backlog_records": 0, "backlog_s": 0})
    assert again.json() == {"applied_seq": 1}  # sent twice, written once
    other = sqlite_server.device_token("hall_server", hall="village")
    taken = requests.post(url, headers=auth(other), timeout=10,
                          json={"node": 2, "entries": [], "backlog_records": 0, "backlog_s": 0})
    assert taken.status_code == 409 and "编号 2" in taken.json()["error"]["message"]
