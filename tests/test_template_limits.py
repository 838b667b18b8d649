"""Word templates are uploaded by users, and Jinja's sandbox alone does not keep them from asking for a loop of
10^10 turns, a number of millions of digits or a string of a gigabyte. Each such upload is refused in under 2 s
with a message naming the limit and where it is, and templates doing ordinary things still pass."""

import io
import time
from types import SimpleNamespace

import pytest
from docx import Document

from workflow import documents
from workflow.errors import ValidationError

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
        "{% for i in range(10000) %}{{ 'x' * 1000000 }}{% endfor %}",
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


def refused_upload(template: bytes, kind: str = "decision") -> tuple[str, SimpleNamespace]:
    cost = SimpleNamespace()
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        documents.validate_template(kind, template)
    cost.seconds = time.monotonic() - started
    return refused.value.message, cost


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_upload_asking_for_too_much_is_refused_in_under_2_s_naming_the_limit(attack):
    paragraph, named = ATTACKS[attack]
    message, cost = refused_upload(with_paragraphs(DECISION, paragraph))
    assert named in message
    assert cost.seconds < 2


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
