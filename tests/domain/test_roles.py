from kiosk.domain.roles import HELPER_ROLES, role_name


def test_every_role_has_the_seeds_name():
    assert [role_name(r) for r in HELPER_ROLES] == ["帮办员", "代办员", "协调员", "首席帮办代办员", "联络员"]


def test_an_unknown_role_is_shown_as_it_is_never_blank():
    assert role_name("auditor") == "auditor" and role_name(None) == ""
