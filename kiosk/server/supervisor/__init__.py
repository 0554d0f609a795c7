"""The supervisor's web pages: sign-in, hall overview, ledger, cases due, follow-ups and figures,
rendered on the server for coordinators and chiefs (协调员、首席帮办代办员)."""
