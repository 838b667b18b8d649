"""Attachments through the API: checked by content on upload, the same bytes back on download."""

import hashlib
import io
from urllib.parse import quote

from tests.factories import create_nomination
from workflow.states import State

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(user, nomination_id, data: bytes, filename: str):
    return user.post(
        f"/nominations/{nomination_id}/attachments",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_a_pdf_is_attached_and_downloaded_byte_for_byte_under_its_vietnamese_name(api, world):
    nomination = create_nomination(world, world.c1)
    clerk = api("clerk_c1")
    response = upload(clerk, nomination.id, PDF, "Biên bản họp xét.pdf")
    assert response.status_code == 201
    attachment = response.get_json()
    assert attachment == {
        "id": attachment["id"],
        "filename": "Biên bản họp xét.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "url": f"/api/v1/nominations/{nomination.id}/attachments/{attachment['id']}",
    }
    assert clerk.nomination(nomination.id)["attachments"] == [attachment]

    download = clerk.client.get(attachment["url"], headers=clerk.headers)
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Biên bản họp xét.pdf')}" in disposition


def test_an_executable_renamed_pdf_is_refused_by_its_content(api, world):
    nomination = create_nomination(world, world.c1)
    clerk = api("clerk_c1")
    response = upload(clerk, nomination.id, EXE, "bao-cao.pdf")
    assert response.status_code == 422
    message = "Tệp “bao-cao.pdf” không phải PDF, DOCX, JPG, PNG hợp lệ (kiểm tra theo nội dung tệp, không theo tên)."
    assert response.get_json()["error"] == {
        "code": "validation_error",
        "message": message,
        "fields": {"file": message},
    }
    assert clerk.nomination(nomination.id)["attachments"] == []


def test_an_upload_without_a_file_is_422(api, world):
    nomination = create_nomination(world, world.c1)
    response = api("clerk_c1").post(
        f"/nominations/{nomination.id}/attachments", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"file": "Trường bắt buộc, chưa có giá trị."}


def test_a_submitted_nomination_takes_no_new_attachment(api, world):
    nomination = create_nomination(world, world.c1, state=State.submitted)
    response = upload(api("clerk_c1"), nomination.id, PDF, "bo-sung.pdf")
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == "Hồ sơ đang ở trạng thái “Đã gửi, chờ duyệt”, không thể sửa."


def test_another_units_attachment_cannot_be_downloaded(api, world):
    nomination = create_nomination(world, world.c1)
    attachment = upload(api("clerk_c1"), nomination.id, PDF, "a.pdf").get_json()
    outsider = api("clerk_c2")
    response = outsider.client.get(attachment["url"], headers=outsider.headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "Không tìm thấy hồ sơ đề nghị."
    wrong_pair = api("clerk_c1").get(
        f"/nominations/{create_nomination(world, world.c1).id}/attachments/{attachment['id']}"
    )
    assert wrong_pair.status_code == 404
    assert wrong_pair.get_json()["error"]["message"] == "Không tìm thấy tệp đính kèm."
