"""A digest leaves the machine (e-mail, Slack, Teams): pac's own credentials never in it, every other word as written
(audit secretsaudit; « decided 7 Dec 2026 », docs/operations.md, Secrets).

The digest is plain text: the report's escaping, which hides them on every page, never ran on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pac_config.notifications import NotificationSettings, Recipient
from sync_jobs.notify.alerts import Alert
from sync_jobs.notify.channels import channels_for, send
from sync_jobs.notify.digest import render_digest
from tests.receivers import HttpReceiver

HOOK = "https://hooks.slack.com/services/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"
FILE_TOKEN = "CNqW8fLzMxIVAgEBAAAA2jJ1YkZp7rT0u3sQdigest"


@pytest.fixture
def slack_to_loopback(monkeypatch: pytest.MonkeyPatch):
    from apprise.plugins.slack import NotifySlack

    with HttpReceiver() as hook:
        monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{hook.port}/services")
        yield hook


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    file = tmp_path / "secrets.env"
    file.write_text(f"PAC_HS_ACCESS_TOKEN={FILE_TOKEN}\n", encoding="utf-8")
    file.chmod(0o600)
    monkeypatch.delenv("PAC_HS_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("PAC_SECRETS_FILE", str(file))
    return file


def _late(text: str) -> Alert:
    return Alert("action:A-01:late", "action_late", "A-01",
                 {"text": text, "done": "1", "target": "5", "axis": "Bearer Solutions GmbH", "who": "j@x.example",
                  "owner": "Julie Martin"}, ("j@x.example",))


def test_a_token_in_a_plan_text_never_leaves_in_a_digest(secrets_file: Path, slack_to_loopback: HttpReceiver) -> None:
    """pac's HubSpot token (the secrets file) pasted in an action's text: ``***`` in the digest pac renders (`pac
    notify --dry-run` prints it) and in what Slack receives; the axis « Bearer Solutions GmbH » and « Reset password:
    done » as written. Seen failing before the fix: the token was in the body and in Slack's payload."""
    title, body = render_digest([_late(f"Reset password: done, token {FILE_TOKEN}")], "en")
    assert FILE_TOKEN not in title + body
    assert "Reset password: done, token ***" in body and "Bearer Solutions GmbH" in body, body
    person = Recipient(who="marc.dubois@durand-process.example", channels=("slack",), slack="PAC_SLACK_MARC")
    [channel] = channels_for(person, NotificationSettings(people=(person,)), {"PAC_SLACK_MARC": HOOK})
    assert send(channel, title, body) == (True, "")
    _path, _headers, payload = slack_to_loopback.requests[0]
    sent = json.dumps(payload) if not isinstance(payload, str) else payload
    assert FILE_TOKEN not in sent and "token ***" in sent
