"""What the URL-map tests share: one world with an object of every kind on each side of the tree, the URL of any
rule filled from it, and a fingerprint of the database to prove a refused request changed nothing.

"own" objects belong to district D's subtree (commune C1), where the users under test work; "other" objects belong
to province Q's subtree (commune Q1), which none of them (but the global admin) may see."""

import io
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import Rule

from tests import factories
from tests.conftest import TEST_LIMITS, BrowserClient, _empty_all_tables
from tests.factories import nomination_data
from workflow import documents
from workflow.extensions import db
from workflow.models import Indicator
from workflow.models.base import utcnow
from workflow.services import attachments, decisions, templates
from workflow.states import State

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@contextmanager
def module_app(database, **config):
    """An app on the session's database for a whole module, its tables emptied afterwards (as the `app` fixture
    does per test), with the test settings of the `app` fixture (conftest.TEST_LIMITS)."""
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database.url,
            "SECRET_KEY": "test",
            **TEST_LIMITS,
        }
        | config
    )
    app.config["BACKEND"] = database.backend
    app.test_client_class = BrowserClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            _empty_all_tables()
            db.engine.dispose()


def build_scene() -> SimpleNamespace:
    """build_world() plus, on each side: a draft nomination with an attachment, an issued decision and a draft
    one (each holding an approved nomination), a review period with a draft report and its attachment, and an
    uploaded Word template."""
    w = factories.build_world()
    sides = {
        "own": _side(w, w.c1, w.d, w.form_d, w.campaign_d, w.secretariat_d, w.clerk_c1),
        "other": _side(w, w.q1, w.q, w.form_q, w.campaign_q, w.secretariat_q, w.clerk_q1),
    }
    for side in sides.values():
        side.world = w
    db.session.commit()
    return SimpleNamespace(world=w, **sides)


def _side(w, commune, issuer, form, campaign, secretariat, clerk) -> SimpleNamespace:
    def nomination(state, name):
        return factories.create_nomination(w, commune, form=form, campaign=campaign, state=state, name=name)

    draft = nomination(State.draft, f"Nguyễn Văn Dự Thảo {commune.code}")
    attachment = attachments.add(clerk, draft, "bao-cao-thanh-tich.pdf", PDF)
    issued = decisions.create_draft(
        secretariat,
        {
            "award_form_id": form.id,
            "campaign_id": campaign.id,
            "nomination_ids": [nomination(State.approved(issuer.level), f"Trần Thị Khen {commune.code}").id],
            "signer_name": "Nguyễn Văn Sơn",
        },
    )
    decisions.issue(secretariat, issued)
    draft_decision = decisions.create_draft(
        secretariat,
        {
            "award_form_id": form.id,
            "campaign_id": campaign.id,
            "nomination_ids": [nomination(State.approved(issuer.level), f"Lê Văn Chờ {commune.code}").id],
            "signer_name": "Nguyễn Văn Sơn",
        },
    )
    period = factories.create_period(w, issuer, commit=False)
    report = factories.create_report(w, period, commune, commit=False)
    report_attachment = attachments.add(clerk, report, "bien-ban.pdf", PDF)
    template = templates.upload(secretariat, issuer, "decision", "mau.docx", documents.default_template("decision"))
    locked = factories.make_user(f"khoa_{commune.code.lower()}", [("clerk", commune)])
    locked.locked_until = utcnow() + timedelta(hours=1)  # after wrong passwords: what "Mở khóa" lifts
    return SimpleNamespace(
        unit=commune,
        issuer=issuer,
        form=form,
        campaign=campaign,
        clerk=clerk,
        nomination=draft,
        attachment=attachment,
        decision=issued,
        draft_decision=draft_decision,
        period=period,
        report=report,
        report_attachment=report_attachment,
        template=template,
        locked=locked,
    )


# Every URL argument of the map, and where its value comes from. A rule with an argument missing here cannot be
# built, and the tests that walk the map fail naming it: a new route must say what its arguments are.
URL_ARGUMENTS = {
    "nomination_id": lambda side: side.nomination.id,
    "attachment_id": lambda side: side.attachment.id,
    "decision_id": lambda side: side.decision.id,
    "report_id": lambda side: side.report.id,
    "period_id": lambda side: side.period.id,
    "unit_id": lambda side: side.issuer.id,
    "user_id": lambda side: side.clerk.id,
    "form_id": lambda side: side.form.id,
    "campaign_id": lambda side: side.campaign.id,
    "indicator_id": lambda side: db.session.scalar(select(Indicator.id).order_by(Indicator.id).limit(1)),
    "kind": lambda side: "decision",
    "number": lambda side: side.template.version,
    "action": lambda side: "submit",
    "filename": lambda side: "css/app.css",
}
# Where one endpoint needs another object than the argument's default.
ENDPOINT_ARGUMENTS = {
    "reports.download": {"attachment_id": lambda side: side.report_attachment.id},
    "reports.delete_attachment": {"attachment_id": lambda side: side.report_attachment.id},
    "admin.units.edit": {"unit_id": lambda side: side.unit.id},
    "admin.users.unlock": {"user_id": lambda side: side.locked.id},
    "api_admin.unlock_user": {"user_id": lambda side: side.locked.id},
    "bootstrap.static": {"filename": lambda side: "css/bootstrap.min.css"},
    **{
        endpoint: {"decision_id": lambda side: side.draft_decision.id}
        for endpoint in (
            "decisions.save",
            "decisions.issue",
            "decisions.confirm_issue",
            "decisions.preview",
            "api_decisions.issue",
        )
    },
}


# Query arguments a page or API call cannot do without, filled from the same side's objects.
ENDPOINT_QUERY = {
    "nominations.proposal": {"campaign_id": lambda side: side.campaign.id, "unit_id": lambda side: side.unit.id},
    "reports.new_report": {"period_id": lambda side: side.period.id},
    "api_reports.consolidated": {"period_id": lambda side: side.period.id, "unit_id": lambda side: side.unit.id},
    "api_decisions.award_history": {"name": lambda side: "Trần Thị Khen"},
}


def _pdf_file(name="bao-cao.pdf"):
    return (io.BytesIO(PDF), name)


# For a refused state-changing request, a body that would succeed if the user had the right, so the refusal
# comes from the rule and not from a missing field.
PROBES = {
    "nominations.new": lambda s: {"data": _nomination_form(s)},
    "nominations.edit": lambda s: {"data": _nomination_form(s) | {"version": s.nomination.version}},
    "nominations.act": lambda s: {"data": {"version": s.nomination.version}},
    "nominations.upload": lambda s: {"data": {"files": _pdf_file()}},
    "reports.upload": lambda s: {"data": {"files": _pdf_file()}},
    "reports.act": lambda s: {"data": {"version": s.report.version}},
    "reports.fill": lambda s: {"data": {"version": s.report.version}},
    "reports.edit": lambda s: {"data": {"version": s.report.version, "results": "Đã sửa."}},
    "decisions.create": lambda s: {
        "data": {"award_form_id": s.form.id, "campaign_id": s.campaign.id, "nomination_ids": s.nomination.id}
    },
    "decisions.save": lambda s: {
        "data": {"signing_form": "KT", "signer_name": "Lê Văn Ký", "version": s.draft_decision.version}
    },
    "decisions.issue": lambda s: {"data": {"version": s.draft_decision.version}},
    "decisions.revoke": lambda s: {"data": {"reason": "Trùng đối tượng.", "version": s.decision.version}},
    "admin.document_templates.upload": lambda s: {
        "data": {"decision-file": (io.BytesIO(documents.default_template("decision")), "mau.docx")}
    },
    "api_admin.Units": lambda s: {
        "json": {"code": "XM", "name": "Xã Mới", "level": "commune", "parent_id": s.issuer.id}
    },
    "api_admin.Campaigns": lambda s: {
        "json": {
            "title": "Đợt thi đua mới",
            "owner_unit_id": s.issuer.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "award_form_ids": [s.form.id],
        }
    },
    "api_admin.AwardForms": lambda s: {
        "json": {"name": "Giấy khen mới", "owner_unit_id": s.issuer.id, "nominee_kinds": ["individual"]}
    },
    "api_admin.create_user": lambda s: {
        "json": {
            "username": "tai_khoan_moi",
            "full_name": "Tài Khoản Mới",
            "password": "Matkhau2026",
            "roles": [{"role": "clerk", "unit_id": s.unit.id}],
        }
    },
    "api_admin.UserDetail": lambda s: {
        "json": {"full_name": "Tên Đã Sửa", "roles": [{"role": "reviewer", "unit_id": s.unit.id}]}
    },
    "api_nominations.Nominations": lambda s: {
        "json": nomination_data(s.world, s.unit, form=s.form, campaign=s.campaign)
    },
    "api_nominations.NominationDetail": lambda s: {
        "json": {"version": s.nomination.version, "nominee_name": "Tên đã sửa"}
    },
    "api_nominations.act": lambda s: {"json": {"version": s.nomination.version}},
    "api_attachments.upload": lambda s: {"data": {"file": _pdf_file()}},
    "api_decisions.Decisions": lambda s: {
        "json": {"award_form_id": s.form.id, "campaign_id": s.campaign.id, "nomination_ids": [s.nomination.id]}
    },
    "api_decisions.DecisionDetail": lambda s: {"json": {"version": s.decision.version, "signer_name": "Lê Văn Ký"}},
    "api_decisions.issue": lambda s: {"json": {"version": s.draft_decision.version}},
    "api_decisions.revoke": lambda s: {"json": {"reason": "Trùng đối tượng.", "version": s.decision.version}},
    "api_reports.Reports": lambda s: {
        "json": {"period_id": s.period.id, "unit_id": s.unit.id, "results": "Tổ chức 3 buổi tuyên truyền."}
    },
    "api_reports.ReportDetail": lambda s: {"json": {"version": s.report.version, "results": "Đã sửa."}},
    "api_reports.act": lambda s: {"json": {"version": s.report.version}},
}


def _nomination_form(side) -> dict:
    return nomination_data(side.world, side.unit, form=side.form, campaign=side.campaign)


def probe(endpoint: str, side: SimpleNamespace) -> dict:
    """Keyword arguments for client.open(): the probe body of `endpoint`, else an empty form or JSON object."""
    if endpoint in PROBES:
        return PROBES[endpoint](side)
    return {"json": {}} if endpoint.startswith(("api_", "api-")) else {"data": {}}


class UnknownUrlArgument(LookupError):
    pass


def url_for_rule(app: Flask, rule: Rule, side: SimpleNamespace) -> str:
    """The path of `rule` filled from `side`'s objects, with the query it needs. Raises UnknownUrlArgument for an
    argument nobody described in URL_ARGUMENTS."""
    sources = URL_ARGUMENTS | ENDPOINT_ARGUMENTS.get(rule.endpoint, {})
    unknown = sorted(set(rule.arguments) - set(sources))
    if unknown:
        raise UnknownUrlArgument(
            f"{rule.endpoint} ({rule.rule}): no object for URL argument(s) {unknown}; "
            "add them to tests/route_map.py URL_ARGUMENTS"
        )
    values = {name: sources[name](side) for name in rule.arguments}
    with app.test_request_context():
        _, path = rule.build(values, append_unknown=False)
    query = {name: source(side) for name, source in ENDPOINT_QUERY.get(rule.endpoint, {}).items()}
    return path + (f"?{urlencode(query)}" if query else "")


def rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def state_changing(rule: Rule) -> list[str]:
    return sorted(STATE_CHANGING & set(rule.methods or ()))


def fingerprint() -> tuple:
    """Row counts of every table and the sum of every `version` column, in one query: a request that changed
    nothing leaves it as it was."""
    columns = []
    for table in db.metadata.sorted_tables:
        columns.append(select(func.count()).select_from(table).scalar_subquery())
        if "version" in table.c:
            columns.append(select(func.coalesce(func.sum(table.c.version), 0)).scalar_subquery())
    db.session.expire_all()
    return tuple(db.session.execute(select(*columns)).one())
