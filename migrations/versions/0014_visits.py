"""督导记录: visits to units, their findings, and 整改事项 raised from a finding

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

New tables for visits and findings. An action item now comes from a meeting or from a
finding, exactly one of the two (a check constraint): the meeting column becomes nullable,
and every existing item keeps its meeting, so nothing needs back-filling.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

KINDS = ('on_site', 'desk', 'talk')


def upgrade():
    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='visitkind', native_enum=False, length=24), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('checked', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_visit_organization_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_visit_recorded_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_visited_on'), ['visited_on'], unique=False)

    op.create_table('visit_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['organization.id'], name=op.f('fk_visit_finding_branch_id_organization')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_visit_finding_created_by_id_person')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_finding_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_finding'))
    )
    with op.batch_alter_table('visit_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_finding_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_finding_visit_id'), ['visit_id'], unique=False)

    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('finding_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_action_item_finding_id_visit_finding'), 'visit_finding',
                                    ['finding_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_action_item_finding_id'), ['finding_id'])
        batch_op.create_check_constraint('one_source', '(meeting_id IS NULL) <> (finding_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM action_item WHERE meeting_id IS NULL")  # findings' items go with them
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_item_one_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_action_item_finding_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_action_item_finding_id_visit_finding'), type_='foreignkey')
        batch_op.drop_column('finding_id')
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('visit_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_finding_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_finding_branch_id'))
    op.drop_table('visit_finding')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_visited_on'))
        batch_op.drop_index(batch_op.f('ix_visit_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_visit_organization_id'))
    op.drop_table('visit')
