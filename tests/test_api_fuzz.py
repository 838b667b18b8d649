"""Schemathesis fuzzes every operation of /api/openapi.json as a user holding broad rights, over real data so that
generated ids sometimes resolve: no answer is a 5xx, and every answer (status, content type, body) is one the
document declares. Bounded per operation so that the run stays short."""

import os
from types import SimpleNamespace

import pytest
import schemathesis
from flask import g
from hypothesis import HealthCheck, settings
from sqlalchemy import select

from app import create_app
from tests import factories
from tests.conftest import _empty_all_tables as empty_all_tables
from workflow.extensions import db
from workflow.models import AwardForm
from workflow.services import attachments, auth
from workflow.states import ReportState, State

# Examples per operation: 25 keeps the run well under a minute per backend; API_FUZZ_EXAMPLES=500 digs deeper.
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _openapi_document() -> dict:
    """The document as the app serves it, from an app that needs no database to describe itself."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test"})
    return app.test_client().get("/api/openapi.json").get_json()


# Loaded once at collection: one test per operation. (schemathesis.pytest.from_fixture would build the schema
# from the app fixture, but schemathesis 4.32 does not run under pytest 9.2: it sets Node._nodeid.)
schema = schemathesis.openapi.from_dict(_openapi_document())


def populate(w) -> None:
    """Nominations in most states, an issued decision with its documents, a period with reports, an attachment."""
    for state in (State.draft, State.submitted, State.returned, State.withdrawn, State.district_approved):
        factories.create_nomination(w, state=state)
    awarded = [factories.create_nomination(w, state=State.district_approved, name=f"Lê Văn {n}") for n in "AB"]
    factories.create_decision(w, awarded)
    attachments.add(w.clerk_c1, factories.create_nomination(w), "bien-ban.pdf", PDF)
    period = factories.create_period(w)
    factories.create_report(w, period, w.c1, state=ReportState.submitted, values={"TB_TIN": 3})
    factories.create_report(w, period, w.c2)
    db.session.commit()


@pytest.fixture(scope="module")
def fuzzed(database):
    """An app over a populated database, shared by every operation of one backend (the data are built once), and
    the bearer header of one account with every role somewhere: global administrator, secretariat of the district
    and of the province, district reviewer, commune clerk."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "test"})
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        # LibreOffice takes seconds a conversion; tests/test_documents_pdf.py covers it, here only the answer counts.
        patch.setattr("workflow.documents.pdf_available", lambda: True)
        patch.setattr("workflow.documents.to_pdf", lambda docx, **kwargs: PDF)
        world = factories.build_world()
        roles = [("admin", None), ("secretariat", world.d), ("secretariat", world.p), ("reviewer", world.d)]
        user = factories.make_user("fuzzer", [*roles, ("clerk", world.c1)])
        populate(world)
        plain, _ = auth.issue_token(user)
        db.session.commit()
        yield SimpleNamespace(app=app, headers={"Authorization": f"Bearer {plain}"})
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_api_operation_answers_as_its_openapi_document_says(case, fuzzed):
    g.__dict__.clear()  # each request starts with an empty `g`, as in production (see FreshRequestClient)
    case.call_and_validate(app=fuzzed.app, headers=fuzzed.headers, checks=CHECKS)


# What the fuzzer found, pinned down, on the same data -------------------------------------------------------


def send(fuzzed, method: str, path: str, body=None):
    g.__dict__.clear()
    client = fuzzed.app.test_client()
    return client.open(f"/api/v1{path}", method=method, json=body, headers=fuzzed.headers)


@pytest.mark.parametrize(
    "path", ["/nominations/2147483648", "/decisions/99999999999999999999/document", "/periods/9223372036854775808"]
)
def test_an_id_larger_than_the_database_holds_is_not_found_rather_than_a_server_error(fuzzed, path):
    response = send(fuzzed, "GET", path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/nominations?unit_id=2147483648", None, "unit_id"),
        ("POST", "/campaigns", {"title": "T", "owner_unit_id": 2**63}, "owner_unit_id"),
        ("POST", "/nominations/bulk-actions", {"action": "approve", "ids": [1, -(2**31) - 1]}, "ids.1"),
    ],
    ids=["query", "body", "list-item"],
)
def test_an_integer_larger_than_the_database_holds_is_a_field_error(fuzzed, method, path, body, field):
    response = send(fuzzed, method, path, body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][field] == "Số nằm ngoài phạm vi cho phép."


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/nominations?q=a%00b", None, "q"),
        ("POST", "/units", {"code": "X\x00", "name": "Xã mới", "level": "commune", "parent_id": 1}, "code"),
    ],
    ids=["query", "body"],
)
def test_a_nul_character_in_a_string_is_a_field_error_on_every_backend(fuzzed, method, path, body, field):
    """PostgreSQL text cannot hold U+0000: sent through, it failed the query (500)."""
    response = send(fuzzed, method, path, body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {field: "Không được chứa ký tự NUL."}


def test_a_draft_decision_and_a_global_administrator_answer_null_where_the_document_says_so(fuzzed):
    """A draft has no reference and, with no nomination yet, no campaign; a global administrator has no unit."""
    with fuzzed.app.app_context():
        form_d = db.session.scalar(select(AwardForm.id).where(AwardForm.owner_unit.has(code="D")))
    response = send(fuzzed, "POST", "/decisions", {"award_form_id": form_d})
    assert response.status_code == 201
    assert (response.get_json()["reference"], response.get_json()["campaign_title"]) == (None, None)
    roles = send(fuzzed, "GET", "/me").get_json()["roles"]
    assert [role["unit_name"] for role in roles if role["role"] == "admin"] == [None]

    document = fuzzed.app.test_client().get("/api/openapi.json").get_json()["components"]["schemas"]
    assert document["Decision"]["properties"]["reference"]["nullable"] is True
    assert document["Decision"]["properties"]["campaign_title"]["nullable"] is True
    assert document["RoleAssignment"]["properties"]["unit_name"]["nullable"] is True
