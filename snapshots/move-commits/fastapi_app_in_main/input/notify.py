"""Notifications."""


def send_welcome(email):
    return email
