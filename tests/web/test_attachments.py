"""Uploading meeting attachments through the test client: who may, stored once by content hash,
and every bad file refused with a Chinese message, writing nothing."""
import hashlib

import pytest

from meetings.extensions import db
from meetings.services import scheduling
from tests import file_samples as f
from tests.attachment_client import (
    CHINESE,
    MB,
    attachments,
    audit_actions,
    flashes,
    post_file,
    post_raw,
    stored,
    upcoming_meeting,
)
from tests.fixed_time import TEST_NOW


def test_secretary_uploads_a_sign_in_sheet_stored_by_its_hash(client, auth, meeting, upload_folder):
    data = f.jpeg()
    auth.login("secretary")
    response = post_file(client, meeting.id, data, "签到表.jpg", note="纸质签到表扫描件")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}#attachments")
    assert flashes(client, "success") == ["已上传附件“签到表.jpg”。"]
    [row] = attachments()
    sha = hashlib.sha256(data).hexdigest()
    assert (row.kind, row.filename, row.content_type, row.size, row.sha256, row.note) == (
        "sign_in_sheet", "签到表.jpg", "image/jpeg", len(data), sha, "纸质签到表扫描件")
    assert row.uploaded_by.name == "张书记"
    assert stored(upload_folder) == [upload_folder / sha[:2] / sha]
    assert (upload_folder / sha[:2] / sha).read_bytes() == data
    assert audit_actions() == ["attachment.add"]
    page = client.get(f"/meetings/{meeting.id}").text
    assert "签到表.jpg" in page and "纸质签到表扫描件" in page and 'class="thumb"' in page


def test_recorder_uploads_a_resolution(client, auth, meeting):
    auth.login("recorder")
    assert post_file(client, meeting.id, f.docx(), "支部决议.docx", kind="resolution").status_code == 302
    [row] = attachments()
    assert row.kind == "resolution" and row.uploaded_by.name == "赵记录"
    assert row.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize("role", ["member", "liaison", "other_secretary"])
def test_only_recorders_of_the_branch_may_upload(client, auth, meeting, upload_folder, role):
    auth.login(role)
    expected = 404 if role == "other_secretary" else 403  # 404: not theirs to know of
    assert post_file(client, meeting.id, f.jpeg(), "照片.jpg").status_code == expected
    assert attachments() == [] and stored(upload_folder) == []


def test_recorders_see_the_upload_form_with_accept(client, auth, meeting):
    auth.login("recorder")
    page = client.get(f"/meetings/{meeting.id}").text
    assert f'action="/meetings/{meeting.id}/attachments"' in page and 'enctype="multipart/form-data"' in page
    assert 'accept=".jpg,.jpeg,.png,.gif,.webp,.pdf,' in page and "还没有附件" in page


def test_the_same_file_twice_is_stored_once(client, auth, world, meeting, upload_folder):
    other = upcoming_meeting(world, days=10)
    data = f.xlsx()
    auth.login("secretary")
    assert post_file(client, meeting.id, data, "签到表.xlsx").status_code == 302
    assert post_file(client, other.id, data, "名单.xlsx").status_code == 302
    first, second = attachments()
    assert first.sha256 == second.sha256 and len(stored(upload_folder)) == 1
    assert post_file(client, meeting.id, data, "又一次.xlsx").status_code == 302
    assert flashes(client, "error") == ["本次会议已有相同内容的附件“又一次.xlsx”。"]
    assert len(attachments()) == 2


REFUSED = {
    "renamed exe": (f.WINDOWS_EXE, "照片.jpg", "程序或脚本"),
    "path in the name": (f.jpeg(), "../../照片.jpg", "路径"),
    "zip bomb as docx": (None, "决议.docx", "压缩炸弹"),
    "zip bomb as xlsx": (None, "签到表.xlsx", "压缩炸弹"),
    "empty file": (b"", "签到表.jpg", "空文件"),
    "no file": ("none", "", "请选择要上传的文件"),
    "html as pdf": (f.HTML, "决议.pdf", "内容与扩展名不符"),
    "svg": (f.SVG, "logo.svg", "不是允许的文件类型"),
    "zip": (f.plain_zip(), "资料.zip", "不是允许的文件类型"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_upload_says_why_in_chinese_and_writes_nothing(client, auth, meeting, upload_folder, case):
    data, name, expected = REFUSED[case]
    if data is None:
        data = f.zip_bomb(part="word/document.xml" if name.endswith(".docx") else "xl/worksheets/sheet1.xml")
    auth.login("secretary")
    response = post_file(client, meeting.id, None if data == "none" else data, name)
    assert response.status_code == 302
    [error] = flashes(client, "error")
    assert CHINESE.search(error) and expected in error
    assert attachments() == [] and stored(upload_folder) == [] and audit_actions() == []


def test_a_file_over_10_mb_gets_a_clear_message(client, auth, meeting, upload_folder):
    auth.login("secretary")
    response = post_raw(client, meeting.id, f.png() + b"\x00" * (10 * MB), "大照片.png")
    assert response.status_code == 302
    assert flashes(client, "error") == ["“大照片.png”超过了 10 MB 的大小限制。"]
    assert attachments() == [] and stored(upload_folder) == []


def test_a_file_of_exactly_10_mb_is_accepted(client, auth, meeting, upload_folder):
    data = f.png() + b"\x00" * (10 * MB - len(f.png()))
    auth.login("secretary")
    assert post_raw(client, meeting.id, data, "大照片.png").status_code == 302
    [row] = attachments()
    assert row.size == 10 * MB and stored(upload_folder)[0].stat().st_size == 10 * MB


def test_a_note_over_200_characters_is_refused(client, auth, meeting):
    auth.login("secretary")
    post_file(client, meeting.id, f.jpeg(), "照片.jpg", note="注" * 201)
    assert flashes(client, "error") == ["说明不能超过 200 个字。"]
    assert attachments() == []


@pytest.mark.parametrize(("kind", "expected"), [("superuser", "类别：不是有效的选择"), ("", "类别：")])
def test_an_unknown_kind_is_refused_naming_the_field(client, auth, meeting, upload_folder, kind, expected):
    auth.login("secretary")
    post_file(client, meeting.id, f.jpeg(), "照片.jpg", kind=kind)
    [error] = flashes(client, "error")
    assert error.startswith(expected)
    assert attachments() == [] and stored(upload_folder) == []


def test_a_cancelled_meeting_takes_no_attachments(client, auth, world, meeting):
    scheduling.cancel_meeting(world["secretary"], meeting, "临时出差", TEST_NOW)
    db.session.commit()
    auth.login("secretary")
    post_file(client, meeting.id, f.jpeg(), "照片.jpg")
    assert flashes(client, "error") == ["会议已取消，不能再上传附件。"]
    assert attachments() == []


