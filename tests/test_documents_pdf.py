"""PDF copies through LibreOffice headless. Collected only where LibreOffice is installed (see conftest.py; CI
sets REQUIRE_LIBREOFFICE=1, so there it always runs)."""

import re
from pathlib import Path

from tests.factories import create_decision, create_nomination
from tests.test_documents import approved, make_decision, stored
from workflow import documents
from workflow.documents import context, render, samples
from workflow.documents import pdf as pdf_module
from workflow.states import State


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_issued_decision_converts_to_a_pdf_of_the_decision_and_its_annex(world):
    decision = make_decision(world, [approved(world, "collective", "Đội PCCC tự quản"), approved(world)])
    pdf = documents.to_pdf(stored(decision, "decision").data)
    assert pdf.startswith(b"%PDF") and pages(pdf) == 2


def test_certificates_print_one_page_per_awardee_even_with_a_long_name():
    decision = samples.decision()  # four awardees, one of them with a name of several hundred characters
    certificates = render(documents.default_template("certificate"), context.certificate_context(decision))
    assert pages(documents.to_pdf(certificates)) == len(decision.items)


def test_pdfs_are_converted_from_the_stored_documents_through_the_api(api, world):
    """Here, with the other PDF tests, so that it is left out where LibreOffice is missing, like them."""
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    reader = api("clerk_c1")
    for path in ("document.pdf", "certificates.pdf"):
        response = reader.get(f"/decisions/{decision.id}/{path}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")


def test_an_issued_documents_pdf_is_converted_once_then_read_from_the_cache(app, world, client, auth, monkeypatch):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    conversions = []
    convert = pdf_module.to_pdf
    monkeypatch.setattr(pdf_module, "to_pdf", lambda docx, **options: conversions.append(1) or convert(docx, **options))
    auth.login("clerk_c1")
    url = f"/decisions/{decision.id}/decision.pdf"

    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == 200 and first.data.startswith(b"%PDF")
    assert second.data == first.data and len(conversions) == 1
    cache = Path(app.config["PDF_CACHE_DIR"])
    assert [file.name for file in cache.iterdir()] == [f"{stored(decision, 'decision').sha256}.pdf"]

    (cache / f"{stored(decision, 'decision').sha256}.pdf").write_bytes(b"")  # damaged: converted again
    assert client.get(url).data.startswith(b"%PDF") and len(conversions) == 2
