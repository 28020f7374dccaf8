"""agency registry, relations, independence, reports, supervision

Revision ID: 1917534044f4
Revises: 7c4a64ae3192
Create Date: 2026-11-25 17:08:22.774161
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = '1917534044f4'
down_revision: str | None = '7c4a64ae3192'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Columns added to existing tables carry server defaults so rows written before this
    # revision stay valid.
    op.create_table('self_evaluation_preparers',
    sa.Column('application_id', sa.String(length=64), nullable=False),
    sa.Column('preparer_code', sa.String(length=18), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('application_id', 'preparer_code', name=op.f('pk_self_evaluation_preparers'))
    )
    op.create_table('spot_checks',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('batch', sa.String(length=32), nullable=False),
    sa.Column('rule_set', sa.String(length=32), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('population', sa.JSON(), nullable=False),
    sa.Column('sample', sa.JSON(), nullable=False),
    sa.Column('report_ids', sa.JSON(), nullable=False),
    sa.Column('drawn_by', sa.String(length=64), nullable=False),
    sa.Column('drawn_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_checks'))
    )
    op.create_table('bans',
    sa.Column('finding_id', sa.String(length=40), nullable=False),
    sa.Column('agency_id', sa.String(length=18), nullable=False),
    sa.Column('batch', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('flagged_report_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_bans_agency_id_agencies')),
    sa.PrimaryKeyConstraint('finding_id', name=op.f('pk_bans'))
    )
    with op.batch_alter_table('bans', schema=None) as batch_op:
        batch_op.create_index('ix_bans_agency', ['agency_id', 'lifted_at'], unique=False)

    op.create_table('findings',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('spot_check_id', sa.String(length=40), nullable=False),
    sa.Column('agency_id', sa.String(length=18), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('report_ids', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ban_workflow_id', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_findings_agency_id_agencies')),
    sa.ForeignKeyConstraint(['spot_check_id'], ['spot_checks.id'], name=op.f('fk_findings_spot_check_id_spot_checks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    op.create_table('relations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.String(length=18), nullable=False),
    sa.Column('related_code', sa.String(length=18), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('declared_by', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_relations_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relations')),
    sa.UniqueConstraint('agency_id', 'related_code', name='uq_relations_pair')
    )
    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.create_index('ix_relations_related', ['related_code'], unique=False)

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qualification', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('qualified', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('updated_at', shared.db.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.now()))

    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_set', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('applicant_independence', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('agency_independence', sa.JSON(), nullable=True))

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('category', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_sha256', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('flagged_for_review', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('flag_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index('ix_reports_agency_batch', ['agency_id', 'batch'], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_agency_batch')
        batch_op.drop_column('flag_reason')
        batch_op.drop_column('flagged_for_review')
        batch_op.drop_column('file_sha256')
        batch_op.drop_column('category')
        batch_op.drop_column('batch')

    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_column('agency_independence')
        batch_op.drop_column('applicant_independence')
        batch_op.drop_column('rule_set')

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('qualified')
        batch_op.drop_column('qualification')

    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.drop_index('ix_relations_related')

    op.drop_table('relations')
    op.drop_table('findings')
    with op.batch_alter_table('bans', schema=None) as batch_op:
        batch_op.drop_index('ix_bans_agency')

    op.drop_table('bans')
    op.drop_table('spot_checks')
    op.drop_table('self_evaluation_preparers')
    # ### end Alembic commands ###
