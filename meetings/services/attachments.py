"""A meeting's attachments (附件: 签到表, photos, resolutions): add, remove, list, find on disk.

Files live under ``UPLOAD_FOLDER/<sha[:2]>/<sha>``, named by their content hash, so the same
file uploaded twice is stored once. Functions flush and audit; the caller commits.

A stored file may be shared by attachments of several meetings, so removing one must not
take the bytes from an upload of the same file still in flight in another request. Storing
and discarding take one file lock (all workers of the host), a store refreshes the file's
time, and a discard only removes a file unused *and* untouched for ``DISCARD_GRACE``: an
upload that found the file there has long committed by then. What a discard keeps, the
``sweep-uploads`` command removes later.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from meetings.domain import uploads
from meetings.domain.people import has_control_characters
from meetings.domain.terms import AttachmentKind, MinutesState
from meetings.extensions import db
from meetings.models import Attachment, Meeting, Minutes, Person
from meetings.policy import Action, can
from meetings.services import audit, storage

NOTE_LENGTH = 200
DISCARD_GRACE = 3600  # seconds: far longer than any upload takes from store to commit
SHA256 = re.compile(r"[0-9a-f]{64}")


class AttachmentError(ValueError):
    """The attachment cannot be added or removed; the message is translated for the user."""


def add_attachment(actor: Person, meeting: Meeting, *, kind: AttachmentKind, filename: str,
                   stream: BinaryIO, note: str | None, now: datetime) -> Attachment:
    """Check the file by its content, store it once by hash, and record it on the meeting."""
    _require(actor, Action.RECORD_MEETING, meeting)
    if meeting.is_cancelled:
        raise AttachmentError(_("会议已取消，不能再上传附件。"))
    note = _clean_note(note)
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = stream.read(limit + 1)  # one byte more tells "too big" without reading it all
    try:
        accepted = uploads.check(filename, data, limit=limit)
    except uploads.UploadRefused as refused:
        raise AttachmentError(_(refused.problem.message, **refused.problem.params)) from refused
    sha = hashlib.sha256(data).hexdigest()
    if _already_there(meeting, sha):
        raise AttachmentError(_("本次会议已有相同内容的附件“%(name)s”。", name=accepted.filename))
    try:
        _store(sha, data)
    except OSError as error:
        if storage.no_space(error):
            raise AttachmentError(_("存储空间不足，未保存。请联系管理员清理服务器空间后重试。")) from error
        raise
    attachment = Attachment(meeting=meeting, kind=AttachmentKind(kind), filename=accepted.filename,
                            content_type=accepted.file_type.mime, size=len(data), sha256=sha,
                            uploaded_by_id=actor.id, uploaded_at=now, note=note)
    db.session.add(attachment)
    db.session.flush()
    audit.record(actor, "attachment.add", meeting, organization_id=meeting.organization_id,
                 after=_snapshot(attachment))
    return attachment


def remove_attachment(actor: Person, attachment: Attachment, now: datetime) -> str:
    """Delete the row while the minutes are not final; returns the hash for :func:`discard_if_unused`."""
    meeting = attachment.meeting
    _require(actor, Action.RECORD_MEETING, meeting)
    if minutes_final(meeting):
        raise AttachmentError(_("会议记录已定稿，附件不能再删除。"))
    before = _snapshot(attachment)
    db.session.delete(attachment)
    db.session.flush()
    audit.record(actor, "attachment.remove", meeting, organization_id=meeting.organization_id,
                 before=before)
    return before["sha256"]


def discard_if_unused(sha: str, *, now: float | None = None) -> bool:
    """After the commit: forget the stored bytes when no attachment points at them any more
    and no upload has touched them for ``DISCARD_GRACE``; whether they were removed."""
    if not SHA256.fullmatch(sha):
        return False
    with _storage_lock():
        path = _path(sha)
        try:
            touched = path.stat().st_mtime
        except FileNotFoundError:
            return False
        if (now if now is not None else time.time()) - touched < DISCARD_GRACE or _in_use(sha):
            return False
        path.unlink(missing_ok=True)
        return True


def sweep_unused(*, now: float | None = None) -> int:
    """Remove every stored file that no attachment uses (past the grace); how many."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    names = [p.name for p in root.glob("??/*") if SHA256.fullmatch(p.name)] if root.is_dir() else []
    return sum(discard_if_unused(name, now=now) for name in names)


def _in_use(sha: str) -> bool:
    query = sa.select(sa.func.count()).select_from(Attachment).where(Attachment.sha256 == sha)
    return bool(db.session.scalar(query))


def for_meeting(meeting: Meeting) -> list[Attachment]:
    """The meeting's attachments in upload order, with who uploaded them (one query)."""
    query = (sa.select(Attachment).options(joinedload(Attachment.uploaded_by))
             .where(Attachment.meeting_id == meeting.id)
             .order_by(Attachment.uploaded_at, Attachment.id))
    return list(db.session.scalars(query))


def minutes_final(meeting: Meeting) -> bool:
    """Whether the meeting's minutes are 定稿 (attachments then stay for good)."""
    state = db.session.scalar(sa.select(Minutes.state).where(Minutes.meeting_id == meeting.id))
    return state == MinutesState.FINAL


def stored_path(attachment: Attachment) -> Path:
    """Where the attachment's bytes are; ValueError for a hash that is not one."""
    if not SHA256.fullmatch(attachment.sha256 or ""):
        raise ValueError("not a sha256 hex digest")
    return _path(attachment.sha256)


def _path(sha: str) -> Path:
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    path = (root / sha[:2] / sha).resolve()
    if not path.is_relative_to(root):
        raise ValueError("outside the upload folder")
    return path


@contextlib.contextmanager
def _storage_lock():
    """One lock for storing and discarding files, shared by every process of this host."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    with open(root.with_name(root.name + ".lock"), "a") as handle:  # beside, not among, the files
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _store(sha: str, data: bytes) -> None:
    """Write the bytes atomically (temporary file, then rename) unless they are there already;
    either way the file's time says it was just wanted (see ``discard_if_unused``)."""
    with _storage_lock():
        path = _path(sha)
        if not path.exists():
            _write(path, data)
        # This process's clock, the one ``discard_if_unused`` compares with (not the kernel's).
        now = time.time()
        os.utime(path, (now, now))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _already_there(meeting: Meeting, sha: str) -> bool:
    query = sa.select(Attachment.id).where(Attachment.meeting_id == meeting.id,
                                           Attachment.sha256 == sha)
    return db.session.scalar(query.limit(1)) is not None


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if has_control_characters(note):
        raise AttachmentError(_("说明包含不可见的控制字符，请删除后重新输入。"))
    if len(note) > NOTE_LENGTH:
        raise AttachmentError(_("说明不能超过 %(limit)s 个字。", limit=NOTE_LENGTH))
    return note or None


def _snapshot(attachment: Attachment) -> dict:
    return {"filename": attachment.filename, "kind": str(attachment.kind),
            "content_type": attachment.content_type, "size": attachment.size,
            "sha256": attachment.sha256}


def _require(actor: Person, action: Action, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionError(f"{actor!r} may not {action} {obj!r}")
