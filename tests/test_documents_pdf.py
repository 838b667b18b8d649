"""PDF copies through LibreOffice headless. Collected only where LibreOffice is installed (see conftest.py; CI
sets REQUIRE_LIBREOFFICE=1, so there it always runs)."""

import re

from tests.factories import create_decision, create_nomination
from tests.test_documents import approved, make_decision, stored
from workflow import documents
from workflow.documents import context, render, samples
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
