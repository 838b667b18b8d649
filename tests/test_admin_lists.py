"""The lists of units and accounts, and the units of the Word templates page: a page at a time, searched without
diacritics, within the user's scope."""

import pytest

from tests.factories import PASSWORD
from workflow.extensions import db
from workflow.services import admin
from workflow.services.admin.lists import PER_PAGE
from workflow.services.reports import periods


def _codes(page) -> list[str]:
    return [row.split('"')[0] for row in page.text.split('data-unit="')[1:]]


def _usernames(page) -> list[str]:
    return [row.split('"')[0] for row in page.text.split('data-user="')[1:]]


def _communes(world, n: int) -> None:
    for i in range(n):
        admin.create_unit(
            world.root, {"code": f"N{i:03}", "name": f"Xã Nhiều {i}", "level": "commune", "parent_id": world.d.id}
        )
    db.session.commit()


def _account(world, username: str, full_name: str, unit) -> None:
    data = {"username": username, "full_name": full_name, "password": PASSWORD}
    admin.create_user(world.root, data | {"roles": [{"role": "clerk", "unit_id": unit.id}]})
    db.session.commit()


@pytest.mark.parametrize("q", ["lac duong", "LẠC DƯƠNG", "Lạc Dương"])
def test_unit_search_ignores_case_and_diacritics(world, client, auth, q):
    auth.login("admin")
    page = client.get("/admin/units/", query_string={"q": q})
    assert _codes(page) == ["D", "C1", "A1", "AD"]
    assert "4 đơn vị" in page.text


def test_unit_search_matches_the_code_and_shows_the_parent_of_each_match(world, client, auth):
    auth.login("admin")
    page = client.get("/admin/units/", query_string={"q": "q1"})
    assert _codes(page) == ["Q1"]
    assert "Tỉnh Bình Thuận" in page.text.split('data-unit="Q1"')[1].split("</tr>")[0]


def test_unit_level_filter_combines_with_the_search(world, client, auth):
    auth.login("admin")
    assert _codes(client.get("/admin/units/?level=commune")) == ["C1", "C2", "Q1"]
    assert _codes(client.get("/admin/units/?level=agency&q=lac")) == ["A1", "AD"]
    assert _codes(client.get("/admin/units/?level=nonsense")) == ["P", "D", "C1", "A1", "C2", "AD", "Q", "Q1"]


def test_unit_search_stays_in_the_users_subtree(world, client, auth):
    auth.login("admin_d")
    assert _codes(client.get("/admin/units/?q=tinh")) == []
    assert _codes(client.get("/admin/units/?q=phan thiet")) == []
    auth.logout()
    auth.login("clerk_c1")
    assert _codes(client.get("/admin/units/?q=lac duong")) == ["C1", "A1"]


@pytest.mark.parametrize("q", ["%", "_", "*", "?", "[", "]"])
def test_unit_search_treats_wildcards_as_plain_characters(world, client, auth, q):
    auth.login("admin")
    assert _codes(client.get("/admin/units/", query_string={"q": q})) == []


def test_units_come_a_page_at_a_time_in_tree_order(world, client, auth):
    _communes(world, PER_PAGE + 5)
    auth.login("admin_d")
    first = client.get("/admin/units/")
    assert len(_codes(first)) == PER_PAGE and _codes(first)[0] == "D"
    assert "60 đơn vị. Trang 1/2." in first.text and 'href="/admin/units/?page=2"' in first.text
    second = client.get("/admin/units/?page=2")
    codes = _codes(first) + _codes(second)
    assert len(codes) == len(set(codes)) == 60
    assert codes.index("C1") + 1 == codes.index("A1")  # a unit's subtree follows it
    assert _codes(client.get("/admin/units/?page=99")) == _codes(second)
    assert 'href="/admin/units/?q=nhieu&amp;page=2"' in client.get("/admin/units/?q=nhieu").text


def test_a_page_of_units_costs_the_same_queries_wherever_it_is(world, client, auth, count_queries):
    _communes(world, 2 * PER_PAGE)
    auth.login("admin_d")
    counts = []
    for url in ("/admin/units/", "/admin/units/?page=2", "/admin/units/?q=nhieu&level=commune&page=2"):
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def test_the_templates_page_lists_the_units_whose_templates_one_manages_a_page_at_a_time(world, client, auth):
    _communes(world, PER_PAGE + 5)
    auth.login("admin")
    first = client.get("/admin/templates/")
    assert len(_codes(first)) == PER_PAGE and _codes(first)[:2] == ["P", "D"]
    assert "61 đơn vị. Trang 1/2." in first.text and 'href="/admin/templates/?page=2"' in first.text
    codes = _codes(first) + _codes(client.get("/admin/templates/?page=2"))
    assert len(codes) == len(set(codes)) == 61 and codes[-2:] == ["Q", "Q1"]
    assert "A1" not in codes and "AD" not in codes  # a school awards nothing: no templates of its own
    auth.logout()
    auth.login("secretariat_d")
    assert len(_codes(client.get("/admin/templates/"))) == PER_PAGE  # D and its communes, no province


def test_the_templates_page_finds_a_unit_by_name_or_code_and_level(world, client, auth):
    auth.login("admin")
    found = client.get("/admin/templates/", query_string={"q": "da sar"})
    assert _codes(found) == ["C2"] and f'href="/admin/templates/{world.c2.id}/"' in found.text
    assert "Huyện Lạc Dương" in found.text.split('data-unit="C2"')[1].split("</tr>")[0]  # where it is
    assert _codes(client.get("/admin/templates/?level=province")) == ["P", "Q"]
    assert _codes(client.get("/admin/templates/?q=truong")) == []  # schools have no templates of their own
    auth.logout()
    auth.login("secretariat_d")
    assert "Không có đơn vị nào phù hợp." in client.get("/admin/templates/?q=phan thiet").text


@pytest.mark.parametrize("q", ["nguyen thi hau", "NGUYỄN", "hau_c", "Hậu"])
def test_account_search_matches_username_or_full_name_without_diacritics(world, client, auth, q):
    _account(world, "hau_c1", "Nguyễn Thị Hậu", world.c1)
    auth.login("admin_d")
    assert _usernames(client.get("/admin/users/", query_string={"q": q})) == ["hau_c1"]


def test_account_search_stays_in_the_administered_subtree(world, client, auth):
    _account(world, "hau_q1", "Nguyễn Thị Hậu", world.q1)
    auth.login("admin_d")
    assert _usernames(client.get("/admin/users/?q=hau")) == []
    assert "Không có tài khoản nào phù hợp." in client.get("/admin/users/?q=hau").text
    auth.logout()
    auth.login("admin")
    assert _usernames(client.get("/admin/users/?q=hau")) == ["hau_q1"]


def test_accounts_come_a_page_at_a_time_with_constant_queries(world, client, auth, count_queries):
    for i in range(PER_PAGE + 3):
        _account(world, f"nv{i:03}", f"Nhân viên {i}", world.c2)
    auth.login("admin_d")
    with count_queries() as first_queries:
        first = client.get("/admin/users/")
    with count_queries() as second_queries:
        second = client.get("/admin/users/?page=2&q=nhan vien")
    assert len(_usernames(first)) == PER_PAGE and _usernames(first)[0] == "admin_d"
    assert _usernames(second) == ["nv050", "nv051", "nv052"]
    assert len(first_queries) == len(second_queries), "\n".join(second_queries)


@pytest.mark.parametrize(
    "username", ["admin", "admin_d", "secretariat_d", "secretariat_q", "reviewer_p", "clerk_c1", "clerk_a1"]
)
def test_opening_periods_is_offered_exactly_to_those_with_units_to_collect_for(world, username):
    actor = getattr(world, username)
    assert periods.opens_periods(actor) is bool(admin.award_owner_units(actor))
