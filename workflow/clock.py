"""The office's calendar day. Servers keep UTC; a decision signed at 06:30 in Hà Nội is dated that day, not the
day before, so dates come from the configured time zone (TIMEZONE, default Asia/Ho_Chi_Minh)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE) if has_app_context() else DEFAULT_TIMEZONE
    return ZoneInfo(name)


def today() -> date:
    return datetime.now(zone()).date()
