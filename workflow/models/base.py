from datetime import UTC, datetime

from sqlalchemy import DateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


# Timestamps are stored timezone-aware (UTC); SQLite gives them back naive, so read them through as_utc().
Timestamp = DateTime(timezone=True)


def as_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
