"""Stored calendar feeds: the bytes of a feed kept until one of its meetings changes."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from meetings.models.base import Base


class CalendarSnapshot(Base):
    """The last rendering of one feed (``person:<id>`` or ``branch:<id>``).

    ``fingerprint`` summarizes what the feed was built from (its meetings' ids, update times
    and the window), so an unchanged feed is served from ``body`` without rendering it again.
    ``body`` is zlib-compressed (``services.feed_store``).
    """

    __tablename__ = "calendar_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    etag: Mapped[str] = mapped_column(sa.String(80))
    last_modified: Mapped[datetime]
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
