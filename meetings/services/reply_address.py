"""The ORGANIZER address of each invite (回复地址): ``rsvp+i<invitation>-<signature>@domain``.

A calendar app sends its REPLY to the ORGANIZER, and copies the ORGANIZER into the REPLY, so
the address itself says which invitation is answered; the signature (HMAC with SECRET_KEY)
makes it unforgeable: nobody can answer for an invitation whose mail they never saw. The MTA
must deliver ``rsvp+anything@domain`` to the ``rsvp`` mailbox (Postfix ``recipient_delimiter
= +``, the default in Debian); the README shows how. Lower case throughout, because some MTAs
and clients fold the case of local parts.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from base64 import b32encode
from email.utils import parseaddr

from flask import current_app

SIGNATURE_LENGTH = 16  # base32 characters: 80 bits
_TAGGED = re.compile(r"^(?P<box>[^+@\s]+)\+i(?P<id>\d{1,10})-(?P<sig>[a-z2-7]{16})@(?P<domain>[^@\s]+)$")


def configured() -> tuple[str, str] | None:
    """(mailbox, domain) of REPLY_ADDRESS, or None when replies are not read."""
    _, address = parseaddr(current_app.config.get("REPLY_ADDRESS") or "")
    box, at, domain = address.lower().partition("@")
    return (box.split("+", 1)[0], domain) if at and box and domain else None


def for_invitation(invitation_id: int) -> str | None:
    """The address to put as ORGANIZER in this invitation's mail (None: not configured)."""
    reply = configured()
    if reply is None:
        return None
    box, domain = reply
    return f"{box}+i{invitation_id}-{_signature(invitation_id)}@{domain}"


def invitation_of(address: str) -> int | None:
    """The invitation an address was made for, if it is one of ours and its signature holds."""
    reply = configured()
    match = _TAGGED.match((address or "").strip().lower())
    if reply is None or match is None or (match["box"], match["domain"]) != reply:
        return None
    invitation_id = int(match["id"])
    return invitation_id if hmac.compare_digest(match["sig"], _signature(invitation_id)) else None


def _signature(invitation_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"reply:{invitation_id}".encode(), hashlib.sha256).digest()
    return b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]
