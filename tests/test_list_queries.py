"""Every list page runs the same number of SQL queries whether it shows a few rows or many."""

import pytest

from tests.factories import create_nomination, make_user
from tests.route_map import PDF
from workflow.extensions import db
from workflow.services import admin, attachments
from workflow.states import State

LIST_PAGES = [
    "/",
    "/nominations/",
    "/admin/units/",
    "/admin/users/",
    "/admin/users/history",
    "/admin/award-forms/",
    "/admin/campaigns/",
]


def _grow(world, n: int, batch: str) -> None:
    """More of everything the list pages show: units, accounts, award forms, campaigns, nominations."""
    root = world.root
    for i in (f"{batch}{k}" for k in range(n)):
        commune = admin.create_unit(
            root, {"code": f"X{i}", "name": f"Xã mới {i}", "level": "commune", "parent_id": world.d.id}
        )
        make_user(f"user_{i}", [("clerk", commune), ("reviewer", world.c1)])
        form = admin.save_award_form(
            root, {"name": f"Giấy khen {i}", "owner_unit_id": world.d.id, "nominee_kinds": ["collective"]}
        )
        admin.save_campaign(
            root,
            {
                "title": f"Đợt thi đua {i}",
                "owner_unit_id": world.d.id,
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "award_form_ids": [form.id, world.form_d.id],
            },
        )
        create_nomination(world, world.c1, state=State.submitted, name=f"Cá nhân {i}", commit=False)
    db.session.commit()


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_query_count_does_not_grow_with_rows(world, client, auth, count_queries, url):
    auth.login("admin")
    _grow(world, 1, "a")
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _grow(world, 12, "b")
    with count_queries() as many:
        page = client.get(url)
    assert page.status_code == 200
    assert len(many) == len(few), "\n".join(many)


def _filtered_list(world) -> str:
    return (
        f"/nominations/?unit_id={world.d.id}&campaign_id={world.campaign_d.id}&award_form_id={world.form_d.id}"
        "&state=submitted&nominee_kind=individual&q=ca"
    )


@pytest.mark.parametrize("username", ["clerk_c1", "reviewer_c1", "reviewer_d", "admin"])
@pytest.mark.parametrize("url", ["/", "/nominations/", _filtered_list])
def test_the_inbox_and_the_filtered_list_run_as_many_queries_for_a_few_rows_as_for_many(
    world, client, auth, count_queries, username, url
):
    url = url(world) if callable(url) else url
    auth.login(username)
    _grow(world, 1, "a")
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _grow(world, 12, "b")
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)


@pytest.mark.parametrize("username", ["clerk_c1", "reviewer_d", "admin"])
def test_a_nomination_page_runs_as_many_queries_whatever_its_history_and_attachments(
    world, client, auth, count_queries, username
):
    short = create_nomination(world, world.c1, name="Hồ sơ mới lập")
    attachments.add(world.clerk_c1, short, "bao-cao.pdf", PDF)
    long = create_nomination(world, world.c1, state=State.returned, name="Hồ sơ đã qua nhiều bước")
    for i in range(6):
        attachments.add(world.clerk_c1, long, f"bien-ban-{i}.pdf", PDF)
    db.session.commit()
    auth.login(username)
    with count_queries() as few:
        assert client.get(f"/nominations/{short.id}").status_code == 200
    with count_queries() as many:
        assert client.get(f"/nominations/{long.id}").status_code == 200
    assert len(many) == len(few), "\n".join(many)


def test_the_signed_in_user_is_loaded_with_roles_and_units_in_one_query(world, client, auth, count_queries):
    auth.login("reviewer_d")
    db.session.expunge_all()  # as in a new request of a production worker: nothing cached in the session
    with count_queries() as statements:
        assert client.get("/admin/").status_code == 200
    reading_the_user = [s for s in statements if "FROM users" in s or "FROM role_assignments" in s]
    assert len(reading_the_user) == 1, "\n".join(statements)


@pytest.mark.parametrize("username", ["reviewer_d", "admin"])
def test_a_deep_page_or_a_search_runs_as_many_queries_as_the_first_page(world, client, auth, count_queries, username):
    _grow(world, 12, "a")
    auth.login(username)
    counts = {}
    for url in (
        "/nominations/?per_page=2",
        "/nominations/?per_page=2&page=5",
        "/nominations/?per_page=2&page=2&q=ca+nhan",  # through the name search index
        "/nominations/?per_page=2&page=3&q=ca",  # too short for it: the plain scan
    ):
        with count_queries() as statements:
            page = client.get(url)
        assert page.status_code == 200 and "Cá nhân" in page.text
        counts[url] = len(statements)
    assert len(set(counts.values())) == 1, counts
