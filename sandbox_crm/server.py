"""The sandbox CRM's HTTPS core: a threaded loopback server, a fresh CA per start, fault injection.

Each CRM dialect is an ``Api`` (``salesforce.SalesforceApi``, ``hubspot.HubSpotApi``; ``http.py``) that
claims URL prefixes and turns a ``Request`` into a ``Response``. The core only routes, counts calls,
and drops connections on demand (``faults.py``); each ``Api`` answers the other faults in its own documented
format.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import tempfile
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

from sandbox_crm.faults import FAULT_KINDS, Fault, FaultBook
from sandbox_crm.http import Api, Request, Response

__all__ = ["FAULT_KINDS", "Api", "Fault", "FaultBook", "Request", "Response", "SandboxServer"]


class SandboxServer:
    """``with SandboxServer([SalesforceApi(org)]) as crm: crm.base_url, crm.ca_path``."""

    def __init__(self, apis: list[Api], host: str = "127.0.0.1", port: int = 0) -> None:
        self.apis = apis
        self.faults = FaultBook()
        self.calls: Counter[str] = Counter()        # per api name
        self.log: list[tuple[str, str, str]] = []   # (api, method, path) of every request
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="pac-sandbox-")
        self.ca_path = str(Path(self._tmp.name) / "sandbox-ca.pem")
        self._lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        if self._httpd is not None:   # already started (e.g. ``with start_sandbox() as crm``)
            return self
        ca = trustme.CA(organization_name="pac sandbox CRM")
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca.cert_pem.write_to_path(self.ca_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        server = self

        class Handler(_Handler):
            sandbox = server

        self._httpd = ThreadingHTTPServer((self._host, self._port), Handler)
        self._httpd.daemon_threads = True
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="pac-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        self._tmp.cleanup()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "start() the sandbox first"
        return self._httpd.server_address[1]

    @property
    def host_port(self) -> str:
        """What simple-salesforce calls the instance: ``127.0.0.1:PORT`` (it always prefixes https)."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"https://{self.host_port}"

    def api(self, name: str) -> Any:
        return next(a for a in self.apis if a.name == name)

    def reset_counts(self) -> None:
        with self._lock:
            self.calls.clear()
            self.log.clear()

    # -- dispatch ----------------------------------------------------------------------------
    def route(self, request: Request) -> Response | None:
        """The response, or None to drop the connection."""
        for api in self.apis:
            if any(request.path.startswith(p) for p in api.prefixes):
                with self._lock:
                    self.calls[api.name] += 1
                    self.log.append((api.name, request.method, request.path))
                fault = self.faults.take(api.name, request)
                if fault is not None and fault.kind == "drop":
                    return None
                return api.handle(request, fault)
        return Response(404, [{"message": f"no sandbox API at {request.path}", "errorCode": "NOT_FOUND"}])


class _Handler(BaseHTTPRequestHandler):
    sandbox: SandboxServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes: with Nagle on, the client's delayed ACK adds ~40 ms per response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and the demo read stdout
        return

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                          {k.lower(): v for k, v in self.headers.items()}, body)
        try:
            response = self.sandbox.route(request)
        except Exception as exc:  # a sandbox bug must show as a 500, not hang the client
            response = Response(500, [{"message": f"sandbox error: {exc!r}", "errorCode": "UNKNOWN_EXCEPTION"}])
        if response is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        payload = response.body
        if isinstance(payload, str):
            payload = payload.encode()
        elif not isinstance(payload, bytes | bytearray):
            payload = b"" if payload is None else json.dumps(payload, default=str).encode()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve
