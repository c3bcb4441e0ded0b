"""``flask --app wsgi seed-scale``: the province of DESIGN §7 (~3,000 branches, ~150,000 meetings)
for the compliance dashboard and its benchmarks, in bulk, on an otherwise empty database."""
import time as clock
from datetime import datetime

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from meetings.clock import today_in_beijing
from meetings.extensions import db
from meetings.models import MeetingType
from meetings.seeding.scale import bulk as scale_bulk
from meetings.seeding.scale import history as scale_history
from meetings.seeding.scale.data import PENDING_ROOT_NAME, ROOT_NAME, Ids, ScaleOptions, build_province
from meetings.services import meeting_types, requirements


@click.command("seed-scale")
@click.option("--branches", type=click.IntRange(min=1), default=3000, show_default=True,
              help="Number of 党支部; units, people and meetings scale with it.")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Year of the meetings (default: this year in Beijing).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same data).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="ISO date: meetings before it are past, from it on scheduled (default: today).")
@with_appcontext
def command(branches: int, year: int | None, seed: int, as_of: datetime | None) -> None:
    """Build the scale province (规模数据) in bulk; reuses it if present, refuses any other data."""
    started = clock.perf_counter()
    today = today_in_beijing()
    options = ScaleOptions(branches=branches, year=year or today.year,
                           as_of=as_of.date() if as_of else today, seed=seed,
                           late_days=current_app.config["MINUTES_LATE_DAYS"])
    with db.engine.connect() as conn:
        if _reusable(conn):
            _print_counts("规模数据已存在，未做改动 The scale province exists, nothing changed: " + ROOT_NAME,
                          scale_bulk.counts(conn), started)
            return
    meeting_types.install_defaults()
    requirements.install_defaults()
    db.session.commit()
    type_ids = dict(db.session.execute(sa.select(MeetingType.code, MeetingType.id)).all())
    db.session.commit()  # release the session's connection before the bulk load
    with db.engine.connect() as conn:
        with scale_bulk.load_settings(conn):
            _build(conn, options, type_ids)
        _print_counts(f"已生成规模数据 Built the scale province: {ROOT_NAME} ({options.year}, "
                      f"as of {options.as_of.isoformat()}, seed {options.seed})",
                      scale_bulk.counts(conn), started)


def _reusable(conn: sa.Connection) -> bool:
    """True when the province is already there; an error for any other data (never mixed)."""
    if scale_bulk.find_root(conn, ROOT_NAME) is not None:
        return True
    if scale_bulk.find_root(conn, PENDING_ROOT_NAME) is not None:
        raise click.ClickException("上次生成规模数据未完成，请换一个空数据库重试。"
                                   "A previous seed-scale run was interrupted; use a fresh database.")
    if scale_bulk.has_organizations(conn):
        raise click.ClickException("数据库中已有组织数据，规模数据只能生成到空数据库中。"
                                   "The database is not empty: seed-scale only fills an empty database.")
    return False


def _build(conn: sa.Connection, options: ScaleOptions, type_ids: dict[str, int]) -> None:
    """Tree and rosters in one transaction, then the meetings in batches, each committed."""
    writer = scale_bulk.BulkWriter(conn)
    ids = Ids(scale_bulk.next_ids(conn))
    province = build_province(options, ids)
    writer.write_tree(province)
    conn.commit()
    with click.progressbar(length=len(province.branches), label="生成会议 Meetings") as bar:
        for done in writer.write_years(province, options, ids, type_ids):
            conn.commit()
            bar.update(done)
    scale_history.write(conn)
    writer.finish(province)
    conn.commit()


def _print_counts(head: str, found: dict[str, int], started: float) -> None:
    click.echo(head)
    click.echo(f"  机关党委 units {found['units']:,} · 党支部 branches {found['branches']:,} · "
               f"党小组 party groups {found['groups']:,} · 人员 people {found['people']:,}")
    click.echo(f"  会议 meetings {found['meetings']:,} · 参会记录 invitations {found['invitations']:,} · "
               f"会议记录 minutes {found['minutes']:,}")
    click.echo(f"  用时 elapsed {clock.perf_counter() - started:.1f} s")
