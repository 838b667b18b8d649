"""The index behind "find a nominee by name, ignoring diacritics", which SQLAlchemy does not model.

`Nomination.nominee_search` holds the folded name (workflow.text.fold) and a search is "contains the folded query":
a plain LIKE '%…%' reads all the nominations. Each database gets an index that serves it:
- PostgreSQL: a pg_trgm GIN index. `CREATE EXTENSION pg_trgm` needs a superuser, or (PostgreSQL 13 and later, where
  pg_trgm is a trusted extension) the owner of the database.
- SQLite (3.34 or later): an FTS5 table with the trigram tokenizer whose content is the nominations table, kept in
  step by triggers. A quoted phrase matches exactly the rows that contain it.
A query shorter than 3 characters holds no trigram and falls back to the plain LIKE.

The migration creates these objects with create(); db.create_all() creates them too, through the table's
after_create event, so databases made without migrations (the tests') search the same way. Alembic's comparison
skips them (include_name).
"""

from sqlalchemy import Connection, Table, column, event, table, text

FTS_TABLE = "nominations_search"
TRIGRAM_INDEX = "ix_nominations_nominee_search_trgm"
SHORTEST = 3  # a trigram index finds substrings of at least 3 characters

_SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "nominee_search, content='nominations', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON nominations BEGIN "
    f"INSERT INTO {FTS_TABLE} (rowid, nominee_search) VALUES (new.id, new.nominee_search); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON nominations BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, nominee_search) VALUES ('delete', old.id, old.nominee_search); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF nominee_search ON nominations BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, nominee_search) VALUES ('delete', old.id, old.nominee_search); "
    f"INSERT INTO {FTS_TABLE} (rowid, nominee_search) VALUES (new.id, new.nominee_search); END",
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')",  # index the rows already there
]
_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX {TRIGRAM_INDEX} ON nominations USING gin (nominee_search gin_trgm_ops)",
]


def create(connection: Connection) -> None:
    """Create the search index of the nominations table (which must exist) and fill it."""
    statements = _SQLITE if connection.dialect.name == "sqlite" else _POSTGRESQL
    for statement in statements:
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    """Drop what create() made, except the pg_trgm extension, which other objects may use."""
    if connection.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{trigger}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    else:
        connection.execute(text(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}"))


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic (env.py, the migration tests): leave out the objects made here, which no model describes."""
    if type_ == "table":
        return not (name == FTS_TABLE or (name or "").startswith(f"{FTS_TABLE}_"))
    if type_ == "index":
        return name != TRIGRAM_INDEX
    return True


def attach(nominations: Table) -> None:
    """Make metadata.create_all() and drop_all() create and drop the index with the table."""
    event.listen(nominations, "after_create", lambda target, connection, **kw: create(connection))
    event.listen(nominations, "before_drop", lambda target, connection, **kw: drop(connection))


# What a query needs of the SQLite table: the rowid (a nomination's id) and the hidden column MATCH applies to.
fts = table(FTS_TABLE, column("rowid"), column(FTS_TABLE))
