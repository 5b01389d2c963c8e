"""An agent hands over session details when an invitation could not reach the customer."""

import pytest

DEMO_URL_BASE = "http://127.0.0.1:8765/join/"


def test_copying_the_session_id_gives_another_program_the_id(console_page):
    card = console_page.hover_customer()

    assert card.buttons() == ["Copy Session ID", "Resend invite"]
    assert card.copy("Session ID") == "7QKM-92HX"
    assert console_page.status_message == "Copied Session ID 7QKM-92HX for Dana Levi."


@pytest.mark.collab_demo(url_copy=True)
def test_a_customer_whose_sms_failed_gets_a_session_url_without_a_reason(console_page):
    card = console_page.hover_customer()

    pasted = card.copy("Session URL")

    assert pasted.startswith(DEMO_URL_BASE)
    assert len(pasted) == len(DEMO_URL_BASE) + 24  # and the link's own token


@pytest.mark.collab_demo(url_copy=True)
def test_a_url_for_someone_whose_invite_was_delivered_needs_a_reason(console_page):
    card = console_page.hover_participant("Omar Haddad")
    assert card.buttons()[0] == "Resend invite"

    pasted = card.copy("Session URL", reason="his phone blocks links in texts")

    assert pasted.startswith(DEMO_URL_BASE)


@pytest.mark.collab_demo(url_copy=True)
def test_fixed_ids_make_the_same_link_every_run(console_page):
    # conftest.py fixes the clock and the IDs: a test's first link is always this one.
    pasted = console_page.hover_customer().copy("Session URL")

    assert pasted == DEMO_URL_BASE + "9IJnWGS4miiv5pNa5yUFJJK0"


@pytest.mark.collab_demo(participants=12)
def test_every_participant_of_a_large_session_is_listed(console_page):
    console_page.select_session("BNCH-0000")

    assert len(console_page.participants()) == 12


def test_a_lost_link_is_sent_again_rather_than_copied(console_page):
    card = console_page.hover_participant("Omar Haddad")

    card.resend_invite()

    assert console_page.status_message == "Invite queued for Omar Haddad."
