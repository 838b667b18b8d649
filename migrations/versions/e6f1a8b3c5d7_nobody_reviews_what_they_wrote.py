"""nobody reviews what they wrote: indexes to find what a user wrote from their own history rows and uploads;
the inbox index no longer carries the creator and the sender

Revision ID: e6f1a8b3c5d7
Revises: e7c3b9d4a2f6
Create Date: 2026-11-27 09:00:00

Who wrote an item is read from its history (created, edited, submitted, attached or removed a file) and from its
attachments' uploaders (workflow.permissions.authored_filter). Attachments added before this revision have no
history row: their uploader is still read from the attachment.
"""
from alembic import op


revision = 'e6f1a8b3c5d7'
down_revision = 'e7c3b9d4a2f6'
branch_labels = None
depends_on = None

AUTHOR_INDEXES = {
    'ix_nomination_events_author': ('nomination_events', ['action', 'actor_id', 'nomination_id']),
    'ix_report_events_author': ('report_events', ['action', 'actor_id', 'report_id']),
    'ix_attachments_uploaded_by': ('attachments', ['uploaded_by_id', 'nomination_id', 'report_id']),
}
AWAITING = ['awaiting_role', 'awaiting_unit_id', 'updated_at', 'id']


def upgrade():
    for name, (table, columns) in AUTHOR_INDEXES.items():
        op.create_index(name, table, columns)
    op.drop_index('ix_nominations_awaiting', table_name='nominations')
    op.create_index('ix_nominations_awaiting', 'nominations', AWAITING)


def downgrade():
    op.drop_index('ix_nominations_awaiting', table_name='nominations')
    op.create_index('ix_nominations_awaiting', 'nominations', [*AWAITING, 'created_by_id', 'submitted_by_id'])
    for name, (table, _) in AUTHOR_INDEXES.items():
        op.drop_index(name, table_name=table)
