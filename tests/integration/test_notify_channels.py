"""Digests through Apprise's real senders to local receivers: Slack's webhook payload, SMTP, failures redacted."""

from __future__ import annotations

import pytest

from pac_config.notifications import EmailChannel, NotificationSettings, Recipient
from sync_jobs.logs import redact
from sync_jobs.notify.channels import channels_for, send
from tests.receivers import HttpReceiver, SmtpReceiver

HOOK = "https://hooks.slack.com/services/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"


@pytest.fixture
def slack_to_loopback(monkeypatch: pytest.MonkeyPatch):
    """Apprise's Slack plugin posts to hooks.slack.com: point that base at a loopback receiver."""
    from apprise.plugins.slack import NotifySlack

    with HttpReceiver() as hook:
        monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{hook.port}/services")
        yield hook


class TestSlack:
    def test_native_webhook_url_posts_the_digest(self, slack_to_loopback: HttpReceiver) -> None:
        """The webhook URL as Slack gives it is understood; the digest arrives as Slack's JSON on the tokens' path."""
        person = Recipient(who="marc.dubois@durand-process.example", channels=("slack",), slack="PAC_SLACK_MARC")
        [channel] = channels_for(person, NotificationSettings(people=(person,)), {"PAC_SLACK_MARC": HOOK})
        ok, problem = send(channel, "PAC — ce qui a changé pour vous (1)", "- Visiter 5 clients : 4 / 5")
        assert ok and problem == ""
        path, headers, body = slack_to_loopback.requests[0]
        assert path == "/services/T0PAC0001/B0PAC0002/zQ9vW3xK7mN2pL5rT8yU1aB4"
        assert headers["Content-Type"].startswith("application/json")
        text = str(body)
        assert "PAC — ce qui a changé pour vous (1)" in text and "Visiter 5 clients : 4 / 5" in text

    def test_refused_webhook_is_reported_without_its_url(self, slack_to_loopback: HttpReceiver) -> None:
        slack_to_loopback.status = 403
        person = Recipient(who="marc.dubois@durand-process.example", channels=("slack",), slack="PAC_SLACK_MARC")
        [channel] = channels_for(person, NotificationSettings(people=(person,)), {"PAC_SLACK_MARC": HOOK})
        ok, problem = send(channel, "t", "b")
        assert not ok and "slack" in problem and "zQ9vW3xK7mN2pL5rT8yU1aB4" not in problem
        assert redact(f"url {HOOK}") == "url ***"          # the URL was registered as a secret

    def test_missing_variable_says_what_to_set(self) -> None:
        person = Recipient(who="marc.dubois@durand-process.example", channels=("slack",), slack="PAC_SLACK_MARC")
        [channel] = channels_for(person, NotificationSettings(people=(person,)), {})
        assert send(channel, "t", "b") == (False, "PAC_SLACK_MARC is not set: put the slack webhook URL in the "
                                                  "environment or the secrets file (PAC_SECRETS_FILE)")


class TestEmail:
    def test_smtp_delivery_with_utf8_subject(self) -> None:
        person = Recipient(who="julie.martin@durand-process.example")
        with SmtpReceiver() as smtp:
            settings = NotificationSettings(email=EmailChannel(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                               security="none", sender="pac@durand-process.example"),
                                            people=(person,))
            [channel] = channels_for(person, settings, {})
            assert send(channel, "Échéances — 2 actions", "Corps\n- ligne") == (True, "")
        [(sender, rcpt, message)] = smtp.messages
        assert (sender, rcpt) == ("pac@durand-process.example", ["julie.martin@durand-process.example"])
        assert message["Subject"] == "Échéances — 2 actions" and "- ligne" in smtp.text_of(message)

    def test_refused_by_the_server(self) -> None:
        person = Recipient(who="julie.martin@durand-process.example")
        with SmtpReceiver(refuse=True) as smtp:
            settings = NotificationSettings(email=EmailChannel(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                               security="none", sender="pac@durand-process.example"),
                                            people=(person,))
            [channel] = channels_for(person, settings, {})
            ok, problem = send(channel, "t", "b")
        assert not ok and problem.startswith("email: not delivered")
