"""What every message to an invitee shares (会议通知 and 例会通知): Chinese text and HTML from
one template pair, From the organizer, To the invitee by name."""
from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage

from flask import render_template
from flask_babel import force_locale

from meetings.domain import ical
from meetings.models import Invitation
from meetings.services import calendar, outbox

MAIL_LOCALE = "zh_Hans_CN"  # notices go out in Chinese, whatever language the sender browses in


def render(template: str, context: dict) -> tuple[str, str]:
    """``email/<template>.txt`` and ``.html``, in Chinese."""
    with force_locale(MAIL_LOCALE):
        return (render_template(f"email/{template}.txt", **context),
                render_template(f"email/{template}.html", **context))


def message(invitation: Invitation, *, subject: str, parts: tuple[str, str], now: datetime,
            calendar_part: bytes | None = None, method: str | None = None) -> EmailMessage:
    name, address = calendar.organizer()
    text, html = parts
    return outbox.build_message(
        sender=Address(display_name=name, addr_spec=address),
        recipient=Address(display_name=ical.clean_name(invitation.display_name), addr_spec=invitation.email),
        subject=subject, text=text, html=html, now=now, calendar=calendar_part, method=method)
