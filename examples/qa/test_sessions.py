"""An agent starts a session and finds it again."""


def test_a_new_session_is_shown_and_listed_first(console_page):
    session_id = console_page.open_new_session().start("Ada Lovelace", "+44 20 7946 0958")

    assert console_page.shown_session_id == session_id == "JJD0-MSGV"  # fixed IDs
    assert console_page.customer_name == "Ada Lovelace"
    assert console_page.sessions.rows()[0] == f"Ada Lovelace · {session_id} · Active"


def test_a_number_without_its_country_code_is_refused(console_page):
    new_session = console_page.open_new_session()
    new_session.fill("Ada Lovelace", "020 7946 0958")

    assert "country code" in new_session.error_text
    new_session.cancel()


def test_the_ended_demo_session_can_be_opened(console_page):
    console_page.select_session("3FDN-X8TR")

    assert console_page.header_text.startswith("Ended")
