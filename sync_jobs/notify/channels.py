"""Delivering a digest through Apprise: e-mail over SMTP, Slack and Teams webhooks.

Apprise (a well-kept library that speaks about every notification service) does the wire formats:
pac only builds one Apprise URL per person and channel. Secrets come from the environment (or the 0600
secrets file): the SMTP password from ``notifications.email.password_env`` (default ``PAC_SMTP_PASSWORD``),
each webhook URL from the variable the person's entry names. The webhook value is the URL as Slack or Teams
gives it (``https://hooks.slack.com/services/…``, a Teams Workflows ``https://…logic.azure.com…`` URL) or
any Apprise URL (``slack://…``, ``workflows://…``). Every such value, and the parts of it a library may print
alone (``webhook_secrets``), is registered for redaction; Apprise's own log stays at WARNING under ``-vv``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import apprise

from pac_config.notifications import NotificationSettings, Recipient
from sync_jobs.logs import redact, register_secret

log = logging.getLogger("pac.notify")
_MODES = {"starttls": "starttls", "ssl": "ssl", "none": "insecure"}
_warned_unencrypted: set[tuple[str, int]] = set()


@dataclass(frozen=True)
class Channel:
    name: str              # email | slack | teams
    url: str | None        # the Apprise URL (a secret); None when a variable is missing
    problem: str = ""      # why it cannot be sent, with the fix


def channels_for(person: Recipient, settings: NotificationSettings, env: Mapping[str, str]) -> list[Channel]:
    out = []
    for name in person.channels:
        if name == "email":
            out.append(_email(person.who, settings, env))
        else:
            variable = getattr(person, name)
            value = (env.get(variable) or "").strip()
            if not value:
                out.append(Channel(name, None, f"{variable} is not set: put the {name} webhook URL in the environment "
                                               "or the secrets file (PAC_SECRETS_FILE)"))
            else:
                for secret in webhook_secrets(value):
                    register_secret(secret)
                out.append(Channel(name, value))
    return out


def webhook_secrets(url: str) -> list[str]:
    """The webhook URL and every part of it a library may print alone: its path with its query (``with url:
    /services/T…/B…/TOKEN``), and each path segment and query value of 16 characters or more, raw and decoded (the
    Slack token, the Teams ``sig=``, a rebuilt ``workflows://`` URL's signature). Shorter parts are the URL's words
    (``triggers``, ``manual``, ``invoke``, an API version) or IDs that give no right to post: left readable."""
    parts = urlsplit(url)
    values = [url, parts.path + (f"?{parts.query}" if parts.query else "")]
    values += [segment for segment in parts.path.split("/") if len(segment) >= 16]
    for _key, value in parse_qsl(parts.query):
        values += [value, quote(value, safe="")]
    values += [unquote(v) for v in values]
    return sorted({v for v in values if len(v) >= 16}, key=len, reverse=True)


def _email(to: str, settings: NotificationSettings, env: Mapping[str, str]) -> Channel:
    mail = settings.email
    assert mail is not None       # the settings refuse an e-mail channel without the email section
    auth = ""
    if mail.user:
        password = env.get(mail.password_env, "")
        if not password:
            return Channel("email", None, f"{mail.password_env} is not set: put the SMTP password in the environment "
                                          "or the secrets file (PAC_SECRETS_FILE)")
        register_secret(password)
        if mail.security == "none" and (mail.smtp_host, mail.smtp_port) not in _warned_unencrypted:
            _warned_unencrypted.add((mail.smtp_host, mail.smtp_port))      # once, not once per person
            log.warning("notifications.email.security: none sends the SMTP password unencrypted to %s:%s; set "
                        "security: starttls (or ssl) if the server offers it", mail.smtp_host, mail.smtp_port)
        auth = f"{quote(mail.user, safe='')}:{quote(password, safe='')}@"
    query = urlencode({"mode": _MODES[mail.security], "from": mail.sender, "to": to, "smtp": mail.smtp_host})
    return Channel("email", f"mailto://{auth}{mail.smtp_host}:{mail.smtp_port}/?{query}")


def send(channel: Channel, title: str, body: str) -> tuple[bool, str]:
    """(delivered, problem) through Apprise; the problem is redacted."""
    if channel.url is None:
        return False, channel.problem
    sender = apprise.Apprise()
    if not sender.add(channel.url):
        return False, redact(f"{channel.name}: the URL is not one Apprise understands (check the variable's value)")
    try:
        delivered = bool(sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
    except Exception as exc:     # a library failure is one failed delivery, retried next night
        return False, redact(f"{channel.name}: {type(exc).__name__}: {exc}")
    return delivered, "" if delivered else f"{channel.name}: not delivered (see the log; retried after the next run)"
