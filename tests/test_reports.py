"""Review-period reports through the services: filing, the review chain, consolidation up the tree."""

from datetime import date

import pytest

from tests import factories
from workflow import machine
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.services.reports import consolidation, filing, periods
from workflow.states import ReportState


@pytest.fixture
def period(world):
    return factories.create_period(world)


# The district's subtree: C1 (with its school A1), C2, and the district's own boarding school AD.
# AT_KDC is a ratio: C1 has 1 of 2 residential areas up to standard (50 %), C2 9 of 10 (90 %). The average of the
# percentages is 70 %; the true share of the district is 10 of 12 = 83.3 %.
FIGURES = {
    "c1": {"TB_TIN": 10, "TB_VU": 2, "AT_KDC": (1, 2)},
    "a1": {"TB_TIN": 5, "AT_NHA_TRUONG": (1, 1)},
    "c2": {"TB_TIN": 20, "TB_VU": 3, "AT_KDC": (9, 10)},
    "ad": {"TB_TIN": 7, "AT_NHA_TRUONG": (0, 1)},
}


def file_all(world, period, state=ReportState.accepted, **states):
    return {
        code: factories.create_report(world, period, getattr(world, code), values=values, state=states.get(code, state))
        for code, values in FIGURES.items()
    }


def test_consolidation_sums_the_accepted_reports_of_the_whole_subtree(world, period):
    file_all(world, period)
    result = consolidation.consolidate(world.reviewer_d, period, world.d)
    assert result.line("TB_TIN").accepted.value == 10 + 5 + 20 + 7
    assert result.line("TB_VU").accepted.value == 5
    assert result.line("TB_TIN").accepted.reports == 4
    assert result.line("TT_BUOI").accepted.value == 0
    assert result.counts == {"expected": 4, "accepted": 4, "in_chain": 0, "missing": 0, "late": 0}


def test_a_ratio_is_summed_numerators_over_summed_denominators_not_an_average_of_percentages(world, period):
    file_all(world, period)
    line = consolidation.consolidate(world.reviewer_d, period, world.d).line("AT_KDC")
    assert (line.accepted.value, line.accepted.total) == (10, 12)
    assert line.accepted.ratio == pytest.approx(10 / 12)
    assert line.accepted.ratio != pytest.approx((1 / 2 + 9 / 10) / 2)
    school = consolidation.consolidate(world.reviewer_d, period, world.d).line("AT_NHA_TRUONG")
    assert (school.accepted.value, school.accepted.total) == (1, 2)


def test_drill_down_gives_each_child_its_subtree(world, period):
    file_all(world, period)
    result = consolidation.consolidate(world.reviewer_d, period, world.d)
    tin = {child.unit.code: child.figure(result.line("TB_TIN").indicator).value for child in result.children}
    assert tin == {"C1": 15, "C2": 20, "AD": 7}
    by_code = {child.unit.code: child for child in result.children}
    assert (by_code["C1"].expected, by_code["C1"].accepted) == (2, 2)


def test_a_commune_sees_its_own_subtree_only(world, period):
    file_all(world, period)
    result = consolidation.consolidate(world.reviewer_c1, period, world.c1)
    assert result.line("TB_TIN").accepted.value == 15
    assert [s.unit.code for s in result.statuses] == ["C1", "A1"]
    assert {c.unit.code: c.own for c in result.children} == {"C1": True, "A1": False}


def test_a_report_counts_at_every_level_that_has_approved_it(world, period):
    factories.create_report(world, period, world.c2, values=FIGURES["c2"], state=ReportState.commune_approved)
    at_commune = consolidation.consolidate(world.reviewer_c2, period, world.c2).line("TB_TIN")
    at_district = consolidation.consolidate(world.reviewer_d, period, world.d).line("TB_TIN")
    assert (at_commune.accepted.value, at_commune.provisional.value) == (20, 20)
    assert (at_district.accepted.value, at_district.provisional.value) == (0, 20)


def test_a_returned_report_drops_out_of_both_totals(world, period):
    reports = file_all(world, period, c2=ReportState.commune_approved)
    filing.perform(world.reviewer_d, reports["c2"], "return", comment="Số liệu tin báo chưa khớp sổ theo dõi.")
    db.session.commit()
    result = consolidation.consolidate(world.reviewer_d, period, world.d)
    assert result.line("TB_TIN").accepted.value == 22
    assert result.line("TB_TIN").provisional.value == 22
    assert [s.unit.code for s in result.missing] == ["C2"]
    assert consolidation.consolidate(world.reviewer_c2, period, world.c2).line("TB_TIN").accepted.value == 0


def test_provisional_total_includes_reports_still_in_the_chain(world, period):
    file_all(world, period, c1=ReportState.submitted, a1=ReportState.commune_approved)
    result = consolidation.consolidate(world.reviewer_d, period, world.d)
    assert result.line("TB_TIN").accepted.value == 27
    assert result.line("TB_TIN").provisional.value == 42
    assert result.counts["in_chain"] == 2


def test_units_without_a_report_are_missing_and_late_after_the_due_date(world, period):
    factories.create_report(world, period, world.c1, values=FIGURES["c1"], state=ReportState.accepted)
    factories.create_report(world, period, world.c2, values=FIGURES["c2"])
    before = consolidation.consolidate(world.reviewer_d, period, world.d, today=date(2026, 12, 10))
    after = consolidation.consolidate(world.reviewer_d, period, world.d, today=date(2026, 12, 20))
    assert sorted(s.unit.code for s in before.missing) == ["A1", "AD", "C2"]
    assert before.late == []
    assert sorted(s.unit.code for s in after.late) == ["A1", "AD", "C2"]
    assert {s.unit.code: s.title for s in after.statuses}["C2"] == "Đang soạn"
    assert {s.unit.code: s.title for s in after.statuses}["A1"] == "Chưa lập báo cáo"


def test_a_report_first_sent_after_the_due_date_stays_late(world, period):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"])
    filing.perform(world.clerk_c1, report, "submit", today=date(2026, 12, 18))
    db.session.commit()
    status = consolidation.consolidate(world.reviewer_d, period, world.d, today=date(2026, 12, 30)).statuses[0]
    assert (status.unit.code, status.late, status.submitted_on) == ("C1", True, date(2026, 12, 18))


def test_change_against_the_previous_period_of_the_same_kind(world, period):
    earlier = factories.create_period(world, year=2025)
    factories.create_report(world, earlier, world.c1, values={"TB_TIN": 30, "AT_KDC": (1, 4)}, state="accepted")
    file_all(world, period)
    result = consolidation.consolidate(world.reviewer_d, period, world.d)
    assert result.previous_period.id == earlier.id
    assert result.line("TB_TIN").change == 42 - 30
    assert result.line("AT_KDC").change == pytest.approx(round((10 / 12 - 1 / 4) * 100, 1))
    assert [p.id for p, _ in result.history] == [earlier.id, period.id]


def test_consolidation_is_refused_outside_the_actors_view_or_the_collecting_subtree(world, period):
    with pytest.raises(NotFound):
        consolidation.consolidate(world.reviewer_c1, period, world.d)
    with pytest.raises(NotFound):
        consolidation.consolidate(world.reviewer_q, period, world.q)


def test_consolidation_queries_do_not_grow_with_the_number_of_reports(world, period, count_queries):
    factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="accepted")
    db.session.expire_all()
    with count_queries() as one:
        consolidation.consolidate(world.reviewer_d, period, world.d)
    for code in ("a1", "c2", "ad"):
        factories.create_report(world, period, getattr(world, code), values=FIGURES[code], state="accepted")
    db.session.expire_all()
    with count_queries() as four:
        consolidation.consolidate(world.reviewer_d, period, world.d)
    assert len(four) == len(one)


def test_one_report_per_unit_and_period(world, period):
    factories.create_report(world, period, world.c1)
    with pytest.raises(Conflict, match="đã có báo cáo"):
        filing.create(world.clerk_c1, period, {"unit_id": world.c1.id})


def test_only_expected_units_report(world, period):
    with pytest.raises(ValidationError, match="không thuộc diện báo cáo"):
        filing.create(world.clerk_d, period, {"unit_id": world.d.id})
    commune_only = factories.create_period(world, levels=("commune",), year=2024)
    with pytest.raises(ValidationError):
        filing.create(world.clerk_a1, commune_only, {"unit_id": world.a1.id})


def test_a_clerk_files_only_for_their_own_subtree(world, period):
    with pytest.raises(PermissionDenied):
        filing.create(world.clerk_c2, period, {"unit_id": world.c1.id})
    assert [u.code for u in filing.filing_units(world.clerk_c1, period)] == ["C1", "A1"]


def test_figures_are_validated_per_field_and_nothing_is_saved(world, period):
    report = factories.create_report(world, period, world.c1, values={"TB_TIN": 4})
    with pytest.raises(ValidationError) as error:
        filing.update(
            world.clerk_c1,
            report,
            {"values": {"TB_TIN": "-3", "TB_VU": "1,5", "AT_KDC": {"value": 5, "total": 3}, "AT_XA": {"value": 1}}},
        )
    fields = error.value.fields
    assert fields["values.TB_TIN"].endswith("không được là số âm.")
    assert "số nguyên" in fields["values.TB_VU"]
    assert "không được lớn hơn tổng số" in fields["values.AT_KDC"]
    assert "cần nhập cả" in fields["values.AT_XA.total"]
    db.session.rollback()
    assert filing.figures(filing.get(world.clerk_c1, report.id)) == {"TB_TIN": {"value": 4, "total": None}}


def test_grouped_thousands_are_read_as_whole_numbers(world, period):
    report = factories.create_report(world, period, world.c1, values={"TT_LUOT": "35.000", "LN_PHIEU": "10,072"})
    assert filing.figures(report) == {
        "TT_LUOT": {"value": 35000, "total": None},
        "LN_PHIEU": {"value": 10072, "total": None},
    }


def test_the_chain_runs_up_to_the_collecting_unit_whose_approval_accepts(world, period):
    report = factories.create_report(world, period, world.a1, values=FIGURES["a1"])
    assert [step["unit_id"] for step in report.review_chain] == [world.c1.id, world.d.id]
    filing.perform(world.clerk_a1, report, "submit")
    assert (report.awaiting_role, report.awaiting_unit_id) == ("reviewer", world.c1.id)
    filing.perform(world.reviewer_c1, report, "approve")
    assert (report.state, report.cleared_unit_id) == ("commune_approved", world.c1.id)
    filing.perform(world.reviewer_d, report, "approve")
    assert (report.state, report.awaiting_role, report.cleared_unit_id) == ("accepted", None, world.d.id)
    assert [e.action for e in filing.history(report)] == ["create", "submit", "approve", "approve"]


def test_returning_needs_a_reason_and_the_clerk_resubmits(world, period):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="submitted")
    with pytest.raises(ValidationError, match="lý do"):
        filing.perform(world.reviewer_c1, report, "return")
    filing.perform(world.reviewer_c1, report, "return", comment="Thiếu số liệu hội nghị lắng nghe ý kiến.")
    assert (report.state, report.cleared_unit_id, report.awaiting_role) == ("returned", None, "clerk")
    filing.update(world.clerk_c1, report, {"values": {"LN_HOI_NGHI": 4}})
    filing.perform(world.clerk_c1, report, "submit")
    assert report.state == "submitted"


def test_review_permissions_follow_the_nomination_rules(world, period):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="submitted")
    assert filing.available_actions(world.reviewer_c2, report) == []
    with pytest.raises(PermissionDenied, match="lãnh đạo của cấp đang xét duyệt báo cáo"):
        filing.perform(world.reviewer_d, report, "approve")
    with pytest.raises(PermissionDenied):
        filing.perform(world.clerk_c1, report, "approve")
    assert [a.value for a in filing.available_actions(world.reviewer_c1, report)] == ["approve", "return"]


def test_nobody_approves_a_report_they_sent(world, period):
    both = factories.make_user("both_c1", [("clerk", world.c1), ("reviewer", world.c1)])
    report = filing.create(both, period, {"unit_id": world.c1.id, "results": "Kết quả."})
    filing.perform(both, report, "submit")
    with pytest.raises(PermissionDenied, match="tự duyệt báo cáo"):
        filing.perform(both, report, "approve")


def test_a_sent_report_cannot_be_edited_and_stale_versions_are_refused(world, period):
    report = factories.create_report(world, period, world.c1)
    stale = report.version
    filing.update(world.clerk_c1, report, {"results": "Bản sửa lần 1."}, version=stale)
    with pytest.raises(Conflict):
        filing.update(world.clerk_c1, report, {"results": "Bản sửa từ trang cũ."}, version=stale)
    filing.perform(world.clerk_c1, report, "submit")
    with pytest.raises(Conflict, match="không thể sửa"):
        filing.update(world.clerk_c1, report, {"results": "Sửa sau khi gửi."})


def test_submitting_needs_the_results_section(world, period):
    report = factories.create_report(world, period, world.c1, results="")
    with pytest.raises(ValidationError, match="kết quả thực hiện"):
        filing.perform(world.clerk_c1, report, "submit")


def test_reports_of_other_units_are_not_found(world, period):
    report = factories.create_report(world, period, world.c1)
    with pytest.raises(NotFound):
        filing.get(world.clerk_c2, report.id)
    with pytest.raises(NotFound):
        filing.get(world.clerk_q1, report.id)
    assert filing.get(world.reviewer_d, report.id) is report


def test_a_district_report_starts_from_what_the_district_consolidated(world):
    province = factories.create_period(world, world.p, levels=("district",))
    district = factories.create_period(world, parent_id=province.id)
    file_all(world, district)
    report = factories.create_report(world, province, world.d)
    source = filing.fill_from_consolidation(world.clerk_d, report)
    assert source.id == district.id
    assert filing.figures(report)["TB_TIN"] == {"value": 42, "total": None}
    assert filing.figures(report)["AT_KDC"] == {"value": 10, "total": 12}
    assert [step["unit_id"] for step in report.review_chain] == [world.d.id, world.p.id]


def test_without_its_own_period_a_district_has_nothing_to_start_from(world):
    province = factories.create_period(world, world.p, levels=("district",))
    report = factories.create_report(world, province, world.d)
    with pytest.raises(ValidationError, match="chưa mở kỳ tổng hợp"):
        filing.fill_from_consolidation(world.clerk_d, report)


def test_two_level_province_collects_from_its_communes(world):
    period = factories.create_period(world, world.q, levels=("commune",))
    report = factories.create_report(world, period, world.q1, values={"TB_TIN": 1000}, state="accepted")
    assert [step["unit_id"] for step in report.review_chain] == [world.q1.id, world.q.id]
    result = consolidation.consolidate(world.reviewer_q, period, world.q)
    assert result.line("TB_TIN").accepted.value == 1000


def test_periods_are_opened_by_the_collecting_units_secretariat(world):
    with pytest.raises(PermissionDenied):
        factories.create_period(world, commit=False, owner_unit_id=world.p.id)
    with pytest.raises(ValidationError) as error:
        periods.save(
            world.secretariat_d,
            {
                "owner_unit_id": world.d.id,
                "kind": "year",
                "title": "Tổng kết",
                "starts_on": "2026-12-31",
                "ends_on": "2026-01-01",
                "due_on": "2025-01-01",
                "reporting_levels": ["province"],
            },
        )
    assert set(error.value.fields) == {"ends_on", "due_on", "reporting_levels"}


def test_a_period_sees_who_may_see_it(world, period):
    assert period in periods.visible(world.clerk_a1)
    assert period in periods.visible(world.reviewer_p)
    assert period not in periods.visible(world.clerk_q1)
    with pytest.raises(NotFound):
        periods.get(world.clerk_q1, period.id)


def test_the_report_machine_has_no_reject_or_award(world):
    report_machine = machine.report_machine_for(("commune", "district"))
    assert set(report_machine.events) == {"submit", "approve", "return"}
    assert "accepted" in report_machine.states and "district_approved" not in report_machine.states
