"""`flask users create` and `flask demo`, run through Flask's CLI runner against the test database."""

import pytest
from sqlalchemy import func, select

from workflow import demo
from workflow.errors import AuthenticationError
from workflow.extensions import db
from workflow.models import AccountEvent, AwardForm, Nomination, Unit, User
from workflow.services import auth, decisions, listing, nominations
from workflow.services.reports import consolidation, periods
from workflow.states import State


def _fresh_session():
    """The command ran in its own app context and session: read what it committed."""
    db.session.rollback()
    db.session.expire_all()


def test_users_create_makes_an_account_that_can_sign_in_with_its_role(world, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Lan.CanBo",
            "--password",
            "matkhau2026",
            "--role",
            "clerk",
            "--unit",
            "C1",
            "--full-name",
            "Nguyễn Thị Lan",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản “lan.canbo” (Cán bộ đơn vị)." in result.output

    _fresh_session()
    user = auth.authenticate("lan.canbo", "matkhau2026")
    assert user.full_name == "Nguyễn Thị Lan"
    assert [(r.role, r.unit_id) for r in user.roles] == [("clerk", world.c1.id)]
    with pytest.raises(AuthenticationError):
        auth.authenticate("lan.canbo", "sai-mat-khau1")
    # The new clerk really works in their unit.
    nominations.create(
        user,
        {
            "campaign_id": world.campaign_d.id,
            "award_form_id": world.form_d.id,
            "unit_id": world.c1.id,
            "nominee_kind": "individual",
            "nominee_name": "Cil Ha Sin",
        },
    )


def test_users_create_without_a_unit_makes_a_global_administrator(app, runner):
    result = runner.invoke(args=["users", "create", "quantri", "--password", "quantri2026", "--role", "admin"])
    assert result.exit_code == 0, result.output
    _fresh_session()
    user = auth.authenticate("quantri", "quantri2026")
    assert [(r.role, r.unit_id) for r in user.roles] == [("admin", None)]
    # The server's operator is no account: the record names no one, and nobody granted the role to themselves.
    recorded = select(AccountEvent.action, AccountEvent.role, AccountEvent.actor_id).order_by(AccountEvent.id)
    assert db.session.execute(recorded).all() == [("created", None, None), ("role_added", "admin", None)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--password", "matkhau2026", "--role", "clerk", "--unit", "KHONG-CO"], "Không có đơn vị mã “KHONG-CO”."),
        (["--password", "ngan1", "--role", "clerk", "--unit", "C1"], "Mật khẩu cần ít nhất 8 ký tự."),
        (["--password", "chicochu", "--role", "clerk", "--unit", "C1"], "Mật khẩu cần có cả chữ và số."),
        (["--password", "12345678", "--role", "clerk", "--unit", "C1"], "Mật khẩu cần có cả chữ và số."),
        (["--password", "matkhau2026", "--role", "clerk"], "Vai trò Cán bộ đơn vị cần gắn với một đơn vị."),
    ],
    ids=["unknown-unit", "short-password", "letters-only", "digits-only", "clerk-without-unit"],
)
def test_users_create_refuses_bad_input_with_a_vietnamese_message_and_a_failing_exit_code(world, runner, args, message):
    result = runner.invoke(args=["users", "create", "moi", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    _fresh_session()
    assert db.session.scalar(select(User).where(User.username == "moi")) is None


def test_users_create_refuses_a_username_already_taken(world, runner):
    result = runner.invoke(
        args=["users", "create", "CLERK_C1", "--password", "matkhau2026", "--role", "clerk", "--unit", "C1"]
    )
    assert result.exit_code != 0
    assert "Tên đăng nhập “clerk_c1” đã có." in result.output


@pytest.mark.parametrize(
    ("username", "wrong"),
    [("Lát.CanBo2", "“á” (U+00E1)"), ("admin\u200b", "ký tự ẩn U+200B"), ("cb dasar", "dấu cách")],
)
def test_users_create_refuses_a_username_that_would_look_like_another(world, runner, username, wrong):
    result = runner.invoke(
        args=["users", "create", username, "--password", "matkhau2026", "--role", "clerk", "--unit", "C1"]
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"Tên đăng nhập không được chứa {wrong}." in result.output
    assert "chữ cái không dấu a–z, chữ số và các dấu . _ -" in result.output


def test_users_create_refuses_an_unknown_role(world, runner):
    result = runner.invoke(args=["users", "create", "moi", "--password", "matkhau2026", "--role", "boss"])
    assert result.exit_code != 0
    _fresh_session()
    assert db.session.scalar(select(User).where(User.username == "moi")) is None


def test_demo_loads_lac_duong_and_binh_thuan_into_an_empty_database(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert demo.DEMO_PASSWORD in result.output
    _fresh_session()

    # Seed 003: 4 collectives and 5 individuals of Lạc Dương, approved by the district, awaiting the decision.
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == "Giấy khen của Chủ tịch UBND huyện Lạc Dương"))
    approved = db.session.scalars(
        select(Nomination).where(Nomination.award_form_id == form.id, Nomination.state == State.district_approved)
    ).all()
    collectives = sorted(n.nominee_name for n in approved if n.nominee_kind == "collective")
    individuals = sorted(n.nominee_name for n in approved if n.nominee_kind == "individual")
    assert collectives == sorted(name for _, name in demo.SEED_003_COLLECTIVES)
    assert len(collectives) == 4
    assert individuals == sorted(name for _, name, _ in demo.SEED_003_INDIVIDUALS)
    assert len(individuals) == 5
    district = db.session.scalar(select(Unit).where(Unit.code == "LD-LDG"))
    assert all(n.awaiting_role == "secretariat" and n.awaiting_unit_id == district.id for n in approved)

    # Bình Thuận: two levels, its communes sit right under the province.
    province = db.session.scalar(select(Unit).where(Unit.code == "BT"))
    children = db.session.scalars(select(Unit).where(Unit.parent_id == province.id)).all()
    assert {u.level for u in children} == {"commune", "agency"}
    assert not db.session.scalar(
        select(func.count()).select_from(Unit).where(Unit.path.startswith(province.path), Unit.level == "district")
    )
    binh_thuan = db.session.scalars(
        select(Nomination).join(Unit, Nomination.unit_id == Unit.id).where(Unit.path.startswith(province.path))
    ).all()
    assert binh_thuan
    assert all([s["level"] for s in n.review_chain] == ["commune", "province"] for n in binh_thuan)


def test_demo_accounts_sign_in_and_see_their_work(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    _fresh_session()
    district = auth.authenticate("ld.huyen", demo.DEMO_PASSWORD)
    secretariat = auth.authenticate("ld.thuongtruc", demo.DEMO_PASSWORD)
    assert auth.authenticate("admin", demo.DEMO_PASSWORD)
    decide = next(s for s in listing.inbox(secretariat) if s.key == "decide")
    assert decide.total == 9
    review = next(s for s in listing.inbox(district) if s.key == "review")
    assert review.total >= 1


def test_demo_refuses_a_database_that_already_has_data(world, runner):
    users_before = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "Cơ sở dữ liệu đã có dữ liệu" in result.output
    _fresh_session()
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before
    assert db.session.scalar(select(Unit).where(Unit.code == "LD-LDG")) is None


def test_demo_twice_refuses_the_second_time(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0
    _fresh_session()
    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.code == "LD")) == 1


def test_demo_if_empty_skips_quietly_when_there_is_data(world, runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "bỏ qua" in result.output
    _fresh_session()
    assert db.session.scalar(select(Unit).where(Unit.code == "LD-LDG")) is None


def test_demo_if_empty_loads_an_empty_database(app, runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    _fresh_session()
    assert db.session.scalar(select(func.count()).select_from(Nomination)) > 9


def test_demo_award_forms_carry_the_header_and_signature_of_their_decisions(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    _fresh_session()
    forms = {f.name: f for f in db.session.scalars(select(AwardForm))}
    lac_duong = forms["Giấy khen của Chủ tịch UBND huyện Lạc Dương"]
    assert (
        lac_duong.parent_body,
        lac_duong.issuing_body,
        lac_duong.decision_symbol,
        lac_duong.authority,
        lac_duong.signing_authority,
        lac_duong.signer_title,
        lac_duong.place,
    ) == (
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
        "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
        "QĐ-UBND",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lạc Dương",
    )
    binh_thuan = forms["Giấy khen của Giám đốc Công an tỉnh Bình Thuận"]
    assert (binh_thuan.parent_body, binh_thuan.issuing_body, binh_thuan.decision_symbol) == (
        "BỘ CÔNG AN",
        "CÔNG AN TỈNH BÌNH THUẬN",
        "QĐ-CAT",
    )
    assert (binh_thuan.authority, binh_thuan.signing_authority, binh_thuan.signer_title, binh_thuan.place) == (
        "GIÁM ĐỐC CÔNG AN TỈNH BÌNH THUẬN",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Bình Thuận",
    )
    assert all(f.issuing_body and f.authority and f.place for f in forms.values())

    # The seed 003 decision is a minute's work: the draft already says what the May 2023 one said.
    secretariat = auth.authenticate("ld.thuongtruc", demo.DEMO_PASSWORD)
    waiting = decisions.eligible(secretariat, lac_duong.id)
    assert len(waiting) == 9
    draft = decisions.create_draft(
        secretariat, {"award_form_id": lac_duong.id, "nomination_ids": [n.id for n in waiting]}
    )
    assert (draft.symbol, draft.issuing_body, draft.place) == (
        "QĐ-UBND",
        "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
        "Lạc Dương",
    )
    assert [i.nomination.nominee_kind for i in draft.items] == ["collective"] * 4 + ["individual"] * 5


def test_demo_reports_carry_seed_003s_ten_year_totals_and_this_years_work_in_progress(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    _fresh_session()
    district_reviewer = auth.authenticate("ld.huyen", demo.DEMO_PASSWORD)
    by_title = {p.title: p for p in periods.visible(district_reviewer)}
    phase = by_title["Tổng kết 10 năm phong trào Toàn dân bảo vệ ANTQ giai đoạn 2014–2023"]
    lac_duong = phase.owner_unit
    totals = consolidation.consolidate(district_reviewer, phase, lac_duong)
    seed = {code: totals.line(code).accepted.value for code in ("TT_BUOI", "TT_LUOT", "TB_TIN", "TB_VU", "VK_VU_KHI")}
    assert seed == {"TT_BUOI": 289, "TT_LUOT": 35_000, "TB_TIN": 480, "TB_VU": 70, "VK_VU_KHI": 85}
    safe = totals.line("AT_KDC").accepted
    assert (safe.value, safe.total, round(safe.ratio * 100, 1)) == (24, 34, 70.6)

    this_year = next(p for p in by_title.values() if p.owner_unit_id == lac_duong.id and p.parent_id is not None)
    now = consolidation.consolidate(district_reviewer, this_year, lac_duong)
    assert [s.unit.name for s in now.missing] == ["Thị trấn Lạc Dương"]
    assert now.counts["in_chain"] == 2 and now.counts["accepted"] == 1
    assert now.previous_period is not None and len(now.history) == 3
