"""The 列席 box of the schedule form: lines of logins, e-mails or ``姓名 <邮箱>`` read as guests.

Naming someone by exact login or e-mail may add a person the actor cannot otherwise see (a guest
from another branch), and the meeting page then shows their name. So such lookups are budgeted
per actor (``GUEST_LOOKUPS_PER_HOUR``): a recorder who guesses e-mail addresses learns a few
names an hour, not the tree. Lines for people the actor may see, or already 列席 of this
meeting, cost nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from meetings.domain.people import clean_name, is_valid_email, normalize_email
from meetings.domain.terms import PersonStatus
from meetings.extensions import db, limiter
from meetings.models import Person
from meetings.policy import Action, can

GUEST_LINE = re.compile(r"^(?P<name>[^<>]+?)\s*<(?P<email>[^<>]+)>$")
WINDOW = 3600


@dataclass
class Guests:
    """What the box named: people in OrgLife, outside guests (name, e-mail), messages."""

    people: list[int] = field(default_factory=list)
    outside: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_guests(text: str | None, actor: Person, already: frozenset[int] = frozenset()) -> Guests:
    """列席 lines → guests; ``already`` are the person ids 列席 of the meeting being edited."""
    guests, lookups = Guests(), 0
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        match = GUEST_LINE.match(line)
        key = normalize_email(match["email"]) if match else line
        name = clean_name(match["name"]) if match else ""
        person = _find_person(key)
        if person is None or not (person.id in already or can(actor, Action.VIEW_PERSON, person)):
            lookups += 1
        if person is not None:
            guests.people.append(person.id)
        elif name and is_valid_email(key or "") and len(name) <= 60:
            guests.outside.append((name, key))
        else:
            guests.errors.append(_("第 %(n)s 行“%(line)s”：系统中没有这个人；外单位人员请写成“姓名 <邮箱>”。",
                                   n=number, line=line[:60]))
    if lookups and not _within_budget(actor, lookups):
        return Guests(errors=[_("近一小时内查找其他单位人员的次数太多，请稍后再填列席人员。")])
    return guests


def _within_budget(actor: Person, lookups: int) -> bool:
    """Count this form's outside lookups; False once the hour's budget is spent (nothing kept)."""
    storage, key = limiter.storage, f"orglife-guest-lookups:{actor.id}"
    spent = storage.incr(key, WINDOW, amount=lookups)
    return spent <= current_app.config["GUEST_LOOKUPS_PER_HOUR"]


def _find_person(key: str | None) -> Person | None:
    if not key:
        return None
    return db.session.scalar(sa.select(Person).where(
        sa.or_(Person.login == key, sa.func.lower(Person.email) == key.lower()),
        Person.status != PersonStatus.TRANSFERRED_OUT).limit(1))
