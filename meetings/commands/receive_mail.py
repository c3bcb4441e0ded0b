"""Mail into OrgLife (收信): ``receive-mail`` for an MTA's pipe, ``mail-listener`` for LMTP/SMTP.

``flask --app wsgi receive-mail`` reads one RFC 5322 message on standard input — what a Postfix
alias or ``pipe`` transport hands over — and exits 0 when it was handled or deliberately ignored,
75 (EX_TEMPFAIL) only when it could not be handled now (the database is down), so that the MTA
keeps the message and tries again. ``mail-listener`` takes the same messages over LMTP (or
SMTP) on a loopback port and answers 250 or 451 the same way.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading

import click
from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from meetings.domain import inbound
from meetings.extensions import db
from meetings.models import utcnow
from meetings.services import inbound_mail, reply_address

log = logging.getLogger("orglife.inbound")
HANDLED, TEMPFAIL = 0, 75  # sysexits.h: EX_OK, EX_TEMPFAIL


def handle(raw: bytes, recipients: tuple[str, ...] = ()) -> int:
    """Receive one message in its own transaction; HANDLED or TEMPFAIL.

    Only a database that cannot be reached now is temporary. A message this code cannot handle
    would fail the same way on every retry, and after days the MTA would bounce it to a member:
    it is logged as unreadable instead, and the MTA told it was taken.
    """
    now = utcnow()
    try:
        inbound_mail.receive(raw, now, recipients=recipients)
        db.session.commit()
        return HANDLED
    except IntegrityError:
        db.session.rollback()  # the same Message-ID stored by a delivery running beside this one
        return HANDLED
    except (OperationalError, InterfaceError):
        db.session.rollback()
        log.exception("inbound mail not handled (database unreachable); the MTA should retry")
        return TEMPFAIL
    except Exception:
        db.session.rollback()
        log.exception("inbound mail could not be handled; logged as unreadable")
        return _log_unreadable(raw, now)


def _log_unreadable(raw: bytes, now) -> int:
    try:
        inbound_mail.record_unreadable(raw, now)
        db.session.commit()
        return HANDLED
    except Exception:  # not even the log row: nothing is lost if the MTA keeps it
        db.session.rollback()
        log.exception("inbound mail not logged; the MTA should retry")
        return TEMPFAIL


@click.command("receive-mail")
@click.option("--recipient", "recipients", multiple=True,
              help="The envelope recipient (Postfix: ${original_recipient}); may repeat.")
@with_appcontext
def receive_command(recipients: tuple[str, ...]) -> None:
    """Read one message from standard input: a calendar answer, a bounce, or mail to ignore."""
    raw = sys.stdin.buffer.read(inbound.MAX_BYTES + 1)
    sys.exit(handle(raw, tuple(recipients)))


class _Handler:
    """aiosmtpd handler: accepts mail for the reply domain only, handles it in the app."""

    def __init__(self, app):
        self.app = app

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.app.app_context():
            reply = reply_address.configured()
        if reply is None or address.lower().rpartition("@")[2] != reply[1]:
            return "550 5.1.1 Not a mailbox of this site"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        code = await loop.run_in_executor(None, self._handle, envelope.original_content or envelope.content,
                                          tuple(envelope.rcpt_tos))
        return "250 2.0.0 OK" if code == HANDLED else "451 4.3.0 Try again later"

    def _handle(self, raw: bytes, recipients: tuple[str, ...]) -> int:
        with self.app.app_context():
            return handle(raw, recipients)


class _Controller(Controller):
    def __init__(self, handler, *, lmtp: bool, **kwargs):
        self.lmtp = lmtp
        super().__init__(handler, **kwargs)

    def factory(self):
        server = LMTP if self.lmtp else SMTP
        return server(self.handler, data_size_limit=inbound.MAX_BYTES, enable_SMTPUTF8=True,
                      hostname=self.hostname, ident="OrgLife")


def start_listener(app, host: str, port: int, *, lmtp: bool = True) -> Controller:
    """Start listening in a thread (tests call this; the command waits for a signal after)."""
    controller = _Controller(_Handler(app), lmtp=lmtp, hostname=host, port=port)
    controller.start()
    return controller


@click.command("mail-listener")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback).")
@click.option("--port", type=click.IntRange(1, 65535), default=8024, show_default=True)
@click.option("--smtp", is_flag=True, help="Speak SMTP instead of LMTP.")
@with_appcontext
def listener_command(host: str, port: int, smtp: bool) -> None:
    """Take calendar answers and bounces over LMTP (or SMTP) from the local MTA until stopped."""
    if reply_address.configured() is None:
        raise click.ClickException("REPLY_ADDRESS is not set: there is no mailbox to receive for")
    controller = start_listener(current_app._get_current_object(), host, port, lmtp=not smtp)
    click.echo(f"{'SMTP' if smtp else 'LMTP'} on {host}:{port}，Ctrl-C 停止 Ctrl-C stops.")
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    stopping.wait()
    controller.stop()
    click.echo("已停止 Stopped.")


COMMANDS = (receive_command, listener_command)
