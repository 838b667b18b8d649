from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

# Ids, versions and counts are PostgreSQL `integer` columns: a larger number sent in would make the query fail.
INT_MAX = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


# Timestamps are stored timezone-aware (UTC); SQLite gives them back naive, so read them through as_utc().
Timestamp = DateTime(timezone=True)


def as_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class HistoryEntry:
    """The columns of one row of a workflow's history (a nomination's, a report's); the row's owner is the
    subclass's own foreign key. Rows are append-only: see append_only()."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    @declared_attr
    def actor(cls) -> Mapped["User"]:  # noqa: F821
        return relationship("User", lazy="joined")


# The tables of append_only() models: the application's database role may only read and add to them
# (workflow.server.grant_application_role), and triggers refuse any change from any role (the migrations).
APPEND_ONLY_TABLES: set[str] = set()


def append_only(model, message: str) -> None:
    """Refuse any update or delete of `model`'s rows through the ORM: history is written with the change it
    records, never altered."""
    APPEND_ONLY_TABLES.add(model.__tablename__)

    def refuse(mapper, connection, target):
        raise RuntimeError(message)

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)
