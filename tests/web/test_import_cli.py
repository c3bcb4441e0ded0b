"""``flask import-roster FILE --branch ID``: every row or none, with row-numbered errors."""
import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import AuditEvent, Person


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def roster_csv(tmp_path):
    def write(*lines: str, encoding: str = "utf-8-sig"):
        path = tmp_path / "名册.csv"
        path.write_bytes("\r\n".join(["姓名,党小组,手机,用户名", *lines]).encode(encoding))
        return str(path)
    return write


def names(branch) -> set[str]:
    return set(db.session.scalars(sa.select(Person.name).where(Person.branch_id == branch.id)))


def test_imports_every_row_and_reports_the_count(runner, world, roster_csv):
    path = roster_csv("吴一,第一党小组,13800138000,wuyi", "郑二,,,", encoding="gbk")
    result = runner.invoke(args=["import-roster", path, "--branch", str(world.a1.id), "--as", "admin"])
    assert result.exit_code == 0, result.output
    assert "已导入 2 名党员" in result.output
    assert {"吴一", "郑二"} <= names(world.a1)
    summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.import"))
    assert summary.actor_id == world["admin"].id and summary.after["count"] == 2


def test_without_as_the_import_is_recorded_as_the_system(runner, world, roster_csv):
    result = runner.invoke(args=["import-roster", roster_csv("吴一,,,"), "--branch", str(world.a1.id)])
    assert result.exit_code == 0, result.output
    summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.import"))
    assert summary.actor_id is None


def test_any_bad_row_prints_row_numbers_and_writes_nothing(runner, world, roster_csv):
    before = names(world.a1)
    path = roster_csv("吴一,第一党小组,13800138000,wuyi", "郑二,第九党小组,123,secretary")
    result = runner.invoke(args=["import-roster", path, "--branch", str(world.a1.id)])
    assert result.exit_code != 0
    assert "第 3 行［党小组］：本支部没有党小组“第九党小组”" in result.output
    assert "第 3 行［用户名］：用户名“secretary”已被使用。" in result.output
    assert "没有导入任何党员" in result.output
    assert names(world.a1) == before
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.import")) is None


def test_an_unreadable_file_is_refused(runner, world, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = runner.invoke(args=["import-roster", str(path), "--branch", str(world.a1.id)])
    assert result.exit_code != 0 and "不是有效的 Excel" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--branch", "999999"], "没有 id 为 999999 的党支部"),
    (["--branch", "{g1}"], "的党支部"),
    (["--branch", "{a1}", "--as", "nobody"], "没有用户名为 nobody 的用户"),
    (["--branch", "{a1}", "--as", "other_secretary"], "无权管理"),
    (["--branch", "{a1}", "--as", "liaison"], "无权管理"),
])
def test_wrong_branch_or_actor_is_refused(runner, world, roster_csv, args, message):
    args = [a.format(g1=world.g1.id, a1=world.a1.id) for a in args]
    result = runner.invoke(args=["import-roster", roster_csv("吴一,,,"), *args])
    assert result.exit_code != 0 and message in result.output
    assert "吴一" not in names(world.a1)


def test_branch_is_required(runner, world, roster_csv):
    result = runner.invoke(args=["import-roster", roster_csv("吴一,,,")])
    assert result.exit_code != 0 and "--branch" in result.output
