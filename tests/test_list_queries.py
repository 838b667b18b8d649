"""Every list page runs the same number of SQL queries whether it shows a few rows or many."""

import pytest

from tests.factories import create_nomination, make_user
from workflow.extensions import db
from workflow.services import admin
from workflow.states import State

LIST_PAGES = ["/", "/nominations/", "/admin/units/", "/admin/users/", "/admin/award-forms/", "/admin/campaigns/"]


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
