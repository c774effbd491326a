"""Digests through Apprise's real senders to local receivers: Slack's webhook payload, SMTP, failures redacted."""

from __future__ import annotations

import io
import logging
import socket

import pytest

from pac_config.notifications import EmailChannel, NotificationSettings, Recipient
from sync_jobs.logs import redact, setup_logging
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

    def test_a_password_over_an_unencrypted_connection_is_warned_of(self, caplog: pytest.LogCaptureFixture) -> None:
        """``security: none`` with a login sends the SMTP password in clear: said at WARNING, naming the setting and
        the fix, never the password (security audit F7). Seen failing before the fix: nothing was said."""
        person = Recipient(who="julie.martin@durand-process.example")
        mail = EmailChannel(smtp_host="127.0.0.1", smtp_port=2525, security="none",
                            sender="pac@durand-process.example", user="pac@durand-process.example")
        with caplog.at_level(logging.WARNING, logger="pac.notify"):
            [channel] = channels_for(person, NotificationSettings(email=mail, people=(person,)),
                                     {"PAC_SMTP_PASSWORD": "smtp-Pw-7h6g5f4e"})
        assert channel.url is not None
        [record] = [r for r in caplog.records if r.name == "pac.notify"]
        text = record.getMessage()
        assert record.levelno == logging.WARNING and "notifications.email.security: none" in text
        assert "unencrypted" in text and "starttls" in text and "smtp-Pw-7h6g5f4e" not in text

    def test_refused_by_the_server(self) -> None:
        person = Recipient(who="julie.martin@durand-process.example")
        with SmtpReceiver(refuse=True) as smtp:
            settings = NotificationSettings(email=EmailChannel(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                               security="none", sender="pac@durand-process.example"),
                                            people=(person,))
            [channel] = channels_for(person, settings, {})
            ok, problem = send(channel, "t", "b")
        assert not ok and problem.startswith("email: not delivered")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestVerboseLogs:
    """``pac -vv`` shows DEBUG lines: Apprise's repeat the webhook in forms the registered URL does not match (the
    path and query alone, a URL it rebuilt), each enough to post to the channel (security audit F2)."""

    SLACK_TOKEN = "zQ9vW3xK7mN2pL5rT8yU1aB4"
    TEAMS_SIG = "Vq3Lm8Pz2Xk7Rt4Wn9Bc6Hd1Jf5Gs0Ya"

    @pytest.fixture
    def verbose(self):
        """The log ``pac -vv`` writes (setup_logging's handler, its redaction filter included), read as a string."""
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        setup_logging("text", verbose=2)
        log = io.StringIO()
        [handler] = root.handlers
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(log)
        yield log
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)

    def test_slack_and_teams_webhooks_stay_out_of_a_verbose_log(self, verbose, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
        """A Slack and a Teams webhook fail to connect under ``-vv``: the log says so, without the Slack token or
        the Teams ``sig=``. Seen failing before the fix: Apprise's ``Socket Exception: ... with url:
        /services/T.../B.../<token>`` and ``...&sig=<sig>`` DEBUG lines were printed."""
        from apprise.plugins.slack import NotifySlack

        monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{_closed_port()}/services")
        teams = (f"workflows://127.0.0.1:{_closed_port()}/0123abcd0123abcd/?api-version=2016-06-01"
                 f"&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={self.TEAMS_SIG}")
        person = Recipient(who="marc.dubois@durand-process.example", channels=("slack", "teams"),
                           slack="PAC_SLACK_MARC", teams="PAC_TEAMS_MARC")
        env = {"PAC_SLACK_MARC": f"https://hooks.slack.com/services/T0PAC0001/B0PAC0002/{self.SLACK_TOKEN}",
               "PAC_TEAMS_MARC": teams}
        channels = channels_for(person, NotificationSettings(people=(person,)), env)
        assert [send(c, "t", "b")[0] for c in channels] == [False, False]
        err = verbose.getvalue()
        assert "Slack" in err and "Workflows" in err            # Apprise's own account of the failures is shown
        assert self.SLACK_TOKEN not in err and self.TEAMS_SIG not in err

    def test_the_parts_of_a_webhook_are_secrets(self) -> None:
        """Whatever a library prints of a webhook (its path, a query value) is hidden, not only the whole URL."""
        person = Recipient(who="marc.dubois@durand-process.example", channels=("slack", "teams"),
                           slack="PAC_SLACK_MARC", teams="PAC_TEAMS_MARC")
        env = {"PAC_SLACK_MARC": "https://hooks.slack.com/services/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",
               "PAC_TEAMS_MARC": "https://prod-00.westeurope.logic.azure.com:443/workflows/0123abcd/triggers/manual/"
                                 "paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0"
                                 "&sig=Rt4Wn9Bc6Hd1Jf5Gs0YaVq3Lm8Pz2Xk7"}
        channels_for(person, NotificationSettings(people=(person,)), env)
        assert redact("url: /services/T0PAC0001/B0PAC0002/xK7mN2pL5rT8yU1aB4zQ9vW3 (") == "url: *** ("
        assert redact("slack://T0PAC0001/B0PAC0002/xK7mN2pL5rT8yU1aB4zQ9vW3") == "slack://T0PAC0001/B0PAC0002/***"
        assert redact("invoke?api-version=2016-06-01&sv=1.0&sig=Rt4Wn9Bc6Hd1Jf5Gs0YaVq3Lm8Pz2Xk7 (") == \
            "invoke?api-version=2016-06-01&sv=1.0&sig=*** ("
        assert redact("the manual trigger") == "the manual trigger"     # the URL's words are no secrets
