"""Uploaded Word templates under the real server: a gunicorn gthread worker renders a unit's own template in a
process of its own, a stored template past a limit fails its request cleanly (422, nothing issued), and a worker
that has rendered one still stops when asked, leaving no process of it behind."""

import io
import os
import time

from docx import Document
from sqlalchemy import delete

from tests.factories import create_nomination
from tests.live.http import API, api_user
from tests.live.support import running_servers
from workflow import documents
from workflow.extensions import db
from workflow.models import Decision, DocumentTemplate
from workflow.services import decisions, templates
from workflow.states import State


def test_a_gthread_worker_renders_a_units_template_apart_refuses_one_past_a_limit_and_stops_cleanly(cluster, live):
    w = live.world
    try:
        with running_servers(cluster.url, cluster.log_dir, count=1, workers=1, threads=4) as (server,):
            secretariat = api_user(server, "secretariat_q")
            _store_unchecked(w, "{{ 'A' * 100000000 }}")
            refused = _issue(secretariat, _draft(w))
            assert refused.status == 422, refused.text
            assert "Không dựng được văn bản từ mẫu “Tỉnh Bình Thuận, bản 1”" in refused.json()["error"]["message"]

            own = _with_paragraph(documents.default_template("decision"), "Mẫu riêng của tỉnh: {{ reference }}")
            templates.upload(w.secretariat_q, w.q, "decision", "mau-tinh.docx", own)
            db.session.commit()
            draft = _draft(w)
            issued = _issue(secretariat, draft)
            assert issued.status == 200, issued.text
            db.session.expire_all()
            assert db.session.get(Decision, draft.id).state == "issued"

            server.terminate()
            assert server.process.wait(timeout=40) == 0, server.logs()
            assert _group_gone(server.process.pid, wait=5), "a render server or process outlived its worker"
    finally:
        db.session.execute(delete(DocumentTemplate).where(DocumentTemplate.unit_id == w.q.id))
        db.session.commit()


def _store_unchecked(w, paragraph: str) -> None:
    """A template as stored before uploads were checked for limits."""
    data = _with_paragraph(documents.default_template("decision"), paragraph)
    db.session.add(
        DocumentTemplate(
            unit_id=w.q.id,
            kind="decision",
            version=1,
            filename="cu.docx",
            sha256="-",
            data=data,
            uploaded_by_id=w.admin.id,
        )
    )
    db.session.commit()


def _with_paragraph(data: bytes, text: str) -> bytes:
    document = Document(io.BytesIO(data))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _draft(w) -> Decision:
    nomination = create_nomination(
        w, w.q1, state=State.approved(w.form_q.owner_unit.level), form=w.form_q, campaign=w.campaign_q
    )
    draft = decisions.create_draft(
        w.secretariat_q, {"award_form_id": w.form_q.id, "nomination_ids": [nomination.id], "signer_name": "Lê Văn Ký"}
    )
    db.session.commit()
    return draft


def _issue(client, draft: Decision):
    return client.post(f"{API}/decisions/{draft.id}/actions/issue", json={"version": draft.version})


def _group_gone(group: int, *, wait: float) -> bool:
    """Whether no process of the process group is left, within `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
