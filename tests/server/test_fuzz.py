"""Schemathesis against the server's own OpenAPI, on SQLite and on PostgreSQL: no request, however
malformed, gets a 500, and every answer is one the document promises (its status, its content
type, its body's schema); a request the schema calls invalid is refused.

Each run is short enough for the suite (``BANGBAN_FUZZ_EXAMPLES`` cases per operation and mode,
25 by default); for a longer hunt, e.g. ``BANGBAN_FUZZ_EXAMPLES=400 pytest -s tests/server/test_fuzz.py``.
Run with ``-s`` to see the tally: requests tried, failures by kind.
"""
import os
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NotSet
from schemathesis.checks import (
    content_type_conformance, negative_data_rejection, not_a_server_error, response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import AcceptedNegativeData, Failure

from tests.conftest import LiveServer, PostgresDatabase, postgres_available

EXAMPLES = int(os.environ.get("BANGBAN_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
ENDLESS = {"/api/v1/events"}  # a stream that does not end: tests/server/test_events.py
METRICS_TOKEN = "fuzz-metrics-token"
# signing out ends the session of the token it is sent with: with the chief's, every operation
# fuzzed after it met a dead token and tested only the 401
SIGN_OUT = ("DELETE", "/api/v1/sessions/current")
LEAVING = (2, "1006")  # the window and helper whose session signing out ends, signed in again after


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_server(request, tmp_path_factory):
    database = None
    if request.param == "postgres":
        if not postgres_available():
            if os.environ.get("BANGBAN_REQUIRE_POSTGRES") == "1":
                pytest.fail("PostgreSQL is required (BANGBAN_REQUIRE_POSTGRES=1) but nothing answers")
            pytest.skip("no PostgreSQL answers at 127.0.0.1:5432: PostgreSQL fuzzing skipped")
        database = PostgresDatabase()
    server = LiveServer(tmp_path_factory.mktemp(f"fuzz-{request.param}"), database and database.url,
                        env={"BANGBAN_METRICS_TOKEN": METRICS_TOKEN})
    server.start()
    server.tokens = {
        "kiosk": server.device_token("kiosk"),
        "pad": server.device_token("pad", 1),
        "helper": server.helper_session(1, "1001"),  # a chief: may do most things
        "leaving": server.helper_session(*LEAVING),
    }
    # a few tickets so ids and windows the fuzzer guesses sometimes exist
    for queue in (1, 2, 8):
        requests.post(server.url + "/api/v1/tickets", json={"queue_id": queue, "service_type": "help"},
                      headers={"Authorization": f"Bearer {server.tokens['kiosk']}"}, timeout=5)
    yield server
    server.close()
    if database:
        database.drop()


def token_for(fuzz_server, case) -> str:
    path = case.operation.path
    if path == "/metrics":
        return METRICS_TOKEN
    if (case.method, path) == SIGN_OUT:
        return fuzz_server.tokens["leaving"]
    if path.endswith("/ratings"):
        return fuzz_server.tokens["pad"]
    if path == "/api/v1/tickets" and case.method == "POST":
        return fuzz_server.tokens["kiosk"]
    return fuzz_server.tokens["helper"]


class Tally:
    def __init__(self):
        self.requests, self.failures, self.examples = Counter(), Counter(), {}
        self.where: dict[str, Counter] = {}  # by kind: the operations that failed so
        self.unsent = 0  # invalid queries the HTTP client could not send as made (not judged)
        self.statuses = Counter()

    def check(self, fuzz_server, case) -> None:
        self.requests[case.operation.label] += 1
        headers = {"Authorization": f"Bearer {token_for(fuzz_server, case)}"}
        response = case.call(base_url=fuzz_server.url, headers=headers, timeout=10)
        self.statuses[response.status_code] += 1
        if (case.method, case.operation.path) == SIGN_OUT and response.status_code == 204:
            fuzz_server.tokens["leaving"] = fuzz_server.helper_session(*LEAVING)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, BaseExceptionGroup) as found:
            for failure in getattr(found, "exceptions", [found]):
                if isinstance(failure, AcceptedNegativeData) and _query_not_sent_as_made(case):
                    self.unsent += 1
                    continue
                kind = f"{type(failure).__name__}: {failure.title}"
                self.failures[kind] += 1
                self.where.setdefault(kind, Counter())[case.operation.label] += 1
                body = "" if isinstance(case.body, NotSet) else f" {case.body!r:.200}"
                self.examples.setdefault(kind, f"{case.method} {case.formatted_path} {case.query or ''}{body} "
                                               f"-> {response.status_code} {response.text[:300]}")
        if 400 <= response.status_code < 500 and response.status_code != 405:
            error = response.json()["error"]
            assert error["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), response.text

    def report(self, kind: str) -> str:
        lines = [f"schemathesis on {kind}: {sum(self.requests.values())} requests over "
                 f"{len(self.requests)} operations; failures: {sum(self.failures.values())}; "
                 f"invalid queries the client could not send: {self.unsent}; "
                 f"answers by status: {dict(sorted(self.statuses.items()))}"]
        lines += [f"  {n} x {k}\n      in {dict(self.where[k].most_common())}\n      e.g. {self.examples[k]}"
                  for k, n in self.failures.most_common()]
        return "\n".join(lines)


def _query_not_sent_as_made(case) -> bool:
    """Whether the case's query could not go out as schemathesis made it: `requests` sends an
    object's keys for an object (`{'category': {'x': {}}}` went out as `?category=x`, a valid
    query) and nothing for an empty list or object (`{'': []}`, `{'': [{}]}`), so the request the
    server accepted was not the invalid case schemathesis judged. A query string has no objects
    (this API declares none), and an empty list is no parameter at all."""
    def unsendable(value) -> bool:
        return isinstance(value, dict) or (isinstance(value, list) and (
            not value or any(isinstance(v, (dict, list)) for v in value)))
    return isinstance(case.body, NotSet) and any(unsendable(v) for v in (case.query or {}).values())


def test_every_answer_is_one_the_document_promises(fuzz_server):
    # (schemathesis' own pytest plugin does not run under pytest 9, so hypothesis drives it here)
    schema = schemathesis.openapi.from_url(fuzz_server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path not in ENDLESS]
    assert len(operations) >= 30
    tally = Tally()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                      database=None)
            def run(case):
                tally.check(fuzz_server, case)

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid (no body, no parameters)
                assert mode is GenerationMode.NEGATIVE, operation.path
    print("\n" + tally.report(fuzz_server.kind))
    assert not tally.failures, tally.report(fuzz_server.kind)
    assert sum(tally.requests.values()) > EXAMPLES * len(operations), tally.requests
    # the chief's session lived through the run: the operations fuzzed late met more than a 401
    alive = requests.get(fuzz_server.url + "/api/v1/hall", timeout=5,
                         headers={"Authorization": f"Bearer {fuzz_server.tokens['helper']}"})
    assert alive.status_code == 200, alive.text
