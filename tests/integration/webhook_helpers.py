"""A real HTTP receiver for webhook tests (http.server in a thread on a free port)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from portal.models import WebhookSubscription
from tests.conftest import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the receiver got; `codes` are the answers to give in turn (the last one repeats)."""

    url: str
    codes: list[int]
    received: list[Received] = field(default_factory=list)

    def events(self) -> list[str]:
        return [r.headers["X-Shopkeeper-Event"] for r in self.received]


@contextmanager
def receiver(codes=(200,)):
    """Serve a receiver on 127.0.0.1:<free port> for the duration of the block."""
    state = Receiver(url="", codes=list(codes))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server API)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                state.received.append(Received(self.path, dict(self.headers.items()), body))
                code = state.codes.pop(0) if len(state.codes) > 1 else state.codes[0]
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


TEST_SECRET = "whsec_test-secret"


def subscribe(db, url: str, events=("request.created",), secret=TEST_SECRET) -> WebhookSubscription:
    """An active subscription with a known secret."""
    subscription = WebhookSubscription(
        url=url, events=list(events), secret=secret, active=True, paused_reason=""
    )
    db.add(subscription)
    db.commit()
    return subscription
