"""Invitations: the message, and the ways it goes out (SMTP, an SMS gateway, the outbox folder).

Qt-free; nothing on the console's start-up path imports it.
"""
