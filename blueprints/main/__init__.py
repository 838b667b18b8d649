from flask import Blueprint, render_template
from flask_login import current_user, login_required

from workflow import machine
from workflow.services import listing, nominations
from workflow.services.reports import inbox as report_inbox

bp = Blueprint("main", __name__)

# The shapes of chain the diagram page draws: both eras, and an agency attached to a district.
CHAIN_SHAPES = [
    (("commune", "district"), "Thời kỳ có cấp huyện: xã đề nghị Giấy khen của Chủ tịch UBND huyện"),
    (("commune", "province"), "Chính quyền hai cấp (từ 01/7/2025): xã đề nghị khen thưởng cấp tỉnh"),
    (("district",), "Cơ quan, trường học trực thuộc huyện: không qua cấp xã"),
    (("commune", "district", "province"), "Thời kỳ có cấp huyện: xã đề nghị khen thưởng cấp tỉnh"),
]
# Reports climb to the unit that collects them: a district's period, and a province's since 2025.
REPORT_CHAIN_SHAPES = [
    (("commune", "district"), "Thời kỳ có cấp huyện: báo cáo của xã gửi huyện tổng hợp"),
    (("commune", "province"), "Chính quyền hai cấp (từ 01/7/2025): báo cáo của xã gửi tỉnh tổng hợp"),
]


@bp.get("/")
@login_required
def inbox():
    return render_template(
        "main/inbox.html",
        sections=listing.inbox(current_user),
        report_sections=report_inbox.inbox(current_user),
        may_draft=nominations.may_draft(current_user),
    )


@bp.get("/workflow")
@login_required
def workflow_diagram():
    diagrams = [(title, machine.mermaid(levels)) for levels, title in CHAIN_SHAPES]
    report_diagrams = [(title, machine.mermaid(levels, report=True)) for levels, title in REPORT_CHAIN_SHAPES]
    return render_template("main/workflow.html", diagrams=diagrams, report_diagrams=report_diagrams)
