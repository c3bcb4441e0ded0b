"""A real SMTP server on loopback (aiosmtpd) for the mail tests."""
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


class Collector:
    """aiosmtpd handler keeping every accepted message; refuses mailboxes named ``nobody``."""

    def __init__(self):
        self.envelopes, self.lock = [], threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:  # several worker threads may deliver at once
            self.envelopes.append(envelope)
        return "250 OK"

    @property
    def contents(self) -> list[bytes]:
        return [e.content for e in self.envelopes]

    def messages(self):
        return [email.message_from_bytes(c, policy=email.policy.default) for c in self.contents]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can go down and come back on the same port."""

    def __init__(self):
        self.handler, self.port = Collector(), free_port()
        self.url = f"smtp://127.0.0.1:{self.port}?timeout=10"
        self.controller = None

    def start(self):
        # A stopped Controller cannot be restarted (its event loop is closed): make a new one.
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
