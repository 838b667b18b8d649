"""text without invisible characters: the names, titles and file names stored before text.clean() dropped
zero-width spaces and joiners, BOMs, bidi overrides and control characters are cleaned the same way, and the
nominations' search key folded again, so that a "Nguy\u200bễn Văn Hậu" stored earlier is found as "Nguyễn Văn Hậu"
by the name search and the award history

Revision ID: e8b4f2a6c1d9
Revises: e6b2d8f4a1c7
Create Date: 2026-11-27 09:00:00

Data only: no schema change. Issued documents keep their bytes and the history its rows (both immutable). A
username whose cleaned form another account already has is left as it is. Downgrading leaves the text cleaned.
"""
from alembic import op
import sqlalchemy as sa

from workflow.text import clean, fold

revision = 'e8b4f2a6c1d9'
down_revision = 'e6b2d8f4a1c7'
branch_labels = None
depends_on = None

COLUMNS = {
    'nominations': ('nominee_name', 'position'),
    'units': ('name',),
    'campaigns': ('title',),
    'award_forms': ('name',),
    'review_periods': ('title',),
    'users': ('full_name',),
    'attachments': ('filename',),
    'document_templates': ('filename',),
}
SEARCH_KEY = 'nominee_search'  # nominations: the folded name (workflow.text.fold), folded again
BATCH = 5000  # rows read at a time: the national data holds 300,000 nominations


def upgrade():
    connection = op.get_bind()
    for name, columns in COLUMNS.items():
        searched = [SEARCH_KEY] if name == 'nominations' else []
        table = sa.table(name, sa.column('id'), *(sa.column(column) for column in [*columns, *searched]))
        for rows in _batches(connection, table):
            for row in rows:  # few rows hold invisible characters: one UPDATE each of those
                values = _cleaned(row, columns)
                if values:
                    connection.execute(table.update().where(table.c.id == row.id).values(values))
    _clean_usernames(connection)


def downgrade():
    pass


def _batches(connection, table):
    last = 0
    while True:
        query = sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        rows = connection.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _cleaned(row, columns) -> dict:
    """The row's changed values (none when cleaning changes nothing)."""
    values = {column: clean(getattr(row, column)) for column in columns if getattr(row, column) is not None}
    values = {column: value for column, value in values.items() if value != getattr(row, column)}
    if 'nominee_name' in values:
        values[SEARCH_KEY] = fold(values['nominee_name'])
    return values


def _clean_usernames(connection) -> None:
    users = sa.table('users', sa.column('id'), sa.column('username'))
    rows = connection.execute(sa.select(users)).all()
    taken = {row.username for row in rows}
    for row in rows:
        cleaned = clean(row.username)
        if cleaned != row.username and cleaned and cleaned not in taken:
            connection.execute(users.update().where(users.c.id == row.id).values(username=cleaned))
            taken.add(cleaned)
