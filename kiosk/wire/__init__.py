"""The wire: every body the API takes or gives and every event's payload, defined once.

The server answers with these models and builds the OpenAPI document from them; the HTTP
client parses answers with them. Nothing here imports the server, Kivy or a device: a
terminal imports ``kiosk.wire`` without pulling in the server.

- ``vocabulary``: the shared field types (service types, statuses, dates and times on the wire)
- ``requests``: what a client sends (strict: a kiosk never sends ``"ok": 0``)
- ``answers``: what the server sends back about tickets, the hall, ratings and documents
- ``records``: what it sends back about proxy cases, referrals, the ledger and the figures
- ``events``: the Server-Sent Events' payloads, one model per event type
- ``errors``: the one error body, ``{"error": {"code", "message"}}``

The server builds its busiest answers (tickets, ratings) with ``model_construct`` from its own
rows, not validating them again on the hot path; ``tests/server/test_fuzz.py`` and
``tests/server/test_wire_events.py`` hold what it sends to these models.
"""
