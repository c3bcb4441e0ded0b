"""``flask --app wsgi verify-minutes``: recompute the hash chain of every final 会议记录."""
import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Minutes
from meetings.services import minutes_chain

PROBLEMS = {
    "hash": "内容或元数据被改动 content or metadata changed",
    "link": "前一版本被删除或改动 a previous revision was removed or changed",
    "missing": "已定稿但没有定稿版本 final but no final revision",
    "current": "当前显示的不是最后定稿版本 the shown revision is not the last final one",
}


@click.command("verify-minutes")
@with_appcontext
def command() -> None:
    """Check that no final minutes was rewritten in the database (校验会议记录); exit 1 on a break."""
    findings = list(minutes_chain.verify_all())
    for f in findings:
        where = f"第 {f.number} 版 revision {f.number}" if f.number is not None else "整体 as a whole"
        click.echo(f"会议 meeting {f.meeting_id} 会议记录 minutes {f.minutes_id} {where}: "
                   f"{PROBLEMS[f.problem]}")
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Minutes)
                              .where(Minutes.state == MinutesState.FINAL))
    broken = len({f.minutes_id for f in findings})
    click.echo(f"已校验 {total} 份定稿会议记录，{broken} 份有问题 "
               f"Checked {total} final minutes, {broken} broken.")
    if findings:
        raise SystemExit(1)
