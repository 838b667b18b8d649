"""Two gunicorn servers on different ports sharing one PostgreSQL behave as one: what is done on one is seen on
the other, files are served by either (nothing lives on one server's disk), and a signed-in user is signed in on
both. They migrated the empty database themselves when they started, together."""

import hashlib
import io
import re
import zipfile

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.factories import PASSWORD, create_nomination, seed_003_nominations
from tests.live.http import API, Client, api_user
from workflow.extensions import db
from workflow.server import MIGRATIONS
from workflow.services import decisions
from workflow.states import State

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_two_servers_starting_together_on_an_empty_database_migrate_it_once_and_log_to_stdout(live):
    head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    logs = {server.name: (server.stdout.read_text(), server.stderr.read_text()) for server in (live.a, live.b)}
    outs = [out for out, _err in logs.values()]

    assert head == _migrations_head()
    # The advisory lock made one server wait while the other migrated: each migration ran exactly once.
    assert sum(out.count("Running upgrade  -> ") for out in outs) == 1, logs
    assert all("Cơ sở dữ liệu đã ở phiên bản mới nhất." in out for out in outs), logs
    # gunicorn's own log, the access log and the migrations' log all on stdout; nothing on stderr.
    assert all("Booting worker with pid" in out and '"GET /login HTTP/1.1" 200' in out for out in outs), logs
    assert [err for _out, err in logs.values()] == ["", ""], logs


def test_an_approval_on_one_server_is_seen_on_the_other_with_its_history(live):
    nomination = create_nomination(live.world, state=State.submitted)
    reviewer_a = api_user(live.a, "reviewer_c1")
    clerk_b = api_user(live.b, "clerk_c1")

    approved = reviewer_a.post(
        f"{API}/nominations/{nomination.id}/actions/approve", json={"version": nomination.version, "comment": "Đồng ý"}
    )
    assert approved.status == 200, approved.text

    seen = clerk_b.get(f"{API}/nominations/{nomination.id}").json()
    assert (seen["state"], seen["version"]) == ("commune_approved", approved.json()["version"])
    history = clerk_b.get(f"{API}/nominations/{nomination.id}/history").json()
    last = history[-1]
    assert (last["action"], last["to_state"], last["comment"]) == ("approve", "commune_approved", "Đồng ý")
    # and what B's user now does is checked against the state A wrote
    stale = reviewer_a.on(live.b).post(
        f"{API}/nominations/{nomination.id}/actions/approve", json={"version": nomination.version}
    )
    assert stale.status == 409


def test_an_attachment_uploaded_to_one_server_is_downloaded_from_the_other_byte_for_byte(live):
    nomination = create_nomination(live.world)
    clerk_a = api_user(live.a, "clerk_c1")

    uploaded = clerk_a.post(
        f"{API}/nominations/{nomination.id}/attachments",
        files={"file": ("Biên bản họp xét.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status == 201, uploaded.text

    download = clerk_a.on(live.b).get(uploaded.json()["url"])
    assert download.status == 200
    assert download.body == PDF
    assert hashlib.sha256(download.body).hexdigest() == uploaded.json()["sha256"]


def test_a_decision_issued_on_one_server_is_downloaded_from_the_other_as_the_same_bytes(live):
    w = live.world
    awarded = seed_003_nominations(w)
    draft = decisions.create_draft(
        w.secretariat_d,
        {"award_form_id": w.form_d.id, "nomination_ids": [n.id for n in awarded], "signer_name": "Nguyễn Văn Sơn"},
    )
    db.session.commit()
    secretariat_a = api_user(live.a, "secretariat_d")

    issued = secretariat_a.post(f"{API}/decisions/{draft.id}/actions/issue", json={"version": draft.version})
    assert issued.status == 200, issued.text

    on_b = secretariat_a.on(live.b).get(f"{API}/decisions/{draft.id}").json()
    assert (on_b["state"], on_b["number"]) == ("issued", issued.json()["number"])
    documents = {d["kind"]: d for d in on_b["documents"]}
    assert set(documents) == {"decision", "certificates"}
    for document in documents.values():
        from_a = secretariat_a.get(document["url"])
        from_b = secretariat_a.on(live.b).get(document["url"])
        assert from_a.status == from_b.status == 200
        assert from_a.body == from_b.body
        assert hashlib.sha256(from_b.body).hexdigest() == document["sha256"]
        assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(from_b.body)).namelist()
    assert len(on_b["items"]) == len(awarded)
    assert {item["state"] for item in on_b["items"]} == {"awarded"}


def test_a_user_signed_in_on_one_server_is_signed_in_on_the_other(live):
    browser = Client(live.a.url)
    form = browser.get("/login")
    csrf = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', form.text).group(1)

    signed_in = browser.post("/login", form={"csrf_token": csrf, "username": "reviewer_c1", "password": PASSWORD})
    assert signed_in.status == 302, signed_in.text

    inbox_b = browser.on(live.b).get("/")
    assert inbox_b.status == 200
    assert "Reviewer C1" in inbox_b.text
    assert Client(live.b.url).get("/").status == 302  # without the session: the login page
    # a bearer token bought on A is good on B
    token_a = api_user(live.a, "clerk_c1")
    assert token_a.on(live.b).get(f"{API}/me").json()["username"] == "clerk_c1"


def test_signing_out_on_one_server_ends_the_session_on_the_other(live):
    browser = Client(live.a.url)
    csrf = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', browser.get("/login").text).group(1)
    browser.post("/login", form={"csrf_token": csrf, "username": "clerk_c1", "password": PASSWORD})
    copy_on_b = browser.on(live.b)  # the cookie as it was, replayed later on the other server
    assert copy_on_b.get("/").status == 200

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text).group(1)
    assert browser.post("/logout", form={"csrf_token": csrf}).status == 302
    replayed = copy_on_b.get("/")
    assert replayed.status == 302 and replayed.headers["Location"].startswith("/login")


def _migrations_head() -> str:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(config).get_current_head()
