"""The hall's staff roles and their names, as the seeds write them (首席帮办代办员, 协调员, 代办员,
帮办员, 联络员). Screens, forms and the server all say a role with these words."""
from __future__ import annotations

ROLE_NAMES = {"helper": "帮办员", "proxy_agent": "代办员", "coordinator": "协调员",
              "chief": "首席帮办代办员", "liaison": "联络员"}
HELPER_ROLES = tuple(ROLE_NAMES)
SUPERVISOR_ROLES = ("coordinator", "chief")  # review cases, grant the green channel, set the hall up


def role_name(role: str | None) -> str:
    """The role's Chinese name; an unknown role is shown as it is, never as a blank."""
    return ROLE_NAMES.get(role or "", role or "")
