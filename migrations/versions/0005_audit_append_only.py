"""Audit trail append-only: triggers refuse UPDATE and DELETE on audit_event

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

A later batch migration of audit_event on SQLite rebuilds the table and loses these
triggers: such a migration must create them again.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# As in meetings.models.audit at this release (a migration never imports the app).
MESSAGE = 'audit_event is append-only'
SQLITE_TRIGGERS = {'audit_event_no_update': 'UPDATE', 'audit_event_no_delete': 'DELETE'}


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$")
        op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
                   "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")
        return
    for name, verb in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON audit_event "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event')
        op.execute('DROP FUNCTION IF EXISTS audit_event_append_only()')
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {name}')
