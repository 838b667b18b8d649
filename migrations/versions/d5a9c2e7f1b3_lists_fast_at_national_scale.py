"""lists fast at national scale: indexes ending in id for the filtered lists and the inbox, and a trigram index
for the name search (pg_trgm on PostgreSQL, FTS5 on SQLite)

Revision ID: d5a9c2e7f1b3
Revises: c4e8a1f3b6d2
Create Date: 2026-11-25 09:00:00

PostgreSQL: `CREATE EXTENSION pg_trgm` needs a superuser, or the database owner on PostgreSQL 13 and later.
The search objects are made by workflow.models.name_search, which db.create_all() uses too.
"""
from alembic import op

from workflow.models import name_search

revision = 'd5a9c2e7f1b3'
down_revision = 'c4e8a1f3b6d2'
branch_labels = None
depends_on = None

OLD = {
    'ix_nominations_awaiting': ['awaiting_role', 'awaiting_unit_id'],
    'ix_nominations_state_unit': ['state', 'unit_id'],
    'ix_nominations_state': ['state'],
    'ix_nominations_unit_id': ['unit_id'],
    'ix_nominations_campaign_id': ['campaign_id'],
    'ix_nominations_award_form_id': ['award_form_id'],
    'ix_nominations_nominee_search': ['nominee_search'],
}
NEW = {
    'ix_nominations_newest_by_state': ['state', 'id'],
    'ix_nominations_newest_by_kind': ['nominee_kind', 'id'],
    'ix_nominations_newest_by_state_kind': ['state', 'nominee_kind', 'id'],
    'ix_nominations_newest_by_unit': ['unit_id', 'id', 'nominee_kind', 'nominee_search'],
    'ix_nominations_newest_by_state_unit': ['state', 'unit_id', 'id', 'nominee_kind'],
    'ix_nominations_newest_by_campaign': ['campaign_id', 'id'],
    'ix_nominations_newest_by_award_form': ['award_form_id', 'id'],
    'ix_nominations_awaiting': [
        'awaiting_role', 'awaiting_unit_id', 'updated_at', 'id', 'created_by_id', 'submitted_by_id'
    ],
}


def upgrade():
    for name in OLD:
        op.drop_index(name, table_name='nominations')
    for name, columns in NEW.items():
        op.create_index(name, 'nominations', columns)
    name_search.create(op.get_bind())
    # Fresh statistics for the planner; on PostgreSQL also the visibility map, without which an index-only scan
    # still reads the table (autovacuum sets it too, later).
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute('VACUUM (ANALYZE) nominations')
    else:
        op.execute('ANALYZE nominations')


def downgrade():
    name_search.drop(op.get_bind())
    for name in NEW:
        op.drop_index(name, table_name='nominations')
    for name, columns in OLD.items():
        op.create_index(name, 'nominations', columns)
