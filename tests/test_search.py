"""Finding nominations: Vietnamese names typed any way, filters that combine, pages, constant queries."""

import re
import unicodedata

import pytest
from sqlalchemy import select, text

from tests.factories import create_nomination
from workflow.extensions import db
from workflow.models import Nomination, User, name_search
from workflow.services import listing, nominations
from workflow.services.listing import Filters
from workflow.states import State

NAME = "Nguyễn Văn Hậu"
FTS = name_search.FTS_TABLE


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
            _ = [(n.unit_name, n.award_form_name, n.campaign_title, n.state_enum.title) for n in page.items]
        assert page.total > 0
        return len(queries)


def _queries_for_inbox(app, count_queries, user_id: int) -> int:
    with app.app_context():
        actor = db.session.get(User, user_id)
        _ = [assignment.unit for assignment in actor.roles]
        with count_queries() as queries:
            sections = listing.inbox(actor)
            _ = [
                (n.unit_name, n.award_form_name, n.campaign_title, n.state_enum.title)
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


# --- At national scale: the index behind the search, counts that stop, pages deep in the list -----------------


def test_a_query_of_several_words_finds_them_together_and_in_that_order(world):
    hung = create_nomination(world, name="Nguyễn Văn Hùng")
    create_nomination(world, name="Nguyễn Hùng Văn")
    create_nomination(world, name="Văn Thị Nguyễn Hùng")
    for query in ("nguyen van hung", "Nguyễn Văn Hùng", "van hung", "n van h"):
        assert ids(listing.search(world.admin, Filters(q=query))) == [hung.id], query


def test_a_query_of_one_or_two_characters_finds_what_contains_it(world, subtests):
    ha = create_nomination(world, name="Liêng Jrang K Hà")
    mai = create_nomination(world, name="Trần Thị Mai")
    for query, found in (("hà", [ha]), ("K", [ha]), ("ai", [mai]), ("a", [mai, ha]), ("đ", []), ("%", [])):
        with subtests.test(query=query):
            assert ids(listing.search(world.admin, Filters(q=query))) == [n.id for n in found]


def test_what_the_search_index_would_read_as_syntax_is_matched_as_plain_text(world, subtests):
    quoted = create_nomination(world, kind="collective", name='Tổ tự quản "Bình Yên" khu phố 3')
    star = create_nomination(world, kind="collective", name="Đội PCCC số 1* (cơ sở)")
    for query, found in (
        ('"binh yen"', [quoted]),
        ('"binh', [quoted]),
        ("so 1*", [star]),
        ("(co so)", [star]),
        ("binh AND yen", []),
        ("binh OR doi", []),
        ("NEAR(binh yen)", []),
        ("nominee_search: binh", []),
        ("-yen", []),
        ("^to", []),
        ("binh*", []),
    ):
        with subtests.test(query=query):
            assert ids(listing.search(world.admin, Filters(q=query))) == [n.id for n in found]


def test_the_search_index_follows_the_names_as_they_are_created_changed_and_deleted(app, world):
    mai = create_nomination(world, name="Trần Thị Mai")
    kept = create_nomination(world, name="Trần Thị Mai Anh")
    nominations.update(world.clerk_c1, mai, {"nominee_name": "Lê Thị Hoa"}, version=mai.version)
    db.session.commit()
    assert ids(listing.search(world.admin, Filters(q="tran thi mai"))) == [kept.id]
    assert ids(listing.search(world.admin, Filters(q="le thi hoa"))) == [mai.id]
    gone = {"id": kept.id}
    db.session.rollback()  # our reading transaction would not see the rows go
    with db.engine.begin() as connection:  # as any client could, beside the ORM (which keeps history)
        connection.execute(text("DELETE FROM nomination_events WHERE nomination_id = :id"), gone)
        connection.execute(text("DELETE FROM nominations WHERE id = :id"), gone)
        if app.config["BACKEND"] == "sqlite":  # FTS5 checks its index against the nominations table
            connection.execute(text(f"INSERT INTO {FTS}({FTS}) VALUES ('integrity-check')"))
    assert listing.search(world.admin, Filters(q="tran thi mai")).items == []


def _plan(statement) -> str:
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True})).replace("%%", "%")
    explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    with db.engine.connect() as connection:
        return "\n".join(str(row) for row in connection.execute(text(explain + sql)))


def test_the_name_search_reads_the_trigram_index_not_every_nomination(app, world):
    made = create_nomination(world, name=NAME)
    if app.config["BACKEND"] == "postgresql":  # enough rows that reading them all costs more than the index
        columns = ", ".join(c.name for c in Nomination.__table__.columns if c.name not in ("id", "nominee_search"))
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    f"INSERT INTO nominations ({columns}, nominee_search) SELECT {columns}, 'nguoi so ' || n "
                    "FROM nominations, generate_series(1, 3000) AS n WHERE id = :id"
                ),
                {"id": made.id},
            )
            # As CREATE INDEX or (auto)vacuum leave it: the rows in the index proper, not in its pending list.
            connection.execute(text("SELECT gin_clean_pending_list(:index)"), {"index": name_search.TRIGRAM_INDEX})
            connection.execute(text("ANALYZE nominations"))
    plan = _plan(select(Nomination.id).where(listing.name_contains("nguyen van hau")))
    if app.config["BACKEND"] == "sqlite":
        assert f"SCAN {FTS} VIRTUAL TABLE INDEX" in plan and "'SCAN nominations'" not in plan, plan
    else:
        assert name_search.TRIGRAM_INDEX in plan, plan
    # Shorter than a trigram: the rows are read (and never the whole trigram index).
    assert name_search.TRIGRAM_INDEX not in _plan(select(Nomination.id).where(listing.name_contains("ng")))


@pytest.fixture
def small_cap(monkeypatch):
    """Counting stops past 5 rows, or 1 page (of 2) past the one shown and as far again."""
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    monkeypatch.setattr(listing, "PAGES_AHEAD", 1)


@pytest.mark.parametrize("username", ["admin", "reviewer_d"])
def test_a_long_list_is_counted_up_to_a_cap_and_every_page_after_it_still_works(world, small_cap, username):
    newest_first = [create_nomination(world, name=f"Cá nhân số {i}", commit=False).id for i in range(12)][::-1]
    db.session.commit()
    actor = getattr(world, username)
    shown = {}
    for number in range(1, 8):
        page = listing.search(actor, Filters(), page=number, per_page=2)
        shown[number] = (page.total, page.exact, page.pages)
        assert ids(page) == newest_first[(number - 1) * 2 : number * 2]
    # Page 1 counts 2 pages past it, and as far again: 8 rows and more; from page 2 on the count reaches the end,
    # and the pages of the second half are read from the oldest end.
    assert shown[1] == (8, False, 4)
    assert shown[2] == shown[4] == shown[6] == shown[7] == (12, True, 6)


def _pager(html: str) -> tuple[list[int], bool]:
    """The page numbers linked from the pager, and whether "Sau ›" leads on."""
    numbers = [int(n) for n in re.findall(r'<a class="page-link" href="[^"]*page=(\d+)">\d+</a>', html)]
    onwards = re.search(r'<li class="page-item ?([a-z]*)"><a class="page-link" href="[^"]*">Sau ›', html).group(1) == ""
    return numbers, onwards


def test_the_list_page_says_how_many_or_that_there_are_more(world, client, auth, small_cap):
    for i in range(12):
        create_nomination(world, name=f"Cá nhân số {i}", commit=False)
    db.session.commit()
    auth.login("admin")
    first = client.get("/nominations/?per_page=2").text
    assert "Hơn 8 hồ sơ. Trang 1." in first
    assert _pager(first) == ([1, 2, 3, 4], True)  # the pages known so far, no last one: it is not known yet
    fifth = client.get("/nominations/?per_page=2&page=5").text
    assert "12 hồ sơ. Trang 5/6." in fifth and _pager(fifth) == ([1, 2, 3, 4, 5, 6], True)
    last = client.get("/nominations/?per_page=2&page=6").text
    assert _pager(last) == ([1, 3, 4, 5, 6], False)
    few = client.get("/nominations/?per_page=6").text  # counting to the page after this one reaches the end
    assert "12 hồ sơ. Trang 1/2." in few and _pager(few) == ([1, 2], True)


@pytest.mark.parametrize("username", ["admin", "reviewer_d", "clerk_c1"])
def test_a_deep_page_runs_the_same_queries_as_the_first(app, world, count_queries, username):
    _populate(world, 30)
    user_id = getattr(world, username).id
    with app.app_context():
        actor = db.session.get(User, user_id)
        _ = [assignment.unit for assignment in actor.roles]
        with count_queries() as first:
            assert listing.search(actor, Filters(), page=1, per_page=2).items
        with count_queries() as deep:
            assert listing.search(actor, Filters(), page=8, per_page=2).items
        with count_queries() as by_name:
            assert listing.search(actor, Filters(q="nguyen van hau 1"), page=2, per_page=2).items
        with count_queries() as by_letter:
            assert listing.search(actor, Filters(q="u"), page=2, per_page=2).items
    assert len(first) == len(deep) == len(by_name) == len(by_letter) <= 3
