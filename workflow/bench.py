"""`flask bench`: how fast the heavy operations are, on a scratch database, with a fixed seed.

Measures issuing a decision (query, render, store, state changes, commit) with 1,000 and 10,000 awardees,
rendering 1,000 certificates as one .docx, and consolidating the reports of a province of 1,000 units.
Prints a table and writes it as JSON under instance/bench/.
"""

import json
import platform
import random
import time
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import insert, select

from workflow import bench_reports, documents
from workflow.documents import context as document_context
from workflow.extensions import db
from workflow.models import Nomination, NominationEvent
from workflow.services import admin, decisions, nominations
from workflow.states import Role, State
from workflow.text import fold

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thanh", "Minh", "Ngọc", "Quang", "Kim"]
GIVEN = ["Hậu", "Lan", "Hùng", "Dũng", "Mai", "Phúc", "Sơn", "Hà", "Tuấn", "Liêng", "Thắng", "Ngân"]
TARGETS = {"issue_1000": 0.5, "issue_10000": 5.0, "certificates_1000": 1.0, "consolidate_1000_units": 0.3}


@click.command("bench", help="Đo tốc độ ra quyết định và in Giấy khen trên dữ liệu sinh ngẫu nhiên (seed cố định).")
@click.option("--sizes", default="1000,10000", help="Số người được khen trong mỗi quyết định đo.")
@with_appcontext
def bench_command(sizes):
    if not _is_scratch():
        raise click.ClickException("Chỉ chạy trên cơ sở dữ liệu trống (make bench tự tạo một cơ sở dữ liệu tạm).")
    db.create_all()
    rng = random.Random(2026)
    world = _world()
    results = {}
    for size in (int(s) for s in sizes.split(",")):
        ids = _approved_nominations(world, size, rng)
        draft = decisions.create_draft(
            world["secretariat"], {"award_form_id": world["form"].id, "nomination_ids": ids, "signer_name": "Lê Văn A"}
        )
        db.session.commit()
        draft_id = draft.id
        db.session.expire_all()
        started = time.perf_counter()
        decision = decisions.get(world["secretariat"], draft_id)
        decisions.issue(world["secretariat"], decision)
        db.session.commit()
        results[f"issue_{size}"] = time.perf_counter() - started
        if size == 1000:
            results["certificates_1000"] = _time_certificates(decision)
    results |= bench_reports.measure(rng)
    _report(results)


def _is_scratch() -> bool:
    return "bench" in current_app.config["SQLALCHEMY_DATABASE_URI"]


def _world() -> dict:
    root = admin.system_actor()
    province = admin.create_unit(root, {"code": "B", "name": "Tỉnh Đo Thử", "level": "province"})
    district = admin.create_unit(
        root, {"code": "B-H", "name": "Huyện Đo Thử", "level": "district", "parent_id": province.id}
    )
    commune = admin.create_unit(
        root, {"code": "B-H-X", "name": "Xã Đo Thử", "level": "commune", "parent_id": district.id}
    )
    users = {
        role: admin.create_user(
            root, {"username": f"bench.{role}", "password": "benchmark1", "roles": [{"role": role, "unit_id": unit.id}]}
        )
        for role, unit in (("clerk", commune), ("secretariat", district))
    }
    form = admin.save_award_form(
        root,
        {
            "name": "Giấy khen của Chủ tịch UBND huyện Đo Thử",
            "owner_unit_id": district.id,
            "nominee_kinds": ["collective", "individual"],
        },
    )
    campaign = admin.save_campaign(
        root,
        {
            "title": "Đợt thi đua đo tốc độ",
            "owner_unit_id": district.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "nomination_deadline": (date.today() + timedelta(days=30)).isoformat(),
            "award_form_ids": [form.id],
        },
    )
    template = nominations.create(
        users["clerk"],
        {
            "campaign_id": campaign.id,
            "award_form_id": form.id,
            "unit_id": commune.id,
            "nominee_kind": "individual",
            "nominee_name": "Mẫu",
            "achievements": "Mẫu",
        },
    )
    db.session.commit()
    return {
        "secretariat": users["secretariat"],
        "clerk": users["clerk"],
        "form": form,
        "template": template,
        "district": district,
    }


def _approved_nominations(world: dict, size: int, rng: random.Random) -> list[int]:
    """`size` nominations already approved by the district, inserted in bulk (the workflow itself is measured
    elsewhere), each with a history row as the real path would leave."""
    t = world["template"]
    chain = [{"unit_id": t.unit_id, "level": "commune"}, {"unit_id": world["district"].id, "level": "district"}]
    rows = []
    for i in range(size):
        kind = "collective" if i % 5 == 0 else "individual"
        name = (
            f"Tổ tự quản số {i}"
            if kind == "collective"
            else f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        )
        rows.append(
            {
                "campaign_id": t.campaign_id,
                "award_form_id": t.award_form_id,
                "unit_id": t.unit_id,
                "nominee_kind": kind,
                "nominee_name": name,
                "nominee_search": fold(name),
                "position": "Tổ trưởng tổ tự quản" if kind == "individual" else "",
                "achievements": "Tích cực tham gia phong trào Toàn dân bảo vệ ANTQ, phát hiện, tố giác tội phạm.",
                "state": State.district_approved.value,
                "version": 1,
                "review_chain": chain,
                "awaiting_role": Role.secretariat.value,
                "awaiting_unit_id": world["district"].id,
                "created_by_id": world["clerk"].id,
                "submitted_by_id": world["clerk"].id,
            }
        )
    first = (db.session.scalar(select(Nomination.id).order_by(Nomination.id.desc()).limit(1)) or 0) + 1
    db.session.execute(insert(Nomination), rows)
    ids = list(db.session.scalars(select(Nomination.id).where(Nomination.id >= first).order_by(Nomination.id)))
    db.session.execute(
        insert(NominationEvent),
        [
            {
                "nomination_id": i,
                "action": "approve",
                "from_state": "commune_approved",
                "to_state": "district_approved",
                "actor_id": world["clerk"].id,
                "comment": "",
            }
            for i in ids
        ],
    )
    db.session.commit()
    return ids


def _time_certificates(decision) -> float:
    """Rendering the decision's certificates alone (one page per awardee, one .docx), as issuing renders them."""
    context = document_context.with_certificates(document_context.decision_context(decision))
    template, _label = documents.template_for("certificate", decision.issuing_unit)
    started = time.perf_counter()
    documents.render(template, context)
    return time.perf_counter() - started


def _report(results: dict[str, float]) -> None:
    machine = (
        f"{platform.processor() or platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    rows = [
        {
            "what": key,
            "seconds": round(value, 3),
            "target_seconds": TARGETS.get(key),
            "met": value <= TARGETS.get(key, float("inf")),
        }
        for key, value in results.items()
    ]
    for row in rows:
        click.echo(
            f"{row['what']:<24} {row['seconds']:>8.3f} s   target ≤ {row['target_seconds']} s   "
            f"{'OK' if row['met'] else 'NOT MET'}"
        )
    out = Path(current_app.instance_path) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "decisions.json").write_text(
        json.dumps(
            {"machine": machine, "date": date.today().isoformat(), "results": rows}, ensure_ascii=False, indent=2
        )
    )
    click.echo(f"Đã ghi {out / 'decisions.json'}")
