from flask import Blueprint, render_template
from flask_login import current_user, login_required

from workflow import machine
from workflow.services import listing

bp = Blueprint("main", __name__)

# The shapes of chain the diagram page draws: both eras, and an agency attached to a district.
CHAIN_SHAPES = [
    (("commune", "district"), "Thời kỳ có cấp huyện: xã đề nghị Giấy khen của Chủ tịch UBND huyện"),
    (("commune", "province"), "Chính quyền hai cấp (từ 01/7/2025): xã đề nghị khen thưởng cấp tỉnh"),
    (("district",), "Cơ quan, trường học trực thuộc huyện: không qua cấp xã"),
    (("commune", "district", "province"), "Thời kỳ có cấp huyện: xã đề nghị khen thưởng cấp tỉnh"),
]


@bp.get("/")
@login_required
def inbox():
    return render_template("main/inbox.html", sections=listing.inbox(current_user))


@bp.get("/workflow")
@login_required
def workflow_diagram():
    diagrams = [(title, machine.mermaid(levels)) for levels, title in CHAIN_SHAPES]
    return render_template("main/workflow.html", diagrams=diagrams)
