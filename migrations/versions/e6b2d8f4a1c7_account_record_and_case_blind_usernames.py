"""account record and case-blind usernames: an append-only record of what administrators do to accounts, and one
username whatever its case

Revision ID: e6b2d8f4a1c7
Revises: e6f1a8b3c5d7
Create Date: 2026-11-26 09:00:00

The record's rows are refused UPDATE and DELETE (and on PostgreSQL TRUNCATE) by triggers, as the workflows' history
is (b71c3e5a2d40). The unique index on lower(username) is added beside
the old unique constraint, which it implies: dropping that constraint would rebuild the users table on SQLite.
Every username was lower-cased when it was created, so no two existing ones differ only by case.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e6b2d8f4a1c7'
down_revision = 'e6f1a8b3c5d7'
branch_labels = None
depends_on = None

TABLE = 'account_events'
MESSAGE = 'Nhật ký tài khoản chỉ được ghi thêm, không được sửa hoặc xóa.'
ACTIONS = "'created', 'role_added', 'role_removed', 'deactivated', 'reactivated', 'password_reset', 'unlocked'"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f'action IN ({ACTIONS})', name=op.f('ck_account_events_action_known')),
        sa.CheckConstraint(
            "(role IS NOT NULL) = (action IN ('role_added', 'role_removed'))",
            name=op.f('ck_account_events_role_with_role_actions'),
        ),
        sa.CheckConstraint('unit_id IS NULL OR role IS NOT NULL', name=op.f('ck_account_events_unit_only_with_a_role')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_events_user_id_users')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_account_events_actor_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_account_events_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events')),
    )
    op.create_index('ix_account_events_user_newest', TABLE, ['user_id', 'id'])
    op.create_index(op.f('ix_account_events_unit_id'), TABLE, ['unit_id'])
    op.create_index('uq_users_lower_username', 'users', [sa.text('lower(username)')], unique=True)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            f"""
            CREATE FUNCTION refuse_account_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END;
            $$
            """
        )
        op.execute(
            f'CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} '
            'FOR EACH ROW EXECUTE FUNCTION refuse_account_event_change()'
        )
        op.execute(
            f'CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} '
            'FOR EACH STATEMENT EXECUTE FUNCTION refuse_account_event_change()'
        )
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} '
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade():
    op.drop_index('uq_users_lower_username', table_name='users')
    op.drop_table(TABLE)  # its triggers go with it
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION refuse_account_event_change()')
