"""simple-salesforce behind one door: authentication, retries, quota guard, exception translation.

Every call goes through ``SfClient.call``: the vendor's exceptions become ``connectors.base`` ones,
``RateLimited`` and ``TransientError`` are retried by ``connectors.retry``, an expired session is
re-authenticated once (bounded: simple-salesforce's own re-login can recurse), every request sent counts one
call in ``ApiUsage`` (answered or not), and every response's ``Sforce-Limit-Info`` updates its figures. Before
each call the quota guard stops the run with ``QuotaExhausted`` when the org has used ``max_daily_share`` of its
daily allocation.
Authentication is done here (not by simple-salesforce's login, which only reaches ``*.salesforce.com``):
OAuth 2.0 JWT bearer, client credentials, username-password (legacy), or an existing session.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import re
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import jwt  # pyjwt[crypto]
import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import exceptions as sfx
from simple_salesforce.api import Salesforce
from simple_salesforce.util import call_salesforce, exception_handler
from urllib3.exceptions import ConnectTimeoutError

from connectors.base import (
    WHERE_CREDENTIALS,
    ApiUsage,
    AuthError,
    ConnectorError,
    CredentialsMissing,
    QuotaExhausted,
    RateLimited,
    SchemaError,
    TransientError,
    before_write,
    certificate_refused,
    new_secret,
    refuse_host_password,
    untrusted_certificate,
)
from connectors.paging import follow
from connectors.retry import RetryPolicy, call_with_retry

T = TypeVar("T")
log = logging.getLogger(__name__)
AUTH_MODES = ("jwt", "client_credentials", "session", "password")
NEEDED = {"jwt": ("CONSUMER_KEY", "PRIVATE_KEY_FILE", "USERNAME"),
          "client_credentials": ("CLIENT_ID", "CLIENT_SECRET"),
          "session": ("ACCESS_TOKEN", "INSTANCE_URL"),
          "password": ("CLIENT_ID", "CLIENT_SECRET", "USERNAME", "PASSWORD")}
SECRET_NAMES = ("CLIENT_SECRET", "ACCESS_TOKEN", "PASSWORD", "SECURITY_TOKEN")
_LIMIT_INFO = re.compile(r"api-usage=(\d+)/(\d+)")
BULK_MAX_WAIT = 30 * 60.0
"""Seconds of waiting between the polls of a Bulk API 2.0 query job before it is aborted and the read goes through
REST (the mapping's ``bulk_max_wait_minutes``, 30 by default)."""


class BulkJobFailed(ConnectorError):
    """A Bulk API 2.0 query job that did not give (all) its results: it ended ``Failed`` or ``Aborted`` (e.g. "Retried
    more than 15 times. Apply a filter criteria and try again", *Limits for Query Jobs*), Salesforce refused the query
    as a Bulk job, it was gone twice, or it did not complete within the wait. The same SOQL reads through REST
    (``reads.Reader`` does so); ``delivered``: the rows already yielded, id -> their stamp (``row_stamp``), not to
    yield again at that stamp (``read_already``)."""

    def __init__(self, message: str, delivered: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.delivered: Mapping[str, str] = dict(delivered or {})


def row_stamp(row: Mapping[str, Any]) -> str:
    """A row's ``SystemModstamp`` as REST writes it, whether REST or a Bulk API 2.0 job answered it ("" without)."""
    return _rest_datetime(str(row.get("SystemModstamp") or ""))


def read_already(delivered: Mapping[str, str], row: Mapping[str, Any]) -> bool:
    """Whether ``row`` was yielded already, at the same stamp, by a read another takes over from (a Bulk job created
    again, or REST after a Bulk job that failed). A row changed since that read comes again with its new version:
    left out by its id alone, its old version stayed in the store while the watermark, the newest stamp read (the
    later read's), passed its change, which no incremental night then read (audit cursors F2)."""
    stamp = delivered.get(str(row.get("Id")))
    return stamp is not None and stamp == row_stamp(row)


#: When the org gets calls back (follows "once" in the stop's words): "Calls are blocked until usage for the
#: preceding 24 hours drops below the limit" (Salesforce Help, System Overview: API Usage), a rolling 24 hours.
DAILY_RESETS = "the org's calls of the last 24 hours leave room (Salesforce counts a rolling 24 hours)"


@dataclass(frozen=True)
class Credentials:
    """What ``PAC_SF_*`` variables say; ``secrets()`` lists the values never to print."""

    auth: str
    domain: str
    api_version: str
    values: Mapping[str, str]
    ca_bundle: str | None = None
    prefix: str = "PAC_SF_"

    @classmethod
    def from_env(cls, env: Mapping[str, str], prefix: str = "PAC_SF_", connector: str = "") -> Credentials:
        """The credentials ``{prefix}*`` variables give; ``CredentialsMissing`` (exit 2, naming ``connector`` and
        the variables, never a value) when one is not set, empty or unusable."""
        def get(name: str) -> str | None:
            value = env.get(prefix + name)
            return value.strip() if value and value.strip() else None

        modes = f"one of {', '.join(AUTH_MODES)} (jwt or client_credentials preferred)"
        auth = get("AUTH")
        if auth is None:
            raise CredentialsMissing(f"{prefix}AUTH is not set", f"set {prefix}AUTH to {modes}, {WHERE_CREDENTIALS}",
                                     connector)
        if auth not in AUTH_MODES:
            shown = repr(auth) if len(auth) <= 20 else f"a value of {len(auth)} characters"
            raise CredentialsMissing(f"{prefix}AUTH is {shown}, not a login mode", f"set it to {modes}", connector)
        def named(name: str) -> str:    # set but empty (a unit's ``Environment=NAME=``) is said so (audit ops)
            return prefix + name + (" (set but empty)" if (prefix + name) in env else "")

        missing = [named(n) for n in NEEDED[auth] if get(n) is None]
        if auth != "session" and get("DOMAIN") is None:
            missing.append(named("DOMAIN"))
        if missing:
            them = "it" if len(missing) == 1 else "them"
            raise CredentialsMissing(f"{prefix}AUTH={auth} also needs {', '.join(missing)}",
                                     f"set {them} {WHERE_CREDENTIALS}", connector)
        names = {*NEEDED[auth], "SECURITY_TOKEN"}
        values = {n: v for n in names if (v := get(n)) is not None}
        ca = get("CA_BUNDLE")
        if ca is not None and not Path(ca).is_file():
            raise CredentialsMissing(f"{prefix}CA_BUNDLE names no readable file",
                                     "set it to the path of a PEM bundle, or unset it", connector)
        for url in ("DOMAIN", "INSTANCE_URL"):   # both carry a credential (the token request, every call)
            value = get(url) or ""
            refuse_host_password(f"{prefix}{url}", value, "acme.my.salesforce.com" if url == "DOMAIN"
                                 else "https://acme.my.salesforce.com", connector)
            if "://" in value and not value.lower().startswith("https://"):
                raise CredentialsMissing(f"{prefix}{url} is not an https:// URL: pac would send the Salesforce "
                                         "credentials unencrypted",
                                         "set it to the host (acme.my.salesforce.com) or its https:// URL"
                                         if url == "DOMAIN" else "set it to the org's https:// URL", connector)
        domain = re.sub(r"(?i)^https://", "", get("DOMAIN") or "").rstrip("/")
        if domain in ("login", "test"):             # simple-salesforce's shorthand
            domain += ".salesforce.com"
        return cls(auth, domain, (get("API_VERSION") or "62.0").removeprefix("v"), values, ca, prefix)

    def secrets(self) -> list[str]:
        return [self.values[n] for n in SECRET_NAMES if n in self.values]

    def token_url(self) -> str:
        return f"https://{self.domain}/services/oauth2/token"


def _jwt_assertion(creds: Credentials) -> str:
    audience = "https://test.salesforce.com" if (creds.domain.startswith("test.")
                                                 or ".sandbox.my.salesforce.com" in creds.domain) \
        else "https://login.salesforce.com"
    try:
        key = Path(creds.values["PRIVATE_KEY_FILE"]).read_text(encoding="utf-8")
    except OSError:
        raise AuthError(f"cannot read the private key file named by {creds.prefix}PRIVATE_KEY_FILE") from None
    claims = {"iss": creds.values["CONSUMER_KEY"], "sub": creds.values["USERNAME"], "aud": audience,
              "exp": int(time.time()) + 180}
    try:
        assertion = jwt.encode(claims, key, algorithm="RS256")
    except Exception:
        raise AuthError(f"the key in {creds.prefix}PRIVATE_KEY_FILE is not an RSA private key (PEM)") from None
    new_secret(assertion)               # a bearer credential for its 3 minutes
    return assertion


def authenticate(creds: Credentials, session: requests.Session, timeout: tuple[float, float] = (10.0, 60.0)
                 ) -> tuple[str, str, str | None]:
    """(access token, instance URL, user id or None) through the OAuth 2.0 token endpoint, each attempt bounded by
    ``timeout`` (connect, read: the connector's, as every other call; audit secretsaudit)."""
    if creds.auth == "session":
        return creds.values["ACCESS_TOKEN"], creds.values["INSTANCE_URL"], None
    v = creds.values
    if creds.auth == "jwt":
        data = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": _jwt_assertion(creds)}
    elif creds.auth == "client_credentials":
        data = {"grant_type": "client_credentials", "client_id": v["CLIENT_ID"], "client_secret": v["CLIENT_SECRET"]}
    else:
        data = {"grant_type": "password", "client_id": v["CLIENT_ID"], "client_secret": v["CLIENT_SECRET"],
                "username": v["USERNAME"], "password": v["PASSWORD"] + v.get("SECURITY_TOKEN", "")}
    try:
        # never redirected: requests re-posts the form (the secrets) on a 307/308, to whatever host and scheme the
        # Location names (OAuth 2.0 Security BCP, "307 redirect"); a 3xx says PAC_SF_DOMAIN is stale
        response = session.post(creds.token_url(), data=data, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        if certificate_refused(exc):
            raise untrusted_certificate(creds.domain, f"{creds.prefix}CA_BUNDLE") from None
        raise TransientError(f"cannot reach {creds.domain}: {type(exc).__name__}") from None
    if 300 <= response.status_code < 400:
        target = urljoin(creds.token_url(), response.headers.get("Location", ""))
        plain = " (a plain http:// address)" if urlsplit(target).scheme.lower() != "https" else ""
        raise AuthError(f"the Salesforce token endpoint at {creds.domain} answered {response.status_code}, "
                        f"redirecting to {_host_of(target)}{plain}; pac sends no credentials after a redirect: set "
                        f"{creds.prefix}DOMAIN to the org's current My Domain URL (Setup > My Domain), "
                        "e.g. acme.my.salesforce.com")
    if response.status_code >= 500:
        raise TransientError(f"{creds.domain} answered {response.status_code} to the token request")
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or "access_token" not in body:
        reason = f"{body.get('error', response.status_code)}: {body.get('error_description', '')}".strip(": ")
        raise AuthError(f"Salesforce refused the {creds.auth} login at {creds.domain} ({reason}); check the "
                        f"{creds.prefix}* variables and the connected app")
    user_id = str(body.get("id", "")).rsplit("/", 1)[-1] or None
    return body["access_token"], body["instance_url"], user_id


def _host_of(url: str) -> str:
    """The host (and port) of ``url``, never its user information, path or query."""
    parts = urlsplit(url)
    host = parts.hostname or "(no host)"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


class HttpsOnlySession(requests.Session):
    """A session that follows a redirect only to an ``https://`` address. simple-salesforce's calls follow redirects
    (``requests``' default): ``requests`` drops the ``Authorization`` header when the host or the scheme changes, but
    re-sends a 307/308's body (a write's CRM data) wherever the Location points. A redirect off https is refused with
    a ``ConnectorError`` naming the host only. (The token request follows none: ``authenticate``.)"""

    def __init__(self, prefix: str = "PAC_SF_") -> None:
        super().__init__()
        self.prefix = prefix        # the connector's variables, named in the refusal

    def resolve_redirects(self, resp: requests.Response, req: requests.PreparedRequest, stream: bool = False,
                          timeout: Any = None, verify: Any = True, cert: Any = None, proxies: Any = None,
                          yield_requests: bool = False, **adapter_kwargs: Any) -> Generator[Any, None, None]:
        follow = super().resolve_redirects(resp, req, stream=stream, timeout=timeout, verify=verify, cert=cert,
                                           proxies=proxies, yield_requests=yield_requests, **adapter_kwargs)
        if yield_requests:      # allow_redirects=False: requests only prepares the next request, sends nothing
            yield from follow
            return
        self._refuse_off_https(resp)
        for hop in follow:
            self._refuse_off_https(hop)     # checked before the generator follows this hop's own redirect
            yield hop

    def _refuse_off_https(self, resp: requests.Response) -> None:
        target = self.get_redirect_target(resp)
        if target is None:
            return
        where = urljoin(resp.url, target)
        if urlsplit(where).scheme.lower() != "https":
            raise ConnectorError(f"Salesforce answered {resp.status_code}, redirecting to {_host_of(where)}, which "
                                 "is not an https:// address: pac does not follow it (the call would go "
                                 f"unencrypted); check {self.prefix}DOMAIN (or {self.prefix}INSTANCE_URL) and any "
                                 "proxy in between")


class _TimedAdapter(HTTPAdapter):
    """An adapter giving every request sent without a timeout this one (connect, read): simple-salesforce's REST,
    query and Bulk calls pass none, and a call never answered would block the run (and hold its lock) for good.
    Past it, requests raises ``Timeout``, a ``RequestException``: ``translate`` makes it a ``TransientError``,
    retried within the run's budget. ``sending`` is told of each request before it is sent (``+1``): the run's call
    count (an attempt whose answer never comes, a dropped connection or a timeout, may still have been executed and
    charged by the org); and again (``-1``) when no connection could be made (refused, unresolved, connect timeout):
    nothing reached the org."""

    def __init__(self, timeout: tuple[float, float],
                 sending: Callable[[requests.PreparedRequest, int], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeout = timeout
        self.sending = sending

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if self.sending is not None:
            self.sending(request, 1)
        try:
            return super().send(request, *args, **kwargs)
        except requests.ConnectionError as exc:     # ConnectTimeout is one too
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            if self.sending is not None and (isinstance(exc, requests.ConnectTimeout)
                                             or isinstance(reason, ConnectTimeoutError)):  # NewConnectionError too
                self.sending(request, -1)
            raise


# getUserInfo's answer: the two elements ``SfClient.org_currency`` reads (a flat document, read without an XML parser)
_SOAP_CURRENCY = re.compile(r"<(?:\w+:)?orgDefaultCurrencyIsoCode>([A-Z]{3})</")
_SOAP_MULTI = re.compile(r"<(?:\w+:)?organizationMultiCurrency>(true|false)</")


class SfClient:
    """A simple-salesforce ``Salesforce`` plus the project's retry, quota and error rules."""

    def __init__(self, creds: Credentials, *, max_daily_share: float = 0.5, policy: RetryPolicy | None = None,
                 session: requests.Session | None = None) -> None:
        self.creds = creds
        self.max_daily_share = max_daily_share
        self.policy = policy or RetryPolicy()
        self.usage = ApiUsage()
        self.session = session or HttpsOnlySession(creds.prefix)
        self.session.trust_env = False          # REQUESTS_CA_BUNDLE must not override our CA
        if creds.ca_bundle:
            self.session.verify = creds.ca_bundle
        adapter = _TimedAdapter(self.policy.timeout, self._count, pool_connections=4, pool_maxsize=8, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.hooks["response"].append(self._observe)
        self.user_id: str | None = None
        self._sf: Salesforce | None = None
        self.server_time: datetime | None = None    # the org's clock: the Date header of the last answer
        self._counting = threading.Lock()

    # -- usage -------------------------------------------------------------------------------------
    def _count(self, request: requests.PreparedRequest, delta: int = 1) -> None:
        """One call per request sent, before it is sent (the adapter's ``sending``): answered or not, as HubSpot's
        transport counts its attempts (audit quota F2: a retried dropped connection was not counted before); taken
        back (``delta`` -1) when no connection could be made, so an unreachable org counts no call."""
        path = urlsplit(request.url or "").path
        rest = path.split("/services/data/", 1)[-1].split("/", 1)[-1]
        kind = "oauth2" if "/oauth2/" in path else "Soap" if "/services/Soap/" in path else rest.split("/", 1)[0]
        with self._counting:            # the pager's prefetch sends on its own thread
            self.usage.calls += delta
            self.usage.by_endpoint[kind] = self.usage.by_endpoint.get(kind, 0) + delta

    def _observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """The org's clock and its usage (``Sforce-Limit-Info``) from each answer."""
        with contextlib.suppress(KeyError, TypeError, ValueError):     # no Date header, or not a date
            self.server_time = parsedate_to_datetime(response.headers["Date"])
        match = _LIMIT_INFO.search(response.headers.get("Sforce-Limit-Info", ""))
        if match:
            self.usage.used, self.usage.limit = int(match.group(1)), int(match.group(2))

    def guard(self) -> None:
        """Stop before the org's usage passes ``max_daily_share`` of its daily allocation."""
        u = self.usage
        if u.used is not None and u.limit and u.used + 1 > u.limit * self.max_daily_share:
            raise QuotaExhausted(f"Salesforce daily API allocation: {u.used} of {u.limit} used; this run stops at "
                                 f"{self.max_daily_share:.0%} of it to leave the rest to the org. It resumes on "
                                 "the next run.", used=u.used, limit=u.limit, resets=DAILY_RESETS)

    def secrets(self) -> list[str]:
        """The credentials' secret values, and the live session id once logged in."""
        live = self._sf.session_id if self._sf is not None else None
        return self.creds.secrets() + ([live] if live else [])

    # -- the client ---------------------------------------------------------------------------------
    @property
    def sf(self) -> Salesforce:
        if self._sf is None:
            self.login()
        assert self._sf is not None
        return self._sf

    def login(self) -> None:
        token, instance_url, user_id = call_with_retry(lambda: authenticate(self.creds, self.session,
                                                                        self.policy.timeout),
                                                       policy=self.policy, what="salesforce.login")
        new_secret(token)               # hidden from every log line before any call carries it
        self.user_id = user_id or self.user_id
        self._sf = Salesforce(session_id=token, instance_url=instance_url, session=self.session,
                              version=self.creds.api_version)

    def call(self, fn: Callable[[Salesforce], T], what: str, *, write: bool = False) -> T:
        """Run ``fn(sf)`` with translation, retries and one re-authentication; ``write``: the call writes to the org,
        each attempt first passes ``connectors.base.before_write`` (a run that lost its lock stops there)."""
        def attempt() -> T:
            if write:
                before_write()
            self.guard()
            reauthed = False
            while True:
                try:
                    return fn(self.sf)
                except sfx.SalesforceExpiredSession:
                    if reauthed or self.creds.auth == "session":
                        raise AuthError("Salesforce session expired or invalid and re-authentication did not "
                                        f"help; check the {self.creds.prefix}* credentials") from None
                    log.info("salesforce.reauth what=%s", what)
                    reauthed = True
                    self.login()
                except Exception as exc:
                    if certificate_refused(exc):
                        host = self._sf.sf_instance if self._sf is not None else self.creds.domain
                        raise untrusted_certificate(host, f"{self.creds.prefix}CA_BUNDLE") from None
                    error = translate(exc, what, self.creds.prefix)
                    if isinstance(error, QuotaExhausted) and error.refused_by_crm and self.usage.limit:
                        self.usage.used = self.usage.limit      # nothing left today, whatever the last header said
                    raise error from None

        return call_with_retry(attempt, policy=self.policy, what=what)

    def query_first(self, soql: str, *, include_deleted: bool = False, batch_size: int = 2000) -> dict[str, Any]:
        """The first answer of a query, whole: its ``records`` and ``totalSize`` ("the total number of records
        returned by the Query request", REST API, *Query*: the size of the whole read, which a ``COUNT()`` query
        would cost one call more to learn). ``query_pages(..., first=)`` goes on from it."""
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"} if batch_size != 2000 else {}
        answer: dict[str, Any] = self.call(lambda sf: sf.query(soql, include_deleted=include_deleted,
                                                               headers=headers), "query")
        return answer

    def query_pages(self, soql: str, *, include_deleted: bool = False, batch_size: int = 2000,
                    first: dict[str, Any] | None = None) -> Iterator[list[dict[str, Any]]]:
        """Pages of records, lazily. Each page is one call, retried on its own (``query_all_iter`` cannot
        resume a page after a dropped connection, so this makes the same two calls itself). The next page is asked
        for while the caller reads the current one, unless a record of it holds a subquery result still open
        (``done`` false): "A queryMore() call on a parent object invalidates all child cursors in the previous
        result set" (SOAP API Developer Guide, queryMore()), so the caller reads those children (``more_pages``)
        first, and the next page is asked for after. ``first``: the query's first answer already read
        (``query_first``): the pages go on from it, no call made again."""
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"} if batch_size != 2000 else {}
        pages = follow((lambda: first) if first is not None else
                       lambda: self.call(lambda sf: sf.query(soql, include_deleted=include_deleted, headers=headers),
                                         "query"),
                       lambda url: self.call(lambda sf: sf.query_more(url, identifier_is_url=True, headers=headers),
                                             "query_more"),
                       lambda result: None if result.get("done", True) else result.get("nextRecordsUrl"),
                       what="Salesforce query",
                       prefetch=_no_open_children if "(select" in soql.lower() else True)   # a subquery: children
        for result in pages:
            yield result["records"]

    def more_pages(self, url: str) -> Iterator[list[dict[str, Any]]]:
        """The further batches of a query result given its ``nextRecordsUrl``: a parent-to-child subquery's
        children past the first batch ("Subquery results are like regular query results in that you might need
        to use queryMore() to retrieve all the records if there are many children", SOQL and SOSL Reference,
        Understanding Query Results). Each batch is one ``query_more`` call, retried and counted like any other."""
        pages = follow(lambda: self.call(lambda sf: sf.query_more(url, identifier_is_url=True), "query_more"),
                       lambda nxt: self.call(lambda sf: sf.query_more(nxt, identifier_is_url=True), "query_more"),
                       lambda result: None if result.get("done", True) else result.get("nextRecordsUrl"),
                       what="Salesforce subquery results", prefetch=False)
        for result in pages:
            yield result["records"]

    def bulk_pages(self, soql: str, *, include_deleted: bool = False, max_records: int = 50_000,
                   types: Mapping[str, str] | None = None, boolean_columns: frozenset[str] = frozenset(),
                   max_wait: float = BULK_MAX_WAIT) -> Iterator[list[dict[str, Any]]]:
        """Pages of a Bulk API 2.0 query job (create, poll with backoff, CSV results chained by
        ``Sforce-Locator``), each page one call retried on its own, its rows shaped as the REST query answers
        them (``bulk_row_shaper``: the one place that does it), so a mapping reads both paths alike.

        A job or locator that is gone (404 on the job or its results: "Either the specified resource isn't found, or
        the resource is deleted", REST *Status Codes*; a job is deleted 7 days after it ends, a locator lives as long
        as its job, *Get Results for a Query Job*) is created again, once: the rows already yielded are not yielded
        twice at the same stamp (``read_already``: one changed since comes again, new). ``BulkJobFailed`` when the
        job ends ``Failed`` or ``Aborted``, when Salesforce refuses the query as a Bulk job (compound fields...),
        when it is gone a second time, or when it is still running after ``max_wait`` seconds of waiting between
        polls (it is then aborted, as on any exception while it is polled): the caller reads the same SOQL through
        REST (``reads.Reader``)."""
        delivered: dict[str, str] = {}       # id -> stamp of the rows yielded (``read_already``)
        for attempt in (1, 2):
            job_id = self._bulk_job(soql, include_deleted)
            try:
                self._bulk_wait(job_id, max_wait)
                for text in self._bulk_result_sets(job_id, max_records):
                    reader = csv.reader(io.StringIO(text))
                    header = next(reader, None)
                    if header is None:
                        continue
                    shape = bulk_row_shaper(header, types or {}, boolean_columns)
                    rows = [row for row in map(shape, reader) if not read_already(delivered, row)]
                    delivered.update((str(row.get("Id")), row_stamp(row)) for row in rows)
                    yield rows
                return
            except SchemaError as exc:      # 404: the job, or its locator, is gone (no mapping problem)
                gone = f"Salesforce Bulk API 2.0 query job {job_id} no longer exists ({exc})"
                if attempt == 2:
                    raise BulkJobFailed(f"{gone}, a second time", delivered) from None
                log.warning("salesforce.bulk %s: the job is created again (%d rows read so far)", gone,
                            len(delivered))
            except BulkJobFailed as exc:
                exc.delivered = dict(delivered)
                raise

    def _bulk_result_sets(self, job_id: str, max_records: int) -> Iterator[str]:
        """The CSV result sets of a complete job, chained by ``Sforce-Locator``, each one call retried on its own."""
        pages = follow(lambda: self.call(lambda sf: _bulk_results(sf, job_id, "", max_records), "bulk2"),
                       lambda loc: self.call(lambda sf: _bulk_results(sf, job_id, loc, max_records), "bulk2"),
                       lambda page: page[1], what=f"Salesforce Bulk API 2.0 results of job {job_id}")
        for text, _locator in pages:
            yield text

    def _bulk_job(self, soql: str, include_deleted: bool) -> str:
        """A new query job's id. A query Salesforce refuses as a Bulk job while REST reads it (compound fields, "Bulk
        API 2.0 doesn't support ... Compound data", *Create a Query Job*) is ``BulkJobFailed``; a field the org lacks
        (``SchemaError``), a passing outage, a refusal of the credentials or of the quota keep their own error."""
        operation = "queryAll" if include_deleted else "query"
        try:
            job = _reply(self.call(lambda sf: sf.restful("jobs/query", method="POST",
                                                         json={"operation": operation, "query": soql}), "bulk2"),
                         "Salesforce Bulk API 2.0 query job creation")
        except (AuthError, RateLimited, QuotaExhausted, TransientError, SchemaError):
            raise
        except ConnectorError as exc:
            raise BulkJobFailed(f"Salesforce Bulk API 2.0 refused the query job: {exc}") from None
        return str(job["id"])

    def _bulk_wait(self, job_id: str, max_wait: float) -> None:
        """Poll job ``job_id`` until ``JobComplete``, waiting 0.5 s, 1 s, 2 s... (at most 30 s) between polls; each
        poll is one call, counted in ``usage`` like any other. ``BulkJobFailed`` when it ends ``Failed`` or
        ``Aborted``, or when it is still running after ``max_wait`` seconds of waiting: it is then aborted (``PATCH
        {"state": "Aborted"}``, *Abort a Query Job*), as on any exception while it is polled (the process being
        stopped, the quota guard), so no job is left running for nothing; a job gone (404) raises ``SchemaError``."""
        waited, delay, polls = 0.0, 0.5, 0
        try:
            while True:
                info = _reply(self.call(lambda sf: sf.restful(f"jobs/query/{job_id}"), "bulk2"),
                              f"Salesforce Bulk API 2.0 query job {job_id}")
                polls += 1
                state = str(info.get("state"))
                if state == "JobComplete":
                    log.info("salesforce.bulk job=%s complete polls=%d waited=%.0f", job_id, polls, waited)
                    return
                if state in ("Failed", "Aborted"):
                    raise BulkJobFailed(f"Salesforce Bulk API 2.0 query job {job_id} {state.lower()}: "
                                        f"{info.get('errorMessage') or 'Salesforce gave no reason'}")
                if waited + delay > max_wait:
                    self._bulk_abort(job_id)
                    raise BulkJobFailed(f"Salesforce Bulk API 2.0 query job {job_id} was still {state} after "
                                        f"{waited / 60:.0f} min of waiting ({polls} polls): aborted (the mapping's "
                                        f"bulk_max_wait_minutes)")
                self.policy.sleep(delay)
                waited += delay
                delay = min(delay * 2, 30.0)
        except (BulkJobFailed, SchemaError):
            raise
        except BaseException:
            self._bulk_abort(job_id)
            raise

    def _bulk_abort(self, job_id: str) -> None:
        """Abort query job ``job_id`` (only an ``UploadComplete`` or ``InProgress`` job can be); a failure to abort
        is logged, never raised over the error that made pac give the job up."""
        try:
            self.call(lambda sf: sf.restful(f"jobs/query/{job_id}", method="PATCH", json={"state": "Aborted"}),
                      "bulk2")
            log.info("salesforce.bulk job=%s aborted", job_id)
        except ConnectorError as exc:
            log.warning("salesforce.bulk job=%s could not be aborted: %s", job_id, exc)

    def count(self, soql: str, *, include_deleted: bool = False) -> int:
        return int(self.call(lambda sf: sf.query(soql, include_deleted=include_deleted), "count")["totalSize"])

    def restful(self, path: str, method: str = "GET", **kwargs: Any) -> Any:
        return self.call(lambda sf: sf.restful(path, method=method, **kwargs), path.split("/", 1)[0],
                         write=method.upper() != "GET")

    def org_currency(self) -> str | None:
        """A single-currency org's currency: the SOAP API's getUserInfo ``orgDefaultCurrencyIsoCode`` ("Default
        currency ISO code. Applicable only when organizationMultiCurrency is false", SOAP API Developer Guide,
        getUserInfoResult), the one documented place for it (a single-currency org's records have no
        CurrencyIsoCode, and CurrencyType "is not available in single-currency organizations"). One call; None for a
        multi-currency org, or when the org does not answer it (an emulator without the SOAP API)."""
        def ask(sf: Salesforce) -> str | None:
            envelope = (
                '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/'
                'soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader>'
                f"<urn:sessionId>{sf.session_id}</urn:sessionId></urn:SessionHeader></soapenv:Header>"
                "<soapenv:Body><urn:getUserInfo/></soapenv:Body></soapenv:Envelope>")
            response = sf.session.post(f"https://{sf.sf_instance}/services/Soap/u/{sf.sf_version}",
                                       data=envelope.encode(), headers={"Content-Type": "text/xml; charset=UTF-8",
                                                                        "SOAPAction": '""'})
            if response.status_code != 200:
                return None
            multi = _SOAP_MULTI.search(response.text)
            iso = _SOAP_CURRENCY.search(response.text)
            return iso.group(1) if iso and multi and multi.group(1) == "false" else None

        try:
            return self.call(ask, "Soap")
        except ConnectorError as exc:
            log.info("salesforce.org_currency unavailable: %s", exc)
            return None

    def describe(self, sobject: str) -> dict[str, Any] | None:
        """The object's describe, or None when the org has no such object (or hides it from us)."""
        try:
            return self.restful(f"sobjects/{sobject}/describe")
        except SchemaError:
            return None

    def describe_since(self, sobject: str, since: str) -> tuple[dict[str, Any] | None, str]:
        """The object's describe if its metadata changed after ``since`` (an HTTP date; "" asks unconditionally), else
        None: "response metadata will only be returned if the object metadata has changed since the provided date.
        If the metadata has not been modified since the provided date, a 304 Not Modified status code is returned,
        with no response body" (REST API Developer Guide, *Get Object Metadata Changes*). One call either way, a
        304 carries no body. With it, the date to send next time: the answer's ``Last-Modified`` when it gives one,
        else its ``Date`` (the org's clock: no skew with ours), else ``since``. Raises ``SchemaError`` when the org
        has no such object (or hides it from us)."""
        def get(sf: Salesforce) -> tuple[dict[str, Any] | None, str]:
            headers = {**sf.headers, **({"If-Modified-Since": since} if since else {})}
            response = sf.session.request("GET", f"{sf.base_url}sobjects/{sobject}/describe", headers=headers)
            if response.status_code >= 300 and response.status_code != 304:
                exception_handler(response, f"sobjects/{sobject}/describe")
            stamp = response.headers.get("Last-Modified") or response.headers.get("Date") or since
            # a body that is not JSON (a proxy's page) raises ValueError: ``translate`` retries it
            return (None if response.status_code == 304 else _reply(response.json(), f"describe of {sobject}")), stamp

        return self.call(get, "sobjects")

    def close(self) -> None:
        self.session.close()


def _no_open_children(result: dict[str, Any]) -> bool:
    """Whether no record of a query result holds a subquery result with further batches (``done`` false): its
    child cursors stay valid only until the parent's next queryMore."""
    return not any(isinstance(value, dict) and value.get("done") is False
                   for record in result.get("records") or () if isinstance(record, dict) for value in record.values())


def _number(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return kind(text)
        except ValueError:          # not what the describe says: kept as the CSV has it
            return text
    return convert


def _rest_datetime(text: str) -> str:
    """A Bulk API 2.0 datetime (``2026-10-01T08:00:00.000Z``, *Valid Date Format in Records*) as REST's JSON writes
    it (``2026-10-01T08:00:00.000+0000``): the same instant, the same text in the store."""
    return text[:-1] + "+0000" if text.endswith("Z") else text


# describe type -> how a CSV cell becomes the JSON value REST answers (other types are JSON strings too)
_CELL: dict[str, Callable[[str], Any]] = {"boolean": lambda text: text == "true", "int": _number(int),
                                          "double": _number(float), "currency": _number(float),
                                          "percent": _number(float), "datetime": _rest_datetime}


_STANDARD_CHECKBOX = re.compile(r"Is[A-Z][A-Za-z0-9]*")   # IsDeleted, IsWon, IsPersonAccount: no __c, no _


def bulk_row_shaper(header: list[str], types: Mapping[str, str], boolean_columns: frozenset[str] = frozenset()
                    ) -> Callable[[list[str]], dict[str, Any]]:
    """How a Bulk API 2.0 CSV row becomes a row shaped as REST answers it.

    * A relationship column (``What.Type``, ``Owner.Email``: Bulk API 2.0 heads it ``RelationshipName.FieldName``)
      becomes a nested dict, as REST nests it (``{"What": {"Type": ...}}``); a relation whose cells are all empty is
      null, as REST answers a null lookup.
    * Cells are typed as REST's JSON is, by the describes (``types``: lower-case column, ``parent.annualrevenue`` for
      a relationship column, -> describe type of its field, ``Reader._types``): checkboxes become booleans, int
      fields ints, double, currency and percent fields floats, datetimes REST's ``…+0000`` text. A column the
      describes do not type (a polymorphic relationship's field, or no describe at hand) is a boolean when it is one
      of ``boolean_columns`` (the mapping's checkboxes) or its field is named as Salesforce's standard checkboxes
      are (``IsDeleted``, ``IsPersonAccount``: ``Is``, a capital, no ``__c``), else text: ``Istat_Code__c`` or
      ``Island__c`` stay text, as REST answers them.
    * An empty cell is null.
    """
    plan: list[tuple[list[str], Callable[[str], Any] | None]] = []
    for column in header:
        path = column.split(".")
        kind = types.get(column.lower())
        if kind is None and (_STANDARD_CHECKBOX.fullmatch(path[-1]) or column in boolean_columns):
            kind = "boolean"
        plan.append((path, _CELL.get(kind or "")))
    relations = sorted({path[0] for path, _ in plan if len(path) > 1})

    def shape(cells: list[str]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for (path, convert), cell in zip(plan, cells, strict=False):
            value = None if cell == "" else convert(cell) if convert is not None else cell
            node = row
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        for name in relations:
            if _empty(row[name]):
                row[name] = None
        return row

    return shape


def _empty(node: Any) -> bool:
    return node is None or (isinstance(node, dict) and all(_empty(v) for v in node.values()))


def _reply(reply: Any | None, what: str) -> Any:
    """A REST reply that must have a JSON body: simple_salesforce gives None for an empty one (204)."""
    if reply is None:
        raise ConnectorError(f"{what}: empty reply from Salesforce")
    return reply


def _bulk_results(sf: Salesforce, job_id: str, locator: str, max_records: int) -> tuple[str, str]:
    params: dict[str, Any] = {"maxRecords": max_records}
    if locator:
        params["locator"] = locator
    headers = {**sf.headers, "Accept": "text/csv"}
    response = call_salesforce(f"{sf.bulk2_url}query/{job_id}/results", "GET", sf.session, headers, params=params)
    following = response.headers.get("Sforce-Locator", "")
    return response.content.decode("utf-8"), "" if following in ("", "null") else following


def _error_code(exc: sfx.SalesforceError) -> tuple[str, str]:
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    return "", ""


def translate(exc: Exception, what: str, prefix: str = "PAC_SF_") -> ConnectorError:
    """A vendor exception as the project's own (messages carry no secret: URLs hold none); a variable to set is named
    under the connector's ``prefix`` (its ``env_prefix``)."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, requests.exceptions.SSLError):
        return AuthError(f"TLS verification failed on {what}: set {prefix}CA_BUNDLE to the CA that signs the org's "
                         "certificate")
    if isinstance(exc, requests.RequestException):
        return TransientError(f"Salesforce {what}: {type(exc).__name__} (connection dropped or timed out)")
    if isinstance(exc, sfx.SalesforceAuthenticationFailed):
        return AuthError(f"Salesforce refused the credentials on {what}")
    if isinstance(exc, sfx.SalesforceError):
        code, message = _error_code(exc)
        status = exc.status
        if status == 403 and code == "REQUEST_LIMIT_EXCEEDED":
            if "TotalRequests" in message:      # the org's whole rolling 24-hour allocation, not pac's share
                return QuotaExhausted(f"Salesforce refused the call: the org's daily API allocation is spent "
                                      f"({message} Setup > Company Information shows its API requests of the last "
                                      "24 hours)", refused_by_crm=True, resets=DAILY_RESETS)
            return RateLimited(f"Salesforce rate limit on {what}: {message}", retry_after=5.0)
        if status >= 500 or code in ("SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION"):
            return TransientError(f"Salesforce {what} answered {status} {code}")
        if status in (401, 403):
            return AuthError(f"Salesforce refused {what}: {code} {message}".strip())
        if status == 410:
            return ConnectorError(f"Salesforce API version retired ({message}); set {prefix}API_VERSION to a "
                                  "current version, e.g. 62.0")
        if code in ("INVALID_FIELD", "INVALID_TYPE", "NOT_FOUND") or status == 404:
            return SchemaError(f"Salesforce {what}: {code} {message}".strip())
        if code == "MALFORMED_QUERY":
            # a query Salesforce cannot parse: its text comes from the mapping (a field spelt twice in two cases,
            # "duplicate field selected"; a where value): the same query fails again, a mapping problem (exit 2)
            return SchemaError(f"Salesforce {what} refused: {code} {message}".strip())
        return ConnectorError(f"Salesforce {what} failed: {status} {code} {message}".strip())
    if isinstance(exc, ValueError):      # a body that is not JSON: a proxy page, a truncated answer
        return TransientError(f"Salesforce {what}: unreadable answer ({type(exc).__name__})")
    return ConnectorError(f"Salesforce {what}: unexpected {type(exc).__name__}")
