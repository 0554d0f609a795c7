"""A hall's own server, and the link between it and the centre (#21).

A hall server is the authority for its hall's queue: the records its terminals make (tickets,
calls, services, ratings, pages, cases, referrals, the audit log) are written there first and
reach the central server later, in order and exactly once. The centre stays the authority for
the catalogue (halls, areas, queues, matters, windows, helpers, devices), which reaches each
hall server when the link allows. Both directions use the same parts:

- ``tables``: which tables go which way, and the identifier range each server gives new rows;
- ``capture``: triggers that write every change of those tables to an outbox, in the writing
  transaction, so the SQL fast paths are caught as the ORM is;
- ``journal``: the outbox moved into the journal in commit order, read in batches, pruned;
- ``apply``: a batch written idempotently on the other side (the link remembers the last
  sequence number it applied, in the same transaction);
- ``link``: the hall server's loop that pushes its journal up and pulls the centre's down;
- ``status``: what ``doctor``, ``/metrics`` and the supervisor overview say of each link.
"""
