"""One door to HubSpot: cached API objects, auth and refresh, limits, retries, exception translation.

Every call goes through ``HubSpotTransport.call``. It asks the generated client for the raw urllib3
response (``_preload_content=False``), so the ``X-HubSpot-RateLimit-*`` headers can be read and the
JSON body is parsed once, without the client's model objects (slow on hundreds of thousands of
records). Request bodies are plain dicts: the client serialises them as they are.

Errors are translated here, and only here, by HTTP status (the client's exception classes differ per sub-package): 401
-> refresh the OAuth token once, else ``AuthError`` (the refresh itself: a 4xx but 423 and 477 is ``AuthError``, a 5xx
``TransientError`` and a 429 ``RateLimited``, retried like any call); 403 -> ``Forbidden``; 404 -> ``NotFound``; 409
-> ``Conflict``; 429 -> ``RateLimited`` (``Retry-After``) or ``QuotaExhausted`` for the daily policy; 423 Locked ->
``RateLimited`` (at least 2 s); 477 Migration in Progress -> ``RateLimited`` (its ``Retry-After``) or, past the retry
policy's longest wait, ``MigrationInProgress`` (an outage: exit 4); 5xx and urllib3 connection errors (a call past
``RetryPolicy.timeout`` too) -> ``TransientError``; other 4xx -> ``BadRequest`` (a ``RequestRefused``: bad input, exit
2, with HubSpot's category and message).
``RateLimited`` and ``TransientError`` are retried by ``connectors.retry.call_with_retry``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import urllib3
from hubspot import HubSpot
from urllib3.util.retry import Retry

from connectors.base import (
    ApiUsage,
    AuthError,
    ConnectorError,
    QuotaExhausted,
    RateLimited,
    RequestRefused,
    TransientError,
    before_write,
    certificate_refused,
    new_secret,
    untrusted_certificate,
)
from connectors.hubspot.limits import DAILY_RESETS, RateLimiter
from connectors.retry import RetryPolicy, call_with_retry

log = logging.getLogger(__name__)

DEFAULT_HOST = "https://api.hubapi.com"

# Where each API object lives in the client; each access to ``client.crm.X.Y_api`` builds a new
# ApiClient and connection pool, so every one is built once and cached.
# the SDK methods pac calls that only read (a batch ``read`` and a search are POSTs that change nothing); any other
# method writes, and each of its attempts first passes ``connectors.base.before_write``
READ_METHODS = frozenset({"get_all", "get_page", "get_by_id", "do_search", "read"})

_API_PATHS: dict[str, Callable[[HubSpot], Any]] = {
    "objects.basic": lambda c: c.crm.objects.basic_api,
    "objects.batch": lambda c: c.crm.objects.batch_api,
    "objects.search": lambda c: c.crm.objects.search_api,
    "associations": lambda c: c.crm.associations.v4.batch_api,
    "association_labels": lambda c: c.crm.associations.v4.schema.definitions_api,
    "properties": lambda c: c.crm.properties.core_api,
    "properties.batch": lambda c: c.crm.properties.batch_api,
    "groups": lambda c: c.crm.properties.groups_api,
    "schemas": lambda c: c.crm.schemas.core_api,
    "owners": lambda c: c.crm.owners.owners_api,
    "pipelines": lambda c: c.crm.pipelines.pipelines_api,
    "oauth": lambda c: c.oauth.tokens_api,
}


class Forbidden(AuthError):
    """403: a missing scope, or a feature the portal's tier lacks (custom objects below Enterprise)."""


class NotFound(ConnectorError):
    pass


class Conflict(ConnectorError):
    """409: what we tried to create already exists (provisioning treats it as done)."""


class BadRequest(RequestRefused):
    """400 (and any other 4xx not named above): HubSpot refused the request as invalid; its message and category
    (``VALIDATION_ERROR``...) are in the text."""

    def __init__(self, message: str, body: Any = None) -> None:
        super().__init__(message)
        self.body = body


class _Unauthorized(AuthError):
    pass


class MigrationInProgress(ConnectorError):
    """477: HubSpot is moving the account between its data hosting locations and asks to come back after a
    ``Retry-After`` longer than a run waits (typically up to 24 hours): the run stops as for an outage (exit 4),
    nothing retried in it."""


LOCK_SECONDS = 2.0
"""HubSpot's error handling page, 423 Locked: "Locks will last for 2 seconds, so if you receive a 423 error, you should
include a delay of at least 2 seconds between your API requests"."""


@dataclass(frozen=True)
class OAuthCredentials:
    client_id: str
    client_secret: str
    refresh_token: str


@dataclass
class Reply:
    status: int
    data: Any
    headers: Mapping[str, str] = field(default_factory=dict)


class HubSpotTransport:
    """Authenticated, limited, retried calls to one portal."""

    def __init__(self, *, host: str = DEFAULT_HOST, access_token: str | None = None,
                 oauth: OAuthCredentials | None = None, ca_bundle: str | None = None,
                 policy: RetryPolicy | None = None, limiter: RateLimiter | None = None,
                 clock: Callable[[], float] = time.time, prefix: str = "PAC_HS_") -> None:
        if not access_token and oauth is None:
            raise AuthError(f"HubSpot needs {prefix}ACCESS_TOKEN, or {prefix}CLIENT_ID, {prefix}CLIENT_SECRET and "
                            f"{prefix}REFRESH_TOKEN")
        self.oauth = oauth
        self.policy = policy or RetryPolicy()
        self.limiter = limiter or RateLimiter()
        self.usage = ApiUsage()
        self._clock = clock
        self._host = urlsplit(host).netloc
        self.prefix = prefix                    # the connector's variables (``env_prefix``), named in refusals
        self._ca_variable = f"{prefix}CA_BUNDLE"   # named when the host's certificate does not verify
        self._token = access_token
        self._expires_at = float("inf") if access_token else 0.0
        self._refresh_lock = threading.Lock()
        self._counting = threading.Lock()
        # Our retry policy is the only one: the client's urllib3 retry would raise urllib3 errors on POST.
        self._client = HubSpot(access_token=access_token or "pending", host=host.rstrip("/"),
                               ssl_ca_cert=ca_bundle, retry=Retry(total=0, redirect=0, raise_on_status=False))
        self._apis: dict[str, Any] = {}
        self._pool: Any = None                  # the urllib3 pool manager every API object uses

    # -- API objects ----------------------------------------------------------------------------
    def api(self, name: str) -> Any:
        api = self._apis.get(name)
        if api is None:
            api = _API_PATHS[name](self._client)
            # Every API object gets its own urllib3 pool from the client; they all talk to the one host with the
            # same TLS settings, so they share the first one's: a connection (and its TLS handshake) serves every
            # endpoint instead of one per API object (six or more per run).
            rest = api.api_client.rest_client
            if self._pool is None:
                self._pool = rest.pool_manager
            else:
                rest.pool_manager = self._pool
            self._apis[name] = api
        return api

    def secrets(self) -> list[str]:
        values = [self._token or ""]
        if self.oauth:
            values += [self.oauth.client_secret, self.oauth.refresh_token]
        return [v for v in values if v and v != "pending"]

    # -- calls ----------------------------------------------------------------------------------
    def call(self, what: str, api: str, method: str, *args: Any, search: bool = False, **kwargs: Any) -> Reply:
        """Call ``api.method(*args, **kwargs)``; ``what`` names the endpoint in logs and usage counts."""
        def attempt() -> Reply:
            return self._once(what, api, method, args, kwargs, search)

        try:
            return call_with_retry(attempt, policy=self.policy, what=what)
        except _Unauthorized:
            if self.oauth is None:
                raise AuthError(f"HubSpot refused the access token (401): check {self.prefix}ACCESS_TOKEN "
                                "(a private app token, or an OAuth access token that has not expired)") from None
            log.info("hubspot.auth.refresh reason=401 what=%s", what)
            # outside the call's retry: a 5xx or 429 from the token endpoint is retried here, within the same budget
            call_with_retry(self.refresh, policy=self.policy, what="oauth.token")
            try:
                return call_with_retry(attempt, policy=self.policy, what=what)
            except _Unauthorized:
                raise AuthError("HubSpot refused the refreshed OAuth token (401): re-authorise the app and "
                                f"update {self.prefix}REFRESH_TOKEN") from None

    def _once(self, what: str, api: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any],
              search: bool) -> Reply:
        if method not in READ_METHODS:     # a write: a run that lost its lock stops before sending it
            before_write()
        if self.oauth is not None and self._clock() >= self._expires_at:
            self.refresh()
        self.limiter.before(search=search)
        with self._counting:            # the pager's prefetch calls from its own thread
            self.usage.calls += 1
            self.usage.by_endpoint[what] = self.usage.by_endpoint.get(what, 0) + 1
        try:
            response = getattr(self.api(api), method)(*args, _preload_content=False,
                                                      _request_timeout=self.policy.timeout, **query_flags(kwargs))
        except urllib3.exceptions.HTTPError as exc:
            if certificate_refused(exc):
                raise untrusted_certificate(self._host, self._ca_variable) from None
            raise TransientError(f"HubSpot {what}: connection failed ({type(exc).__name__})") from None
        except Exception as exc:
            if type(exc).__module__.startswith("hubspot.") and hasattr(exc, "status"):
                raise translate(exc, what, self.limiter, longest_wait=self.policy.max_delay) from None
            raise
        try:
            raw = response.data
        finally:
            response.release_conn()
        headers = dict(response.headers.items())
        self.limiter.observe(headers)
        self.usage.used, self.usage.limit = self.limiter.daily_used, self.limiter.daily_limit
        return Reply(response.status, json.loads(raw) if raw else None, headers)

    def refresh(self) -> None:
        """Exchange the refresh token for a new access token (POST /oauth/v1/token), once per expiry."""
        assert self.oauth is not None
        with self._refresh_lock:
            try:
                response = self.api("oauth").create(
                    grant_type="refresh_token", client_id=self.oauth.client_id,
                    client_secret=self.oauth.client_secret, refresh_token=self.oauth.refresh_token,
                    _preload_content=False, _request_timeout=self.policy.timeout)
                body = json.loads(response.data or b"{}")
            except urllib3.exceptions.HTTPError as exc:
                if certificate_refused(exc):
                    raise untrusted_certificate(self._host, self._ca_variable) from None
                raise TransientError(f"HubSpot token refresh: connection failed ({type(exc).__name__})") from None
            except Exception as exc:
                if hasattr(exc, "status"):
                    raise _refresh_error(exc, self.prefix) from None
                raise
            self.usage.calls += 1
            self.usage.by_endpoint["oauth.token"] = self.usage.by_endpoint.get("oauth.token", 0) + 1
            token = body.get("access_token")
            if not token:
                raise AuthError("HubSpot's OAuth answer carried no access token")
            self._set_token(token, float(body.get("expires_in") or 1800))

    def _set_token(self, token: str, expires_in: float) -> None:
        new_secret(token)               # hidden from every log line before any call carries it
        self._token = token
        self._expires_at = self._clock() + max(expires_in - 60.0, 1.0)
        self._client.access_token = token
        for api in self._apis.values():
            api.api_client.configuration.access_token = token

    def close(self) -> None:
        for api in self._apis.values():
            pool = getattr(api.api_client.rest_client, "pool_manager", None)
            if pool is not None:
                pool.clear()
        self._apis.clear()
        self._pool = None


def _refresh_error(exc: Any, prefix: str = "PAC_HS_") -> ConnectorError:
    """What an HTTP error from ``POST /oauth/v1/token`` means. Only a 4xx (400 ``BAD_REFRESH_TOKEN``,
    ``BAD_CLIENT_ID``...) is about the credentials; a 5xx is HubSpot's own trouble and a 429 its rate limit, both
    retried by ``call_with_retry`` (HubSpot, Error handling), and 423 Locked and 477 Migration in Progress are what they
    are for any call (``translate``). The answer's body is never quoted: a proxy or a
    faulty server may echo the posted form (client secret, refresh token)."""
    status = int(getattr(exc, "status", 0) or 0)
    if status in (423, 477):                     # a lock or a migration: waited or an outage, as for every call
        return translate(exc, "oauth.token")
    if status == 429:
        limited = translate(exc, "oauth.token")
        return RateLimited("HubSpot's OAuth token endpoint answered HTTP 429 (rate limited)",
                           retry_after=limited.retry_after if isinstance(limited, RateLimited) else 10.0)
    if 400 <= status < 500:
        return AuthError(f"HubSpot refused the OAuth refresh (HTTP {status}): check {prefix}CLIENT_ID, "
                         f"{prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN")
    return TransientError(f"HubSpot's OAuth token endpoint answered HTTP {status or 'without a status'} (a server "
                          "error on HubSpot's side, not refused credentials)")


def query_flags(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """``kwargs`` with each bool as the literal HubSpot's reference writes (``archived=true``): hubspot-api-client
    puts a Python bool into the query string as it prints, ``True`` / ``False``, and a server that reads only the
    documented ``true`` answers the live records to a request for the archived ones (audit hsemu F1). Every bool
    keyword pac passes is a query parameter (request bodies are positional dicts)."""
    return {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in kwargs.items()}


def translate(exc: Any, what: str, limiter: RateLimiter | None = None, *, longest_wait: float = 60.0
              ) -> ConnectorError:
    """The project's exception for a hubspot-api-client exception, by HTTP status. HubSpot's error handling page
    names two statuses below 500 that are no refusal of the request: 423 Locked (a large volume of writes; "Locks
    will last for 2 seconds": ``RateLimited``, at least ``LOCK_SECONDS``) and 477 Migration in Progress (its
    ``Retry-After``: waited when at most ``longest_wait``, the retry policy's longest wait; else
    ``MigrationInProgress``, the run stops as for an outage) (audit hslimits F2)."""
    status = int(getattr(exc, "status", 0) or 0)
    body = _json(getattr(exc, "body", None))
    headers = {k.lower(): v for k, v in dict(getattr(exc, "headers", None) or {}).items()}
    message = body.get("message") if isinstance(body, dict) else None
    detail = f"HubSpot {what}: HTTP {status}" + (f": {message}" if message else "")
    if status == 401:
        return _Unauthorized(detail)
    if status == 403:
        return Forbidden(detail)
    if status == 404:
        return NotFound(detail)
    if status == 409:
        return Conflict(detail)
    if status == 429:
        policy = str(body.get("policyName", "")) if isinstance(body, dict) else ""
        if "DAILY" in policy.upper():
            return QuotaExhausted(f"HubSpot refused the call: {detail} (the portal's daily API allocation is spent)",
                                  refused_by_crm=True, resets=DAILY_RESETS)
        retry_after = _float(headers.get("retry-after"))
        if retry_after is None:
            interval = _float(headers.get("x-hubspot-ratelimit-interval-milliseconds"))
            retry_after = interval / 1000.0 if interval else 1.0
        return RateLimited(detail, retry_after=retry_after)
    if status == 423:
        lock = max(_float(headers.get("retry-after")) or 0.0, LOCK_SECONDS)
        return RateLimited(f"{detail} (HubSpot's lock on a large volume of writes: retried after {lock:g} s)",
                           retry_after=lock)
    if status == 477:
        wait = _float(headers.get("retry-after"))
        if wait is not None and wait <= longest_wait:
            return RateLimited(f"{detail} (HubSpot is migrating the account: retried after {wait:g} s)",
                               retry_after=wait)
        after = f" in {wait:g} s ({_hours(wait)})" if wait is not None else " later"
        return MigrationInProgress(f"{detail} (HubSpot is moving this account between its data hosting locations "
                                   f"and asks to retry{after}: nothing more is sent this run; run pac again then)")
    if status >= 500 or status == 0:
        if "SSL" in str(getattr(exc, "reason", "")):
            return ConnectorError(f"HubSpot {what}: TLS verification failed (check PAC_HS_CA_BUNDLE and PAC_HS_HOST)")
        return TransientError(detail)
    category = body.get("category") if isinstance(body, dict) else None     # VALIDATION_ERROR...
    return BadRequest(f"HubSpot {what}: HTTP {status}" + (f" {category}" if category else "")
                      + (f": {message}" if message else ""), body)


def _json(raw: Any) -> Any:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        return json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}


def _hours(seconds: float) -> str:
    """7200 -> "about 2 h", 90 -> "about 2 min"."""
    return f"about {seconds / 3600:.0f} h" if seconds >= 3600 else f"about {max(seconds / 60, 1):.0f} min"


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
