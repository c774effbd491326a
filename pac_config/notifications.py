"""The ``notifications:`` section of the settings: who gets the nightly digest, on which channels.

Channel secrets never live in the file: the SMTP password is read from ``PAC_SMTP_PASSWORD`` (or the name
given as ``password_env``), and each Slack or Teams webhook URL from the environment variable the person's
entry names (``slack: PAC_SLACK_JULIE``), or from the 0600 secrets file (``PAC_SECRETS_FILE``).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHANNELS = ("email", "slack", "teams")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _env_name(value: str | None, key: str) -> str | None:
    if value is not None and not ENV_NAME.match(value):
        # the value may be the secret itself, pasted: none of it is shown, only its length
        raise PydanticCustomError("env_name", "{key} names an environment variable, not a value: the value given "
                                  "({length} characters) is not a variable's name (capitals, digits and _)", {
            "key": key, "length": len(value),
            "fix": "write the variable's name (e.g. PAC_SLACK_JULIE) and put the secret URL or password in the "
                   "environment or the secrets file, never in this file"})
    return value


class EmailChannel(_Frozen):
    """SMTP settings shared by every e-mail digest."""

    smtp_host: str
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    sender: str                                   # the From: address
    user: str | None = None                       # SMTP login; its password comes from password_env
    password_env: str = "PAC_SMTP_PASSWORD"   # noqa: S105 - the name of a variable, not a password

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        if not EMAIL.match(value.strip()):
            raise PydanticCustomError("email", "{shown} is not an e-mail address", {
                "shown": repr(value), "fix": "write the sender's address, e.g. pac@durand-process.example"})
        return value.strip()

    @field_validator("password_env")
    @classmethod
    def _password(cls, value: str) -> str:
        return _env_name(value, "password_env") or value


class Recipient(_Frozen):
    """One person: their plan e-mail, the channels of their digest, the variables holding webhook URLs."""

    who: str
    channels: tuple[Literal["email", "slack", "teams"], ...] = ("email",)
    slack: str | None = None       # environment variable holding the Slack incoming-webhook URL
    teams: str | None = None       # environment variable holding the Teams (Workflows) webhook URL
    lang: Literal["fr", "en"] | None = None

    @field_validator("who")
    @classmethod
    def _who(cls, value: str) -> str:
        if not EMAIL.match(value.strip()):
            raise PydanticCustomError("email", "{shown} is not an e-mail address", {
                "shown": repr(value), "fix": "write the person's e-mail as in the plan's people"})
        return value.strip().lower()

    @field_validator("slack", "teams")
    @classmethod
    def _webhook_env(cls, value: str | None) -> str | None:
        return _env_name(value, "slack/teams")

    @model_validator(mode="after")
    def _webhooks_named(self) -> Recipient:
        for channel in ("slack", "teams"):
            if channel in self.channels and not getattr(self, channel):
                raise PydanticCustomError("channel", "channel {channel} needs the variable holding its webhook URL",
                                          {"channel": channel, "fix": f"add {channel}: PAC_{channel.upper()}_"
                                           f"{self.who.split('@')[0].split('.')[0].upper()} (the variable's name)"})
        if not self.channels:
            raise PydanticCustomError("channel", "no channel chosen", {"fix": "channels: [email], [slack], [teams]"})
        return self


class NotificationSettings(_Frozen):
    """``enabled``: the nightly run sends the digests after a sync that got through (status ok or partial)."""

    enabled: bool = False
    email: EmailChannel | None = None
    people: tuple[Recipient, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> NotificationSettings:
        seen: set[str] = set()
        for person in self.people:
            if person.who in seen:
                raise PydanticCustomError("duplicate", "{who} is listed twice", {
                    "who": person.who, "fix": "list each person once, with all their channels"})
            seen.add(person.who)
            if "email" in person.channels and self.email is None:
                raise PydanticCustomError("email", "{who} wants e-mail but notifications.email is not set", {
                    "who": person.who, "fix": "add notifications.email (smtp_host, smtp_port, sender, user)"})
        return self
