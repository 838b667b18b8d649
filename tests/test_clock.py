"""Dates are the office's calendar day (Asia/Ho_Chi_Minh by default), not the server's UTC date."""

from datetime import UTC, date, datetime

import pytest

from tests.factories import create_decision, create_nomination
from workflow import clock
from workflow.states import State

# 23:30 UTC on 31 May is 06:30 on 1 June in Hà Nội.
INSTANT = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)


class FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        return INSTANT.astimezone(tz) if tz else INSTANT.replace(tzinfo=None)


@pytest.fixture
def early_morning_in_hanoi(monkeypatch):
    monkeypatch.setattr(clock, "datetime", FrozenDatetime)


def test_today_is_the_vietnamese_calendar_day(app, early_morning_in_hanoi):
    assert clock.today() == date(2026, 6, 1)


def test_the_time_zone_is_a_setting(app, early_morning_in_hanoi):
    app.config["TIMEZONE"] = "UTC"
    assert clock.today() == date(2026, 5, 31)


def test_a_decision_issued_at_dawn_in_hanoi_is_dated_that_day(world, early_morning_in_hanoi):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    assert decision.issued_on == date(2026, 6, 1)
