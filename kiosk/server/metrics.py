"""Prometheus figures: tickets, calls, waiting times, request latency."""
from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

WAIT_BUCKETS = (60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.tickets_issued = Counter("bangban_tickets_issued", "Tickets issued",
                                      ["hall", "service_type"], registry=self.registry)
        self.calls = Counter("bangban_calls", "Tickets called", ["hall", "window"], registry=self.registry)
        self.ratings = Counter("bangban_ratings", "Ratings recorded", ["hall", "score"], registry=self.registry)
        self.waiting = Histogram("bangban_waiting_seconds", "Time from issue to first call",
                                 ["hall"], buckets=WAIT_BUCKETS, registry=self.registry)
        self.latency = Histogram("bangban_request_seconds", "Request latency",
                                 ["method", "route", "status"], buckets=LATENCY_BUCKETS,
                                 registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class LatencyMiddleware:
    """Plain ASGI, so a streaming response is timed to its headers, not its end."""

    def __init__(self, app, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = {"code": 500}

        async def timed_send(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                route = scope.get("route")
                path = getattr(route, "path", "unmatched")
                self.metrics.latency.labels(scope["method"], path, str(status["code"])).observe(
                    time.perf_counter() - start)
            await send(message)

        await self.app(scope, receive, timed_send)
