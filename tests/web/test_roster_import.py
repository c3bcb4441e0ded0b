"""Roster import through the browser: upload → preview → confirm, all or nothing."""
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from meetings.domain.terms import PersonCategory
from meetings.extensions import db
from meetings.models import AuditEvent, Person
from tests.builders import roster_xlsx as xlsx


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    """Uploads go to a temporary folder, not the real instance/."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path))
    return tmp_path




GOOD = xlsx(["孙一", "正式党员", "第一党小组", 13800138000.0, "sun@example.org", "sunyi"],
            ["钱二", "预备党员", "第二党小组", None, None, None])
BAD = xlsx(["孙一", "正式党员", "第一党小组", 13800138000.0, "sun@example.org", "sunyi"],
           ["钱二", "预备党员", "第九党小组", None, "not-an-email", None])


def upload(client, branch, data: bytes, filename: str = "名册.xlsx"):
    return client.post(f"/branches/{branch.id}/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def roster_names(branch) -> set[str]:
    return set(db.session.scalars(sa.select(Person.name).where(Person.branch_id == branch.id)))


def test_upload_preview_confirm_adds_every_member(client, auth, world):
    auth.login("secretary")
    response = upload(client, world.a1, GOOD)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "孙一" in page and "钱二" in page and "确认导入 2 名党员" in page
    response = client.post(preview_url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{world.a1.id}")
    assert "已导入 2 名党员。" in client.get(response.headers["Location"]).get_data(as_text=True)
    qian = db.session.scalar(sa.select(Person).where(Person.name == "钱二"))
    assert (qian.category, qian.party_group_id, qian.branch_id) == (
        PersonCategory.PROBATIONARY, world.g2.id, world.a1.id)
    sun = db.session.scalar(sa.select(Person).where(Person.login == "sunyi"))
    assert sun.phone == "13800138000"
    summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.import"))
    assert summary.actor_id == world["secretary"].id and summary.after["count"] == 2


def test_confirming_twice_imports_once(client, auth, world, import_folder):
    auth.login("secretary")
    preview_url = upload(client, world.a1, GOOD).headers["Location"]
    client.post(preview_url)
    again = client.post(preview_url, follow_redirects=True)
    assert again.status_code == 200 and "这份名册已经导入（2 名党员），没有重复导入" in again.text
    assert "已经导入" in client.get(preview_url, follow_redirects=True).text
    assert len([p for p in roster_names(world.a1) if p in ("孙一", "钱二")]) == 2
    assert [p.suffix for p in import_folder.iterdir()] == [".done"]


def test_gbk_csv_goes_through_too(client, auth, world):
    auth.login("secretary")
    data = "姓名,党小组,手机\r\n周三,第一党小组,139 0013 9000\r\n".encode("gbk")
    preview_url = upload(client, world.a1, data, "名册.csv").headers["Location"]
    client.post(preview_url)
    assert "周三" in roster_names(world.a1)


def test_a_bad_row_shows_row_numbers_and_adds_nothing(client, auth, world):
    auth.login("secretary")
    before = roster_names(world.a1)
    preview_url = upload(client, world.a1, BAD).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert 'class="row-error"' in page
    assert "本支部没有党小组“第九党小组”" in page and "邮箱地址“not-an-email”格式不正确。" in page
    assert re.search(r'<th scope="row" class="num">3</th>', page)
    assert "确认导入" not in page and "其中 1 行有错误" in page
    response = client.post(preview_url, follow_redirects=True)
    assert "没有导入任何党员" in response.get_data(as_text=True)
    assert roster_names(world.a1) == before


def test_a_login_taken_between_preview_and_confirm_adds_nothing(client, auth, world):
    auth.login("secretary")
    preview_url = upload(client, world.a1, GOOD).headers["Location"]
    world["member"].login = "sunyi"
    db.session.commit()
    page = client.post(preview_url, follow_redirects=True).get_data(as_text=True)
    assert "用户名“sunyi”已被使用。" in page
    assert "钱二" not in roster_names(world.a1)


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("名册.xlsx", b"", "请选择要导入的文件。"),
    ("照片.png", b"\x89PNG\r\n", "只能导入 .xlsx 或 .csv 文件。"),
    ("照片.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00", "文件不是有效的 Excel（.xlsx）文件"),
    ("名册.csv", "手机\r\n13800138000\r\n".encode(), "没有找到“姓名”列"),
    ("名册.csv", "姓名\r\n\r\n".encode(), "文件中没有党员数据"),
])
def test_bad_files_get_a_message_next_to_the_field(client, auth, world, filename, data, message):
    auth.login("secretary")
    if data:
        response = upload(client, world.a1, data, filename)
    else:
        response = client.post(f"/branches/{world.a1.id}/import", data={"file": (io.BytesIO(b""), "")},
                               content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and message in page


def test_an_empty_file_is_named_as_such(client, auth, world):
    auth.login("secretary")
    response = upload(client, world.a1, b"", "名册.csv")
    assert response.status_code == 200 and "文件是空的。" in response.get_data(as_text=True)


def test_template_download_has_chinese_headers_and_the_branch_groups(client, auth, world):
    auth.login("secretary")
    response = client.get(f"/branches/{world.a1.id}/import/template.xlsx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx" in disposition
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]][:4] == ["姓名", "类别", "状态", "党小组"]
    groups = [row for row in book["说明"].iter_rows(values_only=True) if row[0] == "本支部党小组"][0]
    assert groups[1:3] == ("第一党小组", "第二党小组")


@pytest.mark.parametrize(("login", "status"), [
    ("secretary", 200), ("admin", 200),
    ("other_secretary", 404), ("member", 403), ("liaison", 403), ("recorder", 403), ("b_member", 404),
])
@pytest.mark.parametrize("path", ["/import", "/import/template.xlsx"])
def test_only_those_who_manage_the_roster_may_import(client, auth, world, login, status, path):
    auth.login(login)
    assert client.get(f"/branches/{world.a1.id}{path}").status_code == status


@pytest.mark.parametrize("login", ["other_secretary", "member", "liaison", "recorder"])
def test_others_cannot_upload_or_confirm(client, auth, world, login):
    auth.login("secretary")
    preview_url = upload(client, world.a1, GOOD).headers["Location"]
    auth.logout()
    auth.login(login)
    refused = 404 if login == "other_secretary" else 403  # 404: a branch they cannot see
    assert upload(client, world.a1, GOOD).status_code == refused
    assert client.get(preview_url).status_code == refused
    assert client.post(preview_url).status_code == refused
    assert "孙一" not in roster_names(world.a1)


def test_an_upload_belongs_to_its_uploader_and_branch(client, auth, world):
    auth.login("secretary")
    token = upload(client, world.a1, GOOD).headers["Location"].rsplit("/", 1)[-1]
    auth.logout()
    auth.login("admin")
    assert client.get(f"/branches/{world.a1.id}/import/{token}").status_code == 404
    assert client.get(f"/branches/{world.a2.id}/import/{token}").status_code == 404


@pytest.mark.parametrize("token", ["nope", "..%2F..%2Fsecret_key", "a" * 21 + "."])
def test_malformed_tokens_are_404(client, auth, world, token):
    auth.login("secretary")
    assert client.get(f"/branches/{world.a1.id}/import/{token}").status_code == 404
    assert client.post(f"/branches/{world.a1.id}/import/{token}").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_whose_upload_is_gone_says_so_and_leads_back_to_the_upload(client, auth, world, method,
                                                                       import_folder):
    """Swept after a day, or never known: told what to do, not a bare 404; nothing imported."""
    auth.login("secretary")
    preview = upload(client, world.a1, GOOD).headers["Location"]
    for stored in import_folder.iterdir():
        stored.unlink()
    for url in (preview, f"/branches/{world.a1.id}/import/{'A' * 22}"):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.headers["Location"].endswith(
            f"/branches/{world.a1.id}/import")
        assert "这个导入链接已失效" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "孙一" not in roster_names(world.a1)


@pytest.mark.parametrize("org", ["g1", "pc_a"])
def test_only_branches_take_imports(client, auth, world, org):
    auth.login("admin")
    assert client.get(f"/branches/{getattr(world, org).id}/import").status_code == 404


def test_signing_in_is_required(client, world):
    response = client.get(f"/branches/{world.a1.id}/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
