"""Finding nominations: Vietnamese names typed any way, filters that combine, pages, constant queries."""

import re
import unicodedata

import pytest
from sqlalchemy import event, select, text

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
    link = r'<a class="page-link" href="[^"]*page=(\d+)(?:&amp;anchor=[\d.]+)?">\d+</a>'  # anchored or not
    numbers = [int(n) for n in re.findall(link, html)]
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
        anchor = listing.search(actor, Filters(), page=7, per_page=2).anchor_to(8)
        with count_queries() as anchored:
            assert listing.search(actor, Filters(), page=8, per_page=2, anchor=anchor).items
        with count_queries() as by_name:
            assert listing.search(actor, Filters(q="nguyen van hau 1"), page=2, per_page=2).items
        with count_queries() as by_letter:
            assert listing.search(actor, Filters(q="u"), page=2, per_page=2).items
    assert len(first) == len(deep) == len(anchored) == len(by_name) == len(by_letter) <= 3


def _anchored_pages(actor, filters: Filters, per_page: int) -> dict[int, list[int]]:
    """Every page of a list, each read by its number."""
    pages, number = {}, 1
    while (page := listing.search(actor, filters, page=number, per_page=per_page)).items:
        pages[number] = ids(page)
        number += 1
    return pages


@pytest.mark.parametrize("username", ["admin", "reviewer_d", "clerk_c1"])
def test_a_page_read_from_an_anchor_on_a_page_near_it_is_the_page_of_that_number(world, subtests, username):
    _populate(world, 30)
    actor = getattr(world, username)
    by_number = _anchored_pages(actor, Filters(), per_page=2)
    assert len(by_number) >= 5
    for number in by_number:
        here = listing.search(actor, Filters(), page=number, per_page=2)
        for target in range(max(1, number - 3), number + 4):
            anchor = here.anchor_to(target)
            with subtests.test(page=number, target=target, anchor=str(anchor)):
                if target in (1, number):
                    assert anchor is None  # the first page needs none; the page itself is not linked
                    continue
                assert anchor == listing.Anchor(number, here.items[-1 if target > number else 0].id)
                read = listing.search(actor, Filters(), page=target, per_page=2, anchor=anchor)
                assert ids(read) == by_number.get(target, [])
                assert read.total == here.total and read.exact == here.exact


def test_a_link_far_from_the_page_carries_no_anchor_and_nor_do_other_lists(world):
    _populate(world, 30)
    here = listing.search(world.admin, Filters(), page=2, per_page=2)
    assert here.anchor_to(5) is not None and here.anchor_to(6) is None  # the pager links 3 pages either side
    assert listing.Page(items=here.items, total=30, page=2, per_page=2).anchor_to(3) is None  # not read by id


def test_following_the_next_link_keeps_its_place_when_new_nominations_arrive(world):
    _populate(world, 12)
    first = listing.search(world.reviewer_d, Filters(), page=1, per_page=4)
    create_nomination(world, world.c1, name="Hồ sơ mới đến")  # newest: by number, it would push a row to page 2
    second = listing.search(world.reviewer_d, Filters(), page=2, per_page=4, anchor=first.anchor_to(2))
    assert ids(second) and max(ids(second)) < min(ids(first))
    assert len(ids(second)) == 4


@pytest.mark.parametrize("text", ["", "7", "7.", ".7", "a.b", "0.5", "5.0", "-1.3", "1.2.3", "٣.٤", "9" * 30 + ".1"])
def test_an_anchor_that_is_not_one_is_ignored(text):
    assert listing.Anchor.parse(text) is None


def test_an_anchor_reads_back_as_written():
    assert listing.Anchor.parse(str(listing.Anchor(499, 287526))) == listing.Anchor(499, 287526)


def test_walking_the_pager_link_by_link_shows_every_nomination_once(world, client, auth, small_cap):
    made = [create_nomination(world, name=f"Cá nhân số {i}", commit=False).id for i in range(11)]
    db.session.commit()
    auth.login("admin")
    url, seen, labels = "/nominations/?per_page=2", [], []
    while url:
        html = client.get(url).text
        seen += [int(n) for n in re.findall(r'<tr data-id="(\d+)"', html)]
        labels.append(re.search(r"Trang (\d+)", html).group(1))
        onward = re.search(r'<li class="page-item ?"><a class="page-link" href="([^"]*)">Sau ›', html)
        url = onward.group(1).replace("&amp;", "&") if onward else None
        assert url is None or "anchor=" in url
    assert seen == sorted(made, reverse=True)
    assert labels == [str(n) for n in range(1, 7)]
    back = re.search(r'href="([^"]*)">‹ Trước', html).group(1).replace("&amp;", "&")
    assert "anchor=6." in back and "page=5" in back
    assert [int(n) for n in re.findall(r'<tr data-id="(\d+)"', client.get(back).text)] == seen[8:10]


def test_a_page_typed_with_a_bad_anchor_is_read_by_its_number(world, client, auth):
    _populate(world, 9)
    auth.login("admin")
    plain = client.get("/nominations/?per_page=2&page=3").text
    for anchor in ("x", "3.", "1.999999999999999999999999", "2.-4", "2.3000000000"):  # the last: past an id column
        page = client.get(f"/nominations/?per_page=2&page=3&anchor={anchor}")
        assert page.status_code == 200
        assert re.findall(r'<tr data-id="(\d+)"', page.text) == re.findall(r'<tr data-id="(\d+)"', plain)


def test_a_few_nominations_of_several_units_are_gathered_unit_by_unit_not_met_walking_the_whole_list(app, world):
    """Without statistics SQLite would walk every awarded individual of the country, newest first, to meet the
    few of a district's units; with few of them it gathers each unit's from its index and sorts them."""
    _populate(world, 9)
    statements = []

    def capture(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        listing.search(world.reviewer_d, Filters(state=State.draft.value, nominee_kind="individual"))
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    page_statement, parameters = next((s, p) for s, p in statements if "awaiting_unit" in s)
    explain = "EXPLAIN QUERY PLAN " if app.config["BACKEND"] == "sqlite" else "EXPLAIN "
    with db.engine.connect() as connection:
        plan = "\n".join(str(row) for row in connection.exec_driver_sql(explain + page_statement, parameters))
    if app.config["BACKEND"] == "sqlite":
        assert "ix_nominations_newest_by_state_unit" in plan and "TEMP B-TREE FOR ORDER BY" in plan
    else:
        assert "Sort" in plan


@pytest.mark.parametrize("username", ["admin", "reviewer_d"])
def test_a_list_pages_statements_are_planned_once_and_reused(app, world, count_queries, username):
    """A page's LIMIT and OFFSET are written into its statements: sent as parameters, PostgreSQL's generic plan
    could not know the LIMIT was 25, judged itself dearer than planning anew, and every page was planned again."""
    _populate(world, 9)
    actor = getattr(world, username)
    with count_queries() as statements:  # in one transaction, on one connection: where psycopg prepares them
        for _ in range(12):
            listing.search(actor, Filters(state=State.draft.value), per_page=2)
    assert statements and not [s for s in statements if re.search(r"LIMIT (\?|%\(|\$)", s)]
    # PostgreSQL reuses the plan of the whole country's list. (Whether a subtree's list of units is planned once
    # depends on the table's statistics, and a test's few rows are not the country's.)
    if app.config["BACKEND"] == "postgresql" and username == "admin":
        plans = db.session.execute(
            # this test's: a page of 2 and its count (the connection may hold other tests' statements too)
            text(r"SELECT generic_plans, statement FROM pg_prepared_statements WHERE statement ~ 'LIMIT (2|10001)\y'")
        ).all()
        assert plans and all(generic > 0 for generic, _ in plans)


@pytest.mark.parametrize("name", ["nguyen van hau", "o'hau", "hau%_/\\"])
def test_a_name_search_is_planned_for_the_name_even_where_postgresql_settled_on_generic_plans(app, world, name):
    """The generic plan of a search walks every nomination by id (745 ms for a rare name on the national data).
    Even where PostgreSQL settled on generic plans, as this database's forced ones stand for here, the statement it
    keeps for a search names what is searched, so its plan is made for that name; and it finds what it should."""
    for other in ("Lê Thị Hoa", "Nguyễn Văn Hải", "O Hậu"):
        create_nomination(world, name=other)
    create_nomination(world, name=f"Trần {name} Mai")
    admin_id, postgres = world.admin.id, app.config["BACKEND"] == "postgresql"
    if postgres:
        _plan_cache_mode_of_new_connections("force_generic_plan")
    try:
        admin = db.session.get(User, admin_id)
        for _ in range(6):  # psycopg prepares a statement at its fifth run
            assert [n.nominee_name for n in listing.search(admin, Filters(q=name)).items] == [f"Trần {name} Mai"]
        if postgres:
            kept = [s for s, *_ in db.session.execute(text(PREPARED)) if "OVER ()" in s]
            assert kept and all("LIKE '%" in s and "$" not in s.split("LIKE", 1)[1].split("ESCAPE")[0] for s in kept)
    finally:
        if postgres:
            _plan_cache_mode_of_new_connections(None)


PREPARED = "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"


def _plan_cache_mode_of_new_connections(mode: str | None) -> None:
    db.session.remove()
    with db.engine.connect() as connection:
        name = connection.exec_driver_sql("SELECT current_database()").scalar()
        setting = f"SET plan_cache_mode = {mode}" if mode else "RESET plan_cache_mode"
        connection.exec_driver_sql(f'ALTER DATABASE "{name}" {setting}')
        connection.commit()
    db.engine.dispose()
