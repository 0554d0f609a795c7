"""Issue 18, item 7: a helper code nobody has is refused as slowly as a real code with a wrong
PIN, at the window terminals' sign-in and on the supervisor pages, so codes cannot be found
out by timing. (Before: 9 ms against 80 ms, scrypt ran for real helpers only.)

Each attempt is timed over HTTP, unknown codes and wrong PINs taken in turn so that load on
the machine falls on both alike; the medians are compared with a wide margin.
"""
import re
import statistics
import time

import requests

from tests.supervisor.web import PIN, Web, demo_hall_id

HELPERS = [f"10{n:02d}" for n in range(1, 11)]  # the demo hall's; each gets at most 2 wrong PINs here
ROUNDS = 10


def _timed(send) -> float:
    start = time.perf_counter()
    response = send()
    elapsed = time.perf_counter() - start
    assert response.status_code in (401, 200), response.text[:200]
    return elapsed


def _alike(unknown: list[float], wrong: list[float]) -> None:
    slow, fast = statistics.median(wrong), statistics.median(unknown)
    assert fast > 0.6 * slow, f"unknown code {fast * 1000:.1f} ms, wrong PIN {slow * 1000:.1f} ms"


def test_api_sign_in_takes_as_long_for_an_unknown_code_as_for_a_wrong_pin(live_server):
    terminal = live_server.device_token("window", 3)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {terminal}"

    def attempt(code):
        return lambda: http.post(live_server.url + "/api/v1/sessions", timeout=10,
                                 json={"helper_code": code, "pin": "000000", "window": 3})
    attempt("9999")()  # the first request of a connection costs more than the rest
    unknown, wrong = [], []
    for n in range(ROUNDS):
        unknown.append(_timed(attempt(f"77{n:02d}")))
        wrong.append(_timed(attempt(HELPERS[n % len(HELPERS)])))
    _alike(unknown, wrong)


def test_supervisor_sign_in_takes_as_long_for_an_unknown_code_as_for_a_wrong_pin(sqlite_server):
    web = Web(sqlite_server)
    hall = str(demo_hall_id(sqlite_server))

    def attempt(code):
        token = re.search(r'name="login_token" value="([^"]+)"', web.get("/supervisor/login").text).group(1)
        form = {"hall": hall, "code": code, "pin": "000000", "login_token": token}
        return lambda: web.post("/supervisor/login", form, allow_redirects=False)
    attempt("9999")()
    unknown, wrong = [], []
    for n in range(ROUNDS):
        unknown.append(_timed(attempt(f"77{n:02d}")))
        wrong.append(_timed(attempt(HELPERS[n % len(HELPERS)])))
    _alike(unknown, wrong)
    assert web.login(pin=PIN).status_code == 303  # the right PIN still signs in
