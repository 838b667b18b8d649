"""Authorization generated from the URL map: every route, for every role, on an object of the user's own unit and
on one of another unit. ACCESS below holds one rule per endpoint; a route added without a rule fails the suite.

The users work in district D's subtree (clerk and approver of commune C1, the district's reviewer, secretariat and
administrator) plus the global administrator. On D's objects each gets through, or a 403 when their role lacks
the right. On province Q's objects all but the global administrator get a 404, never a 403: the id of another
unit's object confirms nothing. Anonymous visitors are sent to the login page, or get a 401 from the API.

A state-changing request is sent only where it must be refused (with a body that would otherwise succeed), and
must leave the database exactly as it was; what may go through is left to the tests of each feature."""

from dataclasses import dataclass, field

import pytest

from tests import route_map
from tests.api_client import ApiUser
from tests.factories import PASSWORD
from workflow import documents

OK, LOGIN = "2xx/3xx", "redirect to login"
USERS = ("clerk_c1", "reviewer_c1", "reviewer_d", "secretariat_d", "admin_d", "admin")
MANAGERS = ("secretariat_d", "admin_d", "admin")  # the district's secretariat, its admin, the global admin
ADMINS = ("admin_d", "admin")
# D's own business is outside the commune's users' subtree: for them it is another unit's.
ABOVE_THE_COMMUNE = {"clerk_c1": 404, "reviewer_c1": 404}


@dataclass(frozen=True)
class Access:
    ok: tuple[str, ...] = USERS  # who gets through on their own side's object
    refused: int = 403  # what the other users get there
    scoped: bool = True  # the request names an object: another unit's is a 404 (the global admin sees all)
    anonymous: str | int = LOGIN
    other: int = 404  # what users get on another unit's object
    overrides: dict[str, int] = field(default_factory=dict)

    def expect(self, user: str, side: str) -> str | int:
        if user == "anonymous":
            return self.anonymous
        if side == "other" and user != "admin":
            return self.other
        return self.overrides.get(user, OK if user in self.ok else self.refused)


def page(*ok: str, **kwargs) -> Access:
    return Access(ok=ok or USERS, **kwargs)


def api(*ok: str, **kwargs) -> Access:
    return Access(ok=ok or USERS, anonymous=401, **kwargs)


PUBLIC = Access(scoped=False, anonymous=OK)

# endpoint -> Access for every method, or {method: Access}.
ACCESS = {
    # Administration and catalogues
    "admin.index": page(scoped=False),
    "admin.units.index": page(scoped=False),
    "admin.units.new": page(*ADMINS, scoped=False),
    "admin.units.edit": page(*ADMINS),
    "admin.users.index": page(*ADMINS, scoped=False),
    "admin.users.new": page(*ADMINS, scoped=False),
    "admin.users.edit": page(*ADMINS, refused=404),  # accounts exist only for their administrators
    "admin.users.unlock": page(*ADMINS, refused=404),
    "admin.users.history": page(*ADMINS, scoped=False),
    "admin.award_forms.index": page(scoped=False),
    "admin.award_forms.new": page(*MANAGERS, scoped=False),
    "admin.award_forms.edit": page(*MANAGERS),
    "admin.campaigns.index": page(scoped=False),
    "admin.campaigns.new": page(*MANAGERS, scoped=False),
    "admin.campaigns.edit": page(*MANAGERS),
    "admin.indicators.index": page(scoped=False),
    "admin.indicators.new": page("admin", scoped=False),
    "admin.indicators.edit": page("admin", scoped=False),
    "admin.document_templates.index": page(*MANAGERS, scoped=False),
    "admin.document_templates.default": page(*MANAGERS, scoped=False),
    "admin.document_templates.unit": page(*MANAGERS, overrides=ABOVE_THE_COMMUNE),
    "admin.document_templates.upload": page(*MANAGERS, overrides=ABOVE_THE_COMMUNE),
    "admin.document_templates.current": page(*MANAGERS, overrides=ABOVE_THE_COMMUNE),
    "admin.document_templates.version": page(*MANAGERS, overrides=ABOVE_THE_COMMUNE),
    # Type-ahead for the list filters and the forms' unit boxes: everyone, within their own scope (test_lookups)
    "admin.lookups.units": page(scoped=False),
    "admin.lookups.nominating_units": page(scoped=False),
    "admin.lookups.owner_units": page(scoped=False),
    "admin.lookups.administered_units": page(scoped=False),
    "admin.lookups.parent_units": page(scoped=False),
    "admin.lookups.campaigns": page(scoped=False),
    "admin.lookups.award_forms": page(scoped=False),
    "admin.lookups.campaign_award_forms": page(scoped=False),
    # Nominations
    "main.inbox": page(scoped=False),
    "main.workflow_diagram": page(scoped=False),
    "nominations.index": page(scoped=False),
    "nominations.new": page("clerk_c1", scoped=False),
    "nominations.detail": page(),
    "nominations.edit": page("clerk_c1"),
    "nominations.act": page("clerk_c1"),
    "nominations.bulk": page(scoped=False),  # each nomination is checked on its own (test_permissions)
    "nominations.upload": page("clerk_c1"),
    "nominations.download": page(),
    "nominations.delete_attachment": page("clerk_c1"),
    # The commune's Tờ trình: its clerk and approver only.
    "nominations.proposal": page("clerk_c1", "reviewer_c1", refused=404),
    # Decisions: a draft is the issuing unit's business, an issued decision is read on the whole line of the tree.
    "decisions.index": page(scoped=False),
    "decisions.history": page(scoped=False),
    "decisions.compose": page("secretariat_d", scoped=False),
    "decisions.create": page("secretariat_d", scoped=False),
    "decisions.detail": page(),
    "decisions.save": page("secretariat_d", overrides=ABOVE_THE_COMMUNE),
    "decisions.preview": page("reviewer_d", *MANAGERS, overrides=ABOVE_THE_COMMUNE),
    "decisions.confirm_issue": page("reviewer_d", *MANAGERS, overrides=ABOVE_THE_COMMUNE),  # others: back to it
    "decisions.issue": page("secretariat_d", overrides=ABOVE_THE_COMMUNE),
    "decisions.revoke": page("secretariat_d"),
    "decisions.download": page(),
    "decisions.download_pdf": page(),
    # Review-period reports
    "reports.index": page(scoped=False),
    "reports.period": page(),
    "reports.consolidated_xlsx": page(),
    "reports.new_period": page(*MANAGERS, scoped=False),
    "reports.edit_period": page(*MANAGERS),
    "reports.new_report": page("clerk_c1"),
    "reports.report": page(),
    "reports.edit": page("clerk_c1"),
    "reports.fill": page("clerk_c1"),
    "reports.act": page("clerk_c1"),
    "reports.document": page(),
    "reports.upload": page("clerk_c1"),
    "reports.download": page(),
    "reports.delete_attachment": page("clerk_c1"),
    # The API: bearer tokens only
    "api_tokens.issue_token": PUBLIC,
    "api_account.me": api(scoped=False),
    "api_admin.Units": {"GET": api(scoped=False), "POST": api(*ADMINS, scoped=False)},
    "api_admin.Campaigns": {"GET": api(scoped=False), "POST": api(*MANAGERS, scoped=False)},
    "api_admin.AwardForms": {"GET": api(scoped=False), "POST": api(*MANAGERS, scoped=False)},
    "api_admin.create_user": api(*ADMINS, scoped=False),
    "api_admin.UserDetail": api(*ADMINS, refused=404),
    "api_admin.unlock_user": api(*ADMINS, refused=404),
    # A body naming a unit the user may not draft for is a field error, like any other bad reference.
    "api_nominations.Nominations": {"GET": api(scoped=False), "POST": api("clerk_c1", refused=422, scoped=False)},
    "api_nominations.NominationDetail": {"GET": api(), "PATCH": api("clerk_c1")},
    "api_nominations.act": api("clerk_c1"),
    "api_nominations.bulk_action": api(scoped=False),
    "api_nominations.history": api(),
    "api_attachments.upload": api("clerk_c1"),
    "api_attachments.download": api(),
    "api_decisions.Decisions": {"GET": api(scoped=False), "POST": api("secretariat_d", scoped=False)},
    "api_decisions.DecisionDetail": {"GET": api(), "PATCH": api("secretariat_d")},
    "api_decisions.issue": api("secretariat_d", overrides=ABOVE_THE_COMMUNE),
    "api_decisions.revoke": api("secretariat_d"),
    "api_decisions.decision_docx": api(),
    "api_decisions.certificates_docx": api(),
    "api_decisions.decision_pdf": api(),
    "api_decisions.certificates_pdf": api(),
    "api_decisions.award_history": api(scoped=False),
    "api_reports.period_list": api(scoped=False),
    "api_reports.period_detail": api(),
    "api_reports.indicator_list": api(scoped=False),
    # A period the user cannot see, named in the body, is a field error like any other bad reference.
    "api_reports.Reports": {"GET": api(scoped=False), "POST": api("clerk_c1", other=422)},
    "api_reports.ReportDetail": {"GET": api(), "PATCH": api("clerk_c1")},
    "api_reports.act": api("clerk_c1"),
    "api_reports.consolidated": api(),
    # Public: sign-in, static files, the API's documentation
    "auth.login": PUBLIC,
    "auth.logout": page(scoped=False),
    "auth.change_password": page(scoped=False),
    "auth.sign_out_everywhere": page(scoped=False),
    "static": PUBLIC,
    "bootstrap.static": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
    "api_docs.docs": PUBLIC,
}


@pytest.fixture(scope="module")
def scene(database):
    """One world for the module: no request below may change it (each refused one is checked to change
    nothing). PDF conversion is stubbed: who may download is decided before it (test_documents_pdf converts)."""
    with route_map.module_app(database) as app, pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "pdf_available", lambda: True)
        patch.setattr(documents, "to_pdf", lambda docx, **kwargs: b"%PDF-1.4 stub")
        scene = route_map.build_scene()
        scene.app = app
        scene.clients = {"anonymous": (app.test_client(), {})}
        for username in USERS:
            client = app.test_client()
            assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
            scene.clients[username] = (client, ApiUser(app.test_client(), username).headers)
        yield scene


def test_every_endpoint_of_the_url_map_has_an_access_rule(scene):
    endpoints = {rule.endpoint for rule in route_map.rules(scene.app)}
    missing = sorted(endpoints - set(ACCESS))
    assert not missing, f"no access rule in {__name__}.ACCESS for: {', '.join(missing)}"
    assert not sorted(set(ACCESS) - endpoints), "ACCESS names endpoints the URL map no longer has"


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_each_role_gets_what_the_rule_of_the_endpoint_says(scene, endpoint):
    rules = [rule for rule in route_map.rules(scene.app) if rule.endpoint == endpoint]
    assert rules, f"{endpoint} is not in the URL map any more"
    wrong = []
    for rule in rules:
        for method in sorted(set(rule.methods) - {"HEAD", "OPTIONS"}):
            access = ACCESS[endpoint][method] if isinstance(ACCESS[endpoint], dict) else ACCESS[endpoint]
            for side_name in ("own", "other") if access.scoped else ("own",):
                side = getattr(scene, side_name)
                path = route_map.url_for_rule(scene.app, rule, side)
                for user in ("anonymous", *USERS):
                    expected = access.expect(user, side_name)
                    got = _request(scene, user, method, path, endpoint, side, expected)
                    if got is not None:
                        wrong.append(f"{method} {path} as {user} ({side_name}): expected {expected}, {got}")
    assert not wrong, "\n".join(wrong)


def _request(scene, user, method, path, endpoint, side, expected) -> str | None:
    """None if the answer is the expected one; otherwise what went wrong."""
    changes = method in route_map.STATE_CHANGING
    if changes and expected == OK:
        return None  # it would change the shared world: each feature's tests cover what goes through
    client, headers = scene.clients[user]
    body = route_map.probe(endpoint, side) if changes else {}
    before = route_map.fingerprint() if changes else None
    response = client.open(path, method=method, headers=headers if path.startswith("/api/") else {}, **body)
    status, location = response.status_code, response.headers.get("Location", "")
    if expected == OK:
        passed = 200 <= status < 400 and "/login" not in location
    elif expected == LOGIN and changes:  # a form sent signed out: 401, the typed text shown back (test_security_login)
        passed = status == 401 and "Phiên đăng nhập đã kết thúc" in response.text
    elif expected == LOGIN:
        passed = status == 302 and "/login" in location
    else:
        passed = status == expected
    if not passed:
        return f"got {status} {location}".strip()
    if changes and route_map.fingerprint() != before:
        return f"got {status} but the database changed"
    return None
