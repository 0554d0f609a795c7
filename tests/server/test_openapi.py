"""The OpenAPI document says what the server answers: every refusal with the real error body,
every body from ``kiosk.wire``; 405 names every method the path serves; a value no kiosk or pad
would send (``"ok": 0``, ``queue_id: true``, ``to=0``) is refused in Chinese."""
import pytest
import requests

from kiosk.wire.events import PAYLOADS
from tests.conftest import auth

API_MD_EVENTS = {"ticket.issued", "ticket.called", "ticket.recalled", "ticket.transferred", "ticket.finished",
                 "rating.requested", "rating.recorded"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.conftest import LiveServer

    live = LiveServer(tmp_path_factory.mktemp("openapi"), None)
    live.start()
    live.document = requests.get(live.url + "/openapi.json", timeout=10).json()
    live.kiosk = live.device_token("kiosk")
    live.helper = live.helper_session(1, "1001")
    yield live
    live.close()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_refusal_is_documented_with_the_real_error_body(server):
    document = server.document
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert document["components"]["schemas"]["ErrorBody"]["properties"]["error"] == {
        "$ref": "#/components/schemas/ErrorDetail"}
    for name, operation in operations(document):
        refusals = {s: r for s, r in operation["responses"].items() if s.startswith(("4", "5"))}
        assert "400" in refusals, name  # the NUL guard refuses a NUL anywhere, a header's included
        for status, response in refusals.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema["$ref"] in ("#/components/schemas/ErrorBody", "#/components/schemas/Unhealthy"), \
                (name, status)
        if operation.get("security"):
            assert "401" in refusals, name
        if "requestBody" in operation:
            assert {"413", "422"} <= set(refusals), name
        if operation.get("parameters"):
            assert "422" in refusals, name
        if not name.endswith("/metrics"):
            assert "503" in refusals, name


def test_the_statuses_each_operation_can_give_are_named(server):
    responses = {name: set(op["responses"]) for name, op in operations(server.document)}
    assert responses["POST /api/v1/tickets"] >= {"200", "201", "401", "403", "404", "409", "413", "422", "429",
                                                 "503"}
    assert responses["GET /metrics"] >= {"200", "401", "403"}  # its token, or this machine only
    assert responses["GET /api/v1/hall"] >= {"200", "401", "503"}
    assert responses["POST /api/v1/public/cases/{token}/result"] >= {"200", "403", "410", "429"}
    assert responses["POST /api/v1/sessions"] >= {"201", "401", "403", "404", "422", "429", "503"}
    assert responses["POST /api/v1/windows/{window}/call-next"] >= {"200", "204", "401", "403", "409", "503"}
    assert responses["POST /api/v1/windows/{window}/ratings"] >= {"200", "201", "403", "404", "409", "422"}
    assert responses["POST /api/v1/tickets/{ticket_id}/documents"] >= {"413", "415", "429"}
    assert responses["GET /api/v1/documents/{document_id}"] >= {"404", "410"}
    assert "401" not in responses["GET /api/v1/public/tickets/{public_token}"]  # anyone may look


def test_the_answers_are_the_wire_models(server):
    document = server.document

    def answer_of(name, status="200"):
        operation = dict(operations(document))[name]
        return operation["responses"][status]["content"]["application/json"]["schema"]

    assert answer_of("POST /api/v1/tickets", "201") == {"$ref": "#/components/schemas/IssuedTicket"}
    assert answer_of("GET /api/v1/windows")["items"] == {"$ref": "#/components/schemas/WindowInfo"}
    ticket = document["components"]["schemas"]["Ticket"]
    assert set(ticket["required"]) >= {"id", "number", "queue_id", "status", "issued_at", "public_token"}
    assert "waiting_ahead" not in ticket["required"]  # only while waiting


def test_every_event_payload_is_in_the_document(server):
    stream = server.document["paths"]["/api/v1/events"]["get"]["responses"]["200"]
    assert set(stream["x-event-types"]) == set(PAYLOADS) >= API_MD_EVENTS
    schemas = server.document["components"]["schemas"]
    for type_, ref in stream["x-event-types"].items():
        assert ref["$ref"].rsplit("/", 1)[1] in schemas, type_
    assert set(schemas["RatingRequested"]["required"]) == {"window", "service_id", "ticket_id", "number",
                                                          "helper_code", "helper_name"}


def test_405_names_every_method_the_path_serves(server):
    """GET and POST /api/v1/devices/health are two routes; the answer to a PUT names both."""
    url = server.url + "/api/v1/devices/health"
    refused = requests.put(url, headers=auth(server.helper), timeout=10)
    assert refused.status_code == 405
    assert refused.json()["error"]["code"] == "method_not_allowed"
    allowed = [m.strip() for m in refused.headers["Allow"].split(",")]
    assert sorted(allowed) == ["GET", "POST"]
    for method in allowed:  # each one named is served
        assert requests.request(method, url, headers=auth(server.helper), json={"component": "printer", "ok": True},
                                timeout=10).status_code != 405
    assert requests.delete(server.url + "/api/v1/windows", headers=auth(server.helper),
                           timeout=10).headers["Allow"] == "GET"


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/devices/health", {"component": "printer", "ok": 0}, "是否正常"),
    ("/api/v1/tickets", {"queue_id": True, "service_type": "help"}, "队列"),
    ("/api/v1/tickets", {"queue_id": 1.0, "service_type": "help"}, "队列"),
    ("/api/v1/tickets", {"queue_id": "1", "service_type": "help"}, "队列"),
    ("/api/v1/windows/1/ratings", {"score": True, "pad_seq": 1}, "评分"),
    ("/api/v1/windows/1/ratings", {"score": 5, "pad_seq": 1, "pressed_at": 0}, "按键时间"),
])
def test_values_no_terminal_sends_are_refused_in_chinese(server, path, body, field):
    token = {"/api/v1/tickets": server.kiosk, "/api/v1/windows/1/ratings": server.device_token("pad", 1)}
    answer = requests.post(server.url + path, json=body, headers=auth(token.get(path, server.helper)), timeout=10)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"], error


@pytest.mark.parametrize("query", ["to=0", "from=1", "to=20261207", "from=2026-12-07T00:00:00"])
def test_a_date_is_written_as_a_date(server, query):
    for path in ("/api/v1/figures", "/api/v1/ledger/services"):
        answer = requests.get(f"{server.url}{path}?{query}", headers=auth(server.helper), timeout=10)
        assert answer.status_code == 422, (path, answer.text)
        assert "YYYY-MM-DD" in answer.json()["error"]["message"]
    assert requests.get(server.url + "/api/v1/figures?from=2026-11-01&to=2026-11-30", headers=auth(server.helper),
                        timeout=10).status_code == 200


def test_a_rule_of_the_body_keeps_its_own_code(server):
    answer = requests.post(server.url + "/api/v1/tickets", json={"service_type": "help"}, headers=auth(server.kiosk),
                           timeout=10)
    assert answer.status_code == 422
    assert answer.json()["error"] == {"code": "matter_or_queue", "message": "请选择一个事项或一个队列（二者选一）"}
    answer = requests.post(server.url + "/api/v1/tickets", json={"queue_id": 1, "service_type": "help",
                                                                  "phone": "12345678901"},
                           headers=auth(server.kiosk), timeout=10)
    assert answer.json()["error"]["code"] == "invalid_phone"


def test_a_query_parameter_the_operation_does_not_take_is_refused(server):
    answer = requests.get(server.url + "/api/v1/follow-ups?stauts=open", headers=auth(server.helper), timeout=10)
    assert answer.status_code == 422
    assert answer.json()["error"] == {"code": "invalid_request", "message": "不认识的参数 'stauts'"}
    assert requests.get(server.url + "/api/v1/follow-ups?status=open", headers=auth(server.helper),
                        timeout=10).status_code == 200
    assert requests.get(server.url + "/api/v1/catalog?q=sfz&category=livelihood", headers=auth(server.helper),
                        timeout=10).status_code == 200
