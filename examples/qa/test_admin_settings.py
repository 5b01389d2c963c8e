"""An admin decides what agents may copy; nothing sensitive is on by accident."""

import pytest


def test_url_copy_is_off_until_an_admin_turns_it_on(console_page):
    assert "Copy Session URL" not in console_page.hover_customer().buttons()

    preferences = console_page.open_preferences()
    assert preferences.is_locked
    preferences.unlock()
    preferences.turn_url_copy_on(acknowledge=True)  # ticks, acknowledges and saves

    assert console_page.hover_customer().buttons() == [
        "Copy Session ID",
        "Copy Session URL",
        "Copy both",
        "Resend invite",
    ]


def test_the_security_warning_must_be_acknowledged(console_page):
    preferences = console_page.open_preferences()
    preferences.unlock()

    preferences.turn_url_copy_on(acknowledge=False)

    with pytest.raises(AssertionError, match="tick “I understand the security risk”"):
        preferences.save()
    preferences.close()

    assert "Copy Session URL" not in console_page.hover_customer().buttons()


@pytest.mark.collab_demo(admin=False)
def test_without_an_admin_the_settings_stay_locked(console_page):
    preferences = console_page.open_preferences()

    assert preferences.is_locked
    preferences.close()
