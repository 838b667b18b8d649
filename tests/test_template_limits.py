"""Word templates are uploaded by users, and Jinja's sandbox alone does not keep them from asking for a loop of
10^10 turns, a number of millions of digits or a string of a gigabyte. Each such upload is refused in under 2 s
with a message naming the limit, without the web process allocating it; an uploaded template renders in a process
of its own whose memory and time are capped whatever the template does; a stored template that hits a limit when a
document is made fails that action cleanly; and the shipped and realistic templates still render, a decision of
10,000 awardees included."""

import gc
import io
import os
import sqlite3
import subprocess
import sys
import time
import tracemalloc
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from docx import Document
from flask import Flask, has_app_context
from sqlalchemy import func, select, text

from tests.factories import create_decision, create_nomination
from workflow import documents
from workflow.documents import isolation, limits, samples
from workflow.documents.context import Awardee
from workflow.errors import ValidationError
from workflow.extensions import db
from workflow.models import Decision, DecisionCounter, DocumentTemplate, IssuedDocument, Nomination
from workflow.services import templates
from workflow.states import State

ROOT = Path(__file__).resolve().parents[1]
DECISION = documents.default_template("decision")
CERTIFICATE = documents.default_template("certificate")
TOO_LONG = "Mẫu tạo ra chuỗi hoặc danh sách quá dài (tối đa 1.000.000 ký tự hoặc phần tử)"
TOO_MANY_TURNS = "Mẫu có vòng lặp chạy quá nhiều lần (tối đa 250.000 lượt cho cả văn bản)"
# Paragraph typed into the decision template → what the refusal must say.
ATTACKS = {
    "nested range loops": (
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
        "Mẫu dùng vòng lặp quá lớn: range() tối đa 10.000 phần tử",
    ),
    "a loop of 10^8 turns": ("{% for i in range(100000000) %}{% endfor %}", "range() tối đa 10.000 phần tử"),
    "ranges each within the limit, nested": (
        "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
        "Mẫu dùng range() quá nhiều: tối đa 100.000 phần tử cho cả văn bản",
    ),
    "loops over long strings, nested": (
        "{% for a in 'x' * 100000 %}{% for b in 'x' * 100000 %}{% endfor %}{% endfor %}",
        TOO_MANY_TURNS,
    ),
    "9**(9**7)": ("{{ 9**(9**7) }}", "Mẫu có phép lũy thừa quá lớn"),
    "a product of huge numbers": ("{{ (2**4000) * (2**4000) }}", "Mẫu có phép tính tạo ra số quá lớn"),
    "'A'*100000000": ("{{ 'A' * 100000000 }}", TOO_LONG),
    "the center filter": ("{{ 'x'|center(10**9) }}", TOO_LONG),
    "str.center": ("{{ 'x'.center(10**9) }}", TOO_LONG),
    "str.replace of the empty string": ("{{ (reference * 10000).replace('', reference * 100) }}", TOO_LONG),
    "the replace filter": ("{{ (reference * 10000)|replace('', reference * 100) }}", TOO_LONG),
    "~ doubling in a macro": (
        "{% macro twice(s, n) %}{% if n %}{{ twice(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}"
        "{% endmacro %}{{ twice(reference, 64) }}",
        TOO_LONG,
    ),
    "a list holding one list a million times, printed": ("{{ [[[reference] * 1000] * 1000] * 1000 }}", TOO_LONG),
    "joining": ("{{ ([reference * 100000] * 1000)|join(', ') }}", TOO_LONG),
    "a %-format's width": ("{{ '%0999999999d' % 1 }}", TOO_LONG),
    "str.format's width": ("{{ '{:>999999999}'.format(1) }}", TOO_LONG),
    "int.to_bytes": ("{{ (1).to_bytes(1000000000, 'big') }}", TOO_LONG),
    "a batch filled up": ("{{ [1]|batch(1000000000, 'x')|list }}", TOO_LONG),
    "indenting by a huge width": ("{{ reference|indent(1000000000) }}", TOO_LONG),
    "a document of gigabytes": (
        "{% for i in range(10000) %}{{ 'x' * 100000 }}{% endfor %}",
        "Mẫu tạo ra văn bản quá lớn (tối đa 100 MB)",
    ),
    "macros calling themselves twice, 40 deep": (
        "{% macro both(n) %}{% if n %}{{ both(n - 1) }}{{ both(n - 1) }}{% endif %}{% endmacro %}{{ both(40) }}",
        "Mẫu chạy quá lâu (quá 1 giây)",
    ),
    "lipsum": ("{{ lipsum(10000000) }}", "Mẫu dùng biến không có trong dữ liệu: lipsum"),
}


def with_paragraphs(data: bytes, *texts: str) -> bytes:
    """The template `data` with paragraphs added at the end, as someone editing it in Word would."""
    document = Document(io.BytesIO(data))
    for paragraph in texts:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_body(data: bytes, old: bytes, new: bytes) -> bytes:
    """The template `data` with `old` replaced by `new` in its body."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            target.writestr(name, part.replace(old, new) if name == "word/document.xml" else part)
    return out.getvalue()


@contextmanager
def measured():
    """How long the block took, and the most this process allocated meanwhile (tracemalloc)."""
    cost = SimpleNamespace()
    tracemalloc.start()
    started = time.monotonic()
    try:
        yield cost
    finally:
        cost.seconds = time.monotonic() - started
        cost.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


@contextmanager
def settings(**config):
    """An app whose configuration holds `config`, as a server's would."""
    app = Flask(__name__)
    app.config.update(config)
    with app.app_context():
        yield


@pytest.fixture(scope="module", autouse=True)
def render_server():
    """The render processes' server started, as in a worker that has checked an upload before (starting it takes
    about half a second, once per worker)."""
    documents.validate_template("decision", DECISION)


def refused_upload(template: bytes, kind: str = "decision") -> tuple[str, SimpleNamespace]:
    with measured() as cost, pytest.raises(ValidationError) as refused:
        documents.validate_template(kind, template)
    return refused.value.message, cost


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_upload_asking_for_too_much_is_refused_in_under_2_s_naming_the_limit(attack):
    paragraph, named = ATTACKS[attack]
    message, cost = refused_upload(with_paragraphs(DECISION, paragraph))
    assert named in message
    assert cost.seconds < 2
    assert cost.peak < 10 * 2**20  # nothing of it was made in the web process


def test_the_refusal_says_where_in_the_template_and_what_to_do():
    message, _cost = refused_upload(with_paragraphs(DECISION, "Ghi chú: {{ 'A' * 100000000 }} hết."))
    assert message == (
        f"{TOO_LONG} (gần: “Ghi chú: {{{{ 'A' * 100000000 }}}} hết.”). Hãy sửa phần đó của mẫu rồi tải lên lại."
    )


def test_templates_doing_ordinary_things_pass_the_checks():
    documents.validate_template(
        "decision",
        with_paragraphs(
            DECISION,
            "{% for r in individuals %}{{ loop.index }}. {{ r.name|upper }}{% if not loop.last %}; {% endif %}"
            "{% endfor %}",
            "{{ individuals|map(attribute='name')|join(', ') }} – {{ '%s/%s' % (year, reference) }}",
            "{{ '{} tập thể'.format(collectives|length) }} {{ ('Ngày ' ~ date_text)|center(60) }}",
            "{% for i in range(3) %}{{ '-' * 20 }}{% endfor %} {{ 2**10 }} {{ [reference] * 3 }}",
        ),
    )


# Work no check inside the template can interrupt: wrapping half a million characters one to a line is one call of
# Python's textwrap, and printing a list nested by hand (no operator made it) is one repr() of a gigabyte. Seconds
# each, and the latter may run out of its process's memory first: the process's limits stop both.
TOO_SLOW = "Mẫu chạy quá lâu (quá 0,3 giây)."
UNINTERRUPTIBLE = {
    "textwrap": ("{{ ('x' * 500000)|wordwrap(1) }}", {TOO_SLOW}),
    "printing nested lists": (
        "{% set s = reference * 100000 %}{% set a = [s, s, s, s, s, s, s, s, s, s] %}"
        "{% set b = [a, a, a, a, a, a, a, a, a, a] %}{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ c }}",
        {TOO_SLOW, "Mẫu cần quá nhiều bộ nhớ để dựng văn bản (quá 1.024 MB)."},
    ),
}


@pytest.mark.parametrize("work", UNINTERRUPTIBLE)
def test_work_the_sandbox_cannot_interrupt_is_stopped_by_its_process_limits(work):
    paragraph, stopped = UNINTERRUPTIBLE[work]
    with settings(TEMPLATE_CHECK_SECONDS=0.3):
        message, cost = refused_upload(with_paragraphs(DECISION, paragraph))
    assert message in stopped
    assert cost.seconds < 2 and cost.peak < 10 * 2**20


def test_a_template_within_the_sandboxs_checks_but_too_big_for_its_process_is_stopped_by_the_memory_cap():
    # 90 strings of a million characters each: every one within the limit of a string, the document within the
    # limit of a document, but making it takes some 200 MB more than the process has.
    template = with_paragraphs(DECISION, "{% for i in range(90) %}{{ 'x' * 1000000 }}{% endfor %}")
    with settings(TEMPLATE_MEMORY_MB=200):
        message, cost = refused_upload(template)
    assert message.startswith("Mẫu cần quá nhiều bộ nhớ để dựng văn bản (quá 200 MB).")
    assert cost.seconds < 2 and cost.peak < 10 * 2**20


def _inside(web_process: int) -> dict:
    """What a render process sees of the process that asked for it."""
    connections = [o for o in gc.get_objects() if isinstance(o, (sqlite3.Connection, psycopg.Connection))]
    return {
        "forked from the web process": os.getppid() == web_process,
        "app": has_app_context(),
        "connections": len(connections),
    }


def test_a_render_process_shares_nothing_with_the_web_process(app):
    db.session.execute(text("SELECT 1"))  # a connection of this process, open
    seen = isolation.run(_inside, os.getpid(), limits=limits.CHECK)
    assert seen == {"forked from the web process": False, "app": False, "connections": 0}


def test_renders_of_uploaded_templates_from_several_threads_at_once_each_get_their_own():
    def check(number: int) -> str:
        marked = with_paragraphs(DECISION, f"Bản số {number}: {{{{ reference }}}}")
        documents.validate_template("decision", marked)
        return samples.context_for("decision")["reference"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(check, range(8))) == ["15/QĐ-UBND"] * 8


def test_a_process_that_rendered_an_uploaded_template_exits_at_once_leaving_no_process_behind():
    marker = f"ANTQ_TEST_{uuid.uuid4().hex}"
    script = (
        "from workflow import documents; "
        "documents.validate_template('decision', documents.default_template('decision')); print('checked')"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=os.environ | {marker: "1"}, capture_output=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, b"checked"), done.stderr.decode()
    assert time.monotonic() - started < 30
    assert _processes_with(marker, wait=5) == []


def _processes_with(variable: str, *, wait: float) -> list[int]:
    """The processes whose environment holds `variable`, once none is left or `wait` seconds have passed."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if f"{variable}=".encode() in environ.read_bytes():
                    found.append(int(environ.parent.name))
            except OSError:
                pass
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


# A stored template when a document is made: at issue, preview, Tờ trình and report time.

# Loops over the awardees three deep: 8 turns with the sample data an upload is checked with, 10^12 with 10,000.
THREE_DEEP = (
    "{% for a in individuals %}{% for b in individuals %}{% for c in individuals %}{{ c.stt }}"
    "{% endfor %}{% endfor %}{% endfor %}"
)


def awardees(count: int) -> list[Awardee]:
    return [
        Awardee(
            "collective" if number % 5 == 0 else "individual",
            f"Nguyễn Văn Người {number}",
            "Công an viên",
            "Phát hiện, tố giác 5 vụ trộm cắp.",
            "Thị trấn Lạc Dương",
            "Giấy khen của Chủ tịch UBND huyện Lạc Dương",
        )
        for number in range(1, count + 1)
    ]


def a_decision_of(unit) -> SimpleNamespace:
    """The sample decision, issued by `unit`."""
    decision = samples.decision()
    decision.issuing_unit = unit
    return decision


def test_a_template_that_passed_its_check_but_is_too_much_for_10000_awardees_fails_the_issue_quickly(world):
    first = f"<w:body><w:p><w:r><w:t>{THREE_DEEP}</w:t></w:r></w:p>".encode()  # before the annex
    template = with_body(DECISION, b"<w:body>", first)
    templates.upload(world.secretariat_d, world.d, "decision", "ba-vong-lap.docx", template)
    db.session.commit()
    decision, rows = a_decision_of(world.d), awardees(10_000)
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        documents.issue_documents(decision, rows, number=1)
    assert time.monotonic() - started < 2
    assert refused.value.message.startswith(
        f"Không dựng được văn bản từ mẫu “Huyện Lạc Dương, bản 1”: {TOO_MANY_TURNS}"
    )
    assert "cần sửa mẫu (Danh mục & quản trị › Mẫu văn bản) rồi thử lại." in refused.value.message


def test_a_realistic_uploaded_template_renders_a_decision_of_10000_awardees(world):
    certificate = with_body(
        CERTIFICATE, b"{{ c.name }}", b"{{ c.name|upper }} ({{ loop.index }}/{{ certificates|length }})"
    )
    decision = with_paragraphs(
        DECISION,
        "Cá nhân: {{ individuals|join(', ', attribute='name') }}.",
        "{% for r in collectives %}{% if loop.index is divisibleby 500 %}{{ r.name ~ ' – ' ~ r.stt }}; {% endif %}"
        "{% endfor %}",
    )
    templates.upload(world.secretariat_d, world.d, "certificate", "giay-khen.docx", certificate)
    templates.upload(world.secretariat_d, world.d, "decision", "quyet-dinh.docx", decision)
    db.session.commit()

    rendered = {d["kind"]: d for d in documents.issue_documents(a_decision_of(world.d), awardees(10_000), number=3)}

    assert {kind: d["template_label"] for kind, d in rendered.items()} == {
        "decision": "Huyện Lạc Dương, bản 1",
        "certificates": "Huyện Lạc Dương, bản 1",
    }
    certificates = body(rendered["certificates"]["data"])
    assert certificates.count("/10000)") == 10_000
    assert "NGUYỄN VĂN NGƯỜI 9999 (10000/10000)" in certificates  # collectives first, the individuals after
    annex = body(rendered["decision"]["data"])
    assert "Nguyễn Văn Người 2, Nguyễn Văn Người 3" in annex and "Nguyễn Văn Người 10000 – 2000; " in annex


def body(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml").decode()


def store(world, unit, kind: str, data: bytes) -> None:
    """A template stored as it was uploaded before these checks existed: not checked."""
    db.session.add(
        DocumentTemplate(
            unit_id=unit.id,
            kind=kind,
            version=1,
            filename=f"{kind}.docx",
            sha256="-",
            data=data,
            uploaded_by_id=world.admin.id,
        )
    )
    db.session.commit()


def test_a_stored_template_past_a_limit_fails_the_preview_and_the_issue_and_nothing_is_issued(world, client, auth):
    nominations = [create_nomination(world, state=State.district_approved, name=n) for n in ("Lê Văn Tám", "Ka Hoa")]
    draft = create_decision(world, nominations, issue=False)
    store(world, world.d, "decision", with_paragraphs(DECISION, "{{ 'A' * 100000000 }}"))
    named = "Không dựng được văn bản từ mẫu “Huyện Lạc Dương, bản 1”: Mẫu tạo ra chuỗi hoặc danh sách quá dài"
    auth.login("secretariat_d")

    preview = client.get(f"/decisions/{draft.id}/preview.docx")
    assert preview.status_code == 422 and named in preview.text

    page = client.post(f"/decisions/{draft.id}/issue", data={"version": draft.version}, follow_redirects=True)
    assert page.status_code == 200 and named in page.text
    db.session.expire_all()
    decision = db.session.get(Decision, draft.id)
    assert (decision.state, decision.number, decision.issued_on) == ("draft", None, None)
    assert [db.session.get(Nomination, n.id).state for n in nominations] == [State.district_approved] * 2
    assert db.session.scalar(select(func.count()).select_from(IssuedDocument)) == 0
    assert db.session.scalar(select(func.count()).select_from(DecisionCounter)) == 0


def test_the_communes_proposal_from_a_stored_template_past_a_limit_is_refused_with_the_reason(world, client, auth):
    create_nomination(world, world.c1, state=State.commune_approved)
    store(world, world.d, "proposal", with_paragraphs(documents.default_template("proposal"), "{{ 9**(9**7) }}"))
    auth.login("reviewer_c1")
    page = client.get(f"/nominations/proposal.docx?campaign_id={world.campaign_d.id}&unit_id={world.c1.id}")
    assert page.status_code == 422
    assert "Không dựng được văn bản từ mẫu “Huyện Lạc Dương, bản 1”: Mẫu có phép lũy thừa quá lớn" in page.text


def test_an_upload_past_a_limit_is_refused_on_its_page_and_the_unit_keeps_its_template(world, client, auth):
    auth.login("secretariat_d")
    kept = with_paragraphs(DECISION, "Ghi chú: {{ unit_name }}")
    upload = f"/admin/templates/{world.d.id}/decision/"
    sent = client.post(
        upload, data={"decision-file": (io.BytesIO(kept), "mau.docx")}, content_type="multipart/form-data"
    )
    assert sent.status_code == 302

    started = time.monotonic()
    refused = client.post(
        upload,
        data={"decision-file": (io.BytesIO(with_paragraphs(DECISION, "{{ 9**(9**7) }}")), "mau-moi.docx")},
        content_type="multipart/form-data",
    )
    assert time.monotonic() - started < 2
    assert refused.status_code == 422 and "Mẫu có phép lũy thừa quá lớn" in refused.text
    assert documents.template_for("decision", world.d) == (kept, "Huyện Lạc Dương, bản 1")
    assert db.session.scalar(select(func.count()).select_from(DocumentTemplate)) == 1
