"""Signed-in sessions (登录会话), kept on the server so that they can be ended."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.models.base import Base, utcnow
from meetings.models.person import Person


class SignIn(Base):
    """One sign-in on one device: its session cookie and its remember-me cookie both name it.

    The cookies carry a random token whose digest is stored here; a cookie works only while
    its row is live, so ending the row (sign-out, 退出所有设备, a new password, an officer's
    reset) ends every copy of both cookies, in whichever browser they were copied to.
    """

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    address: Mapped[str | None] = mapped_column(sa.String(45))
    agent: Mapped[str | None] = mapped_column(sa.String(120))

    person: Mapped[Person] = relationship()
