"""Factories that build real objects through the services, so tests start from states the product can reach."""

from datetime import date, timedelta
from types import SimpleNamespace

from workflow import catalogue
from workflow.extensions import db
from workflow.models import Nomination, Report, ReviewPeriod
from workflow.services import admin, decisions, nominations
from workflow.services.reports import filing, periods
from workflow.states import ReportState, State

PASSWORD = "matkhau123"


def build_world() -> SimpleNamespace:
    """Province P › district D › communes C1, C2 (+ agency A1 under C1, agency AD under D);
    province Q › commune Q1 (two-level, since 2025). One account per role and unit. Committed."""
    root = admin.system_actor()
    w = SimpleNamespace(root=root)

    def unit(name, code, level, parent=None):
        made = admin.create_unit(
            root, {"code": code, "name": name, "level": level, "parent_id": parent.id if parent else None}
        )
        setattr(w, code.lower(), made)
        return made

    p = unit("Tỉnh Lâm Đồng", "P", "province")
    d = unit("Huyện Lạc Dương", "D", "district", p)
    c1 = unit("Thị trấn Lạc Dương", "C1", "commune", d)
    c2 = unit("Xã Đạ Sar", "C2", "commune", d)
    unit("Trường THCS Lạc Dương", "A1", "agency", c1)
    unit("Trường PTDTNT huyện Lạc Dương", "AD", "agency", d)
    q = unit("Tỉnh Bình Thuận", "Q", "province")
    unit("Phường Phan Thiết", "Q1", "commune", q)
    catalogue.seed()

    for username, role, unit_obj in [
        ("admin", "admin", None),
        ("admin_d", "admin", d),
        ("clerk_c1", "clerk", c1),
        ("reviewer_c1", "reviewer", c1),
        ("clerk_c2", "clerk", c2),
        ("reviewer_c2", "reviewer", c2),
        ("clerk_a1", "clerk", w.a1),
        ("clerk_ad", "clerk", w.ad),
        ("clerk_d", "clerk", d),
        ("reviewer_d", "reviewer", d),
        ("secretariat_d", "secretariat", d),
        ("reviewer_p", "reviewer", p),
        ("clerk_q1", "clerk", w.q1),
        ("reviewer_q1", "reviewer", w.q1),
        ("reviewer_q", "reviewer", q),
        ("secretariat_q", "secretariat", q),
        ("secretariat_p", "secretariat", p),
        ("clerk_q", "clerk", q),
    ]:
        setattr(w, username, make_user(username, [(role, unit_obj)]))

    both = ["collective", "individual"]
    w.form_d = admin.save_award_form(
        root, {"name": "Giấy khen của Chủ tịch UBND huyện Lạc Dương", "owner_unit_id": d.id, "nominee_kinds": both}
    )
    w.form_p = admin.save_award_form(
        root, {"name": "Giấy khen của Giám đốc Công an tỉnh Lâm Đồng", "owner_unit_id": p.id, "nominee_kinds": both}
    )
    w.form_q = admin.save_award_form(
        root,
        {
            "name": "Giấy khen của Giám đốc Công an tỉnh Bình Thuận",
            "owner_unit_id": q.id,
            "nominee_kinds": ["individual"],
        },
    )
    far = (date.today() + timedelta(days=365)).isoformat()
    w.campaign_d = admin.save_campaign(
        root,
        {
            "title": "Phong trào Toàn dân bảo vệ ANTQ huyện Lạc Dương",
            "owner_unit_id": d.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "nomination_deadline": far,
            "award_form_ids": [w.form_d.id, w.form_p.id],
        },
    )
    w.campaign_q = admin.save_campaign(
        root,
        {
            "title": "Phong trào Toàn dân bảo vệ ANTQ tỉnh Bình Thuận",
            "owner_unit_id": q.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "nomination_deadline": far,
            "award_form_ids": [w.form_q.id],
        },
    )
    db.session.commit()
    return w


CLOSED_CAMPAIGN = "Tổng kết 10 năm phong trào Toàn dân bảo vệ ANTQ giai đoạn 2014–2023"
CLOSED_MESSAGE = f"Đợt thi đua “{CLOSED_CAMPAIGN}” đã hết hạn nhận đề nghị (15/05/2023)."


def closed_campaign(w):
    """A campaign of the district whose nominations closed on 15/05/2023, as the demo's 10-year review did."""
    campaign = admin.save_campaign(
        w.root,
        {
            "title": CLOSED_CAMPAIGN,
            "owner_unit_id": w.d.id,
            "starts_on": "2014-01-01",
            "ends_on": "2023-12-31",
            "nomination_deadline": "2023-05-15",
            "award_form_ids": [w.form_d.id],
        },
    )
    db.session.commit()
    return campaign


def make_user(username, roles, password=PASSWORD):
    return admin.create_user(
        admin.system_actor(),
        {
            "username": username,
            "full_name": username.replace("_", " ").title(),
            "password": password,
            "roles": [{"role": role, "unit_id": unit.id if unit else None} for role, unit in roles],
        },
    )


def nomination_data(w, unit=None, *, form=None, campaign=None, kind="individual", name="Nguyễn Văn Hậu", **extra):
    unit = unit or w.c1
    return {
        "campaign_id": (campaign or w.campaign_d).id,
        "award_form_id": (form or w.form_d).id,
        "unit_id": unit.id,
        "nominee_kind": kind,
        "nominee_name": name,
        "position": "Tổ trưởng tổ tự quản",
        "achievements": "Phát hiện, tố giác 5 vụ trộm cắp.",
    } | extra


# The clerk and reviewers who walk a nomination of each unit up its chain.
CLERKS = {
    "c1": "clerk_c1",
    "c2": "clerk_c2",
    "a1": "clerk_a1",
    "ad": "clerk_ad",
    "q1": "clerk_q1",
    "d": "clerk_d",
    "q": "clerk_q",
}
REVIEWERS = {
    "C1": "reviewer_c1",
    "C2": "reviewer_c2",
    "D": "reviewer_d",
    "P": "reviewer_p",
    "Q1": "reviewer_q1",
    "Q": "reviewer_q",
}


def create_nomination(w, unit=None, *, state=State.draft, commit=True, **data) -> Nomination:
    """A nomination of `unit` (default C1) brought to `state` through the real workflow."""
    unit = unit or w.c1
    clerk = getattr(w, CLERKS[unit.code.lower()])
    nomination = nominations.create(clerk, nomination_data(w, unit, **data))
    state = State(state)
    if state == State.withdrawn:
        nominations.perform(clerk, nomination, "withdraw")
    elif state != State.draft:
        nominations.perform(clerk, nomination, "submit")
        for step in nomination.review_chain:
            if nomination.state == state or state in (State.returned, State.rejected):
                break
            reviewer = getattr(w, REVIEWERS[db.session.get(type(unit), step["unit_id"]).code])
            nominations.perform(reviewer, nomination, "approve")
        if state in (State.returned, State.rejected):
            reviewer = getattr(w, REVIEWERS[db.session.get(type(unit), nomination.review_chain[0]["unit_id"]).code])
            nominations.perform(
                reviewer,
                nomination,
                "return" if state == State.returned else "reject",
                comment="Bổ sung biên bản họp xét.",
            )
        assert nomination.state == state, f"could not reach {state}: stuck at {nomination.state}"
    if commit:
        db.session.commit()
    return nomination


# Seed 003 (Lạc Dương): 4 collectives and 5 individuals received the district chairman's Giấy khen.
SEED_003_COLLECTIVES = [
    "Đội PCCC tự quản thị trấn Lạc Dương",
    "Tổ Nhân dân tự quản về an ninh, trật tự",
    "Giáo xứ Lang Biang",
    "Chi hội Tin lành Đạ Sar",
]
SEED_003_INDIVIDUALS = ["Nguyễn Văn Hậu", "Bon Niêng Ha Thuyên", "Liêng Jrang K Hà", "Trần Thị Mai", "Đinh Văn Đạt"]


def seed_003_nominations(w) -> list[Nomination]:
    """The nine nominations of seed 003, fully approved, awaiting the district secretariat's decision."""
    kinds = [("collective", name) for name in SEED_003_COLLECTIVES] + [("individual", n) for n in SEED_003_INDIVIDUALS]
    return [
        create_nomination(w, w.c2 if "Đạ Sar" in name else w.c1, state=State.district_approved, kind=kind, name=name)
        for kind, name in kinds
    ]


def create_decision(w, nominations, *, issue=True, signer_name="Nguyễn Văn Sơn", **data):
    """A decision of the district secretariat (form_d) awarding `nominations`, issued unless told otherwise."""
    decision = decisions.create_draft(
        w.secretariat_d,
        {"award_form_id": w.form_d.id, "campaign_id": w.campaign_d.id, "nomination_ids": [n.id for n in nominations]}
        | {"signer_name": signer_name}
        | data,
    )
    if issue:
        decisions.issue(w.secretariat_d, decision)
    db.session.commit()
    return decision


def create_period(w, owner=None, *, levels=("commune", "agency"), kind="year", year=2026, commit=True, **data):
    """A review period collected by `owner` (default district D), opened by its secretariat."""
    owner = owner or w.d
    secretariat = {"D": w.secretariat_d, "P": w.secretariat_p, "Q": w.secretariat_q}[owner.code]
    period = periods.save(
        secretariat,
        {
            "owner_unit_id": owner.id,
            "kind": kind,
            "title": f"Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {year} – {owner.name}",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-12-31",
            "due_on": f"{year}-12-15",
            "reporting_levels": list(levels),
        }
        | data,
    )
    if commit:
        db.session.commit()
    return period


def create_report(
    w, period: ReviewPeriod, unit=None, *, state=ReportState.draft, values=None, commit=True, **data
) -> Report:
    """`unit`'s report (default C1) for the period with `values` ({code: n or (met, total)}), brought to
    `state` through the real workflow: submitted by its clerk, approved up the chain by each level's reviewer."""
    unit = unit or w.c1
    clerk = getattr(w, CLERKS[unit.code.lower()])
    figures = {
        code: {"value": v[0], "total": v[1]} if isinstance(v, tuple) else v for code, v in (values or {}).items()
    }
    report = filing.create(
        clerk,
        period,
        {"unit_id": unit.id, "results": "Tổ chức 12 buổi tuyên truyền, vận động.", "values": figures} | data,
    )
    state = ReportState(state)
    if state != ReportState.draft:
        filing.perform(clerk, report, "submit", today=date(period.ends_on.year, 12, 1))
        for step in report.review_chain:
            if report.state == state or state == ReportState.returned:
                break
            reviewer = getattr(w, REVIEWERS[db.session.get(type(unit), step["unit_id"]).code])
            filing.perform(reviewer, report, "approve")
        if state == ReportState.returned:
            reviewer = getattr(w, REVIEWERS[db.session.get(type(unit), report.review_chain[0]["unit_id"]).code])
            filing.perform(reviewer, report, "return", comment="Bổ sung số liệu mô hình tự quản.")
        assert report.state == state, f"could not reach {state}: stuck at {report.state}"
    if commit:
        db.session.commit()
    return report
