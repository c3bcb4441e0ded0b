"""Where messages go: an SMTP relay (``SMTP_URL``) or, without one, ``.eml`` files in a folder."""
from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class Transport(Protocol):
    """Where messages go: ``send`` raises on failure; ``close`` ends one pass's connection."""

    def send(self, recipient: str, message: bytes, *, ref: int | None = None) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """``smtp://user:pass@host:port`` (STARTTLS with ``?starttls=1`` or port 587) or ``smtps://``.

    One connection is reused for a pass and dropped after any error or on ``close``.
    ``?timeout=`` sets the socket timeout in seconds (default 30).
    """

    def __init__(self, url: str, *, timeout: float | None = None):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"SMTP_URL must look like smtp://user:pass@host:port, not {url!r}")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.ssl else 25)
        self.starttls = not self.ssl and (query.get("starttls") == "1" or self.port == 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = timeout if timeout is not None else float(query.get("timeout", 30))
        self._smtp: smtplib.SMTP | None = None

    def send(self, recipient: str, message: bytes, *, ref: int | None = None) -> None:
        try:
            smtp = self._smtp or self._connect()
            smtp.sendmail(envelope_sender(message), [recipient], message)
        except BaseException:
            self._drop()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.ssl:
            self._smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            self._smtp.starttls(context=context)
        if self.username:
            self._smtp.login(self.username, self.password)
        return self._smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None


class SpoolTransport:
    """Development mail: each message becomes ``<id>-<recipient>.eml`` in a folder."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def send(self, recipient: str, message: bytes, *, ref: int | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{ref if ref is not None else 'message'}-{_SAFE_NAME.sub('_', recipient)}.eml"
        partial = self.folder / f".{name}.partial"
        partial.write_bytes(message)
        os.replace(partial, self.folder / name)  # a reader never sees half a file

    def close(self) -> None:
        pass


_SAFE_NAME = re.compile(r"[^A-Za-z0-9@._+-]")


def envelope_sender(message: bytes) -> str:
    """The MAIL FROM address: the message's From mailbox."""
    headers = BytesHeaderParser(policy=default_policy).parsebytes(message)
    sender = headers["From"]
    return sender.addresses[0].addr_spec if sender and sender.addresses else ""


def spool_folder(config, instance_path: str) -> Path:
    """``MAIL_SPOOL`` if set, else ``instance/mail`` (DESIGN §4)."""
    return Path(config.get("MAIL_SPOOL") or Path(instance_path) / "mail")


def transport_from_config(config, instance_path: str) -> Transport:
    """SMTP when ``SMTP_URL`` is set, else the .eml spool."""
    if config.get("SMTP_URL"):
        return SmtpTransport(config["SMTP_URL"])
    return SpoolTransport(spool_folder(config, instance_path))
