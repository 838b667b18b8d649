"""history is append-only: the database itself refuses to update or delete a history row

Revision ID: b71c3e5a2d40
Revises: 9eb003f8ea9d
Create Date: 2026-11-23 08:10:00

The ORM already refuses (models.base.append_only); these triggers refuse the same for any SQL, from any client.
"""
from alembic import op


revision = 'b71c3e5a2d40'
down_revision = '9eb003f8ea9d'
branch_labels = None
depends_on = None

HISTORY_TABLES = ("nomination_events", "report_events")
MESSAGE = "Lịch sử xử lý chỉ được ghi thêm, không được sửa hoặc xóa."


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END;
            $$
            """
        )
        for table in HISTORY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_history_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()"
            )
    else:
        for table in HISTORY_TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in HISTORY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION refuse_history_change()")
    else:
        for table in HISTORY_TABLES:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{event}")
