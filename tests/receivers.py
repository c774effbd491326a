"""Local receivers for the notification tests: an SMTP server (aiosmtpd, in-process) and an HTTP(S) webhook
receiver on loopback. Nothing leaves the machine. Both are listening when their ``with`` block starts."""

from __future__ import annotations

import json
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpReceiver:
    """``with SmtpReceiver() as smtp``: ``smtp.port``, and ``smtp.messages`` (parsed e-mails with envelope)."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse = refuse
        self.port = free_port()
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if outer.refuse:
                    return "554 Transaction failed"
                message = message_from_bytes(envelope.content, policy=policy.default)
                outer.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpReceiver:
        self._controller.start()        # returns once the server answers
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    def text_of(self, message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


@dataclass
class HttpReceiver:
    """A webhook receiver; ``tls=True`` serves HTTPS with a throw-away CA (``ca_path``)."""

    tls: bool = False
    status: int = 200
    requests: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="pac-hooks-")
        self.ca_path = str(Path(self._tmp.name) / "ca.pem")

    def __enter__(self) -> HttpReceiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                outer.requests.append((self.path, dict(self.headers.items()), body))
                self.send_response(outer.status)
                self.send_header("content-type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if outer.status < 300 else b"invalid_token")

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if self.tls:
            ca = trustme.CA(organization_name="pac notification tests")
            ca.cert_pem.write_to_path(self.ca_path)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._tmp.cleanup()
