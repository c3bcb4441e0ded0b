"""The same roster imported twice — one after the other, at the same moment, or after a worker
died mid-import — adds its members once; people already on the roster are reported, not doubled."""
import io
from pathlib import Path

import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import Person
from meetings.web.roster import imports
from tests.builders import PASSWORD, roster_xlsx
from tests.races import posts_at_once

NO_LOGINS = roster_xlsx(["孙一", "正式党员", "第一党小组", 13800138000.0, None, None],
                        ["钱二", "预备党员", "第二党小组", None, None, None])


def upload(client, branch, data=NO_LOGINS) -> str:
    response = client.post(f"/branches/{branch.id}/import", data={"file": (io.BytesIO(data), "名册.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def count(name: str) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).where(Person.name == name))


def import_folder(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path))
    return tmp_path


def test_the_same_file_uploaded_again_is_reported_and_adds_no_one(app, client, auth, world, tmp_path,
                                                                   monkeypatch):
    import_folder(app, tmp_path, monkeypatch)
    auth.login("secretary")
    client.post(upload(client, world.a1))
    preview = client.get(upload(client, world.a1))
    assert "都已在本支部名册中" in preview.text and "已在名册中，不会重复导入" in preview.text
    assert "确认导入" not in preview.text
    assert (count("孙一"), count("钱二")) == (1, 1)


def test_a_file_with_one_new_member_adds_only_that_one(app, client, auth, world, tmp_path, monkeypatch):
    import_folder(app, tmp_path, monkeypatch)
    auth.login("secretary")
    client.post(upload(client, world.a1))
    more = roster_xlsx(["孙一", "正式党员", "第一党小组", 13800138000.0, None, None],
                       ["李三", "正式党员", "第一党小组", 13900139000.0, None, None])
    url = upload(client, world.a1, more)
    assert "确认导入 1 名党员" in client.get(url).text
    done = client.post(url, follow_redirects=True)
    assert "已导入 1 名党员" in done.text and "1 人已在名册中，没有重复导入" in done.text
    assert (count("孙一"), count("李三")) == (1, 1)


def test_two_confirms_of_the_same_file_at_once_add_it_once(app, world, tmp_path, monkeypatch):
    import_folder(app, tmp_path, monkeypatch)
    urls = []
    for login in ("secretary", "admin"):
        client = app.test_client()
        client.post("/login", data={"login": login, "password": PASSWORD})
        urls.append(upload(client, world.a1))
    answers = posts_at_once(app, monkeypatch, imports.roster_import, ["apply"],
                            [("secretary", urls[0], {}), ("admin", urls[1], {})])
    assert [status for status, _ in answers] == [302, 302]
    assert (count("孙一"), count("钱二")) == (1, 1)


def test_a_confirm_cut_off_mid_import_can_be_confirmed_again(app, client, auth, world, tmp_path, monkeypatch):
    folder = import_folder(app, tmp_path, monkeypatch)
    auth.login("secretary")
    url = upload(client, world.a1)
    (stored,) = folder.glob("*.xlsx")
    stored.rename(stored.with_suffix(".xlsx.busy"))  # what a worker killed inside the import leaves
    busy = client.post(url, follow_redirects=True)
    assert "这份名册正在导入" in busy.text and count("孙一") == 0
    monkeypatch.setattr(imports, "ABANDONED_AFTER", -1)  # time has passed: nobody is importing it
    assert "确认导入 2 名党员" in client.get(url).text
    assert "已导入 2 名党员" in client.post(url, follow_redirects=True).text
    assert (count("孙一"), count("钱二")) == (1, 1)
