"""Rules of workflow.services.admin that the pages rely on but cannot show on their own."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_user
from tests.test_concurrency import run_at_once
from workflow.errors import Conflict, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import AccountEvent, User
from workflow.models.base import as_utc, utcnow
from workflow.services import admin
from workflow.states import Role


def _account(username, roles):
    return {"username": username, "full_name": "Người mới", "password": "matkhau456", "roles": roles}


def test_a_clerk_cannot_create_an_account_even_without_roles(world):
    with pytest.raises(PermissionDenied):
        admin.create_user(world.clerk_c1, _account("khong_vai_tro", []))


def test_a_district_admin_must_give_a_new_account_a_role_in_their_scope(world):
    with pytest.raises(ValidationError) as refused:
        admin.create_user(world.admin_d, _account("mo_coi", []))
    assert refused.value.fields == {"roles": "Giao ít nhất một vai trò tại đơn vị thuộc phạm vi quản trị của bạn."}
    assert admin.create_user(world.admin, _account("quan_sat", [])).roles == []


def test_a_district_admin_cannot_touch_an_account_outside_the_district(world):
    with pytest.raises(PermissionDenied):
        admin.update_user(world.admin_d, world.clerk_q1, {"full_name": "Đổi tên"})
    with pytest.raises(PermissionDenied):
        admin.update_user(world.admin_d, world.admin, {"password": "chiemquyen1"})


def test_a_district_admin_manages_roles_but_not_the_identity_of_a_shared_account(world):
    shared = make_user("lanh_dao", [("reviewer", world.q), ("clerk", world.c1)])
    admin.update_user(
        world.admin_d,
        shared,
        {"full_name": shared.full_name, "active": True, "roles": [{"role": "reviewer", "unit_id": world.c1.id}]},
    )
    assert sorted((a.role, a.unit_id) for a in shared.roles) == [("reviewer", world.c1.id), ("reviewer", world.q.id)]
    for change in ({"active": False}, {"password": "matkhau789"}, {"full_name": "Tên khác"}):
        with pytest.raises(PermissionDenied):
            admin.update_user(world.admin_d, shared, change)
    assert shared.active is True


def test_a_district_secretariat_cannot_take_over_the_provinces_award_form(world):
    with pytest.raises(PermissionDenied):
        admin.save_award_form(
            world.secretariat_d,
            {"name": "Giấy khen của huyện", "owner_unit_id": world.d.id, "nominee_kinds": ["individual"]},
            world.form_p,
        )
    assert world.form_p.owner_unit_id == world.p.id


def test_a_district_secretariat_cannot_take_over_a_provincial_campaign(world):
    provincial = admin.save_campaign(
        world.root,
        {
            "title": "Phong trào tỉnh Lâm Đồng",
            "owner_unit_id": world.p.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "award_form_ids": [world.form_p.id],
        },
    )
    with pytest.raises(PermissionDenied):
        admin.save_campaign(
            world.secretariat_d,
            {
                "title": "Của huyện",
                "owner_unit_id": world.d.id,
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "award_form_ids": [world.form_d.id],
            },
            provincial,
        )
    assert provincial.owner_unit_id == world.p.id and provincial.title == "Phong trào tỉnh Lâm Đồng"


def test_a_unit_with_units_below_keeps_a_level_they_can_sit_under(world):
    with pytest.raises(ValidationError) as refused:
        admin.update_unit(
            world.root, world.c1, {"code": "C1", "name": world.c1.name, "level": "agency", "parent_id": world.d.id}
        )
    assert "Trường THCS Lạc Dương" in refused.value.fields["level"]
    moved = admin.update_unit(
        world.root, world.q1, {"code": "Q1", "name": "Phường Phan Thiết", "level": "agency", "parent_id": world.q.id}
    )
    assert moved.level == "agency"


def test_unit_tree_orders_by_level_then_name_and_measures_depth_from_the_top_in_scope(world):
    units = admin.units_in_scope(world.admin_d, *Role)
    assert [(u.code, depth) for u, depth in admin.unit_tree(units)] == [
        ("D", 0),
        ("C1", 1),
        ("A1", 2),
        ("C2", 1),
        ("AD", 1),
    ]


def test_the_decision_header_of_an_award_form_is_optional_and_kept_when_left_out(world):
    issuer = {
        "decision_symbol": "QĐ-CAT",
        "parent_body": "BỘ CÔNG AN",
        "issuing_body": "CÔNG AN TỈNH BÌNH THUẬN",
        "authority": "GIÁM ĐỐC CÔNG AN TỈNH BÌNH THUẬN",
        "signing_authority": "GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "place": "Bình Thuận",
    }
    base = {"name": world.form_q.name, "owner_unit_id": world.q.id, "nominee_kinds": ["individual"]}
    form = admin.save_award_form(world.secretariat_q, base | issuer, world.form_q)
    assert {key: getattr(form, key) for key in issuer} == issuer
    admin.save_award_form(world.secretariat_q, base | {"criteria": "Tiêu chuẩn mới."}, form)
    assert {key: getattr(form, key) for key in issuer} == issuer
    admin.save_award_form(world.secretariat_q, base | {"decision_symbol": " ", "place": ""}, form)
    assert (form.decision_symbol, form.place) == ("QĐ-UBND", "")
    for key, value in {"decision_symbol": "QĐ CAT", "place": "x" * 121, "authority": "A" * 256}.items():
        with pytest.raises(ValidationError) as error:
            admin.save_award_form(world.secretariat_q, base | {key: value}, form)
        assert key in error.value.fields


# Accounts: no self-granted roles, a record of every change, usernames that look like what they are ---------------


def _roles(user) -> list[tuple]:
    return sorted((a.role, a.unit_id) for a in user.roles)


def _record(user) -> list[tuple]:
    """The account's record, oldest first: (action, role, unit id, actor's username or None for the command line)."""
    rows = db.session.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id).order_by(AccountEvent.id))
    return [(e.action, e.role, e.unit_id, e.actor.username if e.actor else None) for e in rows]


def _own_roles_refused(actor, roles) -> None:
    with pytest.raises(ValidationError) as refused:
        admin.update_user(actor, actor, {"full_name": actor.full_name, "active": True, "roles": roles})
    assert refused.value.fields == {"roles": admin.OWN_ROLES}


def test_nobody_adds_changes_or_removes_their_own_roles_not_even_a_global_admin(world):
    district, whole = {"role": "admin", "unit_id": world.d.id}, {"role": "admin", "unit_id": None}
    _own_roles_refused(world.admin_d, [district, {"role": "reviewer", "unit_id": world.d.id}])  # add
    _own_roles_refused(world.admin_d, [{"role": "admin", "unit_id": world.c1.id}])  # change
    _own_roles_refused(world.admin, [])  # remove
    _own_roles_refused(world.admin, [whole, {"role": "secretariat", "unit_id": world.q.id}])
    db.session.expire_all()
    assert _roles(world.admin_d) == [("admin", world.d.id)] and _roles(world.admin) == [("admin", None)]
    assert _record(world.admin_d) == [("created", None, None, None), ("role_added", "admin", world.d.id, None)]
    # Saving one's own account with the roles it holds changes nothing, and is no grant.
    admin.update_user(world.admin_d, world.admin_d, {"full_name": "Phạm Minh Tuấn", "roles": [district]})
    assert world.admin_d.full_name == "Phạm Minh Tuấn" and _roles(world.admin_d) == [("admin", world.d.id)]


def test_another_administrator_changes_an_administrators_roles(world):
    roles = [{"role": "admin", "unit_id": world.d.id}, {"role": "reviewer", "unit_id": world.d.id}]
    admin.update_user(world.admin, world.admin_d, {"roles": roles})
    assert _roles(world.admin_d) == [("admin", world.d.id), ("reviewer", world.d.id)]
    second = make_user("admin_2", [("admin", None)])
    admin.update_user(second, world.admin, {"roles": []})
    assert _roles(world.admin) == []


def test_every_change_an_administrator_makes_to_an_account_is_recorded_with_who_whom_what_and_when(world):
    before = utcnow()
    user = admin.create_user(
        world.admin_d,
        {"username": "cb.moi", "password": "matkhau456", "roles": [{"role": "clerk", "unit_id": world.c1.id}]},
    )
    admin.update_user(world.admin_d, user, {"roles": [{"role": "reviewer", "unit_id": world.c2.id}]})
    admin.update_user(world.admin_d, user, {"active": False})
    admin.update_user(world.admin_d, user, {"active": True, "full_name": "Cán bộ mới"})
    admin.update_user(world.admin_d, user, {"active": True})  # no change, no row
    admin.update_user(world.admin_d, user, {"password": "matkhau789"})
    user.locked_until = utcnow() + timedelta(minutes=15)
    admin.unlock_user(world.admin_d, user)
    assert _record(user) == [
        ("created", None, None, "admin_d"),
        ("role_added", "clerk", world.c1.id, "admin_d"),
        ("role_removed", "clerk", world.c1.id, "admin_d"),
        ("role_added", "reviewer", world.c2.id, "admin_d"),
        ("deactivated", None, None, "admin_d"),
        ("reactivated", None, None, "admin_d"),
        ("password_reset", None, None, "admin_d"),
        ("unlocked", None, None, "admin_d"),
    ]
    times = db.session.scalars(select(AccountEvent.created_at).where(AccountEvent.user_id == user.id)).all()
    assert all(before <= as_utc(t) <= utcnow() for t in times)
    # An account made by the command line (or the demo loader) is recorded with no actor: no account did it.
    assert _record(world.clerk_c1) == [("created", None, None, None), ("role_added", "clerk", world.c1.id, None)]


def test_the_record_cannot_be_changed_or_deleted_through_the_orm(world):
    event = db.session.scalar(select(AccountEvent).where(AccountEvent.user_id == world.clerk_c1.id))
    event.action = "unlocked"
    with pytest.raises(RuntimeError, match="chỉ được ghi thêm"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.merge(event))
    with pytest.raises(RuntimeError, match="chỉ được ghi thêm"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("CB.DaSar", "cb.dasar"), ("  ld_xa-2 ", "ld_xa-2"), ("9a", "9a"), ("a" * 80, "a" * 80)],
)
def test_a_username_is_lowercase_ascii_letters_digits_dots_underscores_and_dashes(world, typed, stored):
    user = admin.create_user(world.admin, _account(typed, []))
    assert user.username == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("admin\u200b", "Tên đăng nhập không được chứa ký tự ẩn U+200B."),
        ("\u0430dmin", "Tên đăng nhập không được chứa “а” (U+0430)."),  # Cyrillic а, looks like a Latin a
        ("Lát.CanBo2", "Tên đăng nhập không được chứa “á” (U+00E1)."),
        ("la\u0301t", "Tên đăng nhập không được chứa “á” (U+00E1)."),  # typed in NFD: the same letter
        ("cb dasar", "Tên đăng nhập không được chứa dấu cách."),
        ("cb\u00a0dasar", "Tên đăng nhập không được chứa ký tự ẩn U+00A0."),
        ("cb@dasar", "Tên đăng nhập không được chứa “@”."),
        (".cb", "Tên đăng nhập phải bắt đầu bằng chữ cái hoặc chữ số."),
        ("a" * 81, "Tên đăng nhập tối đa 80 ký tự."),
        ("", "Vui lòng nhập tên đăng nhập."),
    ],
    ids=["zero-width", "cyrillic", "diacritic", "nfd", "space", "nbsp", "at", "dot-first", "too-long", "empty"],
)
def test_any_other_username_is_refused_saying_what_is_allowed(world, typed, message):
    accounts = db.session.scalar(select(func.count(User.id)))
    with pytest.raises(ValidationError) as refused:
        admin.create_user(world.admin, _account(typed, []))
    assert refused.value.fields["username"].startswith(message)
    if "không được chứa" in message:
        assert refused.value.fields["username"].endswith(admin.USERNAME_RULE)
    assert db.session.scalar(select(func.count(User.id))) == accounts


def test_a_username_is_taken_whatever_its_case_and_the_database_refuses_a_second_spelling(world):
    with pytest.raises(ValidationError) as refused:
        admin.create_user(world.admin, _account("Clerk_C1", []))
    assert refused.value.fields["username"] == "Tên đăng nhập “clerk_c1” đã có."
    # Below the service (a client writing SQL, say) the database still refuses "CLERK_C1" beside "clerk_c1".
    db.session.add(User(username="CLERK_C1", full_name="", password_hash="!"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_administrators_creating_one_name_at_once_make_one_account_and_the_other_is_told(app, world):
    admin_id = world.admin.id  # read here: each thread has a session of its own

    def create(username):
        def attempt(barrier):
            actor = db.session.get(User, admin_id)
            barrier.wait(timeout=10)
            admin.create_user(actor, _account(username, []))

        return attempt

    outcomes = run_at_once(app, [create("cb.moi"), create("CB.Moi")])

    # PostgreSQL: the unique index refuses the second, which is told the name is taken. SQLite, one writer at a
    # time: the second's snapshot is stale when it may write, a Conflict as any lost race there.
    assert sorted(outcomes) in (["Conflict", "done"], ["ValidationError", "done"]), outcomes
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id)).where(func.lower(User.username) == "cb.moi")) == 1


def test_unlocking_needs_a_locked_account_and_an_administrator_of_all_of_it(world):
    with pytest.raises(Conflict, match="không bị tạm khóa"):
        admin.unlock_user(world.admin_d, world.clerk_c1)
    shared = make_user("lanh_dao", [("reviewer", world.q), ("clerk", world.c1)])
    shared.locked_until = utcnow() + timedelta(minutes=10)
    assert admin.may_unlock(world.admin, shared) and not admin.may_unlock(world.admin_d, shared)
    with pytest.raises(PermissionDenied):
        admin.unlock_user(world.admin_d, shared)
    assert shared.lock_ends is not None and _record(shared)[-1][0] == "role_added"
    admin.unlock_user(world.admin, shared)
    assert shared.lock_ends is None and shared.failed_logins == 0
    assert _record(shared)[-1] == ("unlocked", None, None, "admin")
