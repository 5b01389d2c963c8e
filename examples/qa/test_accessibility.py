"""A screen-reader user meets a name on every control (AT-SPI, as Orca reads it)."""


def test_the_console_names_every_control(console_page, accessibility):
    accessibility()


def test_the_copy_card_names_every_button(console_page, accessibility):
    console_page.hover_customer()

    accessibility()
