"""``flask --app wsgi import-roster FILE --branch ID``: the admin's bulk roster import."""
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import Organization, Person
from meetings.policy import Action, can
from meetings.services import roster_import


@click.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--branch", "branch_id", type=int, required=True, help="党支部 id。")
@click.option("--as", "login", default=None, help="以哪位管理员的名义导入（记入审计日志）。")
@with_appcontext
def command(file: Path, branch_id: int, login: str | None) -> None:
    """Import a roster .xlsx or .csv into a branch: every row or none."""
    branch = _branch(branch_id)
    actor = _actor(login, branch)
    data = file.read_bytes()
    result = roster_import.preview(branch, file.name, data)
    if not result.ok:
        for error in result.errors:
            click.echo(_line(error), err=True)
        raise click.ClickException(f"名册有 {len(result.errors)} 处错误，没有导入任何党员。")
    with click.progressbar(length=len(result.rows), label="正在导入") as bar:
        try:
            imported = roster_import.apply(actor, branch, file.name, data, progress=bar.update)
        except roster_import.ImportRejected as rejected:
            db.session.rollback()
            for error in rejected.errors:
                click.echo(_line(error), err=True)
            raise click.ClickException("名册在导入过程中被修改，没有导入任何党员。") from rejected
    db.session.commit()
    click.echo(f"已导入 {len(imported.added)} 名党员到 {branch.name}。")
    if imported.skipped:
        click.echo(f"{imported.skipped} 名已在名册中，未重复导入。")


def _branch(branch_id: int) -> Organization:
    branch = db.session.get(Organization, branch_id)
    if branch is None or branch.kind != OrgKind.BRANCH:
        raise click.ClickException(f"没有 id 为 {branch_id} 的党支部。")
    if not branch.is_active:
        raise click.ClickException(f"{branch.name} 已撤销，不能导入。")
    return branch


def _actor(login: str | None, branch: Organization) -> Person | None:
    if login is None:
        return None
    person = db.session.scalar(sa.select(Person).where(Person.login == login))
    if person is None:
        raise click.ClickException(f"没有用户名为 {login} 的用户。")
    if not can(person, Action.MANAGE_ROSTER, branch):
        raise click.ClickException(f"{login} 无权管理 {branch.name} 的名册。")
    return person


def _line(error) -> str:
    where = f"第 {error.row} 行" if error.row else "文件"
    column = f"［{error.column}］" if error.column else ""
    return f"{where}{column}：{error.text}"
