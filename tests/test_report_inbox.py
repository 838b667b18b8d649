"""'Việc cần làm' for review-period reports, and the report workflow on the diagram page."""

import html
import re
from datetime import date

import pytest
from flask import url_for

from tests import factories
from tests.factories import make_user
from workflow import clock, permissions
from workflow.extensions import db
from workflow.services.reports import filing
from workflow.services.reports import inbox as report_inbox
from workflow.states import ReportState, Role


@pytest.fixture
def today(monkeypatch):
    """Sets the office's calendar day: `today(date(2026, 12, 20))`."""
    return lambda day: monkeypatch.setattr(clock, "today", lambda: day)


@pytest.fixture
def period(world):
    """District D's 2026 review: communes and agencies report, due 15/12/2026."""
    return factories.create_period(world)


def _url(app, endpoint, **values) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def _section(page, key) -> str:
    """The section's table, or "" when the page has none."""
    match = re.search(rf'<section id="{key}".*?</section>', page.text, re.S)
    return match.group(0) if match else ""


def _count(page, key) -> int | None:
    match = re.search(rf'data-count="{key}">(\d+)<', page.text)
    return int(match.group(1)) if match else None


def _tasks(page, key) -> list[str]:
    return re.findall(r'data-report-task="([\d-]+)"', _section(page, key))


def _row(page, key, period, unit) -> str:
    return _section(page, key).split(f'data-report-task="{period.id}-{unit.id}"')[1].split("</tr>")[0]


# Waiting for review ----------------------------------------------------------------------------------------------


def test_a_submitted_report_waits_for_the_commune_reviewer(app, world, client, auth, period):
    report = factories.create_report(world, period, world.c1, state=ReportState.submitted)
    auth.login("reviewer_c1")
    page = client.get("/")
    assert _count(page, "report_review") == 1
    assert _tasks(page, "report_review") == [f"{period.id}-{world.c1.id}"]
    row = _row(page, "report_review", period, world.c1)
    assert "Thị trấn Lạc Dương" in row and "Đã gửi, chờ duyệt" in row and "Gửi lần đầu 01/12/2026" in row
    assert f'href="{_url(app, "reports.report", report_id=report.id)}"' in row


def test_the_report_moves_to_the_next_level_once_the_commune_approves(world, client, auth, period):
    factories.create_report(world, period, world.c1, state=ReportState.commune_approved)
    auth.login("reviewer_c1")
    assert _count(client.get("/"), "report_review") == 0
    auth.logout()
    auth.login("reviewer_d")
    assert _tasks(client.get("/"), "report_review") == [f"{period.id}-{world.c1.id}"]


def test_a_reviewer_who_submitted_the_report_is_not_asked_to_review_it(world, client, auth, period):
    both = make_user("canbo_c1", [("clerk", world.c1), ("reviewer", world.c1)])
    report = filing.create(both, period, {"unit_id": world.c1.id, "results": "Tổ chức 12 buổi tuyên truyền."})
    filing.perform(both, report, "submit")
    db.session.commit()
    auth.login("canbo_c1")
    page = client.get("/")
    assert _count(page, "report_review") == 0 and _tasks(page, "report_review") == []
    auth.logout()
    auth.login("reviewer_c1")
    assert _count(client.get("/"), "report_review") == 1


def test_the_clerk_who_submitted_it_has_nothing_left_to_do_for_it(world, client, auth, period, today):
    today(date(2026, 12, 1))
    factories.create_report(world, period, world.c1, state=ReportState.submitted)
    auth.login("clerk_c1")
    page = client.get("/")
    assert _count(page, "report_review") is None
    assert _tasks(page, "report_owed") == [f"{period.id}-{world.a1.id}"]


# Reports still owed ---------------------------------------------------------------------------------------------


def test_the_clerk_sees_the_missing_reports_of_their_units_with_the_due_date(app, world, client, auth, period, today):
    today(date(2026, 12, 10))
    auth.login("clerk_c1")
    page = client.get("/")
    assert _count(page, "report_owed") == 2
    assert _tasks(page, "report_owed") == [f"{period.id}-{world.c1.id}", f"{period.id}-{world.a1.id}"]
    row = _row(page, "report_owed", period, world.c1)
    assert "15/12/2026" in row and "Chưa lập" in row and "Quá hạn" not in row
    link = _url(app, "reports.new_report", period_id=period.id, unit_id=world.c1.id)
    assert f'href="{link.replace("&", "&amp;")}"' in row


def test_a_missing_report_is_marked_late_after_the_due_date(world, client, auth, period, today):
    today(date(2026, 12, 16))
    auth.login("clerk_c1")
    row = _row(client.get("/"), "report_owed", period, world.c1)
    assert '<span class="badge text-bg-danger">Quá hạn</span>' in row


def test_drafts_and_returned_reports_are_owed_and_a_report_first_sent_in_time_is_not_late(
    app, world, client, auth, period, today
):
    draft = factories.create_report(world, period, world.c1)
    returned = factories.create_report(world, period, world.a1, state=ReportState.returned)
    today(date(2026, 12, 20))
    auth.login("clerk_c1")
    page = client.get("/")
    draft_row, returned_row = _row(page, "report_owed", period, world.c1), _row(page, "report_owed", period, world.a1)
    assert "Đang soạn" in draft_row and "Quá hạn" in draft_row
    assert f'href="{_url(app, "reports.report", report_id=draft.id)}"' in draft_row
    assert "Bị trả lại" in returned_row and "Quá hạn" not in returned_row
    assert f'href="{_url(app, "reports.report", report_id=returned.id)}"' in returned_row


def test_periods_that_ended_over_a_year_ago_ask_for_nothing(world, client, auth, today):
    factories.create_period(world, year=2024)
    today(date(2026, 6, 1))
    auth.login("clerk_c1")
    page = client.get("/")
    assert _count(page, "report_owed") == 0 and _section(page, "report_owed") == ""


def test_a_district_clerk_owes_the_reports_of_the_whole_district_and_others_none(world, client, auth, period):
    factories.create_report(world, period, world.c2, state=ReportState.accepted)
    auth.login("clerk_d")
    page = client.get("/")
    assert _count(page, "report_owed") == 3
    assert {t.split("-")[1] for t in _tasks(page, "report_owed")} == {str(u.id) for u in (world.c1, world.a1, world.ad)}
    auth.logout()
    auth.login("clerk_q1")
    assert _count(client.get("/"), "report_owed") == 0


def test_the_inbox_runs_the_same_queries_for_one_period_or_many(world, period, count_queries):
    factories.create_report(world, period, world.c1)

    def measured() -> tuple[int, int]:
        db.session.expire_all()
        permissions.role_units(world.clerk_d, *Role)  # the roles, as signing in loads them
        with count_queries() as statements:
            [owed] = report_inbox.inbox(world.clerk_d, today=date(2026, 12, 1))
        return len(statements), owed.total

    queries, owed = measured()
    assert owed == 4  # C1 (a draft), A1, C2, AD
    factories.create_period(world, kind="half_year", title="Sơ kết 6 tháng", ends_on="2026-06-30", due_on="2026-07-05")
    factories.create_period(world, world.p, levels=("district", "commune", "agency"))
    assert measured() == (queries, 4 + 4 + 5)  # the province's period also expects the district itself


# The workflow page -----------------------------------------------------------------------------------------------


def test_the_workflow_page_draws_the_report_machine(client, world, auth):
    auth.login("clerk_c1")
    page = client.get("/workflow")
    assert page.status_code == 200
    assert "Quy trình xét duyệt báo cáo sơ kết, tổng kết" in page.text
    sections = re.findall(r'<section class="mb-4" data-diagram="report">.*?</section>', page.text, re.S)
    reports = [html.unescape(section) for section in sections]
    assert len(reports) == 2
    assert "báo cáo của xã gửi huyện tổng hợp" in reports[0] and "báo cáo của xã gửi tỉnh tổng hợp" in reports[1]
    assert all('state "Đã tiếp nhận" as accepted' in r and "commune_approved --> accepted: Duyệt" in r for r in reports)
