"""The administration pages: units, accounts and roles, award forms and campaigns, each within the user's scope."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func

from tests.factories import PASSWORD, make_user
from workflow.extensions import db
from workflow.models import AccountEvent, AwardForm, Campaign, Unit, User
from workflow.models.base import as_utc, utcnow
from workflow.services import admin
from workflow.services.auth import BAD_LOGIN


def _fresh(model, obj_id):
    db.session.expire_all()
    return db.session.get(model, obj_id)


def _unit(code) -> Unit:
    db.session.expire_all()
    return admin.unit_by_code(code)


def _user(username) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.username == username))


def _codes(page) -> list[str]:
    return re.findall(r'data-unit="([^"]+)"', page.text)


def _usernames(page) -> list[str]:
    return re.findall(r'data-user="([^"]+)"', page.text)


def _unit_form(unit=None, **overrides):
    data = {"code": "", "name": "", "level": "commune", "parent_id": ""}
    if unit is not None:
        data |= {"code": unit.code, "name": unit.name, "level": unit.level, "parent_id": unit.parent_id or ""}
    return data | overrides


def _role_rows(*rows, blanks=2):
    data = {}
    for index, (role, unit) in enumerate([*rows, *[("", None)] * blanks]):
        data[f"role_rows-{index}-role"] = role
        data[f"role_rows-{index}-unit_id"] = unit.id if unit else ""
    return data


# The index ---------------------------------------------------------------------------------------------------

EVERY_CARD = [
    "Đơn vị",
    "Tài khoản & vai trò",
    "Hình thức khen thưởng",
    "Đợt thi đua",
    "Chỉ tiêu báo cáo",
    "Mẫu văn bản",
    "Tài liệu API",
]
CATALOGUES = ["Đơn vị", "Hình thức khen thưởng", "Đợt thi đua", "Chỉ tiêu báo cáo"]


@pytest.mark.parametrize(
    ("username", "cards", "read_only"),
    [
        ("admin", EVERY_CARD, []),
        ("admin_d", EVERY_CARD, ["Chỉ tiêu báo cáo"]),
        ("secretariat_d", [*CATALOGUES, "Mẫu văn bản", "Tài liệu API"], ["Đơn vị", "Chỉ tiêu báo cáo"]),
        ("clerk_c1", [*CATALOGUES, "Tài liệu API"], CATALOGUES),
    ],
)
def test_index_shows_the_cards_the_users_rights_allow(world, client, auth, username, cards, read_only):
    auth.login(username)
    page = client.get("/admin/")
    assert page.status_code == 200
    shown = re.findall(r'card-title">([^<]+)</h2>\s*<p[^>]*>([^<]+)</p>', page.text)
    assert [title for title, _ in shown] == [c.replace("&", "&amp;") for c in cards]
    assert [title for title, text in shown if "Chỉ xem." in text] == read_only


# Units -------------------------------------------------------------------------------------------------------


def test_global_admin_sees_the_whole_tree_in_order_with_levels_and_indentation(world, client, auth):
    auth.login("admin")
    page = client.get("/admin/units/")
    assert _codes(page) == ["P", "D", "C1", "A1", "C2", "AD", "Q", "Q1"]  # tree order (by path)
    row = page.text.split('data-unit="A1"')[1].split("</tr>")[0]
    assert 'class="ps-5"' in row and "Trường THCS Lạc Dương" in row
    assert "Cơ quan, doanh nghiệp, nhà trường" in row
    assert page.text.count(">Sửa</a>") == 8


def test_district_admin_sees_only_the_district_subtree(world, client, auth):
    auth.login("admin_d")
    page = client.get("/admin/units/")
    assert _codes(page) == ["D", "C1", "A1", "C2", "AD"]
    assert "Tỉnh Lâm Đồng" not in page.text and "Phường Phan Thiết" not in page.text
    assert '<td class="ps-2">' in page.text.split('data-unit="C1"')[1].split("</tr>")[0]
    assert '<td class="ps-0">Huyện Lạc Dương</td>' in page.text


def test_clerk_browses_their_units_read_only(world, client, auth):
    auth.login("clerk_c1")
    page = client.get("/admin/units/")
    assert _codes(page) == ["C1", "A1"]
    assert "Cấp xã" in page.text and "chỉ xem" in page.text
    assert ">Sửa</a>" not in page.text and "+ Thêm đơn vị" not in page.text


def test_district_admin_adds_a_commune_under_the_district(world, client, auth):
    auth.login("admin_d")
    form = client.get(f"/admin/units/new?parent_id={world.d.id}")
    assert f'<option selected value="{world.d.id}">Huyện Lạc Dương (D)</option>' in form.text
    page = client.post(
        "/admin/units/new", data=_unit_form(code="C3", name="Xã Đưng K’Nớ", parent_id=world.d.id), follow_redirects=True
    )
    assert page.status_code == 200 and "Đã thêm đơn vị “Xã Đưng K’Nớ”." in page.text
    unit = _unit("C3")
    assert (unit.name, unit.level, unit.parent_id) == ("Xã Đưng K’Nớ", "commune", world.d.id)
    assert unit.path == f"{world.d.path}{unit.id}/"
    assert "C3" in _codes(page)


def test_admin_renames_and_recodes_a_unit(world, client, auth):
    auth.login("admin_d")
    page = client.post(
        f"/admin/units/{world.c2.id}/edit",
        follow_redirects=True,
        data=_unit_form(world.c2, code="LD-DASAR", name="Xã Đạ Sar (mới)"),
    )
    assert "Đã lưu đơn vị “Xã Đạ Sar (mới)”." in page.text
    unit = _fresh(Unit, world.c2.id)
    assert (unit.code, unit.name, unit.parent_id) == ("LD-DASAR", "Xã Đạ Sar (mới)", world.d.id)


def test_moving_a_commune_under_its_province_rewrites_the_subtree_paths(world, client, auth):
    auth.login("admin")
    page = client.post(
        f"/admin/units/{world.c1.id}/edit", follow_redirects=True, data=_unit_form(world.c1, parent_id=world.p.id)
    )
    assert page.status_code == 200
    c1, a1, c2 = _unit("C1"), _unit("A1"), _unit("C2")
    assert c1.parent_id == world.p.id and c1.path == f"/{world.p.id}/{c1.id}/"
    assert a1.parent_id == c1.id and a1.path == f"/{world.p.id}/{c1.id}/{a1.id}/"
    assert c2.path == f"/{world.p.id}/{world.d.id}/{c2.id}/"
    assert _codes(page) == ["P", "D", "C2", "AD", "C1", "A1", "Q", "Q1"]


def test_a_duplicate_unit_code_is_refused_and_the_typed_values_are_kept(world, client, auth):
    auth.login("admin_d")
    page = client.post("/admin/units/new", data=_unit_form(code="C2", name="Xã Lát", parent_id=world.d.id))
    assert page.status_code == 422
    assert "Mã “C2” đã dùng cho Xã Đạ Sar." in page.text
    assert 'value="Xã Lát"' in page.text and 'value="C2"' in page.text
    assert db.session.scalar(db.select(db.func.count(Unit.id))) == 8


def test_a_missing_name_is_refused_in_vietnamese(world, client, auth):
    auth.login("admin_d")
    page = client.post("/admin/units/new", data=_unit_form(code="C9", parent_id=world.d.id))
    assert page.status_code == 422
    assert "Vui lòng nhập tên đơn vị." in page.text and 'value="C9"' in page.text


def test_district_admin_cannot_create_a_province_level_unit(world, client, auth):
    auth.login("admin_d")
    under_district = client.post(
        "/admin/units/new", data=_unit_form(code="P2", name="Tỉnh Lạ", level="province", parent_id=world.d.id)
    )
    assert under_district.status_code == 422
    assert "Cấp tỉnh không thể trực thuộc cấp huyện." in under_district.text
    as_root = client.post(
        "/admin/units/new",
        follow_redirects=True,
        data=_unit_form(code="P2", name="Tỉnh Lạ", level="province", parent_id=""),
    )
    assert "Bạn không có quyền quản trị đơn vị này." in as_root.text
    assert db.session.scalar(db.select(Unit).where(Unit.code == "P2")) is None


def test_changing_a_level_that_would_strand_the_units_below_is_refused(world, client, auth):
    auth.login("admin")
    page = client.post(f"/admin/units/{world.d.id}/edit", data=_unit_form(world.d, level="commune"))
    assert page.status_code == 422
    assert "Không thể chuyển thành cấp xã" in page.text
    assert _unit("D").level == "district"


def test_a_unit_outside_the_scope_is_not_found_and_a_clerk_may_not_edit_their_own(world, client, auth):
    auth.login("admin_d")
    assert client.get(f"/admin/units/{world.q1.id}/edit").status_code == 404
    assert client.get(f"/admin/units/{world.p.id}/edit").status_code == 404
    auth.logout()
    auth.login("clerk_c1")
    assert client.get(f"/admin/units/{world.c1.id}/edit").status_code == 403
    refused = client.post(
        f"/admin/units/{world.c1.id}/edit", data=_unit_form(world.c1, name="Đổi tên"), follow_redirects=True
    )
    assert refused.status_code == 403
    assert _unit("C1").name == "Thị trấn Lạc Dương"


ONLY_ADMINS = "Chỉ quản trị hệ thống của đơn vị mới được thực hiện thao tác này."
ONLY_SECRETARIAT = "Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị mới được quản lý"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/admin/units/new", ONLY_ADMINS),
        ("/admin/users/new", ONLY_ADMINS),
        ("/admin/users/", ONLY_ADMINS),
        ("/admin/award-forms/new", ONLY_SECRETARIAT),
        ("/admin/campaigns/new", ONLY_SECRETARIAT),
    ],
)
def test_a_clerk_gets_403_on_administration_pages(world, client, auth, url, message):
    auth.login("clerk_c1")
    page = client.get(url)
    assert page.status_code == 403
    assert message in page.text


def test_administration_pages_need_a_login(world, client):
    for url in ("/admin/", "/admin/units/", "/admin/campaigns/new"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_clerk_posting_a_create_form_changes_nothing(world, client, auth):
    auth.login("clerk_c1")
    page = client.post(
        "/admin/units/new", data=_unit_form(code="C7", name="Xã Bảy", parent_id=world.c1.id), follow_redirects=True
    )
    assert page.status_code == 403
    users = client.post(
        "/admin/users/new",
        follow_redirects=True,
        data={
            "username": "ke_gian",
            "full_name": "Kẻ gian",
            "password": "matkhau999",
            "confirm": "matkhau999",
            **_role_rows(blanks=3),
        },
    )
    assert users.status_code == 403
    assert db.session.scalar(db.select(Unit).where(Unit.code == "C7")) is None
    assert _user("ke_gian") is None


# Users and roles ----------------------------------------------------------------------------------------------


def test_district_admin_lists_only_accounts_of_the_district(world, client, auth):
    auth.login("admin_d")
    names = _usernames(client.get("/admin/users/"))
    assert names == [
        "admin_d",
        "clerk_a1",
        "clerk_ad",
        "clerk_c1",
        "clerk_c2",
        "clerk_d",
        "reviewer_c1",
        "reviewer_c2",
        "reviewer_d",
        "secretariat_d",
    ]


def test_global_admin_lists_every_account_with_roles_and_state(world, client, auth):
    auth.login("admin")
    page = client.get("/admin/users/")
    assert len(_usernames(page)) == 18
    row = page.text.split('data-user="reviewer_q1"')[1].split("</tr>")[0]
    assert "Lãnh đạo duyệt, xét – Phường Phan Thiết" in row and "Đang hoạt động" in row
    assert "Quản trị hệ thống – toàn hệ thống" in page.text


def test_admin_creates_an_account_with_two_roles(world, client, auth):
    auth.login("admin_d")
    page = client.post(
        "/admin/users/new",
        follow_redirects=True,
        data={
            "username": "CanBo_DaSar",
            "full_name": "Nguyễn Thị Lan",
            "password": "matkhau456",
            "confirm": "matkhau456",
            **_role_rows(("clerk", world.c2), ("reviewer", world.ad), blanks=0),
        },
    )
    assert "Đã tạo tài khoản “canbo_dasar”." in page.text
    user = _user("canbo_dasar")
    assert user.full_name == "Nguyễn Thị Lan" and user.active and user.check_password("matkhau456")
    assert sorted((a.role, a.unit_id) for a in user.roles) == [("clerk", world.c2.id), ("reviewer", world.ad.id)]


def test_admin_edits_name_password_and_roles(world, client, auth):
    auth.login("admin_d")
    form = client.get(f"/admin/users/{world.clerk_c1.id}/edit")
    assert 'value="Clerk C1"' in form.text and form.text.count('name="role_rows-') == 8
    page = client.post(
        f"/admin/users/{world.clerk_c1.id}/edit",
        follow_redirects=True,
        data={
            "full_name": "Trần Văn Bình",
            "active": "y",
            "password": "matkhaumoi1",
            "confirm": "matkhaumoi1",
            **_role_rows(("", world.c1), ("reviewer", world.c2)),
        },
    )
    assert "Đã lưu tài khoản “clerk_c1”." in page.text
    user = _user("clerk_c1")
    assert user.full_name == "Trần Văn Bình" and user.check_password("matkhaumoi1")
    assert [(a.role, a.unit_id) for a in user.roles] == [("reviewer", world.c2.id)]


def test_a_weak_password_is_refused_and_the_typed_values_are_kept(world, client, auth):
    auth.login("admin_d")
    page = client.post(
        "/admin/users/new",
        data={
            "username": "cb_moi",
            "full_name": "Lê Văn Cường",
            "password": "12345678",
            "confirm": "12345678",
            **_role_rows(("clerk", world.c2)),
        },
    )
    assert page.status_code == 422
    assert "Mật khẩu cần có cả chữ và số." in page.text
    assert 'value="cb_moi"' in page.text and 'value="Lê Văn Cường"' in page.text
    assert f'<option selected value="{world.c2.id}">' in page.text
    assert _user("cb_moi") is None


def test_a_role_without_a_unit_is_refused_with_a_message_above_the_roles(world, client, auth):
    auth.login("admin")
    page = client.post(
        "/admin/users/new",
        data={
            "username": "cb_moi",
            "full_name": "Lê Văn Cường",
            "password": "matkhau456",
            "confirm": "matkhau456",
            **_role_rows(("clerk", None)),
        },
    )
    assert page.status_code == 422
    assert "Vai trò Cán bộ đơn vị cần gắn với một đơn vị." in page.text
    assert _user("cb_moi") is None


def test_district_admin_cannot_grant_a_global_admin_role(world, client, auth):
    auth.login("admin_d")
    page = client.post(
        "/admin/users/new",
        follow_redirects=True,
        data={
            "username": "sieu_quan_tri",
            "full_name": "Siêu quản trị",
            "password": "matkhau456",
            "confirm": "matkhau456",
            **_role_rows(("admin", None)),
        },
    )
    assert "Bạn không được giao vai trò tại đơn vị ngoài phạm vi quản trị của mình." in page.text
    assert _user("sieu_quan_tri") is None
    edit = client.post(
        f"/admin/users/{world.clerk_c1.id}/edit",
        follow_redirects=True,
        data={"full_name": "Clerk C1", "active": "y", **_role_rows(("clerk", world.c1), ("admin", None))},
    )
    assert "ngoài phạm vi quản trị" in edit.text
    assert [(a.role, a.unit_id) for a in _user("clerk_c1").roles] == [("clerk", world.c1.id)]


def test_district_admin_keeps_roles_outside_their_scope_and_cannot_reset_that_account(world, client, auth):
    shared = make_user("lanh_dao", [("reviewer", world.q), ("clerk", world.c1)])
    db.session.commit()
    auth.login("admin_d")
    form = client.get(f"/admin/users/{shared.id}/edit")
    assert "Vai trò ngoài phạm vi quản trị của bạn (giữ nguyên):" in form.text and "Tỉnh Bình Thuận" in form.text
    client.post(
        f"/admin/users/{shared.id}/edit",
        data={"full_name": "Lanh Dao", "active": "y", **_role_rows(("reviewer", world.c1))},
    )
    assert sorted((a.role, a.unit_id) for a in _user("lanh_dao").roles) == [
        ("reviewer", world.c1.id),
        ("reviewer", world.q.id),
    ]
    page = client.post(
        f"/admin/users/{shared.id}/edit",
        follow_redirects=True,
        data={
            "full_name": "Lanh Dao",
            "active": "y",
            "password": "chiemquyen1",
            "confirm": "chiemquyen1",
            **_role_rows(("reviewer", world.c1)),
        },
    )
    assert "chỉ quản trị cấp trên mới được đổi tên, đặt lại mật khẩu, khóa hoặc mở khóa tài khoản" in page.text
    assert _user("lanh_dao").check_password(PASSWORD)


def test_an_account_outside_the_scope_is_not_found(world, client, auth):
    auth.login("admin_d")
    assert client.get(f"/admin/users/{world.clerk_q1.id}/edit").status_code == 404
    assert client.get(f"/admin/users/{world.admin.id}/edit").status_code == 404


def test_deactivating_a_user_logs_them_out_at_once(app, world, client, auth):
    victim = app.test_client()
    victim.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert victim.get("/").status_code == 200
    auth.login("admin_d")
    page = client.post(
        f"/admin/users/{world.clerk_c1.id}/edit",
        follow_redirects=True,
        data={"full_name": "Clerk C1", **_role_rows(("clerk", world.c1))},
    )
    assert "Đã khóa" in page.text.split('data-user="clerk_c1"')[1].split("</tr>")[0]
    assert _user("clerk_c1").active is False
    response = victim.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    again = victim.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert again.status_code == 401 and BAD_LOGIN in again.text  # as a wrong password: the password stays secret


def test_an_admin_cannot_lock_themselves_out(world, client, auth):
    auth.login("admin_d")
    page = client.post(
        f"/admin/users/{world.admin_d.id}/edit", data={"full_name": "Admin D", **_role_rows(("admin", world.d))}
    )
    assert page.status_code == 422 and "Không thể tự khóa tài khoản của chính mình." in page.text
    assert _user("admin_d").active is True


# Self-granted roles, the record of accounts, look-alike usernames, lock-outs -------------------------------------


def _record(username) -> list[tuple]:
    """(action, role, unit id, actor's username) of an account's record, oldest first."""
    user = _user(username)
    rows = db.session.scalars(db.select(AccountEvent).where(AccountEvent.user_id == user.id).order_by(AccountEvent.id))
    return [(e.action, e.role, e.unit_id, e.actor.username if e.actor else None) for e in rows]


def _roles_fieldset(page) -> str:
    return page.text.split("<legend")[1].split("</fieldset>")[0]


def test_a_unit_admin_giving_themselves_a_role_is_refused_next_to_the_roles_with_everything_typed_kept(
    world, client, auth
):
    """The security review's case: ld.quantri gave himself "reviewer" at the district through this page."""
    auth.login("admin_d")
    own = client.get(f"/admin/users/{world.admin_d.id}/edit")
    assert "Đây là tài khoản của bạn" in _roles_fieldset(own)
    page = client.post(
        f"/admin/users/{world.admin_d.id}/edit",
        data={"full_name": "Phạm Minh Tuấn", "active": "y", **_role_rows(("admin", world.d), ("reviewer", world.d))},
    )
    assert page.status_code == 422
    assert admin.OWN_ROLES in _roles_fieldset(page) and "Chưa lưu được" in page.text
    assert 'value="Phạm Minh Tuấn"' in page.text
    second_row = page.text.split('name="role_rows-1-role"')[1].split("</select>")[0]
    assert '<option selected value="reviewer">' in second_row
    assert [(a.role, a.unit_id) for a in _user("admin_d").roles] == [("admin", world.d.id)]
    assert _user("admin_d").full_name == "Admin D"
    assert _record("admin_d") == [("created", None, None, None), ("role_added", "admin", world.d.id, None)]


def test_a_global_admin_cannot_drop_their_own_role_but_another_admin_can(world, client, auth):
    make_user("admin_2", [("admin", None)])
    db.session.commit()
    auth.login("admin")
    page = client.post(
        f"/admin/users/{world.admin.id}/edit", data={"full_name": "Admin", "active": "y", **_role_rows()}
    )
    assert page.status_code == 422 and admin.OWN_ROLES in _roles_fieldset(page)
    auth.logout()
    auth.login("admin_2")
    done = client.post(
        f"/admin/users/{world.admin.id}/edit", data={"full_name": "Admin", "active": "y", **_role_rows()}
    )
    assert done.status_code == 302 and _user("admin").roles == []
    assert _record("admin")[-1] == ("role_removed", "admin", None, "admin_2")


def test_the_account_page_shows_its_record_who_did_what_and_when(world, client, auth):
    auth.login("admin_d")
    client.post(
        f"/admin/users/{world.clerk_c1.id}/edit",
        data={"full_name": "Clerk C1", **_role_rows(("clerk", world.c1), ("reviewer", world.c2))},
    )
    page = client.get(f"/admin/users/{world.clerk_c1.id}/edit")
    history = page.text.split('id="account-history"')[1]
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in history.split("<tr data-event=")[1:]]
    assert len(rows) == 4
    assert "Giao vai trò: Lãnh đạo duyệt, xét – Xã Đạ Sar admin_d Admin D" in rows[0]
    assert "Khóa tài khoản admin_d Admin D" in rows[1]  # "active" was left unticked
    assert "Giao vai trò: Cán bộ đơn vị – Thị trấn Lạc Dương Hệ thống (dòng lệnh)" in rows[2]
    assert "Tạo tài khoản Hệ thống (dòng lệnh)" in rows[3]
    assert re.match(r'"\w+"> \d\d:\d\d \d\d/\d\d/\d{4} ', rows[0])


def test_the_record_list_shows_a_unit_admin_the_grants_of_their_subtree_and_a_global_admin_all(world, client, auth):
    admin.update_user(world.admin, world.clerk_q1, {"roles": [{"role": "reviewer", "unit_id": world.q1.id}]})
    admin.update_user(world.admin, world.clerk_c1, {"roles": [{"role": "secretariat", "unit_id": world.c1.id}]})
    for n in range(4):
        make_user(f"clerk_q1_{n}", [("clerk", world.q1)])
    shared = make_user("lanh_dao", [("reviewer", world.q), ("clerk", world.c1)])
    db.session.commit()
    auth.login("admin_d")
    page = client.get("/admin/users/history")
    assert page.status_code == 200
    accounts = re.findall(r"<td><code>([^<]+)</code>", page.text)
    assert "clerk_q1" not in accounts and "clerk_c1" in accounts and "lanh_dao" in accounts
    assert "Tỉnh Bình Thuận" not in page.text  # the shared account's role in the other province
    assert "Giao vai trò: Thường trực HĐTĐKT – Thị trấn Lạc Dương" in page.text
    assert "Bỏ vai trò: Cán bộ đơn vị – Thị trấn Lạc Dương" in page.text
    found = client.get("/admin/users/history?q=lanh dao")
    assert set(re.findall(r"<td><code>([^<]+)</code>", found.text)) == {shared.username}
    auth.logout()
    auth.login("admin")
    everything = client.get("/admin/users/history")
    # 18 accounts of the world made with a role each, 4 more, the shared one, and 2 roles changed: 51 rows.
    assert "51 mục. Trang 1/2." in everything.text  # 50 rows a page, newest first
    assert re.findall(r"<td><code>([^<]+)</code>", everything.text)[0] == "lanh_dao"
    assert "Giao vai trò: Lãnh đạo duyệt, xét – Phường Phan Thiết" in everything.text
    assert "Trang 2/2" in client.get("/admin/users/history?page=2").text


def test_a_lookalike_username_is_refused_on_the_page_saying_what_is_allowed_and_keeping_what_was_typed(
    world, client, auth
):
    auth.login("admin_d")
    assert admin.USERNAME_RULE in client.get("/admin/users/new").text
    for typed, wrong in (
        ("\u0430dmin", "“а” (U+0430)"),
        ("admin\u200b", "ký tự ẩn U+200B"),
        ("Lát.CanBo2", "“á” (U+00E1)"),
    ):
        page = client.post(
            "/admin/users/new",
            data={
                "username": typed,
                "full_name": "Kẻ Giả Danh",
                "password": "matkhau456",
                "confirm": "matkhau456",
                **_role_rows(("clerk", world.c2)),
            },
        )
        assert page.status_code == 422
        username = page.text.split('name="username"')[1].split("</div>")[0]
        assert f"Tên đăng nhập không được chứa {wrong}." in page.text.split('id="username"')[1]
        assert f'value="{typed}"' in username and 'value="Kẻ Giả Danh"' in page.text
        assert f'<option selected value="{world.c2.id}">' in page.text
    assert db.session.scalar(db.select(func.count(User.id))) == 18


def _lock(username) -> User:
    user = _user(username)
    user.locked_until = utcnow() + timedelta(minutes=15)
    db.session.commit()
    return user


def test_a_locked_out_account_shows_until_when_and_saving_it_does_not_unlock_it(app, world, client, auth):
    victim = app.test_client()
    for _ in range(5):
        victim.post("/login", data={"username": "clerk_c1", "password": "sai-mat-khau1"})
    until = _user("clerk_c1").lock_ends
    shown = f"Tạm khóa đến {as_utc(until).astimezone(ZoneInfo('Asia/Ho_Chi_Minh')):%H:%M} (nhập sai mật khẩu)"
    auth.login("admin_d")
    row = client.get("/admin/users/").text.split('data-user="clerk_c1"')[1].split("</tr>")[0]
    assert shown in row and "Đang hoạt động" in row
    assert f'action="/admin/users/{world.clerk_c1.id}/unlock"' in row and "data-confirm=" in row
    other = client.get("/admin/users/").text.split('data-user="clerk_c2"')[1].split("</tr>")[0]
    assert "Tạm khóa" not in other and "/unlock" not in other
    page = client.get(f"/admin/users/{world.clerk_c1.id}/edit")
    assert shown in page.text and "Mở khóa</button>" in page.text

    saved = client.post(
        f"/admin/users/{world.clerk_c1.id}/edit",
        data={"full_name": "Clerk C1", "active": "y", **_role_rows(("clerk", world.c1))},
    )
    assert saved.status_code == 302
    assert _user("clerk_c1").lock_ends == until
    assert (
        "Tài khoản tạm thời bị khóa" in victim.post("/login", data={"username": "clerk_c1", "password": PASSWORD}).text
    )


def test_unlocking_is_a_recorded_action_after_which_the_user_signs_in(app, world, client, auth):
    _lock("clerk_c1")
    auth.login("admin_d")
    done = client.post(f"/admin/users/{world.clerk_c1.id}/unlock", follow_redirects=True)
    assert "Đã mở khóa đăng nhập cho tài khoản “clerk_c1”." in done.text
    assert "Tạm khóa đến" not in done.text and "Mở khóa đăng nhập" in done.text.split('id="account-history"')[1]
    assert _user("clerk_c1").locked_until is None
    assert _record("clerk_c1")[-1] == ("unlocked", None, None, "admin_d")
    assert app.test_client().post("/login", data={"username": "clerk_c1", "password": PASSWORD}).status_code == 302
    again = client.post(
        f"/admin/users/{world.clerk_c1.id}/unlock",
        headers={"Referer": f"http://localhost/admin/users/{world.clerk_c1.id}/edit"},
        follow_redirects=True,
    )
    assert "Tài khoản “clerk_c1” không bị tạm khóa" in again.text
    assert [row[0] for row in _record("clerk_c1")].count("unlocked") == 1


def test_only_an_administrator_of_the_whole_account_may_unlock_it(world, client, auth):
    shared = make_user("lanh_dao", [("reviewer", world.q), ("clerk", world.c1)])
    db.session.commit()
    _lock("lanh_dao")
    auth.login("admin_d")
    page = client.get(f"/admin/users/{shared.id}/edit")
    assert "Tạm khóa đến" in page.text and "Mở khóa</button>" not in page.text
    assert client.post(f"/admin/users/{shared.id}/unlock").status_code == 403
    assert client.post(f"/admin/users/{world.clerk_q1.id}/unlock").status_code == 404
    auth.logout()
    auth.login("clerk_c1")
    assert client.post(f"/admin/users/{shared.id}/unlock").status_code == 404
    assert _user("lanh_dao").lock_ends is not None
    assert [row[0] for row in _record("lanh_dao")] == ["created", "role_added", "role_added"]


# Award forms -------------------------------------------------------------------------------------------------


def _award_ids(page) -> list[int]:
    return [int(i) for i in re.findall(r'data-award-form="(\d+)"', page.text)]


def test_award_forms_list_shows_those_of_the_users_line_only(world, client, auth):
    auth.login("clerk_c1")
    page = client.get("/admin/award-forms/")
    assert _award_ids(page) == [world.form_d.id, world.form_p.id]
    assert "Huyện Lạc Dương" in page.text and "Tập thể, Cá nhân" in page.text
    assert ">Sửa</a>" not in page.text and "Thêm hình thức" not in page.text
    auth.logout()
    auth.login("secretariat_q")
    page = client.get("/admin/award-forms/")
    assert _award_ids(page) == [world.form_q.id]
    assert "Cá nhân" in page.text and "Tập thể" not in page.text and page.text.count(">Sửa</a>") == 1


def test_secretariat_edits_only_the_forms_of_their_own_unit(world, client, auth):
    auth.login("secretariat_d")
    page = client.get("/admin/award-forms/")
    assert f"/admin/award-forms/{world.form_d.id}/edit" in page.text
    assert f"/admin/award-forms/{world.form_p.id}/edit" not in page.text
    assert client.get(f"/admin/award-forms/{world.form_p.id}/edit").status_code == 403
    assert client.get(f"/admin/award-forms/{world.form_q.id}/edit").status_code == 404


def test_secretariat_creates_an_award_form(world, client, auth):
    auth.login("secretariat_d")
    criteria = "Có thành tích xuất sắc trong phong trào Toàn dân bảo vệ ANTQ; " * 5
    page = client.post(
        "/admin/award-forms/new",
        follow_redirects=True,
        data={
            "name": "Giấy khen của Trưởng Công an huyện",
            "owner_unit_id": world.d.id,
            "nominee_kinds": ["individual"],
            "criteria": criteria,
        },
    )
    assert "Đã thêm hình thức khen thưởng “Giấy khen của Trưởng Công an huyện”." in page.text
    assert "<details><summary>Có thành tích xuất sắc" in page.text
    form = db.session.scalar(db.select(AwardForm).where(AwardForm.name == "Giấy khen của Trưởng Công an huyện"))
    assert (form.owner_unit_id, form.nominee_kinds, form.criteria) == (world.d.id, ["individual"], criteria.strip())


def test_secretariat_edits_kinds_and_criteria_of_an_award_form(world, client, auth):
    auth.login("secretariat_d")
    form = client.get(f"/admin/award-forms/{world.form_d.id}/edit")
    assert form.text.count("checked") == 2
    client.post(
        f"/admin/award-forms/{world.form_d.id}/edit",
        data={
            "name": world.form_d.name,
            "owner_unit_id": world.d.id,
            "nominee_kinds": ["collective"],
            "criteria": "Hoàn thành xuất sắc nhiệm vụ năm.",
        },
    )
    saved = _fresh(AwardForm, world.form_d.id)
    assert (saved.accepts_collective, saved.accepts_individual) == (True, False)
    assert saved.criteria == "Hoàn thành xuất sắc nhiệm vụ năm."


def test_an_award_form_without_nominee_kinds_is_refused_and_the_typed_values_are_kept(world, client, auth):
    auth.login("secretariat_d")
    page = client.post(
        "/admin/award-forms/new",
        data={"name": "Giấy khen đặc biệt", "owner_unit_id": world.d.id, "criteria": "Tiêu chuẩn riêng."},
    )
    assert page.status_code == 422
    assert "Chọn ít nhất một đối tượng: tập thể, cá nhân." in page.text
    assert 'value="Giấy khen đặc biệt"' in page.text and "Tiêu chuẩn riêng.</textarea>" in page.text
    assert db.session.scalar(db.select(AwardForm).where(AwardForm.name == "Giấy khen đặc biệt")) is None


def test_an_owner_id_larger_than_any_database_id_is_no_choice_not_an_error(world, client, auth):
    auth.login("secretariat_d")
    data = {"name": "Giấy khen đã gõ", "nominee_kinds": ["collective"], "owner_unit_id": str(2**40)}
    page = client.post("/admin/award-forms/new", data=data)
    assert page.status_code == 422
    assert "Chọn đơn vị tặng." in page.text and 'value="Giấy khen đã gõ"' in page.text


ISSUER = {
    "parent_body": "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
    "issuing_body": "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
    "decision_symbol": "QĐ-UBND",
    "place": "Lạc Dương",
    "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
    "signing_authority": "CHỦ TỊCH",
    "signer_title": "PHÓ CHỦ TỊCH",
}


def test_secretariat_sets_the_header_and_signature_of_the_decisions_of_an_award_form(world, client, auth):
    auth.login("secretariat_d")
    page = client.get(f"/admin/award-forms/{world.form_d.id}/edit")
    assert "Thông tin ra quyết định" in page.text
    assert 'name="decision_symbol" required' not in page.text and 'value="QĐ-UBND"' in page.text
    saved = client.post(
        f"/admin/award-forms/{world.form_d.id}/edit",
        data={"name": world.form_d.name, "owner_unit_id": world.d.id, "nominee_kinds": ["collective"]} | ISSUER,
    )
    assert saved.status_code == 302
    form = _fresh(AwardForm, world.form_d.id)
    assert {key: getattr(form, key) for key in ISSUER} == ISSUER
    again = client.get(f"/admin/award-forms/{world.form_d.id}/edit")
    assert 'value="CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"' in again.text


def test_a_decision_symbol_with_a_slash_is_refused_and_the_typed_values_are_kept(world, client, auth):
    auth.login("secretariat_d")
    page = client.post(
        f"/admin/award-forms/{world.form_d.id}/edit",
        data={"name": world.form_d.name, "owner_unit_id": world.d.id, "nominee_kinds": ["collective"]}
        | ISSUER
        | {"decision_symbol": "15/QĐ-UBND"},
    )
    assert page.status_code == 422
    assert "Ký hiệu không chứa dấu “/” hay khoảng trắng" in page.text
    assert 'value="15/QĐ-UBND"' in page.text and 'value="PHÓ CHỦ TỊCH"' in page.text
    assert _fresh(AwardForm, world.form_d.id).decision_symbol == "QĐ-UBND"
    assert _fresh(AwardForm, world.form_d.id).signer_title == ""


# Campaigns ---------------------------------------------------------------------------------------------------


def _campaign_ids(page) -> list[int]:
    return [int(i) for i in re.findall(r'data-campaign="(\d+)"', page.text)]


def _campaign_form(world, **overrides):
    return {
        "title": "Sơ kết 6 tháng đầu năm 2026",
        "owner_unit_id": world.d.id,
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        "nomination_deadline": "2026-07-15",
        "award_form_ids": [world.form_d.id, world.form_p.id],
        "description": "Tổng hợp kết quả 6 tháng.",
    } | overrides


def test_campaigns_list_shows_those_of_the_users_scope(world, client, auth):
    auth.login("reviewer_c1")
    page = client.get("/admin/campaigns/")
    assert _campaign_ids(page) == [world.campaign_d.id]
    assert "01/01/2026 – 31/12/2026" in page.text and world.form_p.name in page.text
    assert ">Sửa</a>" not in page.text
    auth.logout()
    auth.login("secretariat_q")
    page = client.get("/admin/campaigns/")
    assert _campaign_ids(page) == [world.campaign_q.id] and page.text.count(">Sửa</a>") == 1
    assert client.get(f"/admin/campaigns/{world.campaign_d.id}/edit").status_code == 404


def test_secretariat_creates_a_campaign(world, client, auth):
    auth.login("secretariat_d")
    page = client.post("/admin/campaigns/new", data=_campaign_form(world), follow_redirects=True)
    assert "Đã thêm đợt thi đua “Sơ kết 6 tháng đầu năm 2026”." in page.text
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.title == "Sơ kết 6 tháng đầu năm 2026"))
    assert (
        campaign.owner_unit_id,
        str(campaign.starts_on),
        str(campaign.ends_on),
        str(campaign.nomination_deadline),
    ) == (world.d.id, "2026-01-01", "2026-06-30", "2026-07-15")
    assert [f.id for f in campaign.award_forms] == [world.form_d.id, world.form_p.id]
    assert campaign.description == "Tổng hợp kết quả 6 tháng."


def test_secretariat_edits_a_campaign(world, client, auth):
    auth.login("secretariat_d")
    form = client.get(f"/admin/campaigns/{world.campaign_d.id}/edit")
    assert 'value="2026-01-01"' in form.text and form.text.count("checked") == 2
    client.post(
        f"/admin/campaigns/{world.campaign_d.id}/edit",
        data=_campaign_form(
            world, title="Phong trào năm 2026 (gia hạn)", nomination_deadline="", award_form_ids=[world.form_d.id]
        ),
    )
    campaign = _fresh(Campaign, world.campaign_d.id)
    assert campaign.title == "Phong trào năm 2026 (gia hạn)" and campaign.nomination_deadline is None
    assert [f.id for f in campaign.award_forms] == [world.form_d.id]


def test_a_campaign_ending_before_it_starts_is_refused_and_the_typed_values_are_kept(world, client, auth):
    auth.login("secretariat_d")
    page = client.post("/admin/campaigns/new", data=_campaign_form(world, ends_on="2025-12-31"))
    assert page.status_code == 422
    assert "Ngày kết thúc phải sau ngày bắt đầu." in page.text
    assert 'value="Sơ kết 6 tháng đầu năm 2026"' in page.text and 'value="2025-12-31"' in page.text
    assert "Tổng hợp kết quả 6 tháng.</textarea>" in page.text


def test_a_campaign_with_a_form_of_another_line_is_refused(world, client, auth):
    auth.login("admin")
    page = client.post("/admin/campaigns/new", data=_campaign_form(world, award_form_ids=[world.form_q.id]))
    assert page.status_code == 422
    assert "không thuộc cùng tuyến với Huyện Lạc Dương" in page.text


def test_a_date_that_is_not_a_date_is_refused_in_vietnamese(world, client, auth):
    auth.login("secretariat_d")
    page = client.post("/admin/campaigns/new", data=_campaign_form(world, starts_on="31/02/2026"))
    assert page.status_code == 422 and "Ngày không hợp lệ." in page.text
    assert 'value="31/02/2026"' in page.text
