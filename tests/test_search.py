"""Finding nominations: Vietnamese names typed any way, filters that combine, pages, constant queries."""

import unicodedata

import pytest

from tests.factories import create_nomination
from workflow.extensions import db
from workflow.models import User
from workflow.services import listing
from workflow.services.listing import Filters
from workflow.states import State

NAME = "Nguyễn Văn Hậu"


def ids(page) -> list[int]:
    return [n.id for n in page.items]


QUERIES = {
    "plain": "nguyen van hau",
    "nfc": "Nguyễn Văn Hậu",
    "nfd": unicodedata.normalize("NFD", "Nguyễn Văn Hậu"),
    "upper": "NGUYỄN VĂN HẬU",
    "mixed-case": "NgUyEn VaN hAu",
    "extra-spaces": "  nguyễn   văn  hậu ",
    "part": "van hau",
    "diacritics": "hậu",
    "upper-plain": "HAU",
}


@pytest.mark.parametrize("stored_as", ["NFC", "NFD"])
def test_a_vietnamese_name_is_found_however_it_was_stored_or_typed(world, subtests, stored_as):
    nomination = create_nomination(world, name=unicodedata.normalize(stored_as, NAME))
    create_nomination(world, name="Trần Thị Mai")
    assert nomination.nominee_name == unicodedata.normalize("NFC", NAME)  # stored in NFC either way
    for typed, query in QUERIES.items():
        with subtests.test(typed=typed):
            assert ids(listing.search(world.admin, Filters(q=query))) == [nomination.id]


def test_d_with_stroke_matches_plain_d_both_ways(world, subtests):
    hoa = create_nomination(world, name="Đặng Thị Hoa")
    duc = create_nomination(world, name="Dương Văn Đức")
    team = create_nomination(world, name="Đội PCCC tự quản thị trấn Lạc Dương", kind="collective")
    for query, found in (
        ("dang thi hoa", hoa),
        ("ĐẶNG", hoa),
        ("đương văn duc", duc),
        ("doi pccc", team),
        ("lac đuong", team),
    ):
        with subtests.test(query=query):
            assert ids(listing.search(world.admin, Filters(q=query))) == [found.id]


def test_a_query_matches_nothing_it_should_not(world, subtests):
    create_nomination(world, name=NAME)
    for query in ("hậu x", "nguyen thi hau", "Hau Van", "%", "_", "\\", "' OR 1=1 --"):
        with subtests.test(query=query):
            assert listing.search(world.admin, Filters(q=query)).items == []


def test_an_empty_or_blank_query_does_not_filter(world):
    nomination = create_nomination(world, name=NAME)
    for query in (None, "", "   "):
        assert ids(listing.search(world.admin, Filters(q=query))) == [nomination.id]


@pytest.fixture
def spread(world):
    """Nominations across units, states, campaigns and kinds of both eras."""
    n = {
        "c1_draft_person": create_nomination(world, world.c1, name="Nguyễn Văn Hậu"),
        "c1_submitted_group": create_nomination(
            world, world.c1, state=State.submitted, kind="collective", name="Tổ Nhân dân tự quản Bon Đưng"
        ),
        "c1_province_form": create_nomination(
            world, world.c1, state=State.submitted, form=world.form_p, name="Nguyễn Thị Hậu"
        ),
        "a1_submitted_person": create_nomination(world, world.a1, state=State.submitted, name="Lê Văn Hậu"),
        "c2_submitted_person": create_nomination(world, world.c2, state=State.submitted, name="Bon Niêng Ha Phi"),
        "ad_approved_group": create_nomination(
            world, world.ad, state=State.district_approved, kind="collective", name="Đoàn Thanh niên Trường PTDTNT"
        ),
        "q1_submitted_person": create_nomination(
            world, world.q1, state=State.submitted, form=world.form_q, campaign=world.campaign_q, name="Ngô Văn Hậu"
        ),
    }
    return {key: nomination.id for key, nomination in n.items()}


FILTER_CASES = [
    (
        {},
        [
            "c1_draft_person",
            "c1_submitted_group",
            "c1_province_form",
            "a1_submitted_person",
            "c2_submitted_person",
            "ad_approved_group",
            "q1_submitted_person",
        ],
    ),
    ({"unit": "c1"}, ["c1_draft_person", "c1_submitted_group", "c1_province_form", "a1_submitted_person"]),
    ({"unit": "a1"}, ["a1_submitted_person"]),
    (
        {"unit": "d"},
        [
            "c1_draft_person",
            "c1_submitted_group",
            "c1_province_form",
            "a1_submitted_person",
            "c2_submitted_person",
            "ad_approved_group",
        ],
    ),
    ({"unit": "q"}, ["q1_submitted_person"]),
    (
        {"state": "submitted"},
        ["c1_submitted_group", "c1_province_form", "a1_submitted_person", "c2_submitted_person", "q1_submitted_person"],
    ),
    ({"state": "submitted", "unit": "c1"}, ["c1_submitted_group", "c1_province_form", "a1_submitted_person"]),
    ({"state": "submitted", "unit": "c1", "nominee_kind": "individual"}, ["c1_province_form", "a1_submitted_person"]),
    ({"state": "submitted", "unit": "c1", "nominee_kind": "individual", "award_form": "form_p"}, ["c1_province_form"]),
    ({"campaign": "campaign_q"}, ["q1_submitted_person"]),
    ({"campaign": "campaign_d", "nominee_kind": "collective"}, ["c1_submitted_group", "ad_approved_group"]),
    ({"campaign": "campaign_d", "q": "hau"}, ["c1_draft_person", "c1_province_form", "a1_submitted_person"]),
    ({"campaign": "campaign_d", "q": "hau", "state": "draft"}, ["c1_draft_person"]),
    ({"unit": "c2", "q": "hau"}, []),
    ({"state": "district_approved", "unit": "c1"}, []),
]


def test_filters_combine(world, subtests, spread):
    for given, expected in FILTER_CASES:
        with subtests.test(filters=given):
            filters = Filters(
                state=given.get("state"),
                nominee_kind=given.get("nominee_kind"),
                q=given.get("q"),
                unit_id=getattr(world, given["unit"]).id if "unit" in given else None,
                campaign_id=getattr(world, given["campaign"]).id if "campaign" in given else None,
                award_form_id=getattr(world, given["award_form"]).id if "award_form" in given else None,
            )
            page = listing.search(world.admin, filters)
            assert ids(page) == sorted((spread[key] for key in expected), reverse=True)  # newest first
            assert page.total == len(expected)


def test_filters_never_widen_what_the_actor_may_see(world, spread):
    # The C1 reviewer filtering by the district still sees only C1's subtree.
    page = listing.search(world.reviewer_c1, Filters(unit_id=world.d.id))
    assert sorted(ids(page)) == sorted(
        spread[k] for k in ("c1_draft_person", "c1_submitted_group", "c1_province_form", "a1_submitted_person")
    )
    assert listing.search(world.reviewer_c1, Filters(unit_id=world.c2.id)).items == []
    assert listing.search(world.reviewer_c1, Filters(unit_id=world.q.id)).total == 0
    assert listing.search(world.reviewer_q, Filters(q="hau")).total == 1


def test_a_filter_on_a_unit_that_does_not_exist_finds_nothing(world, spread):
    assert listing.search(world.admin, Filters(unit_id=987654)).total == 0


def test_pages_split_the_results_without_gaps_or_overlaps(world, subtests):
    made = [create_nomination(world, name=f"Cá nhân số {i}", commit=False).id for i in range(30)]
    db.session.commit()
    newest_first = sorted(made, reverse=True)
    for page, per_page, count in ((1, 7, 7), (4, 7, 7), (5, 7, 2), (6, 7, 0), (1, 30, 30), (1, 1000, 30), (2, 29, 1)):
        with subtests.test(page=page, per_page=per_page):
            result = listing.search(world.admin, Filters(), page=page, per_page=per_page)
            size = min(per_page, listing.MAX_PER_PAGE)
            assert result.total == 30
            assert len(result.items) == count
            assert result.pages == -(-30 // size)
            assert ids(result) == newest_first[(page - 1) * size : page * size]


def test_every_page_together_is_every_nomination_once(world):
    made = {create_nomination(world, name=f"Tập thể số {i}", kind="collective", commit=False).id for i in range(23)}
    db.session.commit()
    seen = []
    for number in range(1, listing.search(world.admin, Filters(), per_page=5).pages + 1):
        seen += ids(listing.search(world.admin, Filters(), page=number, per_page=5))
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == made


def test_nonsense_page_numbers_are_brought_into_range(world):
    nomination = create_nomination(world)
    for page, per_page in ((0, 25), (-3, 25), (1, 0), (1, -5)):
        result = listing.search(world.admin, Filters(), page=page, per_page=per_page)
        assert ids(result) == [nomination.id]
        assert result.page >= 1 and result.per_page >= 1


def _populate(world, count: int) -> None:
    units = [world.c1, world.a1, world.c2]
    for i in range(count):
        state = [State.draft, State.submitted, State.commune_approved][i % 3]
        create_nomination(world, units[i % 3], state=state, name=f"Nguyễn Văn Hậu {i}", commit=False)
    db.session.commit()


def _queries_to_list_and_show(app, count_queries, user_id: int, filters: Filters) -> int:
    """Queries to search and show one page, as a fresh request would: the row shows unit, award form,
    campaign and who is awaited."""
    with app.app_context():
        actor = db.session.get(User, user_id)
        _ = [assignment.unit for assignment in actor.roles]
        with count_queries() as queries:
            page = listing.search(actor, filters)
            _ = [
                (
                    n.unit.name,
                    n.award_form.name,
                    n.campaign.title,
                    n.state_enum.title,
                    n.awaiting_unit.name if n.awaiting_unit else None,
                )
                for n in page.items
            ]
        assert page.total > 0
        return len(queries)


def _queries_for_inbox(app, count_queries, user_id: int) -> int:
    with app.app_context():
        actor = db.session.get(User, user_id)
        _ = [assignment.unit for assignment in actor.roles]
        with count_queries() as queries:
            sections = listing.inbox(actor)
            _ = [
                (n.unit.name, n.award_form.name, n.campaign.title, n.state_enum.title)
                for section in sections
                for n in section.items
            ]
        assert any(section.total for section in sections)
        return len(queries)


@pytest.mark.parametrize("username", ["admin", "reviewer_d", "clerk_c1"])
def test_search_runs_the_same_number_of_queries_for_3_or_30_nominations(app, world, count_queries, username):
    user_id = getattr(world, username).id
    by_name = Filters(q="hau", unit_id=world.c1.id)
    _populate(world, 3)
    few = _queries_to_list_and_show(app, count_queries, user_id, Filters())
    few_filtered = _queries_to_list_and_show(app, count_queries, user_id, by_name)
    _populate(world, 27)
    many = _queries_to_list_and_show(app, count_queries, user_id, Filters())
    many_filtered = _queries_to_list_and_show(app, count_queries, user_id, by_name)
    assert many == few <= 3
    assert many_filtered == few_filtered <= 4


@pytest.mark.parametrize("username", ["reviewer_c1", "reviewer_d", "clerk_c1", "secretariat_d"])
def test_inbox_runs_the_same_number_of_queries_for_3_or_30_nominations(app, world, count_queries, username):
    user_id = getattr(world, username).id
    _populate(world, 3)
    create_nomination(world, state=State.district_approved, name="Đã duyệt xong")
    few = _queries_for_inbox(app, count_queries, user_id)
    _populate(world, 27)
    many = _queries_for_inbox(app, count_queries, user_id)
    assert many == few


def test_inbox_shows_each_person_what_awaits_them(world):
    submitted = create_nomination(world, state=State.submitted)
    approved = create_nomination(world, state=State.commune_approved, name="Trần Thị Mai")
    done = create_nomination(world, state=State.district_approved, name="Cil Ha Sin")
    returned = create_nomination(world, state=State.returned, name="Lê Quang Vinh")
    draft = create_nomination(world, name="Bon Niêng Ha Phi")
    create_nomination(world, world.c2, state=State.submitted, name="Ở xã khác")

    def section(user, key):
        found = next(s for s in listing.inbox(user) if s.key == key)
        assert found.total == len(found.items)
        return [n.id for n in found.items]

    assert section(world.reviewer_c1, "review") == [submitted.id]
    assert section(world.reviewer_d, "review") == [approved.id]
    assert section(world.secretariat_d, "decide") == [done.id]
    assert section(world.clerk_c1, "returned") == [returned.id]
    assert section(world.clerk_c1, "draft") == [draft.id]
    assert [s.key for s in listing.inbox(world.reviewer_c1)] == ["review"]
    assert listing.inbox(world.admin) == []
