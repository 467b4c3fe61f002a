from unittest import mock


def test_add_member_sends_the_welcome_mail(client):
    with mock.patch("app.routes.members.send_welcome") as sent:
        client.post("/members", data={"email": "a@example.com"})
    sent.assert_called_once_with("a@example.com")
