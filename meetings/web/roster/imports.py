"""Roster import: upload a file, preview it with row-numbered errors, confirm — all or nothing.

The uploaded bytes wait under ``instance/imports/<token>.<ext>`` (with ``<token>.json`` saying
whose upload it is, for which branch) between the preview and the confirmation.
"""
import json
import os
import re
import secrets
import time
from pathlib import Path
from urllib.parse import quote

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileAllowed, FileField, FileRequired

from meetings.domain.roster_import import COLUMN, MAX_ROWS, ImportResult, RowError
from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import Organization
from meetings.policy import Action
from meetings.services import roster_import, storage
from meetings.web.forms import Form
from meetings.web.roster import bp
from meetings.web.util import authorize, load_or_404

EXTENSIONS = ("xlsx", "csv")
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
KEEP_SECONDS = 24 * 3600  # abandoned uploads are swept after a day
ABANDONED_AFTER = 120  # seconds: a confirm still "busy" this long died (an import takes seconds)
TEMPLATE_NAME = "党员名册模板.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(Form):
    file = FileField(_l("名册文件"), render_kw={"accept": ".xlsx,.csv"}, validators=[
        FileRequired(_l("请选择要导入的文件。")),
        FileAllowed(EXTENSIONS, _l("只能导入 .xlsx 或 .csv 文件。"))])


def _branch(branch_id: int) -> Organization:
    branch = load_or_404(Organization, branch_id)
    if branch.kind != OrgKind.BRANCH or not branch.is_active:
        abort(404)
    authorize(current_user, Action.MANAGE_ROSTER, branch)
    return branch


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _message(error: RowError) -> str:
    """The error in the reader's language, with its column."""
    text = _(error.message, **error.params)
    return _("%(column)s：%(text)s", column=error.column, text=text) if error.column else text


@bp.route("/branches/<int:branch_id>/import/template.xlsx")
@login_required
def import_template(branch_id: int):
    """Download the blank roster workbook with this branch's party groups listed."""
    branch = _branch(branch_id)
    response = current_app.response_class(roster_import.template(branch), mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''{quote(TEMPLATE_NAME)}")
    return response


@bp.route("/branches/<int:branch_id>/import", methods=["GET", "POST"])
@login_required
def import_upload(branch_id: int):
    """Choose a file; unreadable files are refused here, the rest go on to the preview."""
    branch = _branch(branch_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        result = roster_import.preview(branch, upload.filename, data)
        if result.rows:
            token = _store(branch, upload.filename, data)
            if token is not None:
                return redirect(url_for(".import_preview", branch_id=branch.id, token=token))
            form.file.errors.append(_("存储空间不足，未保存。请联系管理员清理服务器空间后重新上传。"))
        else:
            form.file.errors.extend(_message(e) for e in result.errors)
    return render_template("roster/import_upload.html", form=form, branch=branch, max_rows=MAX_ROWS)


@bp.route("/branches/<int:branch_id>/import/<token>")
@login_required
def import_preview(branch_id: int, token: str):
    """Every row as read, errors on their rows; confirm only when there are none."""
    branch = _branch(branch_id)
    if (done := _imported_before(branch, token)) is not None:
        return _already_imported(branch, done)
    path, meta = _load(branch, token)
    result = roster_import.preview(branch, meta["filename"], path.read_bytes())
    return render_template("roster/import_preview.html", branch=branch, token=token,
                           filename=meta["filename"], columns=COLUMN, **_preview_context(result))


def _preview_context(result: ImportResult) -> dict:
    return {
        "rows": result.rows,
        "row_messages": {r.row: [_message(e) for e in r.errors] for r in result.rows},
        "file_messages": [_message(e) for e in result.file_errors],
        "bad_rows": result.rows_with_errors,
        "duplicates": len(result.rows) - len(result.new_rows),
        "ok": result.ok and bool(result.new_rows),
    }


@bp.route("/branches/<int:branch_id>/import/<token>", methods=["POST"])
@login_required
def import_confirm(branch_id: int, token: str):
    """Add every member of the file not yet on the roster, or none of them. A confirm is used
    once: a retry (say, after a confirm that timed out but committed) is told it is done."""
    branch = _branch(branch_id)
    if (done := _imported_before(branch, token)) is not None:
        return _already_imported(branch, done)
    path, meta = _load(branch, token)
    busy = path.with_suffix(path.suffix + ".busy")
    try:
        path.rename(busy)  # a second click finds no file: the roster is imported once
        _stamp(busy)  # since when it is busy
    except OSError:
        return _importing(branch)
    try:
        imported = roster_import.apply(current_user, branch, meta["filename"], busy.read_bytes())
    except roster_import.ImportRejected:
        db.session.rollback()
        busy.rename(path)
        flash(_("名册有误，没有导入任何党员。请按下面的提示修改文件后重新上传。"), "error")
        return redirect(url_for(".import_preview", branch_id=branch.id, token=token))
    db.session.commit()
    _record_done(branch, token, len(imported.added))
    busy.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)
    flash(_("已导入 %(count)s 名党员。", count=len(imported.added)), "success")
    if imported.skipped:
        flash(_("%(n)s 人已在名册中，没有重复导入。", n=imported.skipped), "warning")
    return redirect(url_for("orgs.show", org_id=branch.id))


def _record_done(branch: Organization, token: str, count: int) -> None:
    """Remember a committed import for a day, so the same confirm is not taken for a new one.
    The import is committed already: a disk too full for this note must not say otherwise (a
    repeated confirm then finds everyone on the roster and adds no one)."""
    done = {"branch_id": branch.id, "person_id": current_user.id, "count": count}
    note = _folder() / f"{token}.done"
    try:
        note.write_text(json.dumps(done), encoding="utf-8")
    except OSError as error:
        note.unlink(missing_ok=True)  # an empty note would pass for none, but litters the folder
        current_app.logger.warning("roster import %s committed, its .done note not written: %s", token, error)


def _imported_before(branch: Organization, token: str) -> dict | None:
    if not TOKEN.fullmatch(token):
        abort(404)
    try:
        done = json.loads((_folder() / f"{token}.done").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    mine = done.get("branch_id") == branch.id and done.get("person_id") == current_user.id
    return done if mine else None


def _already_imported(branch: Organization, done: dict):
    flash(_("这份名册已经导入（%(count)s 名党员），没有重复导入。", count=done.get("count", 0)), "warning")
    return redirect(url_for("orgs.show", org_id=branch.id))


def _store(branch: Organization, filename: str, data: bytes) -> str | None:
    """Keep the upload until it is confirmed; returns its token, or None when the disk is too
    full to keep it (then nothing of it is left behind)."""
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(16)
    extension = filename.rsplit(".", 1)[-1].lower()
    upload, note = folder / f"{token}.{extension}", folder / f"{token}.json"
    meta = {"branch_id": branch.id, "person_id": current_user.id, "filename": filename[-200:],
            "extension": extension}
    try:
        upload.write_bytes(data)
        note.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    except OSError as error:
        upload.unlink(missing_ok=True)
        note.unlink(missing_ok=True)
        if storage.no_space(error):
            return None
        raise
    _stamp(upload, note)
    return token


def _stamp(*paths: Path) -> None:
    """File times from this process's clock, the one ``_sweep`` and the recovery compare with."""
    now = time.time()
    for path in paths:
        os.utime(path, (now, now))


def _load(branch: Organization, token: str) -> tuple[Path, dict]:
    """The stored upload behind ``token``, only for the person and branch it was made for."""
    if not TOKEN.fullmatch(token):
        abort(404)
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        abort(_expired(branch))
    mine = meta.get("branch_id") == branch.id and meta.get("person_id") == current_user.id
    if not mine or meta.get("extension") not in EXTENSIONS:
        abort(404)
    path = folder / f"{token}.{meta['extension']}"
    _recover_abandoned(path)
    if not path.is_file() and path.with_suffix(path.suffix + ".busy").exists():
        abort(_importing(branch))
    if not path.is_file():
        abort(_expired(branch))
    return path, meta


def _expired(branch: Organization):
    """A link whose upload is gone (swept after a day, or imported while its note could not be
    written): say what to do instead of a bare 404. Nothing here tells whose link it was."""
    flash(_("这个导入链接已失效（已经导入，或超过一天未确认）。请查看支部名册；如需导入，请重新上传。"),
          "warning")
    return redirect(url_for(".import_upload", branch_id=branch.id))


def _importing(branch: Organization):
    flash(_("这份名册正在导入，请稍后刷新支部页面查看结果。"), "warning")
    return redirect(url_for("orgs.show", org_id=branch.id))


def _recover_abandoned(path: Path) -> None:
    """A confirm whose worker died mid-import left the file ``.busy`` and committed nothing
    (``.done`` is written after the commit): after a while, offer it for confirmation again."""
    busy = path.with_suffix(path.suffix + ".busy")
    try:
        if not path.exists() and time.time() - busy.stat().st_mtime > ABANDONED_AFTER:
            busy.rename(path)
    except OSError:
        return


def _sweep(folder: Path) -> None:
    """Forget uploads nobody confirmed within a day."""
    cutoff = time.time() - KEEP_SECONDS
    for item in folder.iterdir():
        try:
            if item.is_file() and item.stat().st_mtime < cutoff:
                item.unlink()
        except OSError:
            continue
