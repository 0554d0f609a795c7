"""Every role's settings, declared once: ``fields`` (how a setting is declared and checked, its Chinese
messages), ``server`` (the server's sections), ``roles`` (the terminals', the pad bridge's, and the file
and command-line loading every role shares)."""
