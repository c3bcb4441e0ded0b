"""A unit's name and place in the tree are versioned, so an as-of 通报 names and rolls up
each unit as it did then

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

Back-fill: each unit's current name and place, since before records. Its earlier names come
back from the audit trail's renames (``org.rename`` keeps the name before and after), each
held until the rename was recorded; a move's audit entry names the parents but not the
path, so a unit moved before this revision reads as always having been where it is.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('path', sa.String(length=255).with_variant(sa.String(length=255, collation='C'), 'postgresql'),
                  nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name='fk_unit_version_organization_id_organization'),
        sa.ForeignKeyConstraint(['parent_id'], ['organization.id'], name='fk_unit_version_parent_id_organization'),
        sa.PrimaryKeyConstraint('id', name='pk_unit_version'))
    op.create_index('ix_unit_version_org', 'unit_version', ['organization_id', 'closed_at'])
    _backfill(op.get_bind())


def downgrade():
    op.drop_index('ix_unit_version_org', table_name='unit_version')
    op.drop_table('unit_version')


def _backfill(bind) -> None:
    renames: dict[int, list] = {}
    for org_id, before, after, at in bind.execute(sa.text(
            "SELECT object_id, before, after, created_at FROM audit_event "
            "WHERE action = 'org.rename' AND object_type = 'organization' ORDER BY created_at, id")):
        renames.setdefault(org_id, []).append((_name(before), _name(after), at))
    insert = sa.text("INSERT INTO unit_version (organization_id, name, parent_id, path, recorded_at, closed_at) "
                     "VALUES (:org, :name, :parent, :path, :recorded_at, :closed_at)")
    for org_id, name, parent_id, path in bind.execute(sa.text(
            "SELECT id, name, parent_id, path FROM organization")):
        since = None
        for before, _after, at in renames.get(org_id, []):
            if before:
                bind.execute(insert, {"org": org_id, "name": before, "parent": parent_id, "path": path,
                                      "recorded_at": since, "closed_at": at})
                since = at
        bind.execute(insert, {"org": org_id, "name": name, "parent": parent_id, "path": path,
                              "recorded_at": since, "closed_at": None})


def _name(value) -> str | None:
    """The ``name`` of an audit entry's before/after (JSON, which SQLite hands back as text)."""
    if isinstance(value, str):
        value = json.loads(value)
    return (value or {}).get("name")
