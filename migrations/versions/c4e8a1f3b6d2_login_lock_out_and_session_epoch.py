"""login lock-out and session epoch: failed password count, temporary lock, a counter that signs sessions out

Revision ID: c4e8a1f3b6d2
Revises: b71c3e5a2d40
Create Date: 2026-11-24 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8a1f3b6d2'
down_revision = 'b71c3e5a2d40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
